//! The free-text description of a request: line breaks normalised to `\n` and the length
//! counted the same way in the browser and on the server, so the limit shown on the form
//! is the limit enforced, and no control character reaches the agents' screens or e-mails.

use std::fmt;

/// Shortest description accepted, in characters.
pub const MIN_LEN: usize = 20;
/// Longest description accepted, in characters (a line break counts as one).
pub const MAX_LEN: usize = 5_000;

/// A trimmed description of 20 to 5,000 characters whose only control characters are
/// line feeds and tabs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Description(String);

/// Why a typed description was refused; `Display` is the message shown beside the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DescriptionError {
    Empty,
    TooShort,
    TooLong,
    Characters,
}

impl fmt::Display for DescriptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DescriptionError::Empty => "Descreva a solicitação.",
            DescriptionError::TooShort => "A descrição deve ter pelo menos 20 caracteres.",
            DescriptionError::TooLong => "A descrição deve ter no máximo 5.000 caracteres.",
            DescriptionError::Characters => "A descrição contém caracteres não permitidos.",
        })
    }
}

impl std::error::Error for DescriptionError {}

impl Description {
    /// Turns `\r\n` and lone `\r` into `\n`, trims, then checks characters and length.
    pub fn parse(input: &str) -> Result<Description, DescriptionError> {
        let normalised = input.replace("\r\n", "\n").replace('\r', "\n");
        let text = normalised.trim();
        if text.is_empty() {
            return Err(DescriptionError::Empty);
        }
        if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(DescriptionError::Characters);
        }
        let len = text.chars().count();
        if len < MIN_LEN {
            return Err(DescriptionError::TooShort);
        }
        if len > MAX_LEN {
            return Err(DescriptionError::TooLong);
        }
        Ok(Description(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> Description {
        Description::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    #[test]
    fn accepts_and_trims_a_description() {
        let text = "Não consigo acessar o sistema desde ontem.";
        assert_eq!(parse(text).as_str(), text);
        assert_eq!(parse(&format!(" \r\n\t{text}\n\n ")).as_str(), text);
        let with_tab = "Erro ao salvar:\tcódigo 500 na tela de cadastro.";
        assert_eq!(parse(with_tab).as_str(), with_tab);
    }

    #[test]
    fn normalises_line_breaks() {
        let parsed = parse("Primeira linha do texto\r\nSegunda linha\rTerceira\n\nQuarta");
        assert_eq!(parsed.as_str(), "Primeira linha do texto\nSegunda linha\nTerceira\n\nQuarta");
        assert!(!parsed.as_str().contains('\r'));
    }

    #[test]
    fn counts_characters_not_bytes_after_normalising() {
        assert_eq!(parse(&"ç".repeat(MIN_LEN)).as_str().chars().count(), MIN_LEN);
        assert_eq!(Description::parse(&"ç".repeat(MIN_LEN - 1)), Err(DescriptionError::TooShort));
        assert_eq!(parse(&"ç".repeat(MAX_LEN)).as_str().chars().count(), MAX_LEN);
        assert_eq!(Description::parse(&"ç".repeat(MAX_LEN + 1)), Err(DescriptionError::TooLong));
        // 20 characters as typed, 19 once the CRLF becomes a single line feed.
        assert_eq!(Description::parse("abcdefghi\r\nabcdefghi"), Err(DescriptionError::TooShort));
        assert!(Description::parse("abcdefghij\r\nabcdefghi").is_ok());
        // 5,001 characters as typed, 5,000 once normalised.
        let crlf = format!("{}\r\n{}", "ç".repeat(2_500), "ç".repeat(2_499));
        assert_eq!(parse(&crlf).as_str().chars().count(), MAX_LEN);
    }

    #[test]
    fn rejects_control_characters() {
        for input in [
            "Texto com um caractere nulo\0 no meio",
            "Texto com escape \u{1b}[31m vermelho no meio",
            "Texto com backspace \u{8} no meio da frase",
            "Texto com form feed \u{c} no meio da frase",
            "Texto com tab vertical \u{b} no meio da frase",
            "Texto com delete \u{7f} no meio da frase",
            "Texto com NEL \u{85} no meio da frase",
        ] {
            assert_eq!(Description::parse(input), Err(DescriptionError::Characters), "{input:?}");
        }
    }

    #[test]
    fn rejects_empty_input() {
        assert_eq!(Description::parse(""), Err(DescriptionError::Empty));
        assert_eq!(Description::parse(" \r\n\t \r "), Err(DescriptionError::Empty));
    }

    #[test]
    fn messages_are_portuguese() {
        assert_eq!(DescriptionError::Empty.to_string(), "Descreva a solicitação.");
        assert_eq!(DescriptionError::TooShort.to_string(), "A descrição deve ter pelo menos 20 caracteres.");
        assert_eq!(DescriptionError::TooLong.to_string(), "A descrição deve ter no máximo 5.000 caracteres.");
        assert_eq!(DescriptionError::Characters.to_string(), "A descrição contém caracteres não permitidos.");
    }
}
