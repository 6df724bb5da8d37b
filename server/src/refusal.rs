//! The one answer every write service gives when a write does not happen, so that each
//! form post maps refusals to statuses and pages in one place (`web::respond`) instead of
//! one error enum and one hand-written mapping per screen. The policy, with the status of
//! each variant, is written once in `app::api::error`.
//!
//! Internal causes (the database, composing an e-mail, hashing a password) become
//! [`Refusal::Unavailable`] where they happen, logged there with their cause; the
//! request's span (see `web::access_log`) adds the route to the line. What reaches the
//! person says what they can do about it, never why it happened internally.

use app::domain::lifecycle::Blocked;
use http::StatusCode;
use sea_orm::DbErr;

/// The "field" of a problem with what was posted as a whole, shown above the form (the
/// sign-in form does not say which of e-mail and password was wrong).
pub const WHOLE_FORM: &str = "";

/// A field at fault: its HTML name and the message shown beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub message: String,
}

/// Why a write was not done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// 422: one or more fields are wrong (never empty; the first is shown first).
    #[error("invalid: {0:?}")]
    Invalid(Vec<FieldProblem>),
    /// 404: no such thing, or one the person must not learn exists.
    #[error("not found")]
    NotFound,
    /// 303 to the sign-in page: no valid agent session.
    #[error("sign-in required")]
    SignInRequired,
    /// 403: signed in, but not allowed (another role, system or level).
    #[error("forbidden")]
    Forbidden,
    /// 409: someone changed the thing meanwhile; the screen says what to do.
    #[error("changed concurrently")]
    Conflict,
    /// 409: the rules refuse this step in the state the thing is in, with the reason.
    #[error("refused: {0}")]
    Refused(String),
    /// 429: too many attempts; the message says what to do and when.
    #[error("limited: {0}")]
    Limited(String),
    /// 503: a dependency failed; the cause was logged where it happened.
    #[error("unavailable")]
    Unavailable,
}

impl Refusal {
    /// One field at fault.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Refusal {
        Refusal::Invalid(vec![FieldProblem { field, message: message.into() }])
    }

    /// The status a response refusing this way carries.
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::NotFound => StatusCode::NOT_FOUND,
            Refusal::SignInRequired => StatusCode::SEE_OTHER,
            Refusal::Forbidden => StatusCode::FORBIDDEN,
            Refusal::Conflict | Refusal::Refused(_) => StatusCode::CONFLICT,
            Refusal::Limited(_) => StatusCode::TOO_MANY_REQUESTS,
            Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Logs `cause` with what was being done, and refuses as unavailable: for causes
    /// that are not a database error (which converts by itself), e.g.
    /// `.map_err(Refusal::logged("composing the invitation"))?`.
    pub fn logged<E: std::fmt::Display>(doing: &'static str) -> impl FnOnce(E) -> Refusal {
        move |cause| {
            tracing::error!(error = %cause, doing, "a write failed");
            Refusal::Unavailable
        }
    }

    /// The same refusal for another field (a shared check reused for a differently named field).
    pub fn for_field(self, field: &'static str) -> Refusal {
        match self {
            Refusal::Invalid(problems) => {
                Refusal::Invalid(problems.into_iter().map(|p| FieldProblem { field, ..p }).collect())
            }
            other => other,
        }
    }
}

/// The database did not answer (or refused the statement): logged here, with the
/// request's span, and refused as unavailable.
impl From<DbErr> for Refusal {
    fn from(error: DbErr) -> Self {
        tracing::error!(error = %error, "a database write or read failed");
        Refusal::Unavailable
    }
}

/// A read-side refusal met on the way to a write (the administrator's session, say).
impl From<app::api::AppError> for Refusal {
    fn from(error: app::api::AppError) -> Self {
        use app::api::AppError;
        match error {
            AppError::NotFound => Refusal::NotFound,
            AppError::SignInRequired => Refusal::SignInRequired,
            AppError::Forbidden => Refusal::Forbidden,
            AppError::Unavailable | AppError::Internal | AppError::Communication => Refusal::Unavailable,
        }
    }
}

/// The state machine's reason, shown as it is written in `lifecycle`.
impl From<Blocked> for Refusal {
    fn from(blocked: Blocked) -> Self {
        Refusal::Refused(blocked.to_string())
    }
}

/// A day that cannot be a ponto facultativo, shown beside the calendar form's field.
impl From<app::domain::calendar::DayOffError> for Refusal {
    fn from(error: app::domain::calendar::DayOffError) -> Self {
        Refusal::invalid(error.field(), error.to_string())
    }
}

impl From<crate::mail::compose::ComposeError> for Refusal {
    fn from(error: crate::mail::compose::ComposeError) -> Self {
        tracing::error!(error = %error, "composing an e-mail failed");
        Refusal::Unavailable
    }
}

impl From<crate::password::PasswordError> for Refusal {
    fn from(error: crate::password::PasswordError) -> Self {
        tracing::error!(error = %error, "hashing or checking a password failed");
        Refusal::Unavailable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_variant_has_its_status() {
        assert_eq!(Refusal::invalid("texto", "Escreva o texto.").status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(Refusal::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(Refusal::SignInRequired.status(), StatusCode::SEE_OTHER);
        assert_eq!(Refusal::Forbidden.status(), StatusCode::FORBIDDEN);
        assert_eq!(Refusal::Conflict.status(), StatusCode::CONFLICT);
        assert_eq!(Refusal::Refused("Já avaliada.".into()).status(), StatusCode::CONFLICT);
        assert_eq!(Refusal::Limited("Aguarde.".into()).status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(Refusal::Unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn a_database_failure_is_unavailable_and_a_blocked_step_keeps_its_reason() {
        assert_eq!(Refusal::from(DbErr::Custom("boom".into())), Refusal::Unavailable);
        assert_eq!(Refusal::from(Blocked::AlreadyRated), Refusal::Refused(Blocked::AlreadyRated.to_string()));
    }

    #[test]
    fn a_check_can_be_moved_to_another_field() {
        let moved = Refusal::invalid("texto", "Escreva o texto.").for_field("motivo");
        assert_eq!(moved, Refusal::invalid("motivo", "Escreva o texto."));
        assert_eq!(Refusal::Conflict.for_field("motivo"), Refusal::Conflict);
    }
}
