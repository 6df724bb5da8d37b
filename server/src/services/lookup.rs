//! The lookup by CPF and number: captcha, a limit per address, one answer for every
//! mismatch, and the session a match grants. Failed lookups are counted per CPF; once a
//! CPF has too many, the screen no longer says whether a pair matches, and a match gets
//! a short-lived link by e-mail to the address the request was opened with instead. So
//! guessing numbers for a known CPF stops paying, and its owner is never locked out.

use super::enqueue_mail;
use super::opening::Outgoing;
use crate::captcha::CaptchaIssuer;
use crate::db::entities::{outbox_message, request, system};
use crate::db::WriteGate;
use crate::mail::access_link::{access_link, AccessLink};
use crate::mail::compose::ComposeError;
use crate::rate_limit::{LimitStore, Limiter};
use crate::secret::{Keys, Purpose};
use crate::session::{Scope, Sessions};
use crate::spent_captchas::{Captchas, SpentCaptchas};
use app::api::follow::{LookupField, LookupOutcome, NO_MATCH};
use app::domain::cpf::Cpf;
use app::domain::protocol::ProtocolNumber;
use app::ports::LookupAnswer;
use chrono::Utc;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use std::net::IpAddr;
use std::time::Duration;

const TOO_MANY_FROM_HERE: &str =
    "Muitas consultas feitas a partir desta conexão. Aguarde alguns minutos e tente novamente.";
const CAPTCHA_SPENT: &str = "Esta verificação anti-robô já foi usada. Aguarde a nova verificação e pesquise novamente.";
/// The one answer while a CPF's on-screen lookups are held back, match or not.
pub const SENT_BY_MAIL: &str =
    "Por segurança, este CPF teve muitas consultas sem sucesso e o resultado não é mostrado \
     na tela. Se o CPF e o número conferirem, enviamos agora um link de acesso para o e-mail informado na abertura \
     da solicitação (válido por 1 hora).";

/// How long the e-mailed access link works.
const ACCESS_LINK_LIFETIME: Duration = Duration::from_secs(3_600);
/// At most one access e-mail per request in this time (the mailbox is not to be flooded).
const ACCESS_MAIL_EVERY: chrono::Duration = chrono::Duration::minutes(10);
/// The outbox kind of the access e-mail.
const ACCESS_MAIL_KIND: &str = "access_link";

/// Limits on lookups, per hour.
#[derive(Debug, Clone, Copy)]
pub struct LookupLimits {
    pub per_ip: u32,
    /// Failed lookups of one CPF before its results leave the screen for the mailbox.
    pub per_cpf: u32,
}

/// The lookups' two limits, kept where the [`LimitStore`] keeps limits.
pub struct LookupLimiters {
    per_ip: Limiter,
    failed_per_cpf: Limiter,
}

impl LookupLimits {
    pub fn kept_in(self, store: &LimitStore) -> LookupLimiters {
        let hour = Duration::from_secs(3_600);
        LookupLimiters {
            per_ip: store.limiter("consulta", self.per_ip, hour),
            failed_per_cpf: store.limiter("consulta_cpf", self.per_cpf, hour),
        }
    }
}

pub struct Lookups {
    db: DatabaseConnection,
    keys: Keys,
    captcha: CaptchaIssuer,
    sessions: Sessions,
    spent: SpentCaptchas,
    access: AccessMail,
    per_ip: Limiter,
    failed_per_cpf: Limiter,
}

/// Why an access e-mail could not be queued.
#[derive(Debug, thiserror::Error)]
enum AccessMailError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("composing: {0}")]
    Compose(#[from] ComposeError),
}

/// Queues access-link e-mails (held-back lookups, the whole list on request).
#[derive(Clone)]
struct AccessMail {
    db: DatabaseConnection,
    gate: WriteGate,
    sessions: Sessions,
    mail: Outgoing,
}

impl Lookups {
    pub fn new(
        db: DatabaseConnection,
        gate: WriteGate,
        keys: Keys,
        captchas: Captchas,
        sessions: Sessions,
        mail: Outgoing,
        limits: LookupLimiters,
    ) -> Lookups {
        Lookups {
            access: AccessMail { db: db.clone(), gate, sessions: sessions.clone(), mail },
            db,
            keys,
            captcha: captchas.issuer,
            sessions,
            spent: captchas.spent,
            per_ip: limits.per_ip,
            failed_per_cpf: limits.failed_per_cpf,
        }
    }

    /// E-mails `row`'s person a link that opens all of their requests, at most one per
    /// [`ACCESS_MAIL_EVERY`]. In the background: the answer on screen takes the same path
    /// and time whether a link goes out or not, and a failure is only logged (the citizen
    /// can ask again).
    pub fn send_access_link(&self, row: request::Model) {
        let access = self.access.clone();
        tokio::spawn(async move {
            if let Err(error) = access.queue(&row).await {
                tracing::error!(request = row.id, error = %error, "queueing an access link e-mail");
            }
        });
    }

    pub async fn look_up(
        &self,
        cpf: &str,
        number: &str,
        answer: &str,
        client: Option<IpAddr>,
    ) -> Result<LookupAnswer, DbErr> {
        let answered = self.answer(cpf, number, answer, client).await;
        if let Ok(answered) = &answered {
            crate::metrics::lookup(match answered.outcome {
                LookupOutcome::Found { .. } => "found",
                LookupOutcome::Invalid { .. } => "invalid",
                LookupOutcome::Refused { .. } => "refused",
            });
        }
        answered
    }

