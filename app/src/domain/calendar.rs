//! Business days (dias úteis) on the Brazilian federal calendar: weekends out, national
//! holidays computed (fixed dates, Good Friday from Easter, 20 November from 2024), and
//! the yearly "pontos facultativos" supplied as data, since they change by ordinance.
//! Dates are civil dates in Brasília time; converting instants is the caller's job.

use std::collections::BTreeSet;

/// A civil date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// `None` for dates that do not exist (31 April, 29 February 2025).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        (1..=12).contains(&month).then_some(())?;
        (day >= 1 && day <= days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn plus_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (3).
        (self.days_since_epoch() + 3).rem_euclid(7) as u8
    }

    pub fn is_weekend(self) -> bool {
        self.weekday() >= 5
    }

    /// `2026-04-05`
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse_iso(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        Date::new(year, month, day)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Easter Sunday (anonymous Gregorian algorithm: Meeus/Jones/Butcher).
pub fn easter(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date { year, month: month as u8, day: day as u8 }
}

/// The national holidays on the same day every year (month, day).
const FIXED_HOLIDAYS: [(u8, u8); 8] = [(1, 1), (4, 21), (5, 1), (9, 7), (10, 12), (11, 2), (11, 15), (12, 25)];
/// Dia Nacional de Zumbi e da Consciência Negra (20 November), national from this year.
const BLACK_CONSCIOUSNESS_DAY_FROM: i32 = 2024;

/// The holidays of `year` other than Good Friday.
fn dated_holidays(year: i32) -> impl Iterator<Item = Date> {
    let zumbi = (year >= BLACK_CONSCIOUSNESS_DAY_FROM).then_some(Date { year, month: 11, day: 20 });
    FIXED_HOLIDAYS.iter().map(move |&(month, day)| Date { year, month, day }).chain(zumbi)
}

/// National holidays of a year (Leis 662/1949, 6.802/1980, 14.759/2023 and the calendar of Easter).
pub fn national_holidays(year: i32) -> Vec<Date> {
    let mut days: Vec<Date> = dated_holidays(year).collect();
    days.push(easter(year).plus_days(-2)); // Good Friday
    days.sort();
    days
}

/// Whether `date` is one of [`national_holidays`] of its year, without making the list
/// (the queue asks this for every day each of its rows has waited).
pub fn is_national_holiday(date: Date) -> bool {
    // Good Friday falls between 20 March and 23 April.
    dated_holidays(date.year).any(|day| day == date)
        || (matches!(date.month, 3 | 4) && easter(date.year).plus_days(-2) == date)
}

/// Why a day cannot be made a ponto facultativo; the text is what the administrator is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DayOffError {
    #[error("Informe uma data válida.")]
    NotADate,
    #[error("Esta data cai num fim de semana: já não é dia útil.")]
    Weekend,
    #[error("Esta data já é feriado nacional.")]
    Holiday,
    #[error("Descreva o dia em até 200 caracteres.")]
    Description,
    #[error("Este dia não é ponto facultativo.")]
    NotADayOff,
}

impl DayOffError {
    /// The calendar form's field at fault (`data` or `descricao`).
    pub fn field(self) -> &'static str {
        match self {
            DayOffError::Description => "descricao",
            _ => "data",
        }
    }
}

/// Longest description of a ponto facultativo (characters, after trimming).
pub const DAY_OFF_DESCRIPTION_MAX_CHARS: usize = 200;

/// `AAAA-MM-DD` as a date, or why not.
pub fn parse_day(day: &str) -> Result<Date, DayOffError> {
    Date::parse_iso(day.trim()).ok_or(DayOffError::NotADate)
}

/// A new ponto facultativo: a weekday that is not a national holiday, described in 1 to
/// 200 characters. The date and the trimmed description, or why not.
pub fn check_day_off(day: &str, description: &str) -> Result<(Date, String), DayOffError> {
    let date = parse_day(day)?;
    if date.is_weekend() {
        return Err(DayOffError::Weekend);
    }
    if is_national_holiday(date) {
        return Err(DayOffError::Holiday);
    }
    let description = description.trim();
    if description.is_empty() || description.chars().count() > DAY_OFF_DESCRIPTION_MAX_CHARS {
        return Err(DayOffError::Description);
    }
    Ok((date, description.to_owned()))
}

/// The days that do not count: national holidays plus the given pontos facultativos.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    optional_days_off: BTreeSet<Date>,
}

impl Calendar {
    /// National holidays only.
    pub fn national() -> Calendar {
        Calendar::default()
    }

    /// National holidays and these full-day pontos facultativos (kept as editable data).
    pub fn with_optional_days_off(days: impl IntoIterator<Item = Date>) -> Calendar {
        Calendar { optional_days_off: days.into_iter().collect() }
    }

    pub fn is_business_day(&self, date: Date) -> bool {
        !date.is_weekend() && !self.optional_days_off.contains(&date) && !is_national_holiday(date)
    }

