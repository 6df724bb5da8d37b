//! The FAQ's answers where they help (issue 14): suggestions while a citizen describes the
//! problem on the request form (matched by `app::domain::suggest`), the Sim/Não under each
//! answer on the FAQ page and in the suggestions, and the counts of all of it: per system
//! for the reports (deflection), per entry for the FAQ editor. Anyone may call these, so
//! each address is limited; a limited address simply gets no suggestions, and its events
//! are not counted.

use crate::db::entities::{faq_entry, faq_event, request, system};
use crate::db::WriteGate;
use crate::markdown;
use crate::rate_limit::RateLimiter;
use crate::refusal::Refusal;
use app::api::faq_help::Deflection;
use app::components::suggestion_list::Suggestion;
use app::domain::faq_help::{FaqEvent, FaqPlace, HelpfulAnswer};
use app::domain::request_form::is_idempotency_key;
use app::domain::suggest::{self, Candidate};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

/// Calls (suggestions and events) one address may make in an hour: a form makes a few
/// dozen while its description is typed (the browser waits for a pause in the typing).
pub const PER_ADDRESS_PER_HOUR: u32 = 600;

const TOO_MANY: &str = "Muitas respostas enviadas a partir desta rede. Aguarde um pouco e tente novamente.";

pub struct FaqHelpService {
    db: DatabaseConnection,
    gate: WriteGate,
    per_ip: RateLimiter,
}

impl FaqHelpService {
    pub fn new(db: DatabaseConnection, gate: WriteGate) -> FaqHelpService {
        FaqHelpService { db, gate, per_ip: RateLimiter::new(PER_ADDRESS_PER_HOUR, Duration::from_secs(3_600)) }
    }

    fn allowed(&self, client: Option<IpAddr>) -> bool {
        self.per_ip.allow(client.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)), Instant::now())
    }

    /// The active system with this slug and its published entries, in the FAQ's order.
    async fn published(&self, slug: &str) -> Result<Option<(i32, Vec<faq_entry::Model>)>, DbErr> {
        let Some(found) = system::Entity::find()
            .filter(system::Column::Slug.eq(slug))
            .filter(system::Column::Active.eq(true))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let entries = faq_entry::Entity::find()
            .filter(faq_entry::Column::SystemId.eq(found.id))
            .filter(faq_entry::Column::Published.eq(true))
            .order_by_asc(faq_entry::Column::Position)
            .order_by_asc(faq_entry::Column::Id)
            .all(&self.db)
            .await?;
        Ok(Some((found.id, entries)))
    }

    /// The system of `entry`, if it is a published entry of the active system `slug`.
    async fn entry_of(&self, slug: &str, entry: i32) -> Result<Option<i32>, DbErr> {
        let Some(found) = faq_entry::Entity::find_by_id(entry).one(&self.db).await? else { return Ok(None) };
        let system = system::Entity::find_by_id(found.system_id).one(&self.db).await?;
        let belongs = system.is_some_and(|s| s.active && s.slug == slug);
        Ok((found.published && belongs).then_some(found.system_id))
    }

    async fn record(
        &self,
        system_id: i32,
        entries: &[i32],
        event: FaqEvent,
        place: FaqPlace,
        form_key: &str,
    ) -> Result<(), DbErr> {
        if entries.is_empty() {
            return Ok(());
        }
        let key = is_idempotency_key(form_key).then(|| form_key.to_owned());
        let now = Utc::now();
        let rows = entries.iter().map(|&entry| faq_event::ActiveModel {
            system_id: Set(system_id),
            faq_entry_id: Set(entry),
            kind: Set(event.value().to_owned()),
            place: Set(place.code().to_owned()),
            form_key: Set(key.clone()),
            created_at: Set(now),
            ..Default::default()
        });
        let _turn = self.gate.enter().await;
        faq_event::Entity::insert_many(rows).exec_without_returning(&self.db).await?;
        Ok(())
    }

    /// The FAQ page's Sim/Não under an answer.
    pub async fn faq_answer(
        &self,
        slug: &str,
        entry: i32,
        answer: HelpfulAnswer,
        client: Option<IpAddr>,
    ) -> Result<(), Refusal> {
        if !self.allowed(client) {
            return Err(Refusal::Limited(TOO_MANY.to_owned()));
        }
        let Some(system) = self.entry_of(slug, entry).await? else { return Err(Refusal::NotFound) };
        self.record(system, &[entry], answer.event(), FaqPlace::Faq, "").await?;
        Ok(())
    }
}

/// Each entry's Sim and Não, wherever they were answered (the FAQ editor shows them).
pub async fn entry_counts(db: &impl ConnectionTrait, system_id: i32) -> Result<HashMap<i32, (u64, u64)>, DbErr> {
    let rows: Vec<(i32, String, i64)> = faq_event::Entity::find()
        .select_only()
        .column(faq_event::Column::FaqEntryId)
        .column(faq_event::Column::Kind)
        .column_as(faq_event::Column::Id.count(), "n")
        .filter(faq_event::Column::SystemId.eq(system_id))
        .filter(faq_event::Column::Kind.is_in([FaqEvent::Helpful.value(), FaqEvent::NotHelpful.value()]))
        .group_by(faq_event::Column::FaqEntryId)
        .group_by(faq_event::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<i32, (u64, u64)> = HashMap::new();
    for (entry, kind, n) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        let slot = counts.entry(entry).or_default();
        if kind == FaqEvent::Helpful.value() {
            slot.0 += n;
        } else {
            slot.1 += n;
        }
    }
    Ok(counts)
}

