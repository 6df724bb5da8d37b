//! Group commit of request openings. Storing one opening takes the same few statements
//! every time (spend the captcha, count the CPF's requests, take protocol numbers, store
//! the request, its attachment records, its first timeline entry and its e-mail). On
//! SQLite each statement costs two hand-offs to sqlx's worker thread and every opening
//! queues for the single writer, so the statements, not SQLite, bounded how many citizens
//! per second could open a request. Openings that arrive while a transaction is being
//! written therefore wait together and go into the next transaction as multi-row
//! statements: about nine statements per batch instead of eight per opening. Under light
//! load a batch is a single opening and nothing waits.
//!
//! Each opening still gets its own answer: a spent captcha or a CPF over its limit refuses
//! that opening only (nothing of it is stored, its captcha stays usable, its numbers go
//! back to the counter). A database
//! failure rolls the whole batch back and every opening in it is told to try again; the
//! citizens' forms keep what they typed. Protocol numbers stay distinct and gapless: they
//! are taken from the counter only for the openings that will be stored, in arrival order.

use super::outbox_row;
use super::requests::{OpenError, Submission, EVENT_OPENING, STATUS_RECEIVED};
use crate::db::entities::{attachment, outbox_message, request, request_event};
use crate::db::WriteGate;
use crate::mail::compose::{self, ComposedMail, RequestRegistered, Sender};
use app::domain::request_form::protocol_number;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, QueryTrait, Set, TransactionTrait,
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
    pub system_id: i32,
    pub system_name: String,
    pub submission: Submission,
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
    pub async fn open(&self, system_id: i32, system_name: String, submission: Submission) -> Result<String, OpenError> {
        let (reply, answer) = oneshot::channel();
        let opening = Opening { system_id, system_name, submission, reply };
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
        let (openings, replies): (Vec<_>, Vec<_>) =
            batch.into_iter().map(|o| ((o.system_id, o.system_name, o.submission), o.reply)).unzip();
        let outcomes = self.write_all(openings).await;
        for (reply, outcome) in replies.into_iter().zip(outcomes) {
            // A citizen who went away meanwhile does not need the answer.
            let _ = reply.send(outcome);
        }
    }

    /// Writes `openings` (system id, system name, submission) in one transaction; one
    /// outcome per opening, in order. Public so that tests can hand it a batch directly.
    pub async fn write_all(&self, openings: Vec<(i32, String, Submission)>) -> Vec<Result<String, OpenError>> {
        let outcomes = {
            let _turn = self.gate.enter().await;
            // Taken once the writer's turn has come: the 24-hour window and the stored times
            // are those of the writing, not of the wait.
            let now = Utc::now();
            match self.db.begin().await {
                Ok(txn) => match self.store(&txn, &openings, now).await {
                    Ok(outcomes) => match txn.commit().await {
                        Ok(()) => outcomes,
                        Err(error) => {
                            tracing::error!(error = %error, openings = openings.len(), "committing openings");
                            self.after_failed_commit(outcomes, &error).await
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
        error: &DbErr,
    ) -> Vec<Result<String, OpenError>> {
        let numbers: Vec<String> = outcomes.iter().filter_map(|o| o.as_ref().ok().cloned()).collect();
        let found =
            request::Entity::find().filter(request::Column::Number.is_in(numbers.clone())).count(&self.db).await;
        let stored = match found {
            Ok(n) if n == numbers.len() as u64 => Some(true),
            Ok(0) => Some(false),
            _ => None,
        };
        tracing::warn!(?stored, openings = outcomes.len(), "looked the batch up after a failed commit");
        outcomes
            .into_iter()
            .map(|outcome| match (outcome, stored) {
                (Ok(number), Some(true)) => Ok(number),
                (Ok(_), Some(false)) => Err(OpenError::Database(clone_err(error))),
                (Ok(_), None) => Err(OpenError::CommitUnknown(clone_err(error))),
                (refused, _) => refused,
            })
            .collect()
    }

    /// Everything of the batch, in `txn`; one outcome per opening, in order.
    async fn store(
        &self,
        txn: &DatabaseTransaction,
        openings: &[(i32, String, Submission)],
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<String, OpenError>>, OpenError> {
        let mut refused: Vec<Option<OpenError>> = openings.iter().map(|_| None).collect();

        // 1. Captchas, first: a write, so SQLite's write lock is taken at once. A challenge
        // used twice in the batch is spent by the first opening that carries it.
        let mut in_batch = HashSet::new();
        for (index, (_, _, submission)) in openings.iter().enumerate() {
            if !in_batch.insert(submission.captcha.challenge.as_str()) {
                refused[index] = Some(OpenError::CaptchaSpent);
            }
        }
        let spent = spend_captchas(txn, openings, &refused, now).await?;
        for (index, (_, _, submission)) in openings.iter().enumerate() {
            if refused[index].is_none() && !spent.contains(&submission.captcha.challenge) {
                refused[index] = Some(OpenError::CaptchaSpent);
            }
        }

        let candidates: Vec<usize> = (0..openings.len()).filter(|&i| refused[i].is_none()).collect();
        if candidates.is_empty() {
            return Ok(refused.into_iter().map(|r| Err(r.unwrap_or(OpenError::CaptchaSpent))).collect());
        }

        // 2. Protocol numbers for every candidate: the year's counter moves by their number.
        // From here on this transaction holds the counter's row lock (PostgreSQL; on SQLite,
        // the write lock), so what follows cannot race another batch or instance.
        let year = brasilia_year(now);
        let last = take_numbers(txn, year, candidates.len()).await?;
        let first = last - i64::try_from(candidates.len()).unwrap_or(i64::MAX) + 1;

        // 3. The per-CPF limit, counted behind that lock, this batch's openings included. A
        // refused opening gives its captcha back, and the numbers it would have taken are
        // returned to the counter, so that numbers stay without gaps.
        let mut running = opened_last_day(txn, openings, &candidates, now).await?;
        let mut give_back = Vec::new();
        for &index in &candidates {
            let submission = &openings[index].2;
            let count = running.entry(submission.draft.cpf.digits()).or_insert(0);
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

        let stored: Vec<usize> = candidates.into_iter().filter(|&i| refused[i].is_none()).collect();
        let mut numbers: HashMap<usize, String> = HashMap::new();
        for (offset, &index) in stored.iter().enumerate() {
            numbers.insert(index, protocol_number(year, first + i64::try_from(offset).unwrap_or(0)));
        }
        if !stored.is_empty() {
            self.insert_rows(txn, openings, &stored, &numbers, now).await?;
        }
        Ok(refused
            .into_iter()
            .enumerate()
            .map(|(index, refusal)| match refusal {
                Some(error) => Err(error),
                None => numbers.remove(&index).ok_or_else(|| OpenError::Database(DbErr::Custom("no number".into()))),
            })
            .collect())
    }

    /// 4–7: the requests, their attachment records, first timeline entries and e-mails.
    async fn insert_rows(
        &self,
        txn: &DatabaseTransaction,
        openings: &[(i32, String, Submission)],
        stored: &[usize],
        numbers: &HashMap<usize, String>,
        now: DateTime<Utc>,
    ) -> Result<(), OpenError> {
        let number_of = |index: usize| numbers.get(&index).cloned().unwrap_or_default();
        let requests = stored.iter().map(|&index| {
            let (system_id, _, submission) = &openings[index];
            let draft = &submission.draft;
            request::ActiveModel {
                number: Set(number_of(index)),
                system_id: Set(*system_id),
                funcionalidade_id: Set(draft.funcionalidade_id),
                status: Set(STATUS_RECEIVED.to_owned()),
                level: Set(1),
                email: Set(draft.email.as_str().to_owned()),
                name: Set(draft.nome.as_str().to_owned()),
                cpf: Set(draft.cpf.digits()),
                cns: Set(draft.cns.as_ref().map(|c| c.digits())),
                phone: Set(draft.telefone.digits()),
                uf: Set(draft.uf.acronym.to_owned()),
                description: Set(draft.descricao.as_str().to_owned()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        });
        // Matched back by number: RETURNING does not promise the VALUES order.
        // sea-orm's own RETURNING helpers are off for SQLite; both engines speak it.
        let mut insert = request::Entity::insert_many(requests).into_query();
        insert.returning(Query::returning().columns([request::Column::Number, request::Column::Id]));
        let rows = txn.query_all(txn.get_database_backend().build(&insert)).await?;
        let ids: HashMap<String, i32> = rows
            .iter()
            .map(|row| Ok((row.try_get_by_index::<String>(0)?, row.try_get_by_index::<i32>(1)?)))
            .collect::<Result<_, DbErr>>()?;
        let id_of = |index: usize| -> Result<i32, OpenError> {
            ids.get(&number_of(index)).copied().ok_or_else(|| OpenError::Database(DbErr::RecordNotInserted))
        };

        let mut files = Vec::new();
        let mut events = Vec::with_capacity(stored.len());
        let mut mails = Vec::with_capacity(stored.len());
        for &index in stored {
            let (_, system_name, submission) = &openings[index];
            let request_id = id_of(index)?;
            for file in &submission.attachments {
                files.push(attachment::ActiveModel {
                    id: Set(file.id.clone()),
                    request_id: Set(request_id),
                    file_name: Set(file.file_name.clone()),
                    content_type: Set(file.content_type.to_owned()),
                    size_bytes: Set(i64::try_from(file.size).unwrap_or(i64::MAX)),
                    created_at: Set(now),
                });
            }
            events.push(request_event::ActiveModel {
                request_id: Set(request_id),
                kind: Set(EVENT_OPENING.to_owned()),
                level: Set(1),
                body: Set(submission.draft.descricao.as_str().to_owned()),
                public: Set(true),
                created_at: Set(now),
                ..Default::default()
            });
            let mail = registered_mail(&self.sender, &self.public_url, system_name, submission, &number_of(index))?;
            mails.push(outbox_row(Some(request_id), "request_registered", mail, now));
        }
        if !files.is_empty() {
            attachment::Entity::insert_many(files).exec_without_returning(txn).await?;
        }
        request_event::Entity::insert_many(events).exec_without_returning(txn).await?;
        outbox_message::Entity::insert_many(mails).exec_without_returning(txn).await?;
        Ok(())
    }
}

/// The "request registered" e-mail of one opening.
pub fn registered_mail(
    sender: &Sender,
    public_url: &str,
    system_name: &str,
    submission: &Submission,
    number: &str,
) -> Result<ComposedMail, compose::ComposeError> {
    compose::request_registered(
        sender,
        &RequestRegistered {
            citizen_name: submission.draft.nome.as_str(),
            citizen_email: submission.draft.email.as_str(),
            protocol_number: number,
            system_name,
            follow_url: &format!("{public_url}/acompanhar?numero={number}"),
        },
    )
}

/// Inserts the captchas of the openings not refused yet; the challenges actually spent
/// now (one already in the table was spent before: a replay).
async fn spend_captchas(
    txn: &DatabaseTransaction,
    openings: &[(i32, String, Submission)],
    refused: &[Option<OpenError>],
    now: DateTime<Utc>,
) -> Result<HashSet<String>, DbErr> {
    let mut insert = Query::insert();
    insert.into_table(Alias::new("captcha_uses")).columns([
        Alias::new("challenge"),
        Alias::new("expires_at"),
        Alias::new("used_at"),
    ]);
    // In key order: two instances inserting the same replayed challenges in different
    // orders could otherwise deadlock on PostgreSQL.
    let mut captchas: Vec<_> = openings
        .iter()
        .zip(refused)
        .filter(|(_, refusal)| refusal.is_none())
        .map(|((_, _, submission), _)| &submission.captcha)
        .collect();
    if captchas.is_empty() {
        return Ok(HashSet::new());
    }
    captchas.sort_by(|a, b| a.challenge.cmp(&b.challenge));
    for captcha in captchas {
        insert.values_panic([captcha.challenge.clone().into(), captcha.expires_at.into(), now.into()]);
    }
    insert
        .on_conflict(OnConflict::column(Alias::new("challenge")).do_nothing().to_owned())
        .returning_col(Alias::new("challenge"));
    let rows = txn.query_all(txn.get_database_backend().build(&insert)).await?;
    rows.iter().map(|row| row.try_get_by_index::<String>(0)).collect()
}

/// Requests opened in the last 24 hours by each CPF of the candidates.
async fn opened_last_day(
    txn: &DatabaseTransaction,
    openings: &[(i32, String, Submission)],
    candidates: &[usize],
    now: DateTime<Utc>,
) -> Result<HashMap<String, u64>, DbErr> {
    let cpfs: HashSet<String> = candidates.iter().map(|&index| openings[index].2.draft.cpf.digits()).collect();
    let rows: Vec<(String, i64)> = request::Entity::find()
        .select_only()
        .column(request::Column::Cpf)
        .column_as(Expr::col(request::Column::Id).count(), "opened")
        .filter(request::Column::Cpf.is_in(cpfs))
        .filter(request::Column::CreatedAt.gt(now - chrono::Duration::hours(24)))
        .group_by(request::Column::Cpf)
        .into_tuple()
        .all(txn)
        .await?;
    Ok(rows.into_iter().map(|(cpf, opened)| (cpf, u64::try_from(opened).unwrap_or(0))).collect())
}

/// Protocol numbers carry the year in Brasília (UTC−3, no daylight saving since 2019),
/// so a request opened on 31 December at 22:00 local time belongs to that year.
fn brasilia_year(now: DateTime<Utc>) -> i32 {
    app::domain::lifecycle::brasilia_date(now.timestamp()).year
}

/// Moves the year's counter by `count` and returns its new value, the last number taken.
async fn take_numbers(txn: &DatabaseTransaction, year: i32, count: usize) -> Result<i64, DbErr> {
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    let counter = Alias::new("protocol_counters");
    let next = Query::insert()
        .into_table(counter.clone())
        .columns([Alias::new("year"), Alias::new("last_value")])
        .values_panic([year.into(), count.into()])
        .on_conflict(
            OnConflict::column(Alias::new("year"))
                .value(Alias::new("last_value"), Expr::col((counter, Alias::new("last_value"))).add(count))
                .to_owned(),
        )
        .returning_col(Alias::new("last_value"))
        .to_owned();
    let row = txn
        .query_one(txn.get_database_backend().build(&next))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("protocol counter returned no row".into()))?;
    row.try_get_by_index(0)
}

/// Gives `count` numbers back to the year's counter (openings refused after taking them;
/// the transaction still holds the counter, so nobody took later ones).
async fn return_numbers(txn: &DatabaseTransaction, year: i32, count: usize) -> Result<(), DbErr> {
    let count = i64::try_from(count).unwrap_or(0);
    let counter = Alias::new("protocol_counters");
    let update = Query::update()
        .table(counter.clone())
        .value(Alias::new("last_value"), Expr::col((counter, Alias::new("last_value"))).sub(count))
        .and_where(Expr::col(Alias::new("year")).eq(year))
        .to_owned();
    txn.execute(txn.get_database_backend().build(&update)).await?;
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_year_is_brasilias() {
        let late = DateTime::parse_from_rfc3339("2027-01-01T02:30:00Z").map(|d| d.with_timezone(&Utc));
        assert_eq!(late.map(brasilia_year).ok(), Some(2026));
        let day = DateTime::parse_from_rfc3339("2027-01-01T03:00:00Z").map(|d| d.with_timezone(&Utc));
        assert_eq!(day.map(brasilia_year).ok(), Some(2027));
    }
}
