//! The support team's accounts: sign-in (Argon2id, growing delays after repeated
//! failures kept by `sign_in_throttle`, one message whatever went wrong), sessions kept
//! in the database (so every instance knows them; a new id at every sign-in), the CSRF
//! token of each session, sign-out, password change, how the agent is told of arriving
//! work, and the first administrator.

use super::audit::{self, action, Actor};
use super::sign_in_throttle::SignInThrottle;
use crate::db::entities::{agent, agent_invite, agent_session, agent_system};
use crate::db::WriteGate;
use crate::password;
use crate::refusal::{FieldProblem, Refusal, WHOLE_FORM};
use crate::secret::{constant_time_eq, Keys};
use app::api::console::{AgentView, AGENT_COOKIE, SIGN_IN_COOKIE};
use app::domain::agent::{check_password, PASSWORD_MAX_CHARS};
use app::domain::email::Email;
use app::domain::team_notices::{valid_hour, NoticeChoice};
use base64::Engine;
use chrono::{Duration, Utc};
use sea_orm::prelude::DateTimeUtc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QuerySelect, Set, TransactionTrait,
};
use sha2::{Digest, Sha256};

/// The cookie that marks a browser the agent signed in from (sent to the sign-in only).
pub const DEVICE_COOKIE: &str = "wa_dispositivo";
/// A session ends after this long without use...
pub const IDLE_TIMEOUT: Duration = Duration::hours(2);
/// ...and in any case this long after sign-in (a working day).
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Refresh `last_seen_at` at most this often (a write per page view would be waste).
const TOUCH_EVERY: Duration = Duration::minutes(5);

/// The one answer to a refused sign-in: the same for an unknown e-mail, a wrong password,
/// a disabled account and an account whose tries are delayed.
pub const SIGN_IN_REFUSED: &str = "E-mail ou senha incorretos, ou muitas tentativas seguidas. \
     Confira os dados; se errou várias vezes, aguarde alguns minutos antes de tentar de novo.";

/// One row of a session's reading: the session, its agent, and one system the agent
/// serves (`None` when none).
#[derive(FromQueryResult)]
struct SessionRow {
    agent_id: i32,
    csrf: String,
    created_at: DateTimeUtc,
    last_seen_at: DateTimeUtc,
    expires_at: DateTimeUtc,
    name: String,
    email: String,
    level: i16,
    is_admin: bool,
    is_data_officer: bool,
    active: bool,
    system_id: Option<i32>,
}

/// The signed-in agent, as every console check sees it.
#[derive(Clone)]
pub struct Principal {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub level: i16,
    pub is_admin: bool,
    /// The "Encarregado": may answer the data subjects (`/admin/titulares`).
    pub is_data_officer: bool,
    /// The systems served (all of them for an administrator, listed or not).
    pub systems: Vec<i32>,
    pub csrf: String,
    session_hash: String,
}

/// By hand: the e-mail, the CSRF token and the session's hash never reach a log line.
impl std::fmt::Debug for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Principal")
            .field("id", &self.id)
            .field("level", &self.level)
            .field("is_admin", &self.is_admin)
            .field("systems", &self.systems)
            .finish_non_exhaustive()
    }
}

impl Principal {
    /// Whether the agent may see and act on a request of `system_id` at `level`.
    pub fn may_handle(&self, system_id: i32, level: i16) -> bool {
        self.is_admin || (self.level == level && self.systems.contains(&system_id))
    }

    pub fn view(&self) -> AgentView {
        AgentView {
            id: self.id,
            name: self.name.clone(),
            level: self.level,
            is_admin: self.is_admin,
            is_data_officer: self.is_data_officer,
            csrf: self.csrf.clone(),
        }
    }

    /// Whether `token` is this session's CSRF token (constant time).
    pub fn csrf_matches(&self, token: &str) -> bool {
        constant_time_eq(self.csrf.as_bytes(), token.trim().as_bytes())
    }
}

/// Wrong e-mail or password, or a disabled account: one answer for all, about the form
/// as a whole (which of the two was wrong is not said).
pub fn sign_in_refused() -> Refusal {
    Refusal::Invalid(vec![FieldProblem { field: WHOLE_FORM, message: SIGN_IN_REFUSED.to_owned() }])
}

