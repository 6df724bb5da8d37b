//! What the citizen writes on the history page (the reason to reopen, the evaluation's
//! comment, a complement to an open request): one length-and-characters rule per field,
//! with the message shown beside it, checked alike by the page and the server.

/// Length rules of the reopening reason (characters, after trimming).
pub const REASON_MIN_CHARS: usize = 10;
pub const REASON_MAX_CHARS: usize = 2_000;
/// Longest optional comment of an evaluation.
pub const COMMENT_MAX_CHARS: usize = 1_000;
/// Shortest and longest complement a citizen may send to an open request.
pub const COMPLEMENT_MIN_CHARS: usize = 10;
pub const COMPLEMENT_MAX_CHARS: usize = 5_000;
/// The complement field's hint, in the words of its messages below.
pub const COMPLEMENT_HINT: &str = "De 10 a 5.000 caracteres.";

/// One free-text field of the citizen's: its length (characters, after trimming) and
/// the message for each way to get it wrong.
struct TextRule {
    min: usize,
    max: usize,
    empty: &'static str,
    short: &'static str,
    long: &'static str,
    invalid: &'static str,
}

impl TextRule {
    /// `text` trimmed, or the message to show beside the field.
    fn check(&self, text: &str) -> Result<String, &'static str> {
        let trimmed = text.trim();
        let chars = trimmed.chars().count();
        if chars == 0 {
            Err(self.empty)
        } else if chars < self.min {
            Err(self.short)
        } else if chars > self.max {
            Err(self.long)
        } else if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            Err(self.invalid)
        } else {
            Ok(trimmed.to_owned())
        }
    }
}

const REASON: TextRule = TextRule {
    min: REASON_MIN_CHARS,
    max: REASON_MAX_CHARS,
    empty: "Informe o motivo da reabertura.",
    short: "Descreva o motivo com pelo menos 10 caracteres.",
    long: "O motivo pode ter no máximo 2.000 caracteres.",
    invalid: "O motivo contém caracteres inválidos.",
};

const COMPLEMENT: TextRule = TextRule {
    min: COMPLEMENT_MIN_CHARS,
    max: COMPLEMENT_MAX_CHARS,
    empty: "Escreva o complemento.",
    short: "Escreva o complemento com pelo menos 10 caracteres.",
    long: "O complemento pode ter no máximo 5.000 caracteres.",
    invalid: "O complemento contém caracteres inválidos.",
};

const COMMENT: TextRule = TextRule {
    min: 1,
    max: COMMENT_MAX_CHARS,
    empty: "",
    short: "",
    long: "O comentário pode ter no máximo 1.000 caracteres.",
    invalid: "O comentário contém caracteres inválidos.",
};

/// The reason a citizen gives for reopening, trimmed, or the message to show beside the field.
pub fn check_reason(text: &str) -> Result<String, &'static str> {
    REASON.check(text)
}

/// A citizen's complement to an open request, trimmed, or the message to show beside the field.
pub fn check_complement(text: &str) -> Result<String, &'static str> {
    COMPLEMENT.check(text)
}

/// The optional comment of an evaluation, trimmed (`None` when empty).
pub fn check_comment(text: &str) -> Result<Option<String>, &'static str> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    COMMENT.check(text).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_text_is_trimmed_and_bounded() {
        assert!(check_reason("curto").is_err());
        assert!(check_reason("   ").is_err());
        assert_eq!(check_reason("  ainda não funciona  "), Ok("ainda não funciona".to_string()));
        assert!(check_reason(&"x".repeat(2_001)).is_err());
        assert!(check_reason(&"ç".repeat(2_000)).is_ok());
        assert!(check_reason("texto com \u{0} nulo").is_err());
        assert_eq!(check_comment(" "), Ok(None));
        assert!(check_comment(&"a".repeat(1_001)).is_err());
        assert_eq!(check_complement("  curto "), Err("Escreva o complemento com pelo menos 10 caracteres."));
        assert_eq!(check_complement(" A versão é a 7.2.1 \n"), Ok("A versão é a 7.2.1".to_owned()));
        assert!(check_complement(&"x".repeat(5_001)).is_err());
        assert_eq!(check_complement(&"x".repeat(5_000)).map(|t| t.len()), Ok(5_000));
        assert_eq!(check_reason("curto"), Err("Descreva o motivo com pelo menos 10 caracteres."));
        assert_eq!(check_comment("   "), Ok(None));
        assert_eq!(check_comment(" Ótimo. "), Ok(Some("Ótimo.".to_owned())));
        assert!(check_comment(&"y".repeat(1_001)).is_err());
        assert_eq!(check_reason("Ainda\u{7}falha aqui"), Err("O motivo contém caracteres inválidos."));
    }
}
