//! Opening a request, in one place: the request form's side of the server (its data,
//! captcha challenges, the confirmation page's signature) and the opening itself. The
//! order of the checks, storing the files and cleaning them up again is `submit`'s;
//! everything that belongs to a request (the protocol number, the request, its attachment
//! records, the first timeline entry, the spent captcha and the confirmation e-mail) is
//! written in one transaction by the group-commit writer (`batch`), so a request is never
//! half there and its e-mail is never lost.

mod batch;
mod counter;
pub mod keys;
pub(crate) mod people;
mod rows;
mod submit;

pub use batch::{Openings, Writer};
pub use people::{mailbox, opened_last_day, person_of, Person};
pub use rows::registered_mail;
pub use submit::{Opened, Posted};

use super::catalog::card;
use super::refuse;
use super::settings::SettingsStore;
use crate::attachments::intake::StoredAttachment;
use crate::attachments::store::AttachmentStore;
use crate::captcha::{CaptchaIssuer, Verified};
use crate::db::entities::{funcionalidade, system};
use crate::db::WriteGate;
use crate::mail::compose::{ComposeError, Sender};
use crate::rate_limit::{LimitStore, Limiter};
use crate::secret::{constant_time_eq, Keys, Purpose};
use crate::spent_captchas::{Captchas, SpentCaptchas};
use app::api::request::{FuncionalidadeOption, RequestFormInfo};
use app::api::AppError;
use app::domain::pow::Challenge;
use app::domain::protocol::ProtocolNumber;
use app::domain::request_form::ValidDraft;
use app::domain::settings::AttachmentLimits;
use app::ports::RequestDesk;
use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::Notify;

/// A request that passed every check, ready to be stored.
#[derive(Debug)]
pub struct Submission {
    pub draft: ValidDraft,
    pub captcha: Verified,
    pub attachments: Vec<StoredAttachment>,
    /// The key of the form it came from (`opening::keys`).
    pub idempotency_key: Option<String>,
}

/// One opening on its way to the writer: a submission and the system it is for.
#[derive(Debug)]
pub struct Pending {
    pub system_id: i32,
    pub system_name: String,
    pub submission: Submission,
}

/// Why the writer did not store one opening (inside `opening` only: `submit` answers with
/// a `Refusal`).
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
    system: system::Model,
    funcionalidades: Vec<funcionalidade::Model>,
    limits: AttachmentLimits,
}

impl FormSystem {
    fn funcionalidade_ids(&self) -> Vec<i32> {
        self.funcionalidades.iter().map(|f| f.id).collect()
    }

    /// The attachment limits in force (the handler caps the body with them).
    pub fn limits(&self) -> AttachmentLimits {
        self.limits
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

/// How many openings one address and one person may make.
#[derive(Debug, Clone, Copy)]
pub struct OpeningLimits {
    /// Per client address, per hour.
    pub per_ip_per_hour: u32,
    /// Per person (CPF and e-mail), per 24 hours.
    pub per_cpf_per_day: u32,
}

/// What the request service is built from.
pub struct RequestParts {
    pub db: DatabaseConnection,
    pub gate: WriteGate,
    pub captchas: Captchas,
    pub keys: Keys,
    pub mail: Outgoing,
    pub settings: Arc<SettingsStore>,
    pub attachments: Arc<dyn AttachmentStore>,
    pub limits: OpeningLimits,
    /// Where the per-address limit is kept.
    pub limit_store: LimitStore,
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
    attachments: Arc<dyn AttachmentStore>,
    per_ip: Limiter,
}

impl RequestService {
    pub fn new(parts: RequestParts) -> RequestService {
        let RequestParts { db, gate, captchas, keys, mail, settings, attachments, limits, limit_store } = parts;
        let per_cpf_per_day = limits.per_cpf_per_day;
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
        let per_ip = limit_store.limiter("abertura", limits.per_ip_per_hour, std::time::Duration::from_secs(3_600));
        RequestService {
            db,
            captcha,
            keys,
            sender,
            public_url,
            per_cpf_per_day,
            settings,
            openings,
            spent,
            attachments,
            per_ip,
        }
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
    async fn spend_refused(&self, captcha: Verified) {
        if let Err(error) = self.spent.spend(captcha, Utc::now()).await {
            tracing::error!(error = %error, "spending the captcha of a refused submission");
        }
    }

    /// The number of the request already opened from the form with this key, if any.
    async fn opened_with_key(&self, key: &str) -> Result<Option<String>, DbErr> {
        let mut found = keys::stored_numbers(&self.db, vec![key.to_owned()]).await?;
        Ok(found.remove(key))
    }

    /// Whether this person (CPF and e-mail) has opened as many requests in the last 24
    /// hours as allowed.
    async fn over_daily_limit(&self, draft: &ValidDraft) -> Result<bool, DbErr> {
        let person = person_of(draft);
        let opened = opened_last_day(&self.db, &HashSet::from([person.clone()]), Utc::now()).await?;
        Ok(opened.get(&person).copied().unwrap_or(0) >= u64::from(self.per_cpf_per_day))
    }

    /// Stores the request and everything that belongs to it, with the other openings of
    /// the moment in one transaction (`opening`); returns its protocol number.
    async fn open(&self, form: &FormSystem, submission: Submission) -> Result<String, OpenError> {
        // The e-mail is composed again with the real number inside the batch; composing it
        // here first means an address the mail library refuses fails this opening alone.
        registered_mail(&self.sender, &self.public_url, &form.system.name, &submission, "000000000000")?;
        self.openings
            .open(Pending { system_id: form.system.id, system_name: form.system.name.clone(), submission })
            .await
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
    async fn form(&self, slug: &str) -> Result<Option<RequestFormInfo>, AppError> {
        let found = self.form_system(slug).await.map_err(refuse("load request form"))?;
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

    fn created_token_valid(&self, number: &ProtocolNumber, token: &str) -> bool {
        let expected = self.created_token(number.as_str());
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