/// Too many failures for this account or address: wait. The agent is told the same as for
/// a wrong password, with another status.
pub fn sign_in_delayed() -> Refusal {
    Refusal::Limited(SIGN_IN_REFUSED.to_owned())
}

/// A started session: the `Set-Cookie` value to send.
#[derive(Debug, Clone)]
pub struct Started {
    pub set_cookie: String,
    /// The `Set-Cookie` of the known-device cookie (a year): from this browser, failures
    /// elsewhere do not hold the agent back (`sign_in_throttle`).
    pub device_cookie: String,
    pub agent_id: i32,
}

#[derive(Clone)]
pub struct AgentService {
    db: DatabaseConnection,
    gate: WriteGate,
    /// `Secure` on cookies when the portal is served over HTTPS.
    secure: bool,
    throttle: SignInThrottle,
}

/// 256 random bits, URL-safe: session ids, CSRF tokens, invitation links.
pub(crate) fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 hex: sessions and invite tokens are stored only as this.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

impl AgentService {
    pub fn new(db: DatabaseConnection, gate: WriteGate, keys: Keys, secure: bool) -> AgentService {
        let throttle = SignInThrottle::new(db.clone(), gate.clone(), keys);
        AgentService { db, gate, secure, throttle }
    }

    fn cookie(&self, name: &str, value: &str, path: &str, max_age: i64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
    }

    /// The sign-in throttle, for the housekeeping job.
    pub fn throttle(&self) -> SignInThrottle {
        self.throttle.clone()
    }

    /// The token of a sign-in form and the cookie pairing it with this browser: a post
    /// without the pair is refused (no one can sign a victim in to the attacker's account).
    pub fn sign_in_token(&self) -> (String, String) {
        let token = random_token();
        let cookie = self.cookie(SIGN_IN_COOKIE, &token, "/atendimento/entrar", 3_600);
        (token, cookie)
    }

    /// Whether the posted form token matches the sign-in cookie.
    pub fn sign_in_token_matches(cookie: Option<&str>, posted: &str) -> bool {
        cookie.is_some_and(|cookie| !cookie.is_empty() && constant_time_eq(cookie.as_bytes(), posted.trim().as_bytes()))
    }

    /// `Set-Cookie` values that end the session cookie and the sign-in pairing cookie.
    pub fn end_cookie(&self) -> String {
        self.cookie(AGENT_COOKIE, "", "/", 0)
    }

