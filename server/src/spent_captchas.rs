//! Spending solved captchas in batches (lookups, and openings that were refused). Every
//! lookup must record its challenge
//! as spent (single use, across instances), which is a write; on SQLite one write per
//! lookup through the one-writer gate would cap lookups at the gate's hand-off rate.
//! Spends that arrive while a write is under way are gathered and written by the next
//! single statement (`INSERT … ON CONFLICT DO NOTHING RETURNING`), which tells each one
//! whether it was the first: group commit, with the same guarantee as one row at a time.

use crate::captcha::{CaptchaIssuer, Verified};
use crate::db::WriteGate;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use std::collections::HashSet;
use tokio::sync::{mpsc, oneshot};

/// Most spends written by one statement (3 values each: far below both engines' limits).
const MOST_PER_BATCH: usize = 512;

struct Pending {
    captcha: Verified,
    at: DateTime<Utc>,
    reply: oneshot::Sender<Result<bool, String>>,
}

/// What every form with a captcha needs: issuing and checking challenges, and spending
/// the ones that were used (single use across instances).
#[derive(Clone, Debug)]
pub struct Captchas {
    pub issuer: CaptchaIssuer,
    pub spent: SpentCaptchas,
}

/// The handle lookups use; the writer task lives as long as a handle does.
#[derive(Clone, Debug)]
pub struct SpentCaptchas {
    queue: mpsc::Sender<Pending>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending(..)")
    }
}

impl SpentCaptchas {
    /// Starts the writer (needs a Tokio runtime).
    pub fn start(db: DatabaseConnection, gate: WriteGate) -> SpentCaptchas {
        let (queue, receiver) = mpsc::channel(4 * MOST_PER_BATCH);
        tokio::spawn(write_batches(db, gate, receiver));
        SpentCaptchas { queue }
    }

    /// Records `captcha` as spent: `true` if this was its first use, `false` for a replay.
    pub async fn spend(&self, captcha: Verified, at: DateTime<Utc>) -> Result<bool, DbErr> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Pending { captcha, at, reply })
            .await
            .map_err(|_| DbErr::Custom("the captcha writer has stopped".into()))?;
        answer.await.map_err(|_| DbErr::Custom("the captcha writer dropped a spend".into()))?.map_err(DbErr::Custom)
    }
}

async fn write_batches(db: DatabaseConnection, gate: WriteGate, mut receiver: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MOST_PER_BATCH);
    while receiver.recv_many(&mut batch, MOST_PER_BATCH).await > 0 {
        // The same challenge twice in one batch: only the first may count as first use.
        let mut seen = HashSet::new();
        let (mut fresh, repeated): (Vec<Pending>, Vec<Pending>) =
            batch.drain(..).partition(|p| seen.insert(p.captcha.challenge.clone()));
        // Rows in key order: two instances inserting overlapping batches on PostgreSQL
        // then wait for each other in the same order instead of deadlocking.
        fresh.sort_by(|a, b| a.captcha.challenge.cmp(&b.captcha.challenge));
        for pending in repeated {
            let _ = pending.reply.send(Ok(false));
        }
        let outcome = {
            let _turn = gate.enter().await;
            insert(&db, &fresh).await
        };
        match outcome {
            Ok(inserted) => {
                for pending in fresh {
                    let first = inserted.contains(&pending.captcha.challenge);
                    let _ = pending.reply.send(Ok(first));
                }
            }
            Err(error) => {
                tracing::error!(error = %error, spends = fresh.len(), "recording spent captchas");
                for pending in fresh {
                    let _ = pending.reply.send(Err(error.to_string()));
                }
            }
        }
    }
}

/// One statement for the whole batch; the challenges it returns are those inserted now.
async fn insert(db: &DatabaseConnection, batch: &[Pending]) -> Result<HashSet<String>, DbErr> {
    let mut statement = Query::insert();
    statement
        .into_table(Alias::new("captcha_uses"))
        .columns([Alias::new("challenge"), Alias::new("expires_at"), Alias::new("used_at")])
        .on_conflict(OnConflict::column(Alias::new("challenge")).do_nothing().to_owned())
        .returning_col(Alias::new("challenge"));
    for pending in batch {
        statement.values_panic([
            pending.captcha.challenge.clone().into(),
            pending.captcha.expires_at.into(),
            pending.at.into(),
        ]);
    }
    let backend = db.get_database_backend();
    let rows = db.query_all(backend.build(&statement)).await?;
    rows.iter().map(|row| row.try_get_by_index::<String>(0)).collect()
}
