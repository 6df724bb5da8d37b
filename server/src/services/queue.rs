//! The console's queue: the open requests of an agent's systems and level, filtered,
//! searched and ordered, 50 to a page, with the counts per status and the business days
//! each has waited. It shows no personal data and is not audited, except a search by a
//! full CPF, which is.
//!
//! Each page costs three indexed reads whatever the queue holds: the counts come from
//! `queue_counts` (see [`super::queue_counts`]), a filtered total is counted only up to
//! [`COUNT_CAP`], and the page's rows are read by ids cut from an index. Systems,
//! funcionalidades and the calendar come from this instance's copy
//! ([`super::reference`]).

use super::agents::Principal;
use super::audit::{self, action, Actor};
use super::opening::people::mailbox;
use super::queue_counts;
use super::reference::Snapshot;
use crate::db::entities::{agent, request, system};
use crate::db::WriteGate;
use app::api::console::{Choice, Queue, QueueFilter, QueueRow, ALL_STATUSES, MINE_OR_FREE};
use app::domain::brasilia::{self, date_time as brasilia_date_time, midnight as brasilia_midnight};
use app::domain::calendar::{Calendar, Date};
use app::domain::lifecycle::Status;
use app::domain::queue_search::QueueSearch;
use app::domain::uf::Uf;
use chrono::Utc;
use sea_orm::prelude::DateTimeUtc;
use sea_orm::sea_query::{Alias, Expr, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait, FromQueryResult,
    JoinType, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use std::collections::HashMap;

/// Rows per queue page.
pub const PAGE_SIZE: u32 = 50;
/// What "em aberto" means in the queue: waiting for the support team.
pub const OPEN: [Status; 3] = [Status::Recebido, Status::EmAnalise, Status::Reaberto];
/// A filtered or searched queue counts its requests up to this many; beyond, it says
/// "mais de 1.000" (counting a whole national queue at each page would cost more than
/// the page itself).
pub const COUNT_CAP: u64 = 1_000;

/// The latest date from which at least `days` business days have passed by `today`:
/// a request whose last activity is on or before it has waited `days` or more.
pub fn waited_since(calendar: &Calendar, today: Date, days: u32) -> Date {
    let mut date = today;
    let mut counted = 0;
    while counted < days {
        if calendar.is_business_day(date) {
            counted += 1;
        }
        date = date.plus_days(-1);
    }
    date
}

/// The systems `principal` works on (all for an administrator), in display order.
fn systems_of<'a>(reference: &'a Snapshot, principal: &Principal) -> Vec<&'a system::Model> {
    reference.systems.iter().filter(|s| principal.is_admin || principal.systems.contains(&s.id)).collect()
}

/// What a queue row shows of a request, with the name of the agent holding it.
#[derive(FromQueryResult)]
struct PageRow {
    id: i32,
    number: String,
    system_id: i32,
    funcionalidade_id: i32,
    status: String,
    level: i16,
    uf: String,
    updated_at: DateTimeUtc,
    holder: Option<String>,
}

/// The requests whose indexed text holds every term of `search` at the start of a word,
/// and with a full CPF, that CPF's requests as well. `common`: the terms match many
/// requests, so SQLite had better walk the queue's order and check each against the
/// matches (a unary `+` keeps it from starting with them and sorting them all).
fn matching_search(backend: DatabaseBackend, search: &QueueSearch, common: bool) -> Condition {
    // Terms hold only letters and digits (`queue_search`), so they need no escaping in
    // either query language; they are bound as values all the same (a custom expression
    // takes PostgreSQL's `$1` or SQLite's `?` as written).
    let text: SimpleExpr = match backend {
        DatabaseBackend::Postgres => {
            let query = search.terms.iter().map(|t| format!("{t}:*")).collect::<Vec<_>>().join(" & ");
            Expr::cust_with_values("requests.search_vector @@ to_tsquery('simple', $1)", [query])
        }
        _ => {
            let query = search.terms.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" ");
            let sql = if common {
                "+requests.id IN (SELECT rowid FROM request_search WHERE request_search MATCH ?)"
            } else {
                "requests.id IN (SELECT rowid FROM request_search WHERE request_search MATCH ?)"
            };
            Expr::cust_with_values(sql, [query])
        }
    };
    if let Some(email) = &search.email {
        return Condition::all().add(mailbox().eq(email.as_str()));
    }
    let mut any = Condition::any().add(text);
    if let Some(cpf) = &search.cpf {
        any = any.add(request::Column::Cpf.eq(cpf.digits()));
    }
    any
}