    /// Checks e-mail and password; on success a new session (never one the browser
    /// brought: no fixation) and its cookie. Every refusal is [`sign_in_refused`] or, while tries are delayed, [`sign_in_delayed`].
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: Option<std::net::IpAddr>,
        previous: Option<&str>,
        device: Option<&str>,
    ) -> Result<Started, Refusal> {
        let email = email.trim().to_lowercase();
        if email.is_empty() || password.is_empty() || password.chars().count() > PASSWORD_MAX_CHARS {
            return Err(sign_in_refused());
        }
        let now = Utc::now();
        let keys = self.throttle.keys_for(&email, client, self.throttle.is_known_device(&email, device));
        if !self.throttle.reserve(&keys, now).await? {
            tracing::warn!("sign-in refused: tries delayed for this account or address");
            return Err(sign_in_delayed());
        }
        let found = agent::Entity::find().filter(agent::Column::Email.eq(email.as_str())).one(&self.db).await?;
        let stored = found.as_ref().filter(|a| a.active).and_then(|a| a.password_hash.clone());
        let matches = password::verify(password.to_owned(), stored).await?;
        let Some(agent) = found.filter(|_| matches) else {
            // The try was counted by `reserve` already.
            tracing::warn!("sign-in refused: wrong e-mail or password");
            return Err(sign_in_refused());
        };
        let token = random_token();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        if let Some(previous) = previous {
            agent_session::Entity::delete_by_id(token_hash(previous)).exec(&txn).await?;
        }
        self.throttle.release(&txn, &keys).await?;
        agent_session::ActiveModel {
            id_hash: Set(token_hash(&token)),
            agent_id: Set(agent.id),
            csrf: Set(random_token()),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(now + IDLE_TIMEOUT),
        }
        .insert(&txn)
        .await?;
        let actor = Actor { agent_id: Some(agent.id), ip: client.map(|ip| ip.to_string()) };
        audit::record(&txn, &actor, action::SIGN_IN, None, "", now).await?;
        // Expired sessions of this agent go when a new one starts.
        agent_session::Entity::delete_many()
            .filter(agent_session::Column::AgentId.eq(agent.id))
            .filter(agent_session::Column::ExpiresAt.lt(now))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        tracing::info!(agent = agent.id, "agent signed in");
        Ok(Started {
            set_cookie: self.cookie(AGENT_COOKIE, &token, "/", ABSOLUTE_TIMEOUT.num_seconds()),
            device_cookie: self.cookie(
                DEVICE_COOKIE,
                &self.throttle.device_token(&email),
                "/atendimento/entrar",
                Duration::days(365).num_seconds(),
            ),
            agent_id: agent.id,
        })
    }

    /// The agent of a session cookie, if the session is valid and the agent active.
    pub async fn authenticate(&self, cookie: Option<&str>) -> Result<Option<Principal>, DbErr> {
        let Some(cookie) = cookie.map(str::trim).filter(|c| !c.is_empty() && c.len() <= 64) else { return Ok(None) };
        let hash = token_hash(cookie);
        // Session, agent and systems served in one reading: every console page starts here.
        let rows = agent_session::Entity::find_by_id(hash.clone())
            .select_only()
            .columns([
                agent_session::Column::AgentId,
                agent_session::Column::Csrf,
                agent_session::Column::CreatedAt,
                agent_session::Column::LastSeenAt,
                agent_session::Column::ExpiresAt,
            ])
            .columns([
                agent::Column::Name,
                agent::Column::Email,
                agent::Column::Level,
                agent::Column::IsAdmin,
                agent::Column::IsDataOfficer,
                agent::Column::Active,
            ])
            .column(agent_system::Column::SystemId)
            .join(
                JoinType::InnerJoin,
                agent_session::Entity::belongs_to(agent::Entity)
                    .from(agent_session::Column::AgentId)
                    .to(agent::Column::Id)
                    .into(),
            )
            .join_rev(
                JoinType::LeftJoin,
                agent_system::Entity::belongs_to(agent::Entity)
                    .from(agent_system::Column::AgentId)
                    .to(agent::Column::Id)
                    .into(),
            )
            .into_model::<SessionRow>()
            .all(&self.db)
            .await?;
        let Some(session) = rows.first().filter(|row| row.active) else { return Ok(None) };
        let now = Utc::now();
        if session.expires_at <= now || session.created_at + ABSOLUTE_TIMEOUT <= now {
            return Ok(None);
        }
        if now - session.last_seen_at > TOUCH_EVERY {
            let _turn = self.gate.enter().await;
            agent_session::Entity::update_many()
                .col_expr(agent_session::Column::LastSeenAt, Expr::value(now))
                .col_expr(
                    agent_session::Column::ExpiresAt,
                    Expr::value((now + IDLE_TIMEOUT).min(session.created_at + ABSOLUTE_TIMEOUT)),
                )
                .filter(agent_session::Column::IdHash.eq(hash.clone()))
                .exec(&self.db)
                .await?;
        }
        let systems = rows.iter().filter_map(|row| row.system_id).collect();
        Ok(Some(Principal {
            id: session.agent_id,
            name: session.name.clone(),
            email: session.email.clone(),
            level: session.level,
            is_admin: session.is_admin,
            is_data_officer: session.is_data_officer,
            systems,
            csrf: session.csrf.clone(),
            session_hash: hash,
        }))
    }

    /// Ends the session (the row goes; the cookie is cleared by the caller).
    pub async fn sign_out(&self, principal: &Principal, client: Option<std::net::IpAddr>) -> Result<(), DbErr> {
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        agent_session::Entity::delete_by_id(principal.session_hash.clone()).exec(&txn).await?;
        let actor = Actor { agent_id: Some(principal.id), ip: client.map(|ip| ip.to_string()) };
        audit::record(&txn, &actor, action::SIGN_OUT, None, "", Utc::now()).await?;
        txn.commit().await?;
        tracing::info!(agent = principal.id, "agent signed out");
        Ok(())
    }

    /// Changes the password after checking the current one; every other session of the
    /// agent ends (a stolen session does not outlive the change).
    pub async fn change_password(
        &self,
        principal: &Principal,
        current: &str,
        new: &str,
        confirmation: &str,
        client: Option<std::net::IpAddr>,
    ) -> Result<(), Refusal> {
        let stored = agent::Entity::find_by_id(principal.id).one(&self.db).await?.and_then(|a| a.password_hash);
        if current.chars().count() > PASSWORD_MAX_CHARS || !password::verify(current.to_owned(), stored).await? {
            return Err(Refusal::invalid("atual", "A senha atual não confere."));
        }
        check_password(new).map_err(|message| Refusal::invalid("nova", message))?;
        if new != confirmation {
            return Err(Refusal::invalid("confirmacao", "A confirmação não é igual à nova senha."));
        }
        let hash = password::hash(new.to_owned()).await?;
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        agent::Entity::update_many()
            .col_expr(agent::Column::PasswordHash, Expr::value(hash))
            .filter(agent::Column::Id.eq(principal.id))
            .exec(&txn)
            .await?;
        agent_session::Entity::delete_many()
            .filter(agent_session::Column::AgentId.eq(principal.id))
            .filter(agent_session::Column::IdHash.ne(principal.session_hash.clone()))
            .exec(&txn)
            .await?;
        agent_invite::Entity::delete_many().filter(agent_invite::Column::AgentId.eq(principal.id)).exec(&txn).await?;
        let actor = Actor { agent_id: Some(principal.id), ip: client.map(|ip| ip.to_string()) };
        audit::record(&txn, &actor, action::PASSWORD, None, "", Utc::now()).await?;
        txn.commit().await?;
        tracing::info!(agent = principal.id, "agent changed the password");
        Ok(())
    }

    /// How the agent is told of work arriving ("Avisos por e-mail" on the profile).
    pub async fn save_notices(&self, principal: &Principal, choice: &str, hour: &str) -> Result<(), Refusal> {
        let Some(choice) = NoticeChoice::ALL.iter().copied().find(|c| c.value() == choice.trim()) else {
            return Err(Refusal::invalid("avisos", "Escolha uma das formas de aviso."));
        };
        let hour = hour.trim().parse::<i16>().ok().filter(|h| valid_hour(*h));
        let Some(hour) = hour else {
            return Err(Refusal::invalid("hora", "Escolha um horário entre 00:00 e 23:00."));
        };
        let _turn = self.gate.enter().await;
        agent::Entity::update_many()
            .col_expr(agent::Column::Notify, Expr::value(choice.value()))
            .col_expr(agent::Column::DigestHour, Expr::value(hour))
            .filter(agent::Column::Id.eq(principal.id))
            .exec(&self.db)
            .await?;
        tracing::info!(agent = principal.id, notices = choice.value(), hour, "agent chose how to be told");
        Ok(())
    }

    /// Creates an administrator, or makes an existing account one with this password.
    pub async fn create_admin(&self, email: &str, name: &str, password: &str) -> Result<i32, Refusal> {
        let email = Email::parse(email).map_err(|e| Refusal::invalid("email", e.to_string()))?.as_str().to_lowercase();
        let name = name.trim();
        if name.chars().count() < 3 || name.chars().count() > 120 || name.chars().any(char::is_control) {
            return Err(Refusal::invalid("nome", "O nome deve ter de 3 a 120 caracteres."));
        }
        check_password(password).map_err(|message| Refusal::invalid("senha", message))?;
        let hash = password::hash(password.to_owned()).await?;
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let id = match agent::Entity::find().filter(agent::Column::Email.eq(email.as_str())).one(&txn).await? {
            Some(existing) => {
                let mut row: agent::ActiveModel = existing.into();
                row.password_hash = Set(Some(hash));
                row.is_admin = Set(true);
                row.active = Set(true);
                row.update(&txn).await?.id
            }
            None => {
                agent::ActiveModel {
                    email: Set(email),
                    name: Set(name.to_owned()),
                    password_hash: Set(Some(hash)),
                    level: Set(3),
                    is_admin: Set(true),
                    active: Set(true),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        // Signed-in sessions and pending invitations of the account end: the new password
        // is the only way in.
        agent_session::Entity::delete_many().filter(agent_session::Column::AgentId.eq(id)).exec(&txn).await?;
        agent_invite::Entity::delete_many().filter(agent_invite::Column::AgentId.eq(id)).exec(&txn).await?;
        audit::record(&txn, &Actor::default(), action::CREATE_ADMIN, None, &format!("agente {id}"), now).await?;
        txn.commit().await?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
