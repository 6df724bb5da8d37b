//! Group commit of request openings (`batch`). Storing one opening takes the same few statements
//! every time (spend the captcha, count the CPF's requests, take protocol numbers, store
//! the request, its attachment records, its first timeline entry and its e-mail). On
//! SQLite each statement costs two hand-offs to sqlx's worker thread and every opening
//! queues for the single writer, so the statements, not SQLite, bounded how many citizens
//! per second could open a request. Openings that arrive while a transaction is being
//! written therefore wait together and go into the next transaction as multi-row
//! statements: about nine statements per batch instead of eight per opening. Under light
//! load a batch is a single opening and nothing waits.
//!
//! Each opening still gets its own answer: a spent captcha or a person (CPF and e-mail)
//! over their limit refuses that opening only (nothing of it is stored, its captcha is
//! given back here and then spent by the handler, as for every refusal, its numbers go
//! back to the counter); a form already stored (same idempotency
//! key) gets that request's number and stores nothing (`keys`). A database
//! failure rolls the whole batch back and every opening in it is told to try again; the
//! citizens' forms keep what they typed. Protocol numbers stay distinct and gapless: they
//! are taken from the counter only for the openings that will be stored, in arrival order.

use super::counter::{brasilia_year, return_numbers, take_numbers};
use super::people::{opened_last_day, person_of};
use super::rows::spend_captchas;
use super::{keys, OpenError, Pending};
use crate::db::entities::request;
use crate::db::WriteGate;
use crate::mail::compose::Sender;
use app::domain::protocol::ProtocolNumber;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, TransactionTrait,
};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Notify};

/// Most openings written in one transaction (bounds the statements' size).
const MAX_BATCH: usize = 64;
/// Openings waiting for the writer; beyond that, senders wait for room (backpressure).
const QUEUE: usize = 4_096;

/// One opening on its way to the writer.
pub struct Opening {
    pub pending: Pending,
    reply: oneshot::Sender<Result<String, OpenError>>,
}

/// What the writer needs besides the openings.
pub struct Writer {
    pub db: DatabaseConnection,
    pub gate: WriteGate,
    pub sender: Sender,
    pub public_url: String,
    pub per_cpf_per_day: u32,
    pub mail_wakeup: Arc<Notify>,
}

/// The handle openings are sent through.
#[derive(Clone)]
pub struct Openings {
    queue: mpsc::Sender<Opening>,
}

impl Openings {
    /// Starts the writer task (it ends when the last handle is dropped).
    pub fn start(writer: Writer) -> Openings {
        let (queue, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(run(Arc::new(writer), receiver));
        Openings { queue }
    }

    /// Stores the opening with the others waiting; its protocol number, or why not.
    pub async fn open(&self, pending: Pending) -> Result<String, OpenError> {
        let (reply, answer) = oneshot::channel();
        let opening = Opening { pending, reply };
        if self.queue.send(opening).await.is_err() {
            return Err(OpenError::Database(DbErr::Custom("the opening writer has stopped".into())));
        }
        answer.await.unwrap_or_else(|_| Err(OpenError::Database(DbErr::Custom("the opening writer dropped it".into()))))
    }
}

async fn run(writer: Arc<Writer>, mut receiver: mpsc::Receiver<Opening>) {
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        // In a task of its own: were it to panic, its openings would get an error (their
        // reply senders dropped) and the writer would go on with the next batch.
        let batch = tokio::spawn({
            let writer = writer.clone();
            async move { writer.write(batch).await }
        });
        if let Err(error) = batch.await {
            tracing::error!(error = %error, "writing a batch of openings failed unexpectedly");
        }
    }
}

