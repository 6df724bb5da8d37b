//! How the support team is told that work arrived: which timeline entries put a request
//! in a queue (a new request, one forwarded to a level, one reopened, a citizen's
//! complement), what each is called in an e-mail, and each agent's choice of being told
//! as it happens, in a daily summary at an hour of Brasília, or not at all.

use super::lifecycle::EventKind;
#[cfg(feature = "ssr")]
use {
    super::{brasilia, calendar::Date},
    chrono::{DateTime, Duration, Utc},
};

crate::form_actions! {
    /// "Avisos por e-mail" on the agent's profile.
    pub enum NoticeChoice {
        Immediate = "imediato",
        Daily = "diario",
        Never = "nenhum",
    }
}

impl NoticeChoice {
    pub fn label(self) -> &'static str {
        match self {
            NoticeChoice::Immediate => "A cada solicitação que entrar na minha fila",
            NoticeChoice::Daily => "Um resumo por dia",
            NoticeChoice::Never => "Nenhum aviso",
        }
    }

    /// The stored code as a choice; anything else is the default, as it happens.
    pub fn from_code(code: &str) -> NoticeChoice {
        NoticeChoice::ALL.iter().copied().find(|c| c.value() == code).unwrap_or(NoticeChoice::Immediate)
    }
}

/// The hour of the summary when none was chosen (Brasília time).
pub const DEFAULT_DIGEST_HOUR: i16 = 8;

/// Whether `hour` is an hour of the day.
pub fn valid_hour(hour: i16) -> bool {
    (0..=23).contains(&hour)
}

/// `08:00`.
pub fn hour_label(hour: i16) -> String {
    format!("{hour:02}:00")
}

/// Why a timeline entry puts its request in a queue, as an e-mail says it; `None` for
/// the entries that do not (answers, notes, finalization, …).
pub fn arrival(kind: EventKind, level: i16) -> Option<String> {
    match kind {
        EventKind::Opening => Some("Nova solicitação".to_owned()),
        EventKind::Escalation => Some(format!("Encaminhada ao Nível {level:02}")),
        EventKind::Reopening => Some("Reaberta pelo cidadão".to_owned()),
        EventKind::Complement => Some("Complemento enviado pelo cidadão".to_owned()),
        _ => None,
    }
}

/// The entry kinds [`arrival`] names.
pub const ARRIVALS: [EventKind; 4] =
    [EventKind::Opening, EventKind::Escalation, EventKind::Reopening, EventKind::Complement];

/// When the summary of `day` is due: `hour` o'clock in Brasília.
#[cfg(feature = "ssr")]
pub fn digest_time(day: Date, hour: i16) -> Option<DateTime<Utc>> {
    brasilia::midnight(day).map(|midnight| midnight + Duration::hours(i64::from(hour.clamp(0, 23))))
}

/// The summary due at `now`, if one is: its time, when the last one covered up to
/// `covered_until` (nothing yet: `None`). At most one a day, never before the hour.
#[cfg(feature = "ssr")]
pub fn digest_due(now: DateTime<Utc>, hour: i16, covered_until: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    let due = digest_time(brasilia::date_of(now), hour)?;
    (due <= now && covered_until.is_none_or(|until| until < due)).then_some(due)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn what_brings_a_request_to_a_queue() {
        assert_eq!(arrival(EventKind::Opening, 1).as_deref(), Some("Nova solicitação"));
        assert_eq!(arrival(EventKind::Escalation, 2).as_deref(), Some("Encaminhada ao Nível 02"));
        assert_eq!(arrival(EventKind::Answer, 1), None);
        assert_eq!(arrival(EventKind::InternalNote, 1), None);
        for kind in ARRIVALS {
            assert!(arrival(kind, 1).is_some());
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_summary_is_due_once_a_day_from_its_hour_in_brasilia() {
        // 08:00 in Brasília is 11:00 UTC.
        assert_eq!(digest_due(at("2026-11-30T10:59:00Z"), 8, None), None, "not before the hour");
        let due = digest_due(at("2026-11-30T11:00:00Z"), 8, None);
        assert_eq!(due, Some(at("2026-11-30T11:00:00Z")));
        assert_eq!(digest_due(at("2026-11-30T18:00:00Z"), 8, due), None, "once a day");
        assert_eq!(digest_due(at("2026-12-01T11:05:00Z"), 8, due), Some(at("2026-12-01T11:00:00Z")), "the next day");
        // 23:00 in Brasília is 02:00 UTC of the next day: still the Brasília day's summary.
        assert_eq!(digest_due(at("2026-12-01T02:30:00Z"), 23, None), Some(at("2026-12-01T02:00:00Z")));
    }

    #[test]
    fn choices_read_back_and_default_to_as_it_happens() {
        assert_eq!(NoticeChoice::from_code("diario"), NoticeChoice::Daily);
        assert_eq!(NoticeChoice::from_code("nenhum"), NoticeChoice::Never);
        assert_eq!(NoticeChoice::from_code("?"), NoticeChoice::Immediate);
        assert!(valid_hour(0) && valid_hour(23) && !valid_hour(24) && !valid_hour(-1));
        assert_eq!(hour_label(8), "08:00");
    }
}
