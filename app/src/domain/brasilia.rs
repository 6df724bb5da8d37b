//! Civil time in Brasília (server build only): which day an instant falls on there, when a
//! day starts, and the portal's ways of writing an instant. The zone is America/Sao_Paulo
//! from the tz database (chrono-tz), not a fixed −3: Brazil has had no daylight saving
//! since 2019, but whether that holds is the database's to say, not ours.

use super::calendar::Date;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::America::Sao_Paulo;

/// The day in Brasília at `at`.
pub fn date_of(at: DateTime<Utc>) -> Date {
    let local = at.with_timezone(&Sao_Paulo).date_naive();
    let (month, day) = (u8::try_from(local.month()).unwrap_or(1), u8::try_from(local.day()).unwrap_or(1));
    Date::new(local.year(), month, day).unwrap_or_else(|| Date::from_days_since_epoch(0))
}

/// Today in Brasília.
pub fn today() -> Date {
    date_of(Utc::now())
}

/// The first instant of `day` in Brasília (`None` for a day outside chrono's range).
pub fn midnight(day: Date) -> Option<DateTime<Utc>> {
    let naive = NaiveDate::from_ymd_opt(day.year, u32::from(day.month), u32::from(day.day))?.and_hms_opt(0, 0, 0)?;
    Sao_Paulo.from_local_datetime(&naive).earliest().map(|local| local.with_timezone(&Utc))
}

/// `DD-MM-AAAA HH:MM`, as timelines and queues show an instant.
pub fn date_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Sao_Paulo).format("%d-%m-%Y %H:%M").to_string()
}

/// `DD-MM-AAAA HH:MM:SS`, as the audit log shows an instant.
pub fn date_time_seconds(at: DateTime<Utc>) -> String {
    at.with_timezone(&Sao_Paulo).format("%d-%m-%Y %H:%M:%S").to_string()
}

/// `DD/MM/AAAA às HH:MM`, as an e-mail says until when something is valid.
pub fn date_at_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Sao_Paulo).format("%d/%m/%Y às %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn an_instant_falls_on_the_day_of_brasilia() {
        assert_eq!(date_of(utc("2026-01-01T02:59:00Z")), Date::new(2025, 12, 31).unwrap_or_else(|| panic!()));
        assert_eq!(date_of(utc("2026-01-01T03:00:00Z")), Date::new(2026, 1, 1).unwrap_or_else(|| panic!()));
        let day = Date::new(2026, 11, 30).unwrap_or_else(|| panic!());
        assert_eq!(midnight(day), Some(utc("2026-11-30T03:00:00Z")));
    }

    #[test]
    fn daylight_saving_before_2019_is_the_databases_business() {
        // Summer time of 2018/2019: Brasília was UTC−2, which a fixed −3 would get wrong.
        assert_eq!(date_time(utc("2019-01-15T12:00:00Z")), "15-01-2019 10:00");
        assert_eq!(date_time(utc("2026-01-15T12:00:00Z")), "15-01-2026 09:00");
    }

    #[test]
    fn instants_as_the_pages_write_them() {
        let at = utc("2026-11-30T18:05:09Z");
        assert_eq!(date_time(at), "30-11-2026 15:05");
        assert_eq!(date_time_seconds(at), "30-11-2026 15:05:09");
        assert_eq!(date_at_time(at), "30/11/2026 às 15:05");
    }
}