/// Each chosen system's deflection between `start` and `end`, in `systems`' order.
pub async fn deflection(
    db: &impl ConnectionTrait,
    systems: &[system::Model],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<Deflection>, DbErr> {
    let ids: Vec<i32> = systems.iter().map(|s| s.id).collect();
    let in_period = || {
        faq_event::Column::SystemId
            .is_in(ids.clone())
            .and(faq_event::Column::CreatedAt.gte(start))
            .and(faq_event::Column::CreatedAt.lt(end))
    };
    let counts: Vec<(i32, String, String, i64)> = faq_event::Entity::find()
        .select_only()
        .column(faq_event::Column::SystemId)
        .column(faq_event::Column::Kind)
        .column(faq_event::Column::Place)
        .column_as(faq_event::Column::Id.count(), "n")
        .filter(in_period())
        .group_by(faq_event::Column::SystemId)
        .group_by(faq_event::Column::Kind)
        .group_by(faq_event::Column::Place)
        .into_tuple()
        .all(db)
        .await?;
    // Forms with an opened suggestion whose key never opened a request.
    let sent = Query::select()
        .column(request::Column::IdempotencyKey)
        .from(request::Entity)
        .and_where(request::Column::IdempotencyKey.is_not_null())
        .to_owned();
    let abandoned: Vec<(i32, i64)> = faq_event::Entity::find()
        .select_only()
        .column(faq_event::Column::SystemId)
        .column_as(Expr::expr(Func::count_distinct(Expr::col(faq_event::Column::FormKey))), "n")
        .filter(in_period())
        .filter(faq_event::Column::Kind.eq(FaqEvent::Opened.value()))
        .filter(faq_event::Column::FormKey.is_not_null())
        .filter(faq_event::Column::FormKey.not_in_subquery(sent))
        .group_by(faq_event::Column::SystemId)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_system: HashMap<i32, Deflection> = HashMap::new();
    for (system, kind, place, n) in counts {
        let n = u64::try_from(n).unwrap_or(0);
        let row = by_system.entry(system).or_default();
        let form = place == FaqPlace::Form.code();
        match kind.as_str() {
            k if k == FaqEvent::Shown.value() => row.shown += n,
            k if k == FaqEvent::Opened.value() => row.opened += n,
            k if k == FaqEvent::Helpful.value() && form => row.resolved += n,
            k if k == FaqEvent::Helpful.value() => row.faq_helpful += n,
            k if k == FaqEvent::NotHelpful.value() && !form => row.faq_not_helpful += n,
            _ => {}
        }
    }
    for (system, n) in abandoned {
        by_system.entry(system).or_default().abandoned = u64::try_from(n).unwrap_or(0);
    }
    Ok(systems
        .iter()
        .map(|s| Deflection { system: s.name.clone(), ..by_system.remove(&s.id).unwrap_or_default() })
        .collect())
}

impl FaqHelpService {
    /// Up to three published answers of `system` that speak of what `description` says
    /// (none before three words, or past the address's limit), counted as shown.
    pub async fn suggest(
        &self,
        system: &str,
        description: &str,
        form_key: &str,
        client: Option<IpAddr>,
    ) -> Result<Vec<Suggestion>, Refusal> {
        if !suggest::enough_words(description) || !self.allowed(client) {
            return Ok(Vec::new());
        }
        let Some((system_id, entries)) = self.published(system).await? else {
            return Err(Refusal::NotFound);
        };
        let rendered: Vec<markdown::Rendered> = entries.iter().map(|e| markdown::render(&e.answer_md)).collect();
        let candidates: Vec<Candidate<'_>> = entries
            .iter()
            .zip(&rendered)
            .map(|(entry, answer)| Candidate { question: &entry.question, answer: &answer.text })
            .collect();
        let best = suggest::best(description, &candidates);
        let shown: Vec<i32> = best.iter().map(|&i| entries[i].id).collect();
        if let Err(error) = self.record(system_id, &shown, FaqEvent::Shown, FaqPlace::Form, form_key).await {
            // The suggestions still help; only the count misses them.
            tracing::error!(error = %error, "counting shown suggestions");
        }
        Ok(best
            .into_iter()
            .map(|i| Suggestion {
                id: entries[i].id,
                question: entries[i].question.clone(),
                answer_html: rendered[i].html.clone(),
            })
            .collect())
    }

    /// A suggestion opened, or answered Sim/Não, on the request form.
    pub async fn form_event(
        &self,
        system: &str,
        entry: i32,
        event: FaqEvent,
        form_key: &str,
        client: Option<IpAddr>,
    ) -> Result<(), Refusal> {
        // Shown is counted by `suggest` itself, never on the browser's word.
        if event == FaqEvent::Shown || !self.allowed(client) {
            return Ok(());
        }
        let Some(system_id) = self.entry_of(system, entry).await? else { return Err(Refusal::NotFound) };
        self.record(system_id, &[entry], event, FaqPlace::Form, form_key).await?;
        Ok(())
    }
}
