//! How the portal writes things for a Brazilian reader, in one place: dates (`25/12/2026`),
//! sizes (`1,2 MB`) and counts with their noun in the right number (`1 pessoa`, `2 pessoas`).

use super::calendar::Date;
use std::fmt;

/// `DD/MM/AAAA`.
pub fn date(day: Date) -> String {
    format!("{:02}/{:02}/{:04}", day.day, day.month, day.year)
}

/// `DD/MM` (a holiday in a list of one year).
pub fn day_and_month(day: Date) -> String {
    format!("{:02}/{:02}", day.day, day.month)
}

/// The day of the week, as a calendar names it (`segunda-feira` … `domingo`).
pub fn weekday(day: Date) -> &'static str {
    const WEEKDAYS: [&str; 7] =
        ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"];
    WEEKDAYS.get(usize::from(day.weekday())).copied().unwrap_or_default()
}

/// "340 KB", "1,2 MB": sizes as a Brazilian reader expects them.
pub fn size(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        let tenths = (bytes * 10).div_ceil(1024 * 1024);
        format!("{},{} MB", tenths / 10, tenths % 10)
    }
}

/// `1.000`, `12.345`: a whole number with Brazilian thousands separators.
pub fn integer(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// "1 arquivo", "5 arquivos": a count with its noun in the right number.
pub fn count<N: fmt::Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let word = if n == N::from(1) { one } else { many };
    format!("{n} {word}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_day_first() {
        let christmas = Date::new(2026, 12, 25).unwrap_or_else(|| panic!("a real date"));
        assert_eq!(date(christmas), "25/12/2026");
        assert_eq!(day_and_month(christmas), "25/12");
        assert_eq!(weekday(christmas), "sexta-feira");
    }

    #[test]
    fn thousands_are_separated_by_dots() {
        assert_eq!(integer(0), "0");
        assert_eq!(integer(999), "999");
        assert_eq!(integer(1_000), "1.000");
        assert_eq!(integer(1_234_567), "1.234.567");
    }

    #[test]
    fn sizes_read_as_brazilians_write_them() {
        assert_eq!(size(1), "1 KB");
        assert_eq!(size(340 * 1024), "340 KB");
        assert_eq!(size(1024 * 1024 + 200 * 1024), "1,2 MB");
        assert_eq!(size(3 * 1024 * 1024), "3,0 MB");
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count(1u8, "pessoa", "pessoas"), "1 pessoa");
        assert_eq!(count(2u32, "pessoa", "pessoas"), "2 pessoas");
        assert_eq!(count(0u64, "registro", "registros"), "0 registros");
    }
}