/// Rows matching `condition`, counted up to [`COUNT_CAP`] + 1.
async fn capped_count(db: &DatabaseConnection, condition: Condition) -> Result<u64, DbErr> {
    let some =
        request::Entity::find().select_only().expr(Expr::val(1)).filter(condition).limit(COUNT_CAP + 1).into_query();
    let count = Query::select().expr(Expr::cust("COUNT(*)")).from_subquery(some, Alias::new("m")).to_owned();
    let row = db.query_one(db.get_database_backend().build(&count)).await?;
    let n: i64 = match row {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

pub async fn load(
    db: &DatabaseConnection,
    gate: &WriteGate,
    reference: &Snapshot,
    principal: &Principal,
    filter: &QueueFilter,
    client: Option<std::net::IpAddr>,
) -> Result<Queue, DbErr> {
    let filter = &filter.effective(principal.is_admin);
    let systems = systems_of(reference, principal);
    let chosen: Vec<i32> =
        systems.iter().filter(|s| filter.system.as_deref().is_none_or(|slug| slug == s.slug)).map(|s| s.id).collect();
    let level = if principal.is_admin { filter.level.filter(|l| (1..=3).contains(l)) } else { Some(principal.level) };
    // An administrator's queue over every system needs no condition on the system (which
    // would only keep SQLite from walking the queue's order).
    let every_system = principal.is_admin && filter.system.is_none();
    let mut scope = Condition::all();
    if !every_system {
        scope = scope.add(request::Column::SystemId.is_in(chosen.clone()));
    }
    if let Some(level) = level {
        scope = scope.add(request::Column::Level.eq(level));
    }
    let counted = queue_counts::by_status(db, &chosen, level).await?;
    let counts: Vec<(Status, u64)> =
        Status::ALL.into_iter().map(|status| (status, counted.get(status.code()).copied().unwrap_or(0))).collect();

    let statuses: Vec<&str> = match filter.status.as_deref() {
        Some(ALL_STATUSES) => Status::ALL.iter().map(|s| s.code()).collect(),
        chosen => match chosen.and_then(Status::from_code) {
            Some(status) => vec![status.code()],
            None => OPEN.iter().map(|s| s.code()).collect(),
        },
    };
    let uf = filter.uf.as_deref().and_then(|uf| Uf::parse(uf).ok()).map(|uf| uf.acronym);
    let mut narrowed = uf.is_some() || filter.funcionalidade.is_some();
    // Status, UF and funcionalidade; `walk`: each behind a unary `+`, so that SQLite uses
    // no index for them and walks the queue's order, checking each row (see below).
    let chosen_filters = |walk: bool| {
        let column = |name: &str, column: request::Column| -> SimpleExpr {
            if walk {
                Expr::cust(format!("+\"requests\".\"{name}\""))
            } else {
                Expr::col((request::Entity, column)).into()
            }
        };
        let mut condition =
            Condition::all().add(Expr::expr(column("status", request::Column::Status)).is_in(statuses.clone()));
        if let Some(uf) = uf {
            condition = condition.add(Expr::expr(column("uf", request::Column::Uf)).eq(uf));
        }
        if let Some(id) = filter.funcionalidade {
            condition =
                condition.add(Expr::expr(column("funcionalidade_id", request::Column::FuncionalidadeId)).eq(id));
        }
        condition
    };
    // The holder and waiting filters (scope, status, UF and funcionalidade are added below).
    let mut matching = Condition::all();
    let mine = request::Column::AssigneeId.eq(principal.id);
    let free = request::Column::AssigneeId.is_null();
    let holder = match filter.holder.as_deref() {
        Some("minhas") => Some(Condition::all().add(mine)),
        Some("livres") => Some(Condition::all().add(free)),
        Some(MINE_OR_FREE) => Some(Condition::any().add(mine).add(free)),
        _ => None,
    };
    if let Some(holder) = holder {
        matching = matching.add(holder);
        narrowed = true;
    }
    let calendar = &reference.calendar;
    let now = Utc::now();
    let today = brasilia::date_of(now);
    if let Some(days) = filter.min_days.filter(|d| *d > 0 && *d <= 365) {
        if let Some(before) = brasilia_midnight(waited_since(calendar, today, days).plus_days(1)) {
            matching = matching.add(request::Column::UpdatedAt.lt(before));
            narrowed = true;
        }
    }
    let search = filter.search.as_deref().and_then(QueueSearch::parse);
    let others = matching.clone();
    let mut matching = scope.clone().add(chosen_filters(false)).add(matching);
    if let Some(search) = &search {
        matching = matching.add(matching_search(db.get_database_backend(), search, false));
        narrowed = true;
    }
    // The only reading of the queue that is audited: it tells whether a person has
    // requests, so who asked is kept (the CPF itself only masked). Written while the page
    // is read, and awaited before anything of it is returned.
    let audited = search.as_ref().and_then(|search| search.cpf.as_ref()).map(|cpf| {
        let (db, gate, masked) = (db.clone(), gate.clone(), cpf.masked());
        let actor = Actor { agent_id: Some(principal.id), ip: client.map(|ip| ip.to_string()) };
        tokio::spawn(async move {
            let _turn = gate.enter().await;
            audit::record(&db, &actor, action::SEARCH_CPF, None, &masked, Utc::now()).await
        })
    });
    // Without a filter beyond scope and status, the counts already hold the total.
    let (total, more) = if narrowed {
        let n = capped_count(db, matching.clone()).await?;
        (n.min(COUNT_CAP), n > COUNT_CAP)
    } else {
        (counts.iter().filter(|(status, _)| statuses.contains(&status.code())).map(|(_, n)| n).sum(), false)
    };
    let page = filter.page.unwrap_or(1).clamp(1, 10_000);
    // Over every system and level, SQLite would take the requests of the chosen status or
    // UF from an index and sort them all (46 ms for a third of 100,000); when more than
    // [`COUNT_CAP`] match, walking the queue's order and checking each row finds a page
    // sooner (0.5 ms). Likewise a search that matches many. PostgreSQL chooses well alone.
    let sqlite = db.get_database_backend() == DatabaseBackend::Sqlite;
    let walk = sqlite && (more || total > COUNT_CAP) && every_system && level.is_none();
    if walk || (more && search.is_some()) {
        matching = scope.add(chosen_filters(walk)).add(others);
        if let Some(search) = &search {
            matching = matching.add(matching_search(db.get_database_backend(), search, more));
        }
    }
    let mut query = request::Entity::find().filter(matching);
    query = if filter.oldest_first() {
        query.order_by_asc(request::Column::UpdatedAt).order_by_asc(request::Column::Id)
    } else {
        query.order_by_desc(request::Column::UpdatedAt).order_by_desc(request::Column::Id)
    };
    // The page's ids are ordered and cut from the index alone (sorting whole rows would
    // read every matching row), then its 50 rows are read by id, in the same statement.
    let ids = query
        .select_only()
        .column(request::Column::Id)
        .offset(u64::from((page - 1) * PAGE_SIZE))
        .limit(u64::from(PAGE_SIZE))
        .into_query();
    let mut rows = request::Entity::find()
        .select_only()
        .columns([
            request::Column::Id,
            request::Column::Number,
            request::Column::SystemId,
            request::Column::FuncionalidadeId,
            request::Column::Status,
            request::Column::Level,
            request::Column::Uf,
            request::Column::UpdatedAt,
        ])
        .column_as(agent::Column::Name, "holder")
        .join(
            JoinType::LeftJoin,
            request::Entity::belongs_to(agent::Entity).from(request::Column::AssigneeId).to(agent::Column::Id).into(),
        )
        .filter(Expr::col((request::Entity, request::Column::Id)).in_subquery(ids))
        .into_model::<PageRow>()
        .all(db)
        .await?;
    rows.sort_by_key(|row| (row.updated_at, row.id));
    if !filter.oldest_first() {
        rows.reverse();
    }
    let funcionalidades: Vec<_> =
        reference.funcionalidades.iter().filter(|f| systems.iter().any(|s| s.id == f.system_id)).collect();
    let system_names: HashMap<i32, &str> = systems.iter().map(|s| (s.id, s.name.as_str())).collect();
    let targets: HashMap<i32, u32> =
        systems.iter().map(|s| (s.id, u32::try_from(s.wait_target_days).unwrap_or(0))).collect();
    let funcionalidade_names: HashMap<i32, &str> = funcionalidades.iter().map(|f| (f.id, f.name.as_str())).collect();
    let rows = rows
        .into_iter()
        .map(|row| {
            let waiting_days = calendar.business_days_between(brasilia::date_of(row.updated_at), today);
            QueueRow {
                late: targets.get(&row.system_id).is_some_and(|target| waiting_days > *target),
                waiting_days,
                system_name: system_names.get(&row.system_id).copied().unwrap_or_default().to_owned(),
                funcionalidade: funcionalidade_names
                    .get(&row.funcionalidade_id)
                    .copied()
                    .unwrap_or_default()
                    .to_owned(),
                uf: row.uf,
                status: Status::from_code(&row.status).unwrap_or(Status::Recebido),
                level: row.level,
                holder: row.holder,
                last_activity: brasilia_date_time(row.updated_at),
                number: row.number,
            }
        })
        .collect();
    let several = systems.len() > 1;
    if let Some(audited) = audited {
        audited.await.map_err(|error| DbErr::Custom(format!("auditing a search by CPF: {error}")))??;
    }
    Ok(Queue {
        agent: principal.view(),
        filter: filter.clone(),
        counts,
        rows,
        total,
        more,
        page_size: PAGE_SIZE,
        funcionalidades: funcionalidades
            .iter()
            .map(|f| Choice {
                value: f.id.to_string(),
                label: match (several, system_names.get(&f.system_id)) {
                    (true, Some(system)) => format!("{system}: {}", f.name),
                    _ => f.name.clone(),
                },
            })
            .collect(),
        systems: systems.into_iter().map(|s| Choice { value: s.slug.clone(), label: s.name.clone() }).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_cutoffs_count_business_days_back() {
        let calendar = Calendar::national();
        // Thursday 2026-11-26; Friday 20 is Consciência Negra (a national holiday).
        let today = Date { year: 2026, month: 11, day: 26 };
        assert_eq!(waited_since(&calendar, today, 0), today);
        assert_eq!(waited_since(&calendar, today, 1), Date { year: 2026, month: 11, day: 25 });
        assert_eq!(waited_since(&calendar, today, 4), Date { year: 2026, month: 11, day: 22 });
        // The weekend and the holiday do not count: the fifth business day back is the 19th.
        assert_eq!(waited_since(&calendar, today, 5), Date { year: 2026, month: 11, day: 18 });
        for days in 0..30 {
            let since = waited_since(&calendar, today, days);
            assert_eq!(calendar.business_days_between(since, today), days, "{days}");
            assert!(calendar.business_days_between(since.plus_days(1), today) < days.max(1));
        }
    }
}
