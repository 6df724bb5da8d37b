//! The life of a request after it is opened, as one state machine: every change of
//! status (an agent's, the citizen's, the acceptance job's) asks this module first, so
//! an illegal step is refused the same way wherever it is attempted.

use super::calendar::{Calendar, Date};
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
pub enum Refusal {
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
    fn finalized_and_open(self) -> Result<(), Refusal> {
        match self.status {
            Status::Avaliado => Err(Refusal::AlreadyRated),
            _ if self.closed => Err(Refusal::Closed),
            Status::Finalizado => Ok(()),
            _ => Err(Refusal::NotFinalized),
        }
    }

    /// The agent finalizes with an answer (from any status where work is pending).
    pub fn finalize(self) -> Result<Standing, Refusal> {
        match self.status {
            Status::Recebido | Status::EmAnalise | Status::Reaberto => {
                Ok(Standing { status: Status::Finalizado, accepted: false, closed: false })
            }
            Status::Finalizado => Err(Refusal::AlreadyFinalized),
            Status::Avaliado => Err(Refusal::AlreadyRated),
        }
    }

    /// An agent takes the request up (answer, escalation, note): pending work only.
    pub fn take_up(self) -> Result<Standing, Refusal> {
        match self.status {
            Status::Recebido | Status::EmAnalise => Ok(Standing { status: Status::EmAnalise, ..self }),
            Status::Reaberto => Ok(self),
            Status::Finalizado => Err(Refusal::AlreadyFinalized),
            Status::Avaliado => Err(Refusal::AlreadyRated),
        }
    }

    /// "Não": the answer did not solve it; back to the queue, while the window is open.
    pub fn contest(self) -> Result<Standing, Refusal> {
        self.finalized_and_open()?;
        if self.accepted {
            return Err(Refusal::AlreadyAccepted);
        }
        Ok(Standing { status: Status::Reaberto, accepted: false, closed: false })
    }

    /// "Sim" then "Avaliar atendimento": final. Still allowed after the acceptance deadline.
    pub fn rate(self) -> Result<Standing, Refusal> {
        self.finalized_and_open()?;
        Ok(Standing { status: Status::Avaliado, ..self })
    }

    /// "Sim" then "Fechar": final, no reopening and no rating afterwards.
    pub fn close(self) -> Result<Standing, Refusal> {
        self.finalized_and_open()?;
        Ok(Standing { closed: true, ..self })
    }

    /// The acceptance job: silence until the deadline means the answer was accepted.
    pub fn accept(self) -> Result<Standing, Refusal> {
        self.finalized_and_open()?;
        if self.accepted {
            return Err(Refusal::AlreadyAccepted);
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

/// Brasília is UTC−3 all year (no daylight saving since 2019).
const BRASILIA_OFFSET_SECONDS: i64 = -3 * 3_600;

/// The civil date in Brasília at a Unix instant.
pub fn brasilia_date(unix_seconds: i64) -> Date {
    Date::from_days_since_epoch((unix_seconds + BRASILIA_OFFSET_SECONDS).div_euclid(86_400))
}

/// The instant (Unix seconds) the acceptance window of a request finalized at
/// `finalized_unix` closes: the end of the `days`-th business day after that day (the
/// setting, 3 by default), i.e. midnight in Brasília that starts the next day.
pub fn acceptance_deadline(finalized_unix: i64, calendar: &Calendar, days: u8) -> i64 {
    let last_day = calendar.add_business_days(brasilia_date(finalized_unix), u32::from(days));
    last_day.plus_days(1).days_since_epoch() * 86_400 - BRASILIA_OFFSET_SECONDS
}

/// Length rules of the reopening reason (characters, after trimming).
pub const REASON_MIN_CHARS: usize = 10;
pub const REASON_MAX_CHARS: usize = 2_000;
/// Longest optional comment of an evaluation.
pub const COMMENT_MAX_CHARS: usize = 1_000;

/// The reason a citizen gives for reopening, trimmed, or the message to show beside the field.
pub fn check_reason(text: &str) -> Result<String, &'static str> {
    let trimmed = text.trim();
    let chars = trimmed.chars().count();
    if chars == 0 {
        Err("Informe o motivo da reabertura.")
    } else if chars < REASON_MIN_CHARS {
        Err("Descreva o motivo com pelo menos 10 caracteres.")
    } else if chars > REASON_MAX_CHARS {
        Err("O motivo pode ter no máximo 2.000 caracteres.")
    } else if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        Err("O motivo contém caracteres inválidos.")
    } else {
        Ok(trimmed.to_owned())
    }
}

/// The optional comment of an evaluation, trimmed (`None` when empty).
pub fn check_comment(text: &str) -> Result<Option<String>, &'static str> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        Ok(None)
    } else if trimmed.chars().count() > COMMENT_MAX_CHARS {
        Err("O comentário pode ter no máximo 1.000 caracteres.")
    } else if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        Err("O comentário contém caracteres inválidos.")
    } else {
        Ok(Some(trimmed.to_owned()))
    }
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
}

