//! The outbox's delivery job: sends due messages, marks them sent, and retries failures
//! with growing delays. Each message is claimed before sending (a lease in the database),
//! so several instances never send the same message at the same time; a crash between
//! sending and marking resends it later with the same Message-ID, which receivers use to
//! drop the duplicate. At shutdown the message being sent is finished and the rest of the
//! batch is given back at once, rather than left leased until the lease runs out.

use super::transport::{DeliveryError, MailTransport};
use crate::db::entities::outbox_message as outbox;
use crate::db::WriteGate;
use crate::services::jobs::Shutdown;
use chrono::SubsecRound;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Messages handled per round.
const BATCH: u64 = 20;
/// How long a claim protects a message being sent.
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
/// A delivery that takes longer is abandoned (and retried), well before the lease ends,
/// so that no other instance can claim a message this one is still sending.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(90);
/// Where a permanently refused message is parked: kept for the record, never retried.
const PARKED: chrono::Duration = chrono::Duration::days(365 * 100);
/// How often the job looks for due messages when nobody wakes it.
const POLL: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct Delivery {
    db: DatabaseConnection,
    transport: MailTransport,
    wakeup: Arc<Notify>,
    gate: WriteGate,
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
}

impl Delivery {
    pub fn new(db: DatabaseConnection, transport: MailTransport, wakeup: Arc<Notify>, gate: WriteGate) -> Delivery {
        Delivery { db, transport, wakeup, gate }
    }

