//! Steps 4–7 of a batch: the requests, their attachment records, first timeline entries
//! and e-mails as multi-row inserts, and spending the batch's captchas.

use super::super::outbox_row;
use super::Writer;
use super::{OpenError, Pending, Submission};
use crate::db::entities::{attachment, outbox_message, request, request_event};
use crate::mail::compose::{self, ComposedMail, RequestRegistered, Sender};
use app::domain::lifecycle::{EventKind, Status};
use app::domain::queue_search::index_text;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryTrait, Set};
use std::collections::{HashMap, HashSet};

impl Writer {
    /// 4–7: the requests, their attachment records, first timeline entries and e-mails.
    pub(super) async fn insert_rows(
        &self,
        txn: &DatabaseTransaction,
        openings: &[Pending],
        stored: &[usize],
        numbers: &HashMap<usize, String>,
        now: DateTime<Utc>,
    ) -> Result<(), OpenError> {
        let number_of = |index: usize| numbers.get(&index).cloned().unwrap_or_default();
        let requests = stored.iter().map(|&index| {
            let Pending { system_id, submission, .. } = &openings[index];
            let draft = &submission.draft;
            request::ActiveModel {
                number: Set(number_of(index)),
                system_id: Set(*system_id),
                funcionalidade_id: Set(draft.funcionalidade_id),
                status: Set(Status::Recebido.code().to_owned()),
                level: Set(1),
                email: Set(draft.email.as_str().to_owned()),
                name: Set(draft.nome.as_str().to_owned()),
                cpf: Set(draft.cpf.digits()),
                cns: Set(draft.cns.as_ref().map(|c| c.digits())),
                phone: Set(draft.telefone.digits()),
                uf: Set(draft.uf.acronym.to_owned()),
                description: Set(draft.descricao.as_str().to_owned()),
                search_text: Set(index_text(
                    &number_of(index),
                    draft.nome.as_str(),
                    draft.email.as_str(),
                    &draft.telefone.digits(),
                    draft.descricao.as_str(),
                )),
                idempotency_key: Set(submission.idempotency_key.clone()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        });
        // Matched back by number: RETURNING does not promise the VALUES order.
        // sea-orm's own RETURNING helpers are off for SQLite; both engines speak it.
        let mut insert = request::Entity::insert_many(requests).into_query();
        insert.returning(Query::returning().columns([request::Column::Number, request::Column::Id]));
        let rows = txn.query_all(txn.get_database_backend().build(&insert)).await?;
        let ids: HashMap<String, i32> = rows
            .iter()
            .map(|row| Ok((row.try_get_by_index::<String>(0)?, row.try_get_by_index::<i32>(1)?)))
            .collect::<Result<_, DbErr>>()?;
        let id_of = |index: usize| -> Result<i32, OpenError> {
            ids.get(&number_of(index)).copied().ok_or_else(|| OpenError::Database(DbErr::RecordNotInserted))
        };

        let mut files = Vec::new();
        let mut events = Vec::with_capacity(stored.len());
        let mut mails = Vec::with_capacity(stored.len());
        for &index in stored {
            let Pending { system_name, submission, .. } = &openings[index];
            let request_id = id_of(index)?;
            files.extend(submission.attachments.iter().map(|file| file.record(request_id, now)));
            events.push(request_event::ActiveModel {
                request_id: Set(request_id),
                kind: Set(EventKind::Opening.code().to_owned()),
                level: Set(1),
                body: Set(submission.draft.descricao.as_str().to_owned()),
                public: Set(true),
                created_at: Set(now),
                ..Default::default()
            });
            let mail = registered_mail(&self.sender, &self.public_url, system_name, submission, &number_of(index))?;
            mails.push(outbox_row(Some(request_id), "request_registered", mail, now));
        }
        if !files.is_empty() {
            attachment::Entity::insert_many(files).exec_without_returning(txn).await?;
        }
        request_event::Entity::insert_many(events).exec_without_returning(txn).await?;
        outbox_message::Entity::insert_many(mails).exec_without_returning(txn).await?;
        Ok(())
    }
}

/// The "request registered" e-mail of one opening.
pub fn registered_mail(
    sender: &Sender,
    public_url: &str,
    system_name: &str,
    submission: &Submission,
    number: &str,
) -> Result<ComposedMail, compose::ComposeError> {
    compose::request_registered(
        sender,
        &RequestRegistered {
            citizen_name: submission.draft.nome.as_str(),
            citizen_email: submission.draft.email.as_str(),
            protocol_number: number,
            system_name,
            follow_url: &format!("{public_url}/acompanhar?numero={number}"),
        },
    )
}

/// Inserts the captchas of the openings marked `spending`; the challenges actually spent
/// now (one already in the table was spent before: a replay).
pub(super) async fn spend_captchas(
    txn: &DatabaseTransaction,
    openings: &[Pending],
    spending: &[bool],
    now: DateTime<Utc>,
) -> Result<HashSet<String>, DbErr> {
    let mut insert = Query::insert();
    insert.into_table(Alias::new("captcha_uses")).columns([
        Alias::new("challenge"),
        Alias::new("expires_at"),
        Alias::new("used_at"),
    ]);
    // In key order: two instances inserting the same replayed challenges in different
    // orders could otherwise deadlock on PostgreSQL.
    let mut captchas: Vec<_> = openings
        .iter()
        .zip(spending)
        .filter(|(_, spend)| **spend)
        .map(|(pending, _)| &pending.submission.captcha)
        .collect();
    if captchas.is_empty() {
        return Ok(HashSet::new());
    }
    captchas.sort_by(|a, b| a.challenge.cmp(&b.challenge));
    for captcha in captchas {
        insert.values_panic([captcha.challenge.clone().into(), captcha.expires_at.into(), now.into()]);
    }
    insert
        .on_conflict(OnConflict::column(Alias::new("challenge")).do_nothing().to_owned())
        .returning_col(Alias::new("challenge"));
    let rows = txn.query_all(txn.get_database_backend().build(&insert)).await?;
    rows.iter().map(|row| row.try_get_by_index::<String>(0)).collect()
}
