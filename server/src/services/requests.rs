//! Opening a request: everything that belongs to it is written in one transaction (the
//! protocol number, the request, its attachment records, the first timeline entry, the
//! spent captcha and the confirmation e-mail), so a request is never half there and its
//! e-mail is never lost.

use super::catalog::card;
use super::db_failure;
use super::opening::{self, Openings, Writer};
use super::settings::SettingsStore;
use crate::captcha::{CaptchaIssuer, Verified};
use crate::db::entities::{funcionalidade, system};
use crate::db::WriteGate;
use crate::mail::compose::{ComposeError, Sender};
use crate::secret::{constant_time_eq, Keys, Purpose};
use crate::spent_captchas::{Captchas, SpentCaptchas};
use app::api::request::{FuncionalidadeOption, RequestFormInfo};
use app::domain::pow::Challenge;
use app::domain::request_form::ValidDraft;
use app::domain::settings::AttachmentLimits;
use app::ports::{PortError, RequestDesk};
use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashSet;
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
    /// The key of the form it came from (`opening::keys`).
    pub idempotency_key: Option<String>,
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
    /// The attachment limits in force.
    pub limits: AttachmentLimits,
}

impl FormSystem {
    pub fn funcionalidade_ids(&self) -> Vec<i32> {
        self.funcionalidades.iter().map(|f| f.id).collect()
    }
}

/// What a citizen's e-mail needs: who sends it, the portal's public address for its
/// link, and the delivery job to wake once it is committed.
#[derive(Debug, Clone)]
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
    settings: Arc<SettingsStore>,
    openings: Openings,
    spent: SpentCaptchas,
}

impl RequestService {
    pub fn new(
        db: DatabaseConnection,
        gate: WriteGate,
        captchas: Captchas,
        keys: Keys,
        per_cpf_per_day: u32,
        mail: Outgoing,
        settings: Arc<SettingsStore>,
    ) -> RequestService {
        let Captchas { issuer: captcha, spent } = captchas;
        let Outgoing { sender, public_url, wakeup: mail_wakeup } = mail;
        let openings = Openings::start(Writer {
            db: db.clone(),
            gate,
            sender: sender.clone(),
            public_url: public_url.clone(),
            per_cpf_per_day,
            mail_wakeup,
        });
        RequestService { db, captcha, keys, sender, public_url, per_cpf_per_day, settings, openings, spent }
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
        let limits = self.settings.current().await?.attachments;
        Ok(Some(FormSystem { system, funcionalidades, limits }))
    }

    /// Spends the captcha of a submission that was refused after it checked out: one solved
    /// challenge buys one try, whatever the answer (the browser solves a fresh one).
    pub async fn spend_refused(&self, captcha: Verified) {
        if let Err(error) = self.spent.spend(captcha, Utc::now()).await {
            tracing::error!(error = %error, "spending the captcha of a refused submission");
        }
    }

    /// The number of the request already opened from the form with this key, if any.
    pub async fn opened_with_key(&self, key: &str) -> Result<Option<String>, DbErr> {
        let mut found = opening::keys::stored_numbers(&self.db, vec![key.to_owned()]).await?;
        Ok(found.remove(key))
    }

    /// Whether this person (CPF and e-mail) has opened as many requests in the last 24
    /// hours as allowed.
    pub async fn over_daily_limit(&self, draft: &ValidDraft) -> Result<bool, DbErr> {
        let person = opening::person_of(draft);
        let opened = opening::opened_last_day(&self.db, &HashSet::from([person.clone()]), Utc::now()).await?;
        Ok(opened.get(&person).copied().unwrap_or(0) >= u64::from(self.per_cpf_per_day))
    }

    /// Stores the request and everything that belongs to it, with the other openings of
    /// the moment in one transaction (`opening`); returns its protocol number.
    pub async fn open(&self, form: &FormSystem, submission: Submission) -> Result<String, OpenError> {
        // The e-mail is composed again with the real number inside the batch; composing it
        // here first means an address the mail library refuses fails this opening alone.
        opening::registered_mail(&self.sender, &self.public_url, &form.system.name, &submission, "000000000000")?;
        self.openings.open(form.system.id, form.system.name.clone(), submission).await
    }

    /// The signature that lets the browser that opened `number` see its success page.
    pub fn created_token(&self, number: &str) -> String {
        let full = self.keys.sign(Purpose::CreatedPage, number.as_bytes());
        full[..32].to_owned()
    }
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
            limits: form.limits,
            idempotency_key: super::agents::random_token(),
        }))
    }

    fn challenge(&self) -> Challenge {
        self.captcha.issue(Utc::now())
    }

    fn created_token_valid(&self, number: &str, token: &str) -> bool {
        let expected = self.created_token(number);
        // Constant time is overkill for a page that shows only the number, but free.
        constant_time_eq(expected.as_bytes(), token.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catch_all_option_is_recognised() {
        assert!(is_catch_all("Outros assuntos"));
        assert!(is_catch_all("OUTROS ASSUNTOS"));
        assert!(!is_catch_all("Gerar CNES"));
    }
}
