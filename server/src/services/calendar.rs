//! The federal "pontos facultativos" an administrator keeps (`optional_days_off`): they
//! change by ordinance every year, so they are data, not code. The rules of a day off
//! live in `app::domain::calendar`; here they are stored, listed, changed from
//! `/admin/calendario` (audited) and from the command line. Deadlines are computed when a
//! request is finalized; a change here applies to finalizations from then on.

use super::admin::AdminService;
use super::agents::Principal;
use super::audit::{self, action, Actor};
use crate::db::entities::optional_day_off;
use crate::refusal::Refusal;
use app::api::admin::{CalendarDay, CalendarPage};
use app::domain::brasilia;
use app::domain::calendar::{check_day_off, national_holidays, parse_day, Date, DayOffError};
use app::domain::pt_br;
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

/// A change to the calendar of pontos facultativos.
#[derive(Debug, Clone)]
pub enum CalendarChange {
    Add { day: String, description: String },
    Remove { day: String },
}

/// The pontos facultativos of `year` (all years when `None`), in date order.
pub async fn list(db: &impl ConnectionTrait, year: Option<i32>) -> Result<Vec<optional_day_off::Model>, DbErr> {
    let mut query = optional_day_off::Entity::find().order_by_asc(optional_day_off::Column::Day);
    if let Some(year) = year {
        query = query.filter(optional_day_off::Column::Day.starts_with(format!("{year:04}-")));
    }
    query.all(db).await
}

/// Adds (or renames) a full-day ponto facultativo that passed `check_day_off`.
pub async fn add(db: &impl ConnectionTrait, date: Date, description: &str) -> Result<(), DbErr> {
    optional_day_off::Entity::insert(optional_day_off::ActiveModel {
        day: Set(date.iso()),
        description: Set(description.to_owned()),
    })
    .on_conflict(
        OnConflict::column(optional_day_off::Column::Day)
            .update_column(optional_day_off::Column::Description)
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Removes a ponto facultativo; `false` when there was none that day.
pub async fn remove(db: &impl ConnectionTrait, date: Date) -> Result<bool, DbErr> {
    let deleted = optional_day_off::Entity::delete_many()
        .filter(optional_day_off::Column::Day.eq(date.iso()))
        .exec(db)
        .await?
        .rows_affected;
    Ok(deleted > 0)
}

impl AdminService {
    /// Adds (or renames) or removes a ponto facultativo, audited.
    pub async fn change_calendar(
        &self,
        by: &Principal,
        change: CalendarChange,
        client: Option<String>,
    ) -> Result<(), Refusal> {
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let detail = match &change {
            CalendarChange::Add { day, description } => {
                let (date, description) = check_day_off(day, description)?;
                add(&txn, date, &description).await?;
                format!("adicionou {}: {description}", date.iso())
            }
            CalendarChange::Remove { day } => {
                let date = parse_day(day)?;
                if !remove(&txn, date).await? {
                    return Err(DayOffError::NotADayOff.into());
                }
                format!("removeu {}", date.iso())
            }
        };
        audit::record(&txn, &Actor { agent_id: Some(by.id), ip: client }, action::CALENDAR, None, &detail, now).await?;
        txn.commit().await?;
        self.reference.forget();
        Ok(())
    }

    pub(super) async fn load_calendar(&self, admin: &Principal, year: Option<i32>) -> Result<CalendarPage, DbErr> {
        let year = year.filter(|y| (2000..=2100).contains(y)).unwrap_or_else(|| brasilia::today().year);
        let days = list(&self.db, Some(year))
            .await?
            .into_iter()
            .filter_map(|row| {
                let date = Date::parse_iso(&row.day)?;
                Some(CalendarDay {
                    iso: row.day,
                    shown: format!("{} ({})", pt_br::date(date), pt_br::weekday(date)),
                    description: row.description,
                })
            })
            .collect();
        let holidays = national_holidays(year).into_iter().map(pt_br::day_and_month).collect();
        Ok(CalendarPage { admin: admin.view(), year, days, holidays })
    }
}
