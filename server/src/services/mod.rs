//! Implementations of the app's ports over sea-orm, one module per feature.

pub mod catalog;
pub mod requests;

use app::ports::PortError;
use sea_orm::DbErr;

/// Logs a database failure with what was being done, and classifies it for the page.
pub(crate) fn db_failure(operation: &'static str, error: DbErr) -> PortError {
    tracing::error!(operation, error = %error, "database operation failed");
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => PortError::Unavailable(operation.to_owned()),
        _ => PortError::Internal(operation.to_owned()),
    }
}
