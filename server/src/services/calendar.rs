//! The federal "pontos facultativos" an administrator keeps (`optional_days_off`): they
//! change by ordinance every year, so they are data, not code. Deadlines are computed
//! when a request is finalized; a change here applies to finalizations from then on.

use crate::db::entities::optional_day_off;
use app::domain::calendar::{national_holidays, Date};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("{0} is not a date in the form YYYY-MM-DD")]
    NotADate(String),
    #[error("{0} falls on a weekend: it is not a business day anyway")]
    Weekend(String),
    #[error("{0} is a national holiday already")]
    Holiday(String),
    #[error("the description is empty or longer than 200 characters")]
    Description,
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

fn parse(day: &str) -> Result<Date, CalendarError> {
    Date::parse_iso(day).ok_or_else(|| CalendarError::NotADate(day.to_owned()))
}

/// The pontos facultativos of `year` (all years when `None`), in date order.
pub async fn list(db: &impl ConnectionTrait, year: Option<i32>) -> Result<Vec<optional_day_off::Model>, DbErr> {
    let mut query = optional_day_off::Entity::find().order_by_asc(optional_day_off::Column::Day);
    if let Some(year) = year {
        query = query.filter(optional_day_off::Column::Day.starts_with(format!("{year:04}-")));
    }
    query.all(db).await
}

/// Adds (or renames) a full-day ponto facultativo.
pub async fn add(db: &impl ConnectionTrait, day: &str, description: &str) -> Result<(), CalendarError> {
    let date = parse(day)?;
    if date.is_weekend() {
        return Err(CalendarError::Weekend(date.iso()));
    }
    if national_holidays(date.year).contains(&date) {
        return Err(CalendarError::Holiday(date.iso()));
    }
    let description = description.trim();
    if description.is_empty() || description.chars().count() > 200 {
        return Err(CalendarError::Description);
    }
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
pub async fn remove(db: &impl ConnectionTrait, day: &str) -> Result<bool, CalendarError> {
    let date = parse(day)?;
    let deleted = optional_day_off::Entity::delete_many()
        .filter(optional_day_off::Column::Day.eq(date.iso()))
        .exec(db)
        .await?
        .rows_affected;
    Ok(deleted > 0)
}
