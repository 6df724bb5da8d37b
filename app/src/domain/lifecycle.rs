//! The life of a request after it is opened, as one state machine: every change of
//! status (an agent's, the citizen's, the acceptance job's) asks this module first, so
//! an illegal step is refused the same way wherever it is attempted.

#[cfg(feature = "ssr")]
use super::calendar::Calendar;
use serde::{Deserialize, Serialize};

/// The statuses a citizen sees (the legend of the follow-up page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    Recebido,
    EmAnalise,
    Finalizado,
    Reaberto,
    Avaliado,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Recebido, Status::EmAnalise, Status::Finalizado, Status::Reaberto, Status::Avaliado];

    /// As stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Status::Recebido => "recebido",
            Status::EmAnalise => "em_analise",
            Status::Finalizado => "finalizado",
            Status::Reaberto => "reaberto",
            Status::Avaliado => "avaliado",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// As the citizen reads it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Recebido => "Recebido",
            Status::EmAnalise => "Em análise",
            Status::Finalizado => "Finalizado",
            Status::Reaberto => "Reaberto",
            Status::Avaliado => "Avaliado",
        }
    }

    /// The legend's explanation of the status.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Recebido => "a solicitação foi registrada e aguarda atendimento.",
            Status::EmAnalise => "a equipe de suporte está analisando a solicitação.",
            Status::Finalizado => "a equipe respondeu; confirme se a solicitação foi atendida.",
            Status::Reaberto => "a resposta não resolveu e a solicitação voltou para análise.",
            Status::Avaliado => "o atendimento foi avaliado e está encerrado.",
        }
    }

    /// How far along the request is, for the progress bar (percent).
    pub fn progress(self) -> u8 {
        match self {
            Status::Recebido => 20,
            Status::EmAnalise | Status::Reaberto => 50,
            Status::Finalizado => 90,
            Status::Avaliado => 100,
        }
    }
}

/// Where a request stands: its status plus the two facts that end the citizen's say over
/// a finalized request (the acceptance deadline passed; the citizen closed it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub status: Status,
    pub accepted: bool,
    pub closed: bool,
}

/// Why a step is not allowed now; the text is what the citizen (or agent) is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Blocked {
    #[error("Esta solicitação ainda não foi finalizada pela equipe de suporte.")]
    NotFinalized,
    #[error("O prazo para reabrir esta solicitação terminou: ela foi considerada atendida.")]
    AlreadyAccepted,
    #[error("Esta solicitação foi encerrada e não pode mais ser alterada.")]
    Closed,
    #[error("Esta solicitação já foi avaliada.")]
    AlreadyRated,
    #[error("Esta solicitação já foi finalizada.")]
    AlreadyFinalized,
}

impl Standing {
    pub fn new(status: Status) -> Standing {
        Standing { status, accepted: false, closed: false }
    }

    /// A finalized request that nobody closed: the citizen's answer is awaited.
    fn finalized_and_open(self) -> Result<(), Blocked> {
        match self.status {
            Status::Avaliado => Err(Blocked::AlreadyRated),
            _ if self.closed => Err(Blocked::Closed),
            Status::Finalizado => Ok(()),
            _ => Err(Blocked::NotFinalized),
        }
    }

    /// The agent finalizes with an answer (from any status where work is pending).
    pub fn finalize(self) -> Result<Standing, Blocked> {
        match self.status {
            Status::Recebido | Status::EmAnalise | Status::Reaberto => {
                Ok(Standing { status: Status::Finalizado, accepted: false, closed: false })
            }
            Status::Finalizado => Err(Blocked::AlreadyFinalized),
            Status::Avaliado => Err(Blocked::AlreadyRated),
        }
    }

    /// An agent answers the citizen without finalizing (a question, a partial answer):
    /// the request is being analysed, whether it was new, in analysis or reopened.
    pub fn reply(self) -> Result<Standing, Blocked> {
        match self.status {
            Status::Recebido | Status::EmAnalise | Status::Reaberto => {
                Ok(Standing { status: Status::EmAnalise, ..self })
            }
            Status::Finalizado => Err(Blocked::AlreadyFinalized),
            Status::Avaliado => Err(Blocked::AlreadyRated),
        }
    }

