//! The administrators' reports behind `app`'s [`Reports`] port and the CSV download:
//! requests opened in a period (Brasília days) for one system or all, their answers,
//! finalizations, reopenings and ratings, summed up in total, per level and per agent.
//! Times are business days on the portal's calendar (weekends, national holidays and the
//! pontos facultativos do not count), from the opening's date to the event's date.

use super::admin::AdminService;
use super::agents::Principal;
use super::{load_calendar, refuse};
use crate::db::entities::{agent, request, request_event, system};
use app::api::console::Choice;
use app::api::reports::{Figures, GroupFigures, ReportFilter, ReportPage};
use app::api::AppError;
use app::domain::brasilia::{self, midnight as brasilia_midnight};
use app::domain::calendar::{Calendar, Date};
use app::domain::lifecycle::{EventKind, RATINGS};
use app::domain::pt_br;
use app::ports::Reports;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use std::sync::Arc;

/// request id, kind, level, agent, when.
type EventRow = (i32, String, i16, Option<i32>, DateTime<Utc>);

/// The longest period one report covers.
pub const MAX_DAYS: i64 = 366;

pub struct ReportService {
    db: DatabaseConnection,
    admin: Arc<AdminService>,
}

/// What the report knows of one request.
#[derive(Debug, Clone)]
struct Track {
    opened: Date,
    rating: Option<i16>,
    first_answer: Option<Date>,
    first_finalization: Option<Date>,
    /// Level and agent of the latest finalization (who answered for it in the end).
    last_finalization: Option<(i16, Option<i32>)>,
    reopened: bool,
}

fn median(mut values: Vec<u32>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (f64::from(values[middle - 1]) + f64::from(values[middle])) / 2.0
    } else {
        f64::from(values[middle])
    })
}

fn figures<'a>(tracks: impl Iterator<Item = &'a Track>, calendar: &Calendar) -> Figures {
    let mut out = Figures::default();
    let (mut to_answer, mut to_finalization) = (Vec::new(), Vec::new());
    for track in tracks {
        out.opened += 1;
        if let Some(day) = track.first_answer {
            to_answer.push(calendar.business_days_between(track.opened, day));
        }
        if let Some(day) = track.first_finalization {
            out.finalized += 1;
            to_finalization.push(calendar.business_days_between(track.opened, day));
            if track.reopened {
                out.reopened += 1;
            }
        }
        if let Some(score) = track.rating.and_then(|r| usize::try_from(r).ok()).filter(|r| (1..=5).contains(r)) {
            out.ratings[score - 1] += 1;
        }
    }
    out.median_first_answer_days = median(to_answer);
    out.median_finalization_days = median(to_finalization);
    out
}

/// The period of a filter: `to` defaults to today, `from` to 29 days before `to`; at
/// most [`MAX_DAYS`].
pub fn period(filter: &ReportFilter, today: Date) -> (Date, Date) {
    let to = filter.to.as_deref().and_then(Date::parse_iso).unwrap_or(today);
    let from = filter.from.as_deref().and_then(Date::parse_iso).unwrap_or(to.plus_days(-29));
    let from = if from > to { to } else { from };
    let from =
        if to.days_since_epoch() - from.days_since_epoch() >= MAX_DAYS { to.plus_days(1 - MAX_DAYS) } else { from };
    (from, to)
}

impl ReportService {
    pub fn new(db: DatabaseConnection, admin: Arc<AdminService>) -> ReportService {
        ReportService { db, admin }
    }

    pub async fn administrator(&self, session: Option<&str>) -> Result<Principal, AppError> {
        self.admin.administrator(session).await
    }