impl EventKind {
    pub const ALL: [EventKind; 10] = [
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
        assert_eq!(at(Status::Recebido).contest(), Err(Refusal::NotFinalized));
        assert_eq!(at(Status::EmAnalise).contest(), Err(Refusal::NotFinalized));
        assert_eq!(at(Status::Reaberto).contest(), Err(Refusal::NotFinalized));
        assert_eq!(at(Status::Avaliado).contest(), Err(Refusal::AlreadyRated));
        let accepted = Standing { accepted: true, ..at(Status::Finalizado) };
        assert_eq!(accepted.contest(), Err(Refusal::AlreadyAccepted));
        let closed = Standing { closed: true, ..at(Status::Finalizado) };
        assert_eq!(closed.contest(), Err(Refusal::Closed));
    }

    #[test]
    fn rating_is_final_and_allowed_after_acceptance() {
        let rated = at(Status::Finalizado).rate();
        assert_eq!(rated.map(|s| s.status), Ok(Status::Avaliado));
        assert_eq!(rated.and_then(Standing::rate), Err(Refusal::AlreadyRated));
        let accepted = Standing { accepted: true, ..at(Status::Finalizado) };
        assert_eq!(accepted.rate().map(|s| s.status), Ok(Status::Avaliado));
        assert_eq!(at(Status::EmAnalise).rate(), Err(Refusal::NotFinalized));
        let closed = Standing { closed: true, ..at(Status::Finalizado) };
        assert_eq!(closed.rate(), Err(Refusal::Closed));
    }

    #[test]
    fn closing_ends_everything() {
        let closed = at(Status::Finalizado).close().unwrap_or_else(|e| panic!("{e}"));
        assert!(closed.closed);
        assert_eq!(closed.close(), Err(Refusal::Closed));
        assert_eq!(closed.contest(), Err(Refusal::Closed));
        assert_eq!(closed.accept(), Err(Refusal::Closed));
        assert!(!closed.awaits_answer());
        assert!(!closed.may_rate());
        assert_eq!(at(Status::Reaberto).close(), Err(Refusal::NotFinalized));
    }

    #[test]
    fn acceptance_happens_once_and_only_to_open_finalized_requests() {
        let accepted = at(Status::Finalizado).accept().unwrap_or_else(|e| panic!("{e}"));
        assert!(accepted.accepted);
        assert_eq!(accepted.accept(), Err(Refusal::AlreadyAccepted));
        assert!(!accepted.awaits_answer());
        assert!(accepted.may_rate());
        assert_eq!(at(Status::Reaberto).accept(), Err(Refusal::NotFinalized));
        assert_eq!(at(Status::Avaliado).accept(), Err(Refusal::AlreadyRated));
    }

    #[test]
    fn finalizing_again_needs_a_reopening_first() {
        for status in [Status::Recebido, Status::EmAnalise, Status::Reaberto] {
            assert_eq!(at(status).finalize().map(|s| s.status), Ok(Status::Finalizado));
        }
        assert_eq!(at(Status::Finalizado).finalize(), Err(Refusal::AlreadyFinalized));
        assert_eq!(at(Status::Avaliado).finalize(), Err(Refusal::AlreadyRated));
        assert_eq!(at(Status::Recebido).take_up().map(|s| s.status), Ok(Status::EmAnalise));
        assert_eq!(at(Status::Reaberto).take_up().map(|s| s.status), Ok(Status::Reaberto));
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
    fn unix(iso: &str) -> i64 {
        let (date, time) = iso.split_once('T').unwrap_or((iso, "00:00"));
        let day = Date::parse_iso(date).unwrap_or_else(|| panic!("bad date {iso}"));
        let (h, m) = time.split_once(':').unwrap_or(("0", "0"));
        let h: i64 = h.parse().unwrap_or(0);
        let m: i64 = m.parse().unwrap_or(0);
        day.days_since_epoch() * 86_400 + h * 3_600 + m * 60
    }

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
        assert_eq!(brasilia_date(unix("2026-01-01T02:59")), Date::parse_iso("2025-12-31").unwrap_or_else(|| panic!()));
        // A window of one business day from Friday ends with Monday; of five, with Friday the 7th
        // (Carnival's Monday and Tuesday are pontos facultativos, not national holidays).
        assert_eq!(acceptance_deadline(unix("2025-02-28T18:00"), &national, 1), unix("2025-03-04T03:00"));
        assert_eq!(acceptance_deadline(unix("2025-02-28T18:00"), &national, 5), unix("2025-03-08T03:00"));
    }

    #[test]
    fn reasons_and_comments_are_checked() {
        assert!(check_reason("curto").is_err());
        assert!(check_reason("   ").is_err());
        assert_eq!(check_reason("  ainda não funciona  "), Ok("ainda não funciona".to_string()));
        assert!(check_reason(&"x".repeat(2_001)).is_err());
        assert!(check_reason(&"ç".repeat(2_000)).is_ok());
        assert!(check_reason("texto com \u{0} nulo").is_err());
        assert_eq!(check_comment(" "), Ok(None));
        assert!(check_comment(&"a".repeat(1_001)).is_err());
        assert_eq!(rating_label(5), Some("Muito satisfeito"));
        assert_eq!(rating_label(0), None);
    }
}
