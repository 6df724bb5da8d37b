//! Anonymising requests, the one way both an administrator's "Anonimizar" and the
//! retention job take: names, e-mail, phone, CPF and CNS replaced by one token per person;
//! free texts replaced by "[removido]" unless an administrator confirmed they hold no
//! personal data; attachments and every e-mail about the requests (queued or sent, and
//! their `.eml` copies) removed. What statistics need stays: system, funcionalidade, UF,
//! dates, level, status, rating. Each request is taken by a conditional update, so two
//! instances never anonymise one twice.

use crate::attachments::store::AttachmentStore;
use crate::db::entities::{attachment, outbox_message, request, request_event};
use crate::mail::transport::eml_path;
use app::domain::privacy::{anonymous_token, REMOVED};
use app::domain::queue_search::index_text;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What an anonymisation took away, for its audit line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Anonymised {
    pub requests: u64,
    pub attachments: u64,
    pub mails: u64,
}

/// What is deleted outside the database once the transaction committed.
#[derive(Debug, Default)]
pub struct Leftovers {
    attachments: Vec<String>,
    mails: Vec<String>,
}

/// Anonymises the requests among `ids` not anonymised yet, within the caller's
/// transaction; the stored files go once it commits ([`Leftovers::remove`]).
pub async fn anonymise_requests(
    txn: &impl ConnectionTrait,
    ids: &[i32],
    keep_texts: bool,
    now: DateTime<Utc>,
) -> Result<(Anonymised, Leftovers), DbErr> {
    let rows = request::Entity::find()
        .filter(request::Column::Id.is_in(ids.iter().copied()))
        .filter(request::Column::AnonymizedAt.is_null())
        .all(txn)
        .await?;
    let mut tokens: HashMap<String, String> = HashMap::new();
    let mut taken = Vec::new();
    let mut emails = Vec::new();
    for row in rows {
        let token = tokens.entry(row.cpf.clone()).or_insert_with(|| anonymous_token(rand::random())).clone();
        let description = if keep_texts { row.description.clone() } else { REMOVED.to_owned() };
        let mut update = request::Entity::update_many()
            .col_expr(request::Column::Name, Expr::value(token.clone()))
            .col_expr(request::Column::Email, Expr::value(token.clone()))
            .col_expr(request::Column::Phone, Expr::value(token.clone()))
            .col_expr(request::Column::Cpf, Expr::value(token.clone()))
            .col_expr(request::Column::Cns, Expr::value(Option::<String>::None))
            .col_expr(request::Column::SearchText, Expr::value(index_text(&row.number, "", "", "", &description)))
            .col_expr(request::Column::Description, Expr::value(description))
            .col_expr(request::Column::AnonymizedAt, Expr::value(Some(now)));
        if !keep_texts && row.rating_comment.is_some() {
            update = update.col_expr(request::Column::RatingComment, Expr::value(Some(REMOVED.to_owned())));
        }
        let done = update
            .filter(request::Column::Id.eq(row.id))
            .filter(request::Column::AnonymizedAt.is_null())
            .exec(txn)
            .await?
            .rows_affected;
        if done == 1 {
            taken.push(row.id);
            emails.push(row.email);
        }
    }
    if taken.is_empty() {
        return Ok((Anonymised::default(), Leftovers::default()));
    }
    if !keep_texts {
        request_event::Entity::update_many()
            .col_expr(request_event::Column::Body, Expr::value(REMOVED))
            .filter(request_event::Column::RequestId.is_in(taken.iter().copied()))
            .exec(txn)
            .await?;
    }
    let attachments: Vec<String> = attachment::Entity::find()
        .select_only()
        .column(attachment::Column::Id)
        .filter(attachment::Column::RequestId.is_in(taken.iter().copied()))
        .into_tuple()
        .all(txn)
        .await?;
    attachment::Entity::delete_many()
        .filter(attachment::Column::RequestId.is_in(taken.iter().copied()))
        .exec(txn)
        .await?;
    // Every e-mail about these requests, and those sent to the person's address without
    // one (access links), queued or sent: their bytes hold the name and the address.
    let about = Condition::any()
        .add(outbox_message::Column::RequestId.is_in(taken.iter().copied()))
        .add(outbox_message::Column::MailTo.is_in(emails.iter().cloned()));
    let mails: Vec<String> = outbox_message::Entity::find()
        .select_only()
        .column(outbox_message::Column::MessageId)
        .filter(about.clone())
        .into_tuple()
        .all(txn)
        .await?;
    outbox_message::Entity::delete_many().filter(about).exec(txn).await?;
    let done =
        Anonymised { requests: taken.len() as u64, attachments: attachments.len() as u64, mails: mails.len() as u64 };
    Ok((done, Leftovers { attachments, mails }))
}

impl Leftovers {
    /// Deletes the stored attachments and the `.eml` copies in `mail_dir` (when mail goes
    /// to files). A file that cannot be deleted is logged by its id, never by its name.
    pub async fn remove(self, store: &Arc<dyn AttachmentStore>, mail_dir: Option<&PathBuf>) {
        for id in &self.attachments {
            if let Err(error) = store.delete(id).await {
                if error.kind() != std::io::ErrorKind::NotFound {
                    tracing::error!(attachment = %id, error = %error, "an anonymised request's file was not deleted");
                }
            }
        }
        let Some(dir) = mail_dir else { return };
        for id in &self.mails {
            match tokio::fs::remove_file(eml_path(dir, id)).await {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => tracing::error!(error = %error, "an anonymised person's e-mail file was not deleted"),
            }
        }
    }
}