    /// The citizen complements the request: while work is pending only; its status stays.
    pub fn complement(self) -> Result<Standing, Blocked> {
        match self.status {
            Status::Recebido | Status::EmAnalise | Status::Reaberto => Ok(self),
            Status::Finalizado => Err(Blocked::AlreadyFinalized),
            Status::Avaliado => Err(Blocked::AlreadyRated),
        }
    }

    /// An agent takes the request up (escalation): pending work only; a reopened request
    /// stays marked as reopened until someone answers it.
    pub fn take_up(self) -> Result<Standing, Blocked> {
        match self.status {
            Status::Recebido | Status::EmAnalise => Ok(Standing { status: Status::EmAnalise, ..self }),
            Status::Reaberto => Ok(self),
            Status::Finalizado => Err(Blocked::AlreadyFinalized),
            Status::Avaliado => Err(Blocked::AlreadyRated),
        }
    }

    /// "Não": the answer did not solve it; back to the queue, while the window is open.
    pub fn contest(self) -> Result<Standing, Blocked> {
        self.finalized_and_open()?;
        if self.accepted {
            return Err(Blocked::AlreadyAccepted);
        }
        Ok(Standing { status: Status::Reaberto, accepted: false, closed: false })
    }

    /// "Sim" then "Avaliar atendimento": final. Still allowed after the acceptance deadline.
    pub fn rate(self) -> Result<Standing, Blocked> {
        self.finalized_and_open()?;
        Ok(Standing { status: Status::Avaliado, ..self })
    }

    /// "Sim" then "Fechar": final, no reopening and no rating afterwards.
    pub fn close(self) -> Result<Standing, Blocked> {
        self.finalized_and_open()?;
        Ok(Standing { closed: true, ..self })
    }

    /// The acceptance job: silence until the deadline means the answer was accepted.
    pub fn accept(self) -> Result<Standing, Blocked> {
        self.finalized_and_open()?;
        if self.accepted {
            return Err(Blocked::AlreadyAccepted);
        }
        Ok(Standing { accepted: true, ..self })
    }

    /// Whether the page should ask "Sua solicitação foi atendida?".
    pub fn awaits_answer(self) -> bool {
        self.contest().is_ok()
    }

    /// Whether the citizen may still rate it.
    pub fn may_rate(self) -> bool {
        self.rate().is_ok()
    }
}

/// The instant (Unix seconds) the acceptance window of a request finalized at
/// `finalized_unix` closes: the end of the `days`-th business day after that day (the
/// setting, 3 by default), i.e. midnight in Brasília that starts the next day.
#[cfg(feature = "ssr")]
pub fn acceptance_deadline(finalized_unix: i64, calendar: &Calendar, days: u8) -> i64 {
    use super::brasilia;
    let finalized = chrono::DateTime::<chrono::Utc>::from_timestamp(finalized_unix, 0).unwrap_or_default();
    let last_day = calendar.add_business_days(brasilia::date_of(finalized), u32::from(days));
    brasilia::midnight(last_day.plus_days(1)).map_or(i64::MAX, |end| end.timestamp())
}

/// The five answers of the satisfaction survey, worst first (stored as 1–5).
pub const RATINGS: [(u8, &str); 5] =
    [(1, "Muito insatisfeito"), (2, "Insatisfeito"), (3, "Indiferente"), (4, "Satisfeito"), (5, "Muito satisfeito")];

pub fn rating_label(score: u8) -> Option<&'static str> {
    RATINGS.iter().find(|(value, _)| *value == score).map(|(_, label)| *label)
}

/// What a timeline entry records. Internal notes exist for agents and are never shown
/// to the citizen: [`EventKind::is_public`] is the one place that decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    Opening,
    Analysis,
    Escalation,
    Answer,
    Finalization,
    Reopening,
    Acceptance,
    Evaluation,
    Closing,
    InternalNote,
    /// The citizen adds to an open request (what an agent asked for, a new detail).
    Complement,
}