    /// Runs until `shutdown` is asked (and the round in hand has ended).
    pub fn spawn(self, shutdown: Shutdown) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            while !shutdown.asked() {
                let started = std::time::Instant::now();
                let outcome = self.round_until(&shutdown).await;
                crate::metrics::job_round("mail delivery", outcome.is_ok(), started.elapsed());
                if let Ok(round) = &outcome {
                    crate::metrics::mail(round.sent, round.failed);
                }
                match outcome {
                    // A full batch may mean more are waiting: go again at once.
                    Ok(round) if round.sent + round.failed >= BATCH as usize => continue,
                    Ok(_) => {}
                    Err(error) => tracing::warn!(error = %error, "mail delivery round failed; will retry"),
                }
                tokio::select! {
                    _ = tokio::time::timeout(POLL, self.wakeup.notified()) => {}
                    () = shutdown.wait() => {}
                }
            }
            tracing::debug!("mail delivery stopped");
        })
    }

    /// Sends what is due now.
    pub async fn round(&self) -> Result<Round, DbErr> {
        self.round_until(&Shutdown::never()).await
    }

    /// Sends what is due now, or until `shutdown` is asked: then what is left of the batch
    /// is given back (its lease released) for the next start or another instance.
    pub async fn round_until(&self, shutdown: &Shutdown) -> Result<Round, DbErr> {
        let now = Utc::now();
        let due = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Id)
            .filter(outbox::Column::SentAt.is_null())
            .filter(outbox::Column::NextAttemptAt.lte(now))
            .filter(unclaimed(now))
            .order_by_asc(outbox::Column::Id)
            .limit(BATCH)
            .into_tuple::<i32>()
            .all(&self.db)
            .await?;
        let mut round = Round::default();
        if due.is_empty() {
            return Ok(round);
        }
        // One lease for the whole batch: two writes per batch, not per message (on
        // SQLite every write waits for the single writer, which requests need too).
        let lease = self.claim(&due).await?;
        let messages = outbox::Entity::find()
            .filter(outbox::Column::Id.is_in(due))
            .filter(outbox::Column::ClaimedUntil.eq(lease))
            .order_by_asc(outbox::Column::Id)
            .all(&self.db)
            .await?;
        let mut delivered = Vec::with_capacity(messages.len());
        let mut messages = messages.into_iter();
        while let Some(message) = messages.next() {
            if shutdown.asked() {
                let left: Vec<i32> = std::iter::once(message.id).chain(messages.map(|m| m.id)).collect();
                self.release(&left, lease).await?;
                tracing::info!(released = left.len(), "shutting down: unsent e-mails given back to the outbox");
                break;
            }
            let id = message.id;
            let delivery = tokio::time::timeout(
                DELIVERY_TIMEOUT,
                self.transport.deliver(&message.message_id, &message.mail_from, &message.mail_to, &message.raw),
            )
            .await
            .unwrap_or_else(|_| Err(DeliveryError::Smtp("tempo esgotado".into())));
            match delivery {
                Ok(()) => {
                    tracing::info!(outbox_id = id, kind = %message.kind, "e-mail delivered");
                    delivered.push(id);
                }
                Err(error) => {
                    let attempts = message.attempts + 1;
                    let wait = if error.is_permanent() { PARKED } else { backoff(attempts) };
                    let reason = redact(&error.to_string());
                    let _turn = self.gate.enter().await;
                    // Only while the lease is still ours: if it was lost, the instance
                    // that holds it now decides.
                    outbox::Entity::update_many()
                        .col_expr(outbox::Column::NextAttemptAt, Expr::value(Utc::now() + wait))
                        .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<chrono::DateTime<Utc>>::None))
                        .col_expr(outbox::Column::Attempts, Expr::value(attempts))
                        .col_expr(outbox::Column::LastError, Expr::value(Some(reason.clone())))
                        .filter(outbox::Column::Id.eq(id))
                        .filter(outbox::Column::ClaimedUntil.eq(lease))
                        .exec(&self.db)
                        .await?;
                    if error.is_permanent() {
                        tracing::error!(outbox_id = id, attempts, error = %reason, "e-mail refused for good; not retried");
                    } else {
                        tracing::warn!(outbox_id = id, attempts, retry_in_s = wait.num_seconds(), error = %reason, "e-mail not delivered");
                    }
                    round.failed += 1;
                }
            }
        }
        if !delivered.is_empty() {
            // Marked sent only once what was delivered is on the disk for good.
            if let Err(error) = self.transport.flush().await {
                tracing::error!(error = %error, "flushing delivered e-mails; they will be delivered again");
                return Ok(round);
            }
            round.sent = delivered.len();
            let _turn = self.gate.enter().await;
            outbox::Entity::update_many()
                .col_expr(outbox::Column::SentAt, Expr::value(Utc::now()))
                .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<chrono::DateTime<Utc>>::None))
                .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).add(1))
                .col_expr(outbox::Column::LastError, Expr::value(Option::<String>::None))
                .filter(outbox::Column::Id.is_in(delivered))
                .filter(outbox::Column::ClaimedUntil.eq(lease))
                .exec(&self.db)
                .await?;
        }
        Ok(round)
    }

    /// Gives back the messages of `ids` still under `lease`, unsent.
    async fn release(&self, ids: &[i32], lease: chrono::DateTime<Utc>) -> Result<(), DbErr> {
        let _turn = self.gate.enter().await;
        outbox::Entity::update_many()
            .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<chrono::DateTime<Utc>>::None))
            .filter(outbox::Column::Id.is_in(ids.iter().copied()))
            .filter(outbox::Column::ClaimedUntil.eq(lease))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Takes one lease on those of `ids` that are neither sent nor leased, and returns its
    /// expiry, which identifies it (whole seconds plus a random number of microseconds,
    /// so that both engines store it exactly and two instances practically never pick
    /// the same one). The messages carrying it are ours.
    async fn claim(&self, ids: &[i32]) -> Result<chrono::DateTime<Utc>, DbErr> {
        let now = Utc::now();
        let lease = now.trunc_subsecs(0) + LEASE + chrono::Duration::microseconds(rand::random_range(0..1_000_000));
        let _turn = self.gate.enter().await;
        outbox::Entity::update_many()
            .col_expr(outbox::Column::ClaimedUntil, Expr::value(Some(lease)))
            .filter(outbox::Column::Id.is_in(ids.iter().copied()))
            .filter(outbox::Column::SentAt.is_null())
            .filter(unclaimed(now))
            .exec(&self.db)
            .await?;
        Ok(lease)
    }
}

fn unclaimed(now: chrono::DateTime<Utc>) -> Condition {
    Condition::any().add(outbox::Column::ClaimedUntil.is_null()).add(outbox::Column::ClaimedUntil.lt(now))
}

/// 30 s, 1 min, 2 min, ... up to one hour between attempts; never gives up.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let exponent = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    chrono::Duration::seconds((30_i64 << exponent).min(3_600))
}

/// Errors from mail servers often quote the recipient; logs must not.
pub fn redact(text: &str) -> String {
    text.split_inclusive(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';' | '"' | '\''))
        .map(|word| if word.contains('@') { "***" } else { word })
        .collect::<String>()
        .chars()
        .take(500)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1).num_seconds(), 30);
        assert_eq!(backoff(2).num_seconds(), 60);
        assert_eq!(backoff(5).num_seconds(), 480);
        assert_eq!(backoff(50).num_seconds(), 3_600);
    }

    #[test]
    fn addresses_are_redacted() {
        let text = redact("550 5.1.1 <maria@saude.gov.br>: user unknown");
        assert!(!text.contains("maria"), "{text}");
        assert!(text.contains("user unknown"), "{text}");
    }
}
