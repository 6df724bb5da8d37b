//! The refusal policy: what a page, a server function or a form post answers when it
//! cannot do what was asked.
//!
//! What reaches the browser says what the person can do about it (not found, sign in,
//! correct a field, try again later), never why it happened internally. Internal causes
//! are logged on the server, with their context, where they occur.
//!
//! - Reads (pages and their server functions) return [`AppError`]; the page shows it with
//!   the status of [`AppError::status_code`].
//! - Writes (every form post and the request form's submission) get the server's one
//!   `Refusal` (`server/src/refusal.rs`) from their service, and one responder
//!   (`server/src/web/respond.rs`) answers it:
//!
//!   | refusal          | status | the person sees                                     |
//!   |------------------|--------|-----------------------------------------------------|
//!   | `Invalid`        | 422    | the page again, each message beside its field, what was typed kept |
//!   | `NotFound`       | 404    | "não encontrado", nothing about why                  |
//!   | `SignInRequired` | 303    | the sign-in page                                     |
//!   | `Forbidden`      | 403    | [`AppError::Forbidden`]'s text                       |
//!   | `Conflict`       | 409    | the page again: it changed meanwhile, the text kept  |
//!   | `Refused`        | 409    | the page again with the rule's reason                |
//!   | `Limited`        | 429    | the page again with what to do and when              |
//!   | `Unavailable`    | 503    | the page again: "Não foi possível … agora." + [`TRY_AGAIN_LATER`] |

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What every "not now" answer ends with.
pub const TRY_AGAIN_LATER: &str = "Tente novamente em alguns minutos.";

/// "Não foi possível {doing} agora. Tente novamente em alguns minutos.": the message of a
/// write refused as unavailable, naming what could not be done (`salvar`, `entrar`, ...).
pub fn could_not(doing: &str) -> String {
    format!("Não foi possível {doing} agora. {TRY_AGAIN_LATER}")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (or must not be revealed).
    #[error("Página não encontrada.")]
    NotFound,
    /// A dependency (the database) does not answer; trying again later may work.
    #[error("O serviço está temporariamente indisponível. {}", TRY_AGAIN_LATER)]
    Unavailable,
    /// Anything else that went wrong on the server.
    #[error("Ocorreu um erro inesperado. Tente novamente mais tarde.")]
    Internal,
    /// A console page without a valid agent session.
    #[error("Entre com seu e-mail e senha para continuar.")]
    SignInRequired,
    /// Signed in, but this is not the agent's (another system, level or role).
    #[error("Você não tem acesso a esta página.")]
    Forbidden,
    /// The request could not reach the server or its answer could not be read.
    #[error("Não foi possível comunicar com o servidor. Verifique sua conexão e tente novamente.")]
    Communication,
}

impl AppError {
    /// The HTTP status a page showing this error answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::SignInRequired => 303,
            AppError::Forbidden => 403,
            AppError::Unavailable => 503,
            AppError::Internal | AppError::Communication => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => AppError::Communication,
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_portuguese_and_carry_no_internals() {
        for e in [
            AppError::NotFound,
            AppError::Unavailable,
            AppError::Internal,
            AppError::Communication,
            AppError::SignInRequired,
            AppError::Forbidden,
        ] {
            let text = e.to_string();
            assert!(!text.to_lowercase().contains("sql"), "{text}");
            assert!(!text.to_lowercase().contains("error"), "{text}");
        }
    }

    #[test]
    fn status_codes() {
        assert_eq!(AppError::NotFound.status_code(), 404);
        assert_eq!(AppError::Unavailable.status_code(), 503);
        assert_eq!(AppError::Internal.status_code(), 500);
    }
}