impl EventKind {
    pub const ALL: [EventKind; 11] = [
        EventKind::Opening,
        EventKind::Analysis,
        EventKind::Escalation,
        EventKind::Answer,
        EventKind::Finalization,
        EventKind::Reopening,
        EventKind::Acceptance,
        EventKind::Evaluation,
        EventKind::Closing,
        EventKind::InternalNote,
        EventKind::Complement,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Opening => "abertura",
            EventKind::Analysis => "em_analise",
            EventKind::Escalation => "escalonamento",
            EventKind::Answer => "resposta",
            EventKind::Finalization => "finalizacao",
            EventKind::Reopening => "reabertura",
            EventKind::Acceptance => "aceite",
            EventKind::Evaluation => "avaliacao",
            EventKind::Closing => "encerramento",
            EventKind::InternalNote => "nota_interna",
            EventKind::Complement => "complemento",
        }
    }

    pub fn from_code(code: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The title of a timeline card ("Abertura - CNES - Nível 01").
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Opening => "Abertura",
            EventKind::Analysis => "Em análise",
            EventKind::Escalation => "Encaminhamento",
            EventKind::Answer => "Resposta",
            EventKind::Finalization => "Finalização",
            EventKind::Reopening => "Reabertura",
            EventKind::Acceptance => "Aceite",
            EventKind::Evaluation => "Avaliação",
            EventKind::Closing => "Encerramento",
            EventKind::InternalNote => "Nota interna",
            EventKind::Complement => "Complemento",
        }
    }

    pub fn is_public(self) -> bool {
        self != EventKind::InternalNote
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(status: Status) -> Standing {
        Standing::new(status)
    }

    #[test]
    fn contest_only_a_finalized_request_within_the_window() {
        assert_eq!(at(Status::Finalizado).contest().map(|s| s.status), Ok(Status::Reaberto));
        assert_eq!(at(Status::Recebido).contest(), Err(Blocked::NotFinalized));
        assert_eq!(at(Status::EmAnalise).contest(), Err(Blocked::NotFinalized));
        assert_eq!(at(Status::Reaberto).contest(), Err(Blocked::NotFinalized));
        assert_eq!(at(Status::Avaliado).contest(), Err(Blocked::AlreadyRated));
        let accepted = Standing { accepted: true, ..at(Status::Finalizado) };
        assert_eq!(accepted.contest(), Err(Blocked::AlreadyAccepted));
        let closed = Standing { closed: true, ..at(Status::Finalizado) };
        assert_eq!(closed.contest(), Err(Blocked::Closed));
    }

    #[test]
    fn rating_is_final_and_allowed_after_acceptance() {
        let rated = at(Status::Finalizado).rate();
        assert_eq!(rated.map(|s| s.status), Ok(Status::Avaliado));
        assert_eq!(rated.and_then(Standing::rate), Err(Blocked::AlreadyRated));
        let accepted = Standing { accepted: true, ..at(Status::Finalizado) };
        assert_eq!(accepted.rate().map(|s| s.status), Ok(Status::Avaliado));
        assert_eq!(at(Status::EmAnalise).rate(), Err(Blocked::NotFinalized));
        let closed = Standing { closed: true, ..at(Status::Finalizado) };
        assert_eq!(closed.rate(), Err(Blocked::Closed));
    }

    #[test]
    fn closing_ends_everything() {
        let closed = at(Status::Finalizado).close().unwrap_or_else(|e| panic!("{e}"));
        assert!(closed.closed);
        assert_eq!(closed.close(), Err(Blocked::Closed));
        assert_eq!(closed.contest(), Err(Blocked::Closed));
        assert_eq!(closed.accept(), Err(Blocked::Closed));
        assert!(!closed.awaits_answer());
        assert!(!closed.may_rate());
        assert_eq!(at(Status::Reaberto).close(), Err(Blocked::NotFinalized));
    }

    #[test]
    fn acceptance_happens_once_and_only_to_open_finalized_requests() {
        let accepted = at(Status::Finalizado).accept().unwrap_or_else(|e| panic!("{e}"));
        assert!(accepted.accepted);
        assert_eq!(accepted.accept(), Err(Blocked::AlreadyAccepted));
        assert!(!accepted.awaits_answer());
        assert!(accepted.may_rate());
        assert_eq!(at(Status::Reaberto).accept(), Err(Blocked::NotFinalized));
        assert_eq!(at(Status::Avaliado).accept(), Err(Blocked::AlreadyRated));
    }

    #[test]
    fn finalizing_again_needs_a_reopening_first() {
        for status in [Status::Recebido, Status::EmAnalise, Status::Reaberto] {
            assert_eq!(at(status).finalize().map(|s| s.status), Ok(Status::Finalizado));
        }
        assert_eq!(at(Status::Finalizado).finalize(), Err(Blocked::AlreadyFinalized));
        assert_eq!(at(Status::Avaliado).finalize(), Err(Blocked::AlreadyRated));
        assert_eq!(at(Status::Recebido).take_up().map(|s| s.status), Ok(Status::EmAnalise));
        assert_eq!(at(Status::Reaberto).take_up().map(|s| s.status), Ok(Status::Reaberto));
    }

    #[test]
    fn a_complement_is_taken_while_work_is_pending() {
        for status in [Status::Recebido, Status::EmAnalise, Status::Reaberto] {
            assert_eq!(at(status).complement().map(|s| s.status), Ok(status));
        }
        assert_eq!(at(Status::Finalizado).complement(), Err(Blocked::AlreadyFinalized));
        assert_eq!(at(Status::Avaliado).complement(), Err(Blocked::AlreadyRated));
    }

    #[test]
    fn a_reply_puts_pending_work_in_analysis() {
        for status in [Status::Recebido, Status::EmAnalise, Status::Reaberto] {
            assert_eq!(at(status).reply().map(|s| s.status), Ok(Status::EmAnalise), "{status:?}");
        }
        assert_eq!(at(Status::Finalizado).reply(), Err(Blocked::AlreadyFinalized));
        assert_eq!(at(Status::Avaliado).reply(), Err(Blocked::AlreadyRated));
    }

    #[test]
    fn codes_round_trip() {
        for status in Status::ALL {
            assert_eq!(Status::from_code(status.code()), Some(status));
        }
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(Status::from_code("fechado"), None);
        assert!(!EventKind::InternalNote.is_public());
        assert_eq!(EventKind::ALL.iter().filter(|k| !k.is_public()).count(), 1);
    }

    /// `YYYY-MM-DDTHH:MM` in UTC to Unix seconds, without a date library.
    #[cfg(feature = "ssr")]
    fn unix(iso: &str) -> i64 {
        let (date, time) = iso.split_once('T').unwrap_or((iso, "00:00"));
        let day = crate::domain::calendar::Date::parse_iso(date).unwrap_or_else(|| panic!("bad date {iso}"));
        let (h, m) = time.split_once(':').unwrap_or(("0", "0"));
        let h: i64 = h.parse().unwrap_or(0);
        let m: i64 = m.parse().unwrap_or(0);
        day.days_since_epoch() * 86_400 + h * 3_600 + m * 60
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_window_closes_at_the_end_of_the_third_business_day_in_brasilia() {
        let national = Calendar::national();
        // Friday 2025-02-28 15:00 in Brasília → ends with Wednesday 2025-03-05.
        let deadline = acceptance_deadline(unix("2025-02-28T18:00"), &national, 3);
        assert_eq!(deadline, unix("2025-03-06T03:00"));
        // A Saturday finalization counts from Monday: the same last day.
        assert_eq!(acceptance_deadline(unix("2025-03-01T15:00"), &national, 3), deadline);
        // 23:30 in Brasília on Thursday the 27th is 02:30 UTC on the 28th: still Thursday.
        assert_eq!(acceptance_deadline(unix("2025-02-28T02:30"), &national, 3), unix("2025-03-05T03:00"));
        // 00:30 in Brasília on Friday the 28th counts from Friday.
        assert_eq!(acceptance_deadline(unix("2025-02-28T03:30"), &national, 3), deadline);
        // A window of one business day from Friday ends with Monday; of five, with Friday the 7th
        // (Carnival's Monday and Tuesday are pontos facultativos, not national holidays).
        assert_eq!(acceptance_deadline(unix("2025-02-28T18:00"), &national, 1), unix("2025-03-04T03:00"));
        assert_eq!(acceptance_deadline(unix("2025-02-28T18:00"), &national, 5), unix("2025-03-08T03:00"));
    }

    #[test]
    fn ratings_have_labels() {
        assert_eq!(rating_label(5), Some("Muito satisfeito"));
        assert_eq!(rating_label(0), None);
    }
}