    pub async fn build(&self, admin: &Principal, filter: &ReportFilter) -> Result<ReportPage, DbErr> {
        let today = brasilia::today();
        let (from, to) = period(filter, today);
        let systems = system::Entity::find().order_by_asc(system::Column::Position).all(&self.db).await?;
        let chosen: Vec<i32> = systems
            .iter()
            .filter(|s| filter.system.as_deref().is_none_or(|slug| slug == s.slug))
            .map(|s| s.id)
            .collect();
        let (Some(start), Some(end)) = (brasilia_midnight(from), brasilia_midnight(to.plus_days(1))) else {
            return Err(DbErr::Custom("report period out of range".to_owned()));
        };
        let chosen_systems: Vec<system::Model> = systems.iter().filter(|s| chosen.contains(&s.id)).cloned().collect();
        let deflection = super::faq_help::deflection(&self.db, &chosen_systems, start, end).await?;
        let requests: Vec<(i32, DateTime<Utc>, Option<i16>)> = request::Entity::find()
            .select_only()
            .column(request::Column::Id)
            .column(request::Column::CreatedAt)
            .column(request::Column::Rating)
            .filter(request::Column::SystemId.is_in(chosen.clone()))
            .filter(request::Column::CreatedAt.gte(start))
            .filter(request::Column::CreatedAt.lt(end))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut tracks: HashMap<i32, Track> = requests
            .into_iter()
            .map(|(id, created, rating)| {
                let opened = brasilia::date_of(created);
                (
                    id,
                    Track {
                        opened,
                        rating,
                        first_answer: None,
                        first_finalization: None,
                        last_finalization: None,
                        reopened: false,
                    },
                )
            })
            .collect();
        // The events of those requests, selected by the same conditions (a subquery, not
        // a list of ids: a long period holds more requests than a statement takes values).
        let in_period = Query::select()
            .column(request::Column::Id)
            .from(request::Entity)
            .and_where(request::Column::SystemId.is_in(chosen))
            .and_where(request::Column::CreatedAt.gte(start))
            .and_where(request::Column::CreatedAt.lt(end))
            .to_owned();
        let kinds = [EventKind::Answer, EventKind::Finalization, EventKind::Reopening].map(|k| k.code());
        let events: Vec<EventRow> = request_event::Entity::find()
            .select_only()
            .column(request_event::Column::RequestId)
            .column(request_event::Column::Kind)
            .column(request_event::Column::Level)
            .column(request_event::Column::AgentId)
            .column(request_event::Column::CreatedAt)
            .filter(request_event::Column::RequestId.in_subquery(in_period))
            .filter(request_event::Column::Kind.is_in(kinds))
            .order_by_asc(request_event::Column::CreatedAt)
            .order_by_asc(request_event::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        for (request_id, kind, level, agent_id, at) in events {
            let Some(track) = tracks.get_mut(&request_id) else { continue };
            let day = brasilia::date_of(at);
            match EventKind::from_code(&kind) {
                Some(EventKind::Answer) => {
                    track.first_answer.get_or_insert(day);
                }
                Some(EventKind::Finalization) => {
                    track.first_answer.get_or_insert(day);
                    track.first_finalization.get_or_insert(day);
                    track.last_finalization = Some((level, agent_id));
                }
                Some(EventKind::Reopening) => track.reopened = true,
                _ => {}
            }
        }
        let calendar = load_calendar(&self.db).await?;
        let total = figures(tracks.values(), &calendar);
        let per_level = (1..=3i16)
            .map(|level| GroupFigures {
                label: format!("Nível {level:02}"),
                figures: figures(
                    tracks.values().filter(|t| t.last_finalization.is_some_and(|(l, _)| l == level)),
                    &calendar,
                ),
            })
            .collect();
        let mut finalizers: Vec<i32> =
            tracks.values().filter_map(|t| t.last_finalization.and_then(|(_, a)| a)).collect();
        finalizers.sort_unstable();
        finalizers.dedup();
        let names: HashMap<i32, String> = agent::Entity::find()
            .filter(agent::Column::Id.is_in(finalizers.clone()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let mut per_agent: Vec<GroupFigures> = finalizers
            .into_iter()
            .map(|id| GroupFigures {
                label: names.get(&id).cloned().unwrap_or_else(|| format!("Atendente {id}")),
                figures: figures(
                    tracks.values().filter(|t| t.last_finalization.is_some_and(|(_, a)| a == Some(id))),
                    &calendar,
                ),
            })
            .collect();
        per_agent.sort_by(|a, b| b.figures.finalized.cmp(&a.figures.finalized).then(a.label.cmp(&b.label)));
        Ok(ReportPage {
            admin: admin.view(),
            filter: filter.clone(),
            period: (pt_br::date(from), pt_br::date(to)),
            period_iso: (from.iso(), to.iso()),
            systems: systems.into_iter().map(|s| Choice { value: s.slug, label: s.name }).collect(),
            total,
            per_level,
            per_agent,
            deflection,
        })
    }
}

/// A number for the CSV: Brazilian decimal comma, empty when there is none.
fn decimal(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.2}").replace('.', ",")).unwrap_or_default()
}

/// A text cell that a spreadsheet will not run as a formula, quoted.
fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The report as CSV (`;`-separated, decimal comma: what spreadsheets in pt-BR expect).
pub fn csv(page: &ReportPage) -> String {
    let mut out = String::from("\u{feff}grupo;abertas;finalizadas;reabertas;taxa_reabertura_pct;");
    out.push_str("mediana_primeira_resposta_dias_uteis;mediana_finalizacao_dias_uteis;");
    for (_, label) in RATINGS {
        out.push_str(&label.to_lowercase().replace(' ', "_"));
        out.push(';');
    }
    out.push_str("media_satisfacao\r\n");
    let rows = std::iter::once(("Total", &page.total))
        .chain(page.per_level.iter().map(|g| (g.label.as_str(), &g.figures)))
        .chain(page.per_agent.iter().map(|g| (g.label.as_str(), &g.figures)));
    for (label, f) in rows {
        out.push_str(&format!(
            "{};{};{};{};{};{};{};{};{}\r\n",
            cell(label),
            f.opened,
            f.finalized,
            f.reopened,
            decimal(f.reopened_rate()),
            decimal(f.median_first_answer_days),
            decimal(f.median_finalization_days),
            f.ratings.iter().map(u64::to_string).collect::<Vec<_>>().join(";"),
            decimal(f.rating_mean()),
        ));
    }
    out
}

#[async_trait]
impl Reports for ReportService {
    async fn report(&self, session: Option<&str>, filter: &ReportFilter) -> Result<ReportPage, AppError> {
        let admin = self.administrator(session).await?;
        self.build(&admin, filter).await.map_err(refuse("building a report"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3]), Some(3.0));
        assert_eq!(median(vec![5, 1, 3]), Some(3.0));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2.5));
    }

    #[test]
    fn periods_default_to_thirty_days_and_stay_bounded() {
        let today = Date { year: 2026, month: 11, day: 26 };
        let (from, to) = period(&ReportFilter::default(), today);
        assert_eq!((from, to), (Date { year: 2026, month: 10, day: 28 }, today));
        let wide =
            ReportFilter { from: Some("2020-01-01".into()), to: Some("2026-11-26".into()), ..Default::default() };
        let (from, _) = period(&wide, today);
        assert_eq!(to.days_since_epoch() - from.days_since_epoch() + 1, MAX_DAYS);
        let reversed =
            ReportFilter { from: Some("2026-12-01".into()), to: Some("2026-11-01".into()), ..Default::default() };
        let (from, to) = period(&reversed, today);
        assert_eq!(from, to);
    }

    #[test]
    fn csv_cells_cannot_be_formulas() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("Ana"), "\"Ana\"");
        assert_eq!(decimal(Some(2.5)), "2,50");
        assert_eq!(decimal(None), "");
    }
}