    /// The `n`-th business day after `start` (not counting `start` itself).
    pub fn add_business_days(&self, start: Date, n: u32) -> Date {
        let mut date = start;
        let mut counted = 0;
        while counted < n {
            date = date.plus_days(1);
            if self.is_business_day(date) {
                counted += 1;
            }
        }
        date
    }

    /// How many business days lie strictly after `from` up to and including `to`.
    pub fn business_days_between(&self, from: Date, to: Date) -> u32 {
        let mut count = 0;
        let mut date = from;
        while date < to {
            date = date.plus_days(1);
            if self.is_business_day(date) {
                count += 1;
            }
        }
        count
    }

    pub fn business_days_in_year(&self, year: i32) -> u32 {
        self.business_days_between(Date { year: year - 1, month: 12, day: 31 }, Date { year, month: 12, day: 31 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_off_is_a_described_weekday_that_is_not_a_holiday() {
        assert_eq!(
            check_day_off("2026-12-24", " Véspera de Natal "),
            Ok((Date { year: 2026, month: 12, day: 24 }, "Véspera de Natal".to_owned()))
        );
        assert_eq!(check_day_off("24/12/2026", "Natal"), Err(DayOffError::NotADate));
        assert_eq!(check_day_off("2026-12-26", "Sábado"), Err(DayOffError::Weekend));
        assert_eq!(check_day_off("2026-12-25", "Natal"), Err(DayOffError::Holiday));
        assert_eq!(check_day_off("2026-12-24", "  "), Err(DayOffError::Description));
        assert_eq!(check_day_off("2026-12-24", &"x".repeat(201)).map_err(DayOffError::field), Err("descricao"));
    }

    fn d(text: &str) -> Date {
        Date::parse_iso(text).unwrap_or_else(|| panic!("bad date {text}"))
    }

    fn federal_optional_days() -> Calendar {
        Calendar::with_optional_days_off(
            [
                "2025-03-03",
                "2025-03-04",
                "2025-06-19",
                "2025-06-20",
                "2025-10-27",
                "2026-02-16",
                "2026-02-17",
                "2026-04-20",
                "2026-06-04",
                "2026-06-05",
                "2026-10-28",
            ]
            .map(d),
        )
    }

    #[test]
    fn easter_2024_to_2030() {
        for (year, expected) in [
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2028, "2028-04-16"),
            (2029, "2029-04-01"),
            (2030, "2030-04-21"),
        ] {
            assert_eq!(easter(year), d(expected), "{year}");
        }
    }

    #[test]
    fn plus_three_business_days_reference_vectors() {
        let national = Calendar::national();
        let federal = federal_optional_days();
        for (start, a, b) in [
            ("2025-02-28", "2025-03-05", "2025-03-07"),
            ("2025-04-17", "2025-04-24", "2025-04-24"),
            ("2025-06-18", "2025-06-23", "2025-06-25"),
            ("2025-11-19", "2025-11-25", "2025-11-25"),
            ("2025-12-30", "2026-01-05", "2026-01-05"),
            ("2026-02-13", "2026-02-18", "2026-02-20"),
            ("2026-04-17", "2026-04-23", "2026-04-24"),
            ("2026-06-03", "2026-06-08", "2026-06-10"),
            ("2026-12-23", "2026-12-29", "2026-12-29"),
        ] {
            assert_eq!(national.add_business_days(d(start), 3), d(a), "A from {start}");
            assert_eq!(federal.add_business_days(d(start), 3), d(b), "B from {start}");
        }
    }

    #[test]
    fn business_days_per_year() {
        assert_eq!(Calendar::national().business_days_in_year(2025), 255);
        assert_eq!(federal_optional_days().business_days_in_year(2025), 250);
        assert_eq!(Calendar::national().business_days_in_year(2026), 252);
        assert_eq!(federal_optional_days().business_days_in_year(2026), 246);
    }

    #[test]
    fn consciencia_negra_is_a_holiday_from_2024_only() {
        assert!(national_holidays(2024).contains(&d("2024-11-20")));
        assert!(!national_holidays(2023).contains(&d("2023-11-20")));
    }

    #[test]
    fn holidays_are_told_apart_without_the_list() {
        for year in 2020..=2040 {
            let listed = national_holidays(year);
            let mut date = Date { year, month: 1, day: 1 };
            while date.year == year {
                assert_eq!(is_national_holiday(date), listed.contains(&date), "{date:?}");
                date = date.plus_days(1);
            }
        }
    }

    #[test]
    fn dates_round_trip_and_know_their_weekday() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2026-11-26").weekday(), 3); // a Thursday
        for days in [-800_000, -1, 0, 59, 60, 365, 19_000, 20_000, 2_000_000] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        assert_eq!(Date::new(2025, 2, 29), None);
        assert_eq!(Date::new(2024, 2, 29).map(Date::iso), Some("2024-02-29".to_string()));
        assert_eq!(Date::parse_iso("2025-13-01"), None);
    }
}
