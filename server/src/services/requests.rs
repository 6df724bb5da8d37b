//! Opening a request: everything that belongs to it is written in one transaction (the
//! protocol number, the request, its attachment records, the first timeline entry, the
//! spent captcha and the confirmation e-mail), so a request is never half there and its
//! e-mail is never lost.

use super::catalog::card;
use super::{db_failure, enqueue_mail, spend_captcha};
use crate::captcha::{CaptchaIssuer, Verified};
use crate::db::entities::{attachment, funcionalidade, request, request_event, system};
use crate::db::WriteGate;
use crate::mail::compose::{self, ComposeError, RequestRegistered, Sender};
use crate::secret::{Keys, Purpose};
use app::api::request::{FuncionalidadeOption, RequestFormInfo};
use app::domain::pow::Challenge;
use app::domain::request_form::{protocol_number, ValidDraft};
use app::ports::{PortError, RequestDesk};
use async_trait::async_trait;
use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use std::sync::Arc;
use tokio::sync::Notify;

/// The status of a request nobody has touched yet (shown as "Recebido").
pub const STATUS_RECEIVED: &str = "recebido";
/// Timeline kind of the first entry ("Abertura").
pub const EVENT_OPENING: &str = "abertura";

/// An attachment already cleaned and put in the store, waiting for its database record.
#[derive(Debug, Clone)]
pub struct StoredAttachment {
    pub id: String,
    pub file_name: String,
    pub content_type: &'static str,
    pub size: usize,
}

/// A request that passed every check, ready to be stored.
#[derive(Debug)]
pub struct Submission {
    pub draft: ValidDraft,
    pub captcha: Verified,
    pub attachments: Vec<StoredAttachment>,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("captcha challenge already spent")]
    CaptchaSpent,
    #[error("per-CPF limit reached")]
    CpfLimit,
    /// The commit failed in a way that does not tell whether it happened.
    #[error("commit outcome unknown: {0}")]
    CommitUnknown(DbErr),
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("composing the e-mail: {0}")]
    Mail(#[from] ComposeError),
}

/// What the form needs to know about a system.
#[derive(Debug, Clone)]
pub struct FormSystem {
    pub system: system::Model,
    pub funcionalidades: Vec<funcionalidade::Model>,
}

impl FormSystem {
    pub fn funcionalidade_ids(&self) -> Vec<i32> {
        self.funcionalidades.iter().map(|f| f.id).collect()
    }
}

/// What the confirmation e-mail needs: who sends it, the portal's public address for its
/// link, and the delivery job to wake once it is committed.
#[derive(Debug)]
pub struct Outgoing {
    pub sender: Sender,
    pub public_url: String,
    pub wakeup: Arc<Notify>,
}

pub struct RequestService {
    db: DatabaseConnection,
    captcha: CaptchaIssuer,
    keys: Keys,
    sender: Sender,
    public_url: String,
    per_cpf_per_day: u32,
    mail_wakeup: Arc<Notify>,
    gate: WriteGate,
}

impl RequestService {
    pub fn new(
        db: DatabaseConnection,
        gate: WriteGate,
        captcha: CaptchaIssuer,
        keys: Keys,
        per_cpf_per_day: u32,
        mail: Outgoing,
    ) -> RequestService {
        let Outgoing { sender, public_url, wakeup: mail_wakeup } = mail;
        RequestService { db, captcha, keys, sender, public_url, per_cpf_per_day, mail_wakeup, gate }
    }

    pub fn captcha(&self) -> &CaptchaIssuer {
        &self.captcha
    }

    /// The active system with this slug and its active options, "Outros assuntos" last.
    pub async fn form_system(&self, slug: &str) -> Result<Option<FormSystem>, DbErr> {
        let Some(system) = system::Entity::find()
            .filter(system::Column::Slug.eq(slug))
            .filter(system::Column::Active.eq(true))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let mut funcionalidades = funcionalidade::Entity::find()
            .filter(funcionalidade::Column::SystemId.eq(system.id))
            .filter(funcionalidade::Column::Active.eq(true))
            .order_by_asc(funcionalidade::Column::Position)
            .order_by_asc(funcionalidade::Column::Id)
            .all(&self.db)
            .await?;
        // Whatever order an administrator gives, the catch-all option stays at the end.
        funcionalidades.sort_by_key(|f| is_catch_all(&f.name));
        Ok(Some(FormSystem { system, funcionalidades }))
    }

    /// Whether this CPF has opened as many requests in the last 24 hours as allowed.
    pub async fn cpf_over_limit(&self, cpf_digits: &str) -> Result<bool, DbErr> {
        Ok(opened_last_day(&self.db, cpf_digits).await? >= u64::from(self.per_cpf_per_day))
    }

    /// Stores the request and everything that belongs to it; returns its protocol number.
    pub async fn open(&self, form: &FormSystem, submission: Submission) -> Result<String, OpenError> {
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let number = self.write(&txn, form, submission).await;
        match number {
            Ok(number) => {
                txn.commit().await.map_err(OpenError::CommitUnknown)?;
                // The delivery job may be sleeping; the e-mail should leave now.
                self.mail_wakeup.notify_one();
                Ok(number)
            }
            Err(error) => {
                let _ = txn.rollback().await;
                Err(error)
            }
        }
    }

