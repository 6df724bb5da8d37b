//! Telling agents that work arrived in a queue they serve (a new request, one forwarded
//! to their level, one reopened, a citizen's complement), as each agent chose: as it
//! happens, a daily summary at an hour of Brasília, or not at all.
//!
//! A job reads the timeline (`request_events`) after a cursor, puts one e-mail per agent
//! to tell in the outbox, and moves the cursor by compare-and-set in the same
//! transaction: two instances reading the same entries cannot both commit, so nobody is
//! told twice. A summary is claimed the same way, on the agent's `digest_until`.
//! The request paths are not slowed: openings and actions only write their entries.

use super::enqueue_mail;
use super::opening::Outgoing;
use crate::db::entities::{agent, agent_system, funcionalidade, request, request_event, system, team_notice_cursor};
use crate::db::WriteGate;
use crate::mail::team_notice::{arrival_notice, daily_digest, Arrival, Recipient};
use app::domain::brasilia;
use app::domain::lifecycle::EventKind;
use app::domain::team_notices::{arrival, digest_due, NoticeChoice, ARRIVALS};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use std::collections::HashMap;

/// How often the job looks for arrivals and due summaries.
pub const INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);
/// Entries younger than this wait for the next round: on PostgreSQL, a transaction may
/// commit after one that took a later id, and the cursor must not pass an entry not yet
/// visible.
pub const SETTLE: Duration = Duration::seconds(2);
/// Entries read per round.
const BATCH: u64 = 500;
/// The outbox kind of these e-mails.
pub const KIND_ARRIVAL: &str = "aviso_equipe";
pub const KIND_DIGEST: &str = "resumo_equipe";

#[derive(Clone)]
pub struct TeamNotices {
    db: DatabaseConnection,
    gate: WriteGate,
    mail: Outgoing,
}

/// What one round put in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Told {
    pub arrivals: u64,
    pub digests: u64,
}

/// An agent who may be told, with the systems they serve.
struct Member {
    agent: agent::Model,
    systems: Vec<i32>,
}

impl TeamNotices {
    pub fn new(db: DatabaseConnection, gate: WriteGate, mail: Outgoing) -> TeamNotices {
        TeamNotices { db, gate, mail }
    }

    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<Told, DbErr> {
        let arrivals = self.tell_arrivals(now).await?;
        let digests = self.send_digests(now).await?;
        if arrivals + digests > 0 {
            self.mail.wakeup.notify_one();
        }
        Ok(Told { arrivals, digests })
    }

    /// Active agents with a password who chose `choice`, with their systems.
    async fn members(&self, db: &impl ConnectionTrait, choice: NoticeChoice) -> Result<Vec<Member>, DbErr> {
        let agents = agent::Entity::find()
            .filter(agent::Column::Active.eq(true))
            .filter(agent::Column::PasswordHash.is_not_null())
            .filter(agent::Column::Notify.eq(choice.value()))
            .all(db)
            .await?;
        let links = agent_system::Entity::find()
            .filter(agent_system::Column::AgentId.is_in(agents.iter().map(|a| a.id)))
            .all(db)
            .await?;
        Ok(agents
            .into_iter()
            .map(|agent| {
                let systems = links.iter().filter(|l| l.agent_id == agent.id).map(|l| l.system_id).collect();
                Member { agent, systems }
            })
            .collect())
    }

