//! The year's protocol counter: numbers taken for a batch, and given back for openings
//! refused after taking them, so that numbers stay without gaps.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};

/// Protocol numbers carry the year in Brasília (UTC−3, no daylight saving since 2019),
/// so a request opened on 31 December at 22:00 local time belongs to that year.
pub(super) fn brasilia_year(now: DateTime<Utc>) -> i32 {
    app::domain::brasilia::date_of(now).year
}

/// Moves the year's counter by `count` and returns its new value, the last number taken.
pub(super) async fn take_numbers(txn: &DatabaseTransaction, year: i32, count: usize) -> Result<i64, DbErr> {
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
pub(super) async fn return_numbers(txn: &DatabaseTransaction, year: i32, count: usize) -> Result<(), DbErr> {
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