    async fn write(
        &self,
        txn: &DatabaseTransaction,
        form: &FormSystem,
        submission: Submission,
    ) -> Result<String, OpenError> {
        let now = Utc::now();
        let backend = txn.get_database_backend();
        // A write first: on SQLite it takes the write lock at once (no read-to-write
        // upgrade that could fail under contention).
        if !spend_captcha(txn, &submission.captcha, now).await? {
            return Err(OpenError::CaptchaSpent);
        }

        let year = brasilia_year(now);
        let counter = Alias::new("protocol_counters");
        let next = Query::insert()
            .into_table(counter.clone())
            .columns([Alias::new("year"), Alias::new("last_value")])
            .values_panic([year.into(), 1i64.into()])
            .on_conflict(
                OnConflict::column(Alias::new("year"))
                    .value(Alias::new("last_value"), Expr::col((counter, Alias::new("last_value"))).add(1))
                    .to_owned(),
            )
            .returning_col(Alias::new("last_value"))
            .to_owned();
        let row = txn
            .query_one(backend.build(&next))
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("protocol counter returned no row".into()))?;
        let sequence: i64 = row.try_get_by_index(0)?;
        let number = protocol_number(year, sequence);

        // Counted again here, behind the counter's row lock (PostgreSQL) or the write lock
        // (SQLite): concurrent submissions of one CPF cannot all slip under the limit.
        if opened_last_day(txn, &submission.draft.cpf.digits()).await? >= u64::from(self.per_cpf_per_day) {
            return Err(OpenError::CpfLimit);
        }

        let draft = &submission.draft;
        let stored = request::ActiveModel {
            number: Set(number.clone()),
            system_id: Set(form.system.id),
            funcionalidade_id: Set(draft.funcionalidade_id),
            status: Set(STATUS_RECEIVED.to_owned()),
            level: Set(1),
            email: Set(draft.email.as_str().to_owned()),
            name: Set(draft.nome.as_str().to_owned()),
            cpf: Set(draft.cpf.digits()),
            cns: Set(draft.cns.as_ref().map(|c| c.digits())),
            phone: Set(draft.telefone.digits()),
            uf: Set(draft.uf.acronym.to_owned()),
            description: Set(draft.descricao.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;

        for file in &submission.attachments {
            attachment::ActiveModel {
                id: Set(file.id.clone()),
                request_id: Set(stored.id),
                file_name: Set(file.file_name.clone()),
                content_type: Set(file.content_type.to_owned()),
                size_bytes: Set(i64::try_from(file.size).unwrap_or(i64::MAX)),
                created_at: Set(now),
            }
            .insert(txn)
            .await?;
        }

        request_event::ActiveModel {
            request_id: Set(stored.id),
            kind: Set(EVENT_OPENING.to_owned()),
            level: Set(1),
            body: Set(draft.descricao.as_str().to_owned()),
            public: Set(true),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;

        let mail = compose::request_registered(
            &self.sender,
            &RequestRegistered {
                citizen_name: draft.nome.as_str(),
                citizen_email: draft.email.as_str(),
                protocol_number: &number,
                system_name: &form.system.name,
                follow_url: &format!("{}/acompanhar?numero={number}", self.public_url),
            },
        )?;
        enqueue_mail(txn, Some(stored.id), "request_registered", mail, now).await?;
        Ok(number)
    }

    /// The signature that lets the browser that opened `number` see its success page.
    pub fn created_token(&self, number: &str) -> String {
        let full = self.keys.sign(Purpose::CreatedPage, number.as_bytes());
        full[..32].to_owned()
    }
}

/// Requests this CPF opened in the last 24 hours (the per-CPF limit's count).
async fn opened_last_day(db: &impl ConnectionTrait, cpf_digits: &str) -> Result<u64, DbErr> {
    request::Entity::find()
        .filter(request::Column::Cpf.eq(cpf_digits))
        .filter(request::Column::CreatedAt.gt(Utc::now() - chrono::Duration::hours(24)))
        .count(db)
        .await
}

/// Protocol numbers carry the year in Brasília (UTC−3, no daylight saving since 2019),
/// so a request opened on 31 December at 22:00 local time belongs to that year.
fn brasilia_year(now: chrono::DateTime<Utc>) -> i32 {
    app::domain::lifecycle::brasilia_date(now.timestamp()).year
}

fn is_catch_all(name: &str) -> bool {
    app::domain::search::fold(name) == "outros assuntos"
}

#[async_trait]
impl RequestDesk for RequestService {
    async fn form(&self, slug: &str) -> Result<Option<RequestFormInfo>, PortError> {
        let found = self.form_system(slug).await.map_err(|e| db_failure("load request form", e))?;
        Ok(found.map(|form| RequestFormInfo {
            system: card(form.system.clone()),
            funcionalidades: form
                .funcionalidades
                .iter()
                .map(|f| FuncionalidadeOption { id: f.id, name: f.name.clone() })
                .collect(),
        }))
    }

    fn challenge(&self) -> Challenge {
        self.captcha.issue(Utc::now())
    }

    fn created_token_valid(&self, number: &str, token: &str) -> bool {
        let expected = self.created_token(number);
        // Constant time is overkill for a page that shows only the number, but free.
        expected.len() == token.len() && expected.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_year_is_brasilias() {
        let late = chrono::DateTime::parse_from_rfc3339("2027-01-01T02:30:00Z").map(|d| d.with_timezone(&Utc));
        assert_eq!(late.map(brasilia_year).ok(), Some(2026));
        let day = chrono::DateTime::parse_from_rfc3339("2027-01-01T03:00:00Z").map(|d| d.with_timezone(&Utc));
        assert_eq!(day.map(brasilia_year).ok(), Some(2027));
    }

    #[test]
    fn the_catch_all_option_is_recognised() {
        assert!(is_catch_all("Outros assuntos"));
        assert!(is_catch_all("OUTROS ASSUNTOS"));
        assert!(!is_catch_all("Gerar CNES"));
    }
}