    async fn answer(
        &self,
        cpf: &str,
        number: &str,
        answer: &str,
        client: Option<IpAddr>,
    ) -> Result<LookupAnswer, DbErr> {
        let refused = |message: &str| LookupAnswer {
            outcome: LookupOutcome::Refused { message: message.to_owned() },
            set_cookie: None,
        };
        let mut errors = Vec::new();
        let cpf = match Cpf::parse(cpf) {
            Ok(cpf) => Some(cpf),
            Err(error) => {
                errors.push((LookupField::Cpf, error.to_string()));
                None
            }
        };
        let number = number.trim();
        if number.is_empty() {
            errors.push((LookupField::Numero, "Informe o número da solicitação.".to_owned()));
        } else if ProtocolNumber::parse(number).is_none() {
            errors.push((LookupField::Numero, "O número da solicitação tem 12 dígitos, como 202600000123.".to_owned()));
        }
        let now = Utc::now();
        let verified = self.captcha.verify(answer, now);
        if let Err(error) = &verified {
            errors.push((LookupField::Captcha, error.message().to_owned()));
        }
        let (Some(cpf), Ok(verified), true) = (cpf, verified, errors.is_empty()) else {
            return Ok(LookupAnswer { outcome: LookupOutcome::Invalid { errors }, set_cookie: None });
        };
        if let Some(ip) = client {
            if !self.per_ip.allow_address(ip).await? {
                return Ok(refused(TOO_MANY_FROM_HERE));
            }
        }
        // Spent whatever the outcome: one solved captcha buys one guess.
        if !self.spent.spend(verified, now).await? {
            return Ok(LookupAnswer {
                outcome: LookupOutcome::Invalid { errors: vec![(LookupField::Captcha, CAPTCHA_SPENT.to_owned())] },
                set_cookie: None,
            });
        }
        let found = request::Entity::find().filter(request::Column::Number.eq(number)).one(&self.db).await?;
        let found = found.filter(|row| row.cpf == cpf.digits());
        // Only failures count against a CPF, and only after a fresh proof of work was spent:
        // neither a replayed captcha nor the owner's own lookups use up the budget. The
        // limiter keeps a keyed hash, never the CPF.
        let cpf_key = self.keys.sign(Purpose::LimitKey, cpf.digits().as_bytes());
        // Also when the limiter is too full to track this CPF (see `RateLimiter::exceeded`).
        let held_back = self.failed_per_cpf.exceeded(&cpf_key).await?;
        if found.is_none() {
            self.failed_per_cpf.record(&cpf_key).await?;
        }
        match (found, held_back) {
            (Some(row), false) => {
                let (_, header) = self.sessions.start(&row.number, Scope::Request, now.timestamp());
                Ok(LookupAnswer {
                    outcome: LookupOutcome::Found { redirect: "/acompanhar".to_owned() },
                    set_cookie: Some(header),
                })
            }
            (None, false) => Ok(refused(NO_MATCH)),
            (Some(row), true) => {
                self.send_access_link(row);
                Ok(refused(SENT_BY_MAIL))
            }
            (None, true) => Ok(refused(SENT_BY_MAIL)),
        }
    }
}

impl AccessMail {
    async fn queue(&self, row: &request::Model) -> Result<(), AccessMailError> {
        let now = Utc::now();
        let system_name =
            system::Entity::find_by_id(row.system_id).one(&self.db).await?.map(|s| s.name).unwrap_or_default();
        let token = self.sessions.mail_link_for(&row.number, now.timestamp(), ACCESS_LINK_LIFETIME);
        let open_url = format!("{}/acompanhar/{}?t={token}", self.mail.public_url, row.number);
        let mail = access_link(
            &self.mail.sender,
            &AccessLink {
                citizen_name: &row.name,
                citizen_email: &row.email,
                protocol_number: &row.number,
                system_name: &system_name,
                open_url: &open_url,
                valid_for: "1 hora",
            },
        )?;
        {
            // The check and the write under one turn of the gate (and, on PostgreSQL, one
            // transaction): two lookups at once cannot both queue a message.
            // The request's row is the lock on PostgreSQL; SQLite has the gate.
            let _turn = self.gate.enter().await;
            let txn = self.db.begin().await?;
            request::Entity::find_by_id(row.id).lock_exclusive().one(&txn).await?;
            let recent = outbox_message::Entity::find()
                .filter(outbox_message::Column::RequestId.eq(row.id))
                .filter(outbox_message::Column::Kind.eq(ACCESS_MAIL_KIND))
                .filter(outbox_message::Column::CreatedAt.gt(now - ACCESS_MAIL_EVERY))
                .count(&txn)
                .await?;
            if recent > 0 {
                return Ok(());
            }
            enqueue_mail(&txn, Some(row.id), ACCESS_MAIL_KIND, mail, now).await?;
            txn.commit().await?;
        }
        self.mail.wakeup.notify_one();
        tracing::info!(request = row.id, "access link e-mailed");
        Ok(())
    }
}
