//! Implementations of the app's ports over sea-orm, one module per feature.

pub mod acceptance;
pub mod admin;
pub mod agents;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod catalog_admin;
pub mod complement;
pub mod console;
pub mod desk;
pub mod faq_help;
pub mod follow_up;
pub mod housekeeping;
pub mod jobs;
pub mod logos;
pub mod lookup;
pub mod notices;
pub mod opening;
pub mod privacy;
pub mod queue;
pub mod queue_counts;
pub mod reference;
pub mod reports;
pub mod settings;
pub mod sign_in_throttle;
pub mod team;
pub mod team_notices;

use crate::db::entities::{optional_day_off, outbox_message};
use crate::mail::compose::ComposedMail;
use app::api::AppError;
use app::domain::calendar::{Calendar, Date};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Set};

/// Logs a database failure on the read side with what was being done, and turns it into
/// what a page shows: unavailable when the database did not answer, internal otherwise.
/// (Writes answer with a `Refusal` instead.)
pub(crate) fn refuse(operation: &'static str) -> impl FnOnce(DbErr) -> AppError {
    move |error| {
        tracing::error!(operation, error = %error, "database operation failed");
        match error {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => AppError::Unavailable,
            _ => AppError::Internal,
        }
    }
}

/// Puts a composed e-mail in the outbox, in the caller's transaction: it leaves only if
/// what it announces was stored.
pub(crate) async fn enqueue_mail(
    db: &impl ConnectionTrait,
    request_id: Option<i32>,
    kind: &str,
    mail: ComposedMail,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    outbox_row(request_id, kind, mail, now).insert(db).await?;
    Ok(())
}

/// The outbox row of a composed e-mail, due now.
pub(crate) fn outbox_row(
    request_id: Option<i32>,
    kind: &str,
    mail: ComposedMail,
    now: DateTime<Utc>,
) -> outbox_message::ActiveModel {
    outbox_message::ActiveModel {
        message_id: Set(mail.message_id),
        request_id: Set(request_id),
        kind: Set(kind.to_owned()),
        mail_from: Set(mail.from),
        mail_to: Set(mail.to),
        subject: Set(mail.subject),
        raw: Set(mail.raw),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        sent_at: Set(None),
        last_error: Set(None),
        ..Default::default()
    }
}

/// The business-day calendar: national holidays plus the pontos facultativos stored by
/// administrators (rows that do not parse as dates are logged and skipped).
pub(crate) async fn load_calendar(db: &impl ConnectionTrait) -> Result<Calendar, DbErr> {
    let rows = optional_day_off::Entity::find().all(db).await?;
    let days = rows.iter().filter_map(|row| {
        let day = Date::parse_iso(&row.day);
        if day.is_none() {
            tracing::warn!(day = %row.day, "ignoring a ponto facultativo that is not a YYYY-MM-DD date");
        }
        day
    });
    Ok(Calendar::with_optional_days_off(days))
}