    /// The arrivals among `events`, described for an e-mail, with their system and level.
    async fn describe(
        &self,
        db: &impl ConnectionTrait,
        events: &[request_event::Model],
    ) -> Result<Vec<(i32, i32, Arrival, Option<i32>)>, DbErr> {
        let requests: HashMap<i32, request::Model> = request::Entity::find()
            .filter(request::Column::Id.is_in(events.iter().map(|e| e.request_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let systems: HashMap<i32, String> =
            system::Entity::find().all(db).await?.into_iter().map(|s| (s.id, s.name)).collect();
        let funcionalidades: HashMap<i32, String> = funcionalidade::Entity::find()
            .filter(funcionalidade::Column::Id.is_in(requests.values().map(|r| r.funcionalidade_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|f| (f.id, f.name))
            .collect();
        let base = self.mail.public_url.trim_end_matches('/');
        Ok(events
            .iter()
            .filter_map(|event| {
                let kind = EventKind::from_code(&event.kind)?;
                let what = arrival(kind, event.level)?;
                let row = requests.get(&event.request_id)?;
                let described = Arrival {
                    number: row.number.clone(),
                    system: systems.get(&row.system_id).cloned().unwrap_or_default(),
                    funcionalidade: funcionalidades.get(&row.funcionalidade_id).cloned().unwrap_or_default(),
                    what,
                    level: event.level,
                    at: brasilia::date_time(event.created_at),
                    url: format!("{base}/atendimento/solicitacoes/{}", row.number),
                };
                Some((row.id, row.system_id, described, event.agent_id))
            })
            .collect())
    }

    fn recipient<'a>(&self, agent: &'a agent::Model, profile_url: &'a str) -> Recipient<'a> {
        Recipient { name: &agent.name, email: &agent.email, profile_url }
    }

    /// One e-mail per arrival to each agent who serves its queue and wants to be told at
    /// once; returns how many were queued.
    async fn tell_arrivals(&self, now: DateTime<Utc>) -> Result<u64, DbErr> {
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let cursor = team_notice_cursor::Entity::find_by_id(1).one(&txn).await?.map_or(0, |c| c.last_event_id);
        let read = request_event::Entity::find()
            .filter(request_event::Column::Id.gt(cursor))
            .order_by_asc(request_event::Column::Id)
            .limit(BATCH)
            .all(&txn)
            .await?;
        // Up to the first entry too young to be sure that none before it is still unseen.
        let settled: Vec<request_event::Model> =
            read.into_iter().take_while(|e| e.created_at <= now - SETTLE).collect();
        let Some(last) = settled.last().map(|e| e.id) else { return Ok(0) };
        let arriving: Vec<request_event::Model> =
            settled.into_iter().filter(|e| ARRIVALS.iter().any(|kind| kind.code() == e.kind)).collect();
        let mut queued = 0;
        if !arriving.is_empty() {
            let members = self.members(&txn, NoticeChoice::Immediate).await?;
            let profile_url = format!("{}/atendimento/perfil", self.mail.public_url.trim_end_matches('/'));
            for (request_id, system_id, arrival, author) in self.describe(&txn, &arriving).await? {
                let told = members.iter().filter(|m| {
                    m.agent.level == arrival.level && m.systems.contains(&system_id) && Some(m.agent.id) != author
                });
                for member in told {
                    let to = self.recipient(&member.agent, &profile_url);
                    match arrival_notice(&self.mail.sender, to, &arrival) {
                        Ok(mail) => {
                            enqueue_mail(&txn, Some(request_id), KIND_ARRIVAL, mail, now).await?;
                            queued += 1;
                        }
                        Err(error) => {
                            tracing::error!(agent = member.agent.id, error = %error, "team notice not composed")
                        }
                    }
                }
            }
        }
        let moved = team_notice_cursor::Entity::update_many()
            .col_expr(team_notice_cursor::Column::LastEventId, Expr::value(last))
            .filter(team_notice_cursor::Column::Id.eq(1))
            .filter(team_notice_cursor::Column::LastEventId.eq(cursor))
            .exec(&txn)
            .await?
            .rows_affected;
        if moved != 1 {
            // Another instance read these entries first and told everyone.
            txn.rollback().await?;
            return Ok(0);
        }
        txn.commit().await?;
        Ok(queued)
    }

    /// The summaries due now, each claimed on its agent's `digest_until` (so that one is
    /// made once, whichever instance makes it); returns how many were queued.
    async fn send_digests(&self, now: DateTime<Utc>) -> Result<u64, DbErr> {
        let members = self.members(&self.db, NoticeChoice::Daily).await?;
        let mut queued = 0;
        let base = self.mail.public_url.trim_end_matches('/').to_owned();
        let profile_url = format!("{base}/atendimento/perfil");
        for member in members {
            let agent = &member.agent;
            let Some(due) = digest_due(now, agent.digest_hour, agent.digest_until) else { continue };
            let since = agent.digest_until.unwrap_or(due - Duration::days(1));
            let _turn = self.gate.enter().await;
            let txn = self.db.begin().await?;
            let events = request_event::Entity::find()
                .filter(request_event::Column::Kind.is_in(ARRIVALS.iter().map(|k| k.code())))
                .filter(request_event::Column::Level.eq(agent.level))
                .filter(request_event::Column::CreatedAt.gt(since))
                .filter(request_event::Column::CreatedAt.lte(due))
                .order_by_asc(request_event::Column::Id)
                .all(&txn)
                .await?;
            let arrivals: Vec<Arrival> = self
                .describe(&txn, &events)
                .await?
                .into_iter()
                .filter(|(_, system_id, _, _)| member.systems.contains(system_id))
                .map(|(_, _, arrival, _)| arrival)
                .collect();
            let unclaimed = match agent.digest_until {
                Some(until) => Condition::all().add(agent::Column::DigestUntil.eq(until)),
                None => Condition::all().add(agent::Column::DigestUntil.is_null()),
            };
            let claimed = agent::Entity::update_many()
                .col_expr(agent::Column::DigestUntil, Expr::value(Some(due)))
                .filter(agent::Column::Id.eq(agent.id))
                .filter(unclaimed)
                .exec(&txn)
                .await?
                .rows_affected;
            if claimed != 1 {
                txn.rollback().await?;
                continue;
            }
            // A day with nothing new sends nothing (the claim still marks the day done).
            if !arrivals.is_empty() {
                let day = app::domain::pt_br::date(brasilia::date_of(due));
                let to = self.recipient(agent, &profile_url);
                match daily_digest(&self.mail.sender, to, &day, &arrivals, &format!("{base}/atendimento")) {
                    Ok(mail) => {
                        enqueue_mail(&txn, None, KIND_DIGEST, mail, now).await?;
                        queued += 1;
                    }
                    Err(error) => tracing::error!(agent = agent.id, error = %error, "daily summary not composed"),
                }
            }
            txn.commit().await?;
        }
        Ok(queued)
    }

    pub fn spawn(self, shutdown: crate::services::jobs::Shutdown) -> tokio::task::JoinHandle<()> {
        super::jobs::every(INTERVAL, "team notices", shutdown, move || {
            let job = self.clone();
            async move {
                let told = job.run_once(Utc::now()).await?;
                Ok((told != Told::default())
                    .then(|| format!("{} arrival notices and {} daily summaries queued", told.arrivals, told.digests)))
            }
        })
    }
}