impl Writer {
    /// Writes one batch and answers each of its openings.
    async fn write(&self, batch: Vec<Opening>) {
        let (openings, replies): (Vec<_>, Vec<_>) = batch.into_iter().map(|o| (o.pending, o.reply)).unzip();
        let outcomes = self.write_all(openings).await;
        let stored = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
        crate::metrics::openings(stored, outcomes.len() - stored);
        // The numbers go out only once the log holding them is flushed (a power cut must
        // not take back a number a citizen was given). The flush runs outside the write
        // turn, while the writer already takes the next batch: that batch's flush covers
        // this one's commit too, as the log is written in order.
        let gate = self.gate.clone();
        tokio::spawn(async move {
            if outcomes.iter().any(Result::is_ok) {
                if let Err(error) = gate.make_durable().await {
                    tracing::error!(error = %error, "flushing the log of a batch of openings");
                }
            }
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                // A citizen who went away meanwhile does not need the answer.
                let _ = reply.send(outcome);
            }
        });
    }

    /// Writes `openings` in one transaction; one outcome per opening, in order. Public so
    /// that tests can hand it a batch directly.
    pub async fn write_all(&self, openings: Vec<Pending>) -> Vec<Result<String, OpenError>> {
        let outcomes = {
            let _turn = self.gate.enter().await;
            // Taken once the writer's turn has come: the 24-hour window and the stored times
            // are those of the writing, not of the wait.
            let now = Utc::now();
            match self.db.begin().await {
                Ok(txn) => match self.store(&txn, &openings, now).await {
                    Ok((outcomes, fresh)) => match txn.commit().await {
                        Ok(()) => outcomes,
                        Err(error) => {
                            tracing::error!(error = %error, openings = openings.len(), "committing openings");
                            self.after_failed_commit(outcomes, fresh, &error).await
                        }
                    },
                    Err(error) => {
                        let _ = txn.rollback().await;
                        tracing::error!(error = %error, openings = openings.len(), "storing openings");
                        openings.iter().map(|_| Err(copy(&error))).collect()
                    }
                },
                Err(error) => openings.iter().map(|_| Err(OpenError::Database(clone_err(&error)))).collect(),
            }
        };
        if outcomes.iter().any(Result::is_ok) {
            // The delivery job may be sleeping; the e-mails should leave now.
            self.mail_wakeup.notify_one();
        }
        outcomes
    }

    /// A commit that failed may still have happened. The batch's numbers tell: all stored
    /// → every citizen gets their number; none → the batch was rolled back and they may
    /// try again; unknown → `CommitUnknown` (their files are kept).
    async fn after_failed_commit(
        &self,
        outcomes: Vec<Result<String, OpenError>>,
        fresh: HashSet<String>,
        error: &DbErr,
    ) -> Vec<Result<String, OpenError>> {
        // Only the numbers this batch took tell: a resubmitted form's number belongs to a
        // request stored before, which exists whatever became of this batch.
        let found = request::Entity::find().filter(request::Column::Number.is_in(fresh.clone())).count(&self.db).await;
        let stored = match found {
            Ok(n) if n == fresh.len() as u64 => Some(true),
            Ok(0) => Some(false),
            _ => None,
        };
        tracing::warn!(?stored, openings = outcomes.len(), "looked the batch up after a failed commit");
        outcomes
            .into_iter()
            .map(|outcome| match (outcome, stored) {
                (Ok(number), _) if !fresh.contains(&number) => Ok(number),
                (Ok(number), Some(true)) => Ok(number),
                (Ok(_), Some(false)) => Err(OpenError::Database(clone_err(error))),
                (Ok(_), None) => Err(OpenError::CommitUnknown(clone_err(error))),
                (refused, _) => refused,
            })
            .collect()
    }

    /// Everything of the batch, in `txn`; one outcome per opening, in order, and the
    /// numbers taken for requests stored now.
    async fn store(
        &self,
        txn: &DatabaseTransaction,
        openings: &[Pending],
        now: DateTime<Utc>,
    ) -> Result<(Vec<Result<String, OpenError>>, HashSet<String>), OpenError> {
        let mut refused: Vec<Option<OpenError>> = openings.iter().map(|_| None).collect();
        // 0. The same form twice in this batch: the later ones take the first one's answer.
        let leaders = keys::leaders(openings);

        // 1. Captchas, first: a write, so SQLite's write lock is taken at once. A challenge
        // used twice in the batch is spent by the first opening that carries it.
        let mut in_batch = HashSet::new();
        for (index, pending) in openings.iter().enumerate() {
            if leaders[index].is_none() && !in_batch.insert(pending.submission.captcha.challenge.as_str()) {
                refused[index] = Some(OpenError::CaptchaSpent);
            }
        }
        let spending: Vec<bool> = (0..openings.len()).map(|i| refused[i].is_none() && leaders[i].is_none()).collect();
        let spent = spend_captchas(txn, openings, &spending, now).await?;
        for (index, pending) in openings.iter().enumerate() {
            if spending[index] && !spent.contains(&pending.submission.captcha.challenge) {
                refused[index] = Some(OpenError::CaptchaSpent);
            }
        }

        let candidates: Vec<usize> =
            (0..openings.len()).filter(|&i| refused[i].is_none() && leaders[i].is_none()).collect();
        let mut existing: HashMap<usize, String> = HashMap::new();
        let mut numbers: HashMap<usize, String> = HashMap::new();
        if !candidates.is_empty() {
            // 2. Protocol numbers for every candidate: the year's counter moves by their
            // number. From here on this transaction holds the counter's row lock
            // (PostgreSQL; on SQLite, the write lock), so what follows cannot race another
            // batch or instance.
            let year = brasilia_year(now);
            let last = take_numbers(txn, year, candidates.len()).await?;
            let first = last - i64::try_from(candidates.len()).unwrap_or(i64::MAX) + 1;

            // 3. Behind that lock: forms already stored (a resubmission) get their request's
            // number; then the per-person limit, this batch's openings included. Either way
            // the opening gives its captcha back, and the numbers it would have taken are
            // returned to the counter, so that numbers stay without gaps.
            let keys = candidates.iter().filter_map(|&i| openings[i].submission.idempotency_key.clone()).collect();
            let stored_keys = keys::stored_numbers(txn, keys).await?;
            let people = candidates.iter().map(|&index| person_of(&openings[index].submission.draft)).collect();
            let mut running = opened_last_day(txn, &people, now).await?;
            let mut give_back = Vec::new();
            for &index in &candidates {
                let submission = &openings[index].submission;
                if let Some(number) = submission.idempotency_key.as_ref().and_then(|key| stored_keys.get(key)) {
                    existing.insert(index, number.clone());
                    give_back.push(submission.captcha.challenge.clone());
                    continue;
                }
                let count = running.entry(person_of(&submission.draft)).or_insert(0);
                if *count >= u64::from(self.per_cpf_per_day) {
                    refused[index] = Some(OpenError::CpfLimit);
                    give_back.push(submission.captcha.challenge.clone());
                } else {
                    *count += 1;
                }
            }
            if !give_back.is_empty() {
                return_numbers(txn, year, give_back.len()).await?;
                let release = Query::delete()
                    .from_table(Alias::new("captcha_uses"))
                    .and_where(Expr::col(Alias::new("challenge")).is_in(give_back))
                    .to_owned();
                txn.execute(txn.get_database_backend().build(&release)).await?;
            }

            let stored: Vec<usize> =
                candidates.into_iter().filter(|&i| refused[i].is_none() && !existing.contains_key(&i)).collect();
            for (offset, &index) in stored.iter().enumerate() {
                numbers.insert(index, ProtocolNumber::new(year, first + i64::try_from(offset).unwrap_or(0)).into());
            }
            if !stored.is_empty() {
                self.insert_rows(txn, openings, &stored, &numbers, now).await?;
            }
        }
        let fresh: HashSet<String> = numbers.values().cloned().collect();
        numbers.extend(existing);
        let own = |index: usize, refused: &mut [Option<OpenError>]| match refused[index].take() {
            Some(error) => Err(error),
            None => numbers.get(&index).cloned().ok_or_else(|| OpenError::Database(DbErr::Custom("no number".into()))),
        };
        let mut outcomes = Vec::with_capacity(openings.len());
        for (index, leader) in leaders.into_iter().enumerate() {
            let outcome = match leader {
                // A leader comes first in the batch: its outcome is already there.
                Some(leader) => match &outcomes[leader] {
                    Ok(number) => Ok(String::clone(number)),
                    Err(error) => Err(copy(error)),
                },
                None => own(index, &mut refused),
            };
            outcomes.push(outcome);
        }
        Ok((outcomes, fresh))
    }
}

/// `DbErr` is not `Clone`; each opening of a failed batch gets its own copy of the message.
fn clone_err(error: &DbErr) -> DbErr {
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => DbErr::Conn(sea_orm::RuntimeErr::Internal(error.to_string())),
        other => DbErr::Custom(other.to_string()),
    }
}

fn copy(error: &OpenError) -> OpenError {
    match error {
        OpenError::CaptchaSpent => OpenError::CaptchaSpent,
        OpenError::CpfLimit => OpenError::CpfLimit,
        OpenError::CommitUnknown(e) => OpenError::CommitUnknown(clone_err(e)),
        OpenError::Database(e) => OpenError::Database(clone_err(e)),
        OpenError::Mail(e) => OpenError::Database(DbErr::Custom(format!("composing an e-mail: {e}"))),
    }
}
