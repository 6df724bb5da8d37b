//! A citizen's name as typed on the forms: checked in the browser and again on the server
//! into a value that holds only letters, single spaces, apostrophes and hyphens, so it can
//! be shown on screens and written into e-mails without escaping surprises.

use std::fmt;

/// Shortest name accepted, in characters.
pub const MIN_LEN: usize = 3;
/// Longest name accepted, in characters.
pub const MAX_LEN: usize = 120;

/// A name of 3 to 120 characters: letters (accented or not), apostrophes, hyphens and
/// single spaces between them, with at least one letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

/// Why a typed name was refused; `Display` is the message shown beside the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonNameError {
    Empty,
    Length,
    Characters,
}

impl fmt::Display for PersonNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PersonNameError::Empty => "Informe o nome.",
            PersonNameError::Length => "O nome deve ter entre 3 e 120 caracteres.",
            PersonNameError::Characters => "Use apenas letras, espaços, apóstrofos e hífens no nome.",
        })
    }
}

impl std::error::Error for PersonNameError {}

impl PersonName {
    /// Accepts `João D'Ávila-Souza`; `  Maria   da  Silva ` becomes `Maria da Silva`.
    /// Accents must come precomposed (as keyboards type them): a separate combining
    /// accent is not a letter and is refused.
    pub fn parse(input: &str) -> Result<PersonName, PersonNameError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(PersonNameError::Empty);
        }
        let mut name = String::with_capacity(input.len());
        let mut pending_space = false;
        for c in input.chars() {
            if is_space(c) {
                pending_space = true;
                continue;
            }
            if !(c.is_alphabetic() || is_punctuation(c)) {
                return Err(PersonNameError::Characters);
            }
            if pending_space && !name.is_empty() {
                name.push(' ');
            }
            pending_space = false;
            name.push(c);
        }
        if !(MIN_LEN..=MAX_LEN).contains(&name.chars().count()) {
            return Err(PersonNameError::Length);
        }
        if !name.chars().any(char::is_alphabetic) {
            return Err(PersonNameError::Characters);
        }
        Ok(PersonName(name))
    }

    /// `João D'Ávila-Souza`
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Spaces between words, including the no-break space that pasted text often brings.
/// Tabs and line breaks are control characters or line separators and are refused.
fn is_space(c: char) -> bool {
    c.is_whitespace() && !c.is_control() && !matches!(c, '\u{2028}' | '\u{2029}')
}

/// Straight and typographic apostrophes (`D'Ávila`, `D’Ávila`) and the hyphen.
fn is_punctuation(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> PersonName {
        PersonName::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    #[test]
    fn accepts_names_with_accents_apostrophes_and_hyphens() {
        for input in
            ["João D'Ávila-Souza", "Ana", "Maria da Conceição", "Zoë O\u{2019}Neil", "Çağlar Öztürk", "Nguyễn Thị"]
        {
            assert_eq!(parse(input).as_str(), input);
        }
    }

    #[test]
    fn trims_and_collapses_inner_spaces() {
        assert_eq!(parse("  Maria   da  Silva ").as_str(), "Maria da Silva");
        assert_eq!(parse("José\u{a0}\u{a0}Silva").as_str(), "José Silva");
        assert_eq!(parse("\n Ana Lúcia \r\n").as_str(), "Ana Lúcia");
        assert_eq!(parse("A  l").as_str(), "A l");
    }

    #[test]
    fn rejects_markup_line_breaks_and_symbols() {
        for input in [
            "<script>alert(1)</script>",
            "Ana\r\nBcc: x@y.com",
            "Ana\nSilva",
            "Ana\rSilva",
            "Ana\tSilva",
            "Ana\u{2028}Silva",
            "Ana\0Silva",
            "Ana\u{1b}[31m",
            "R2D2 da Silva",
            "maria@saude.gov.br",
            "Ana & Bia",
            "Ana \"Bia\"",
            "Ana; Bia",
            "Jose\u{301} Silva",
        ] {
            assert_eq!(PersonName::parse(input), Err(PersonNameError::Characters), "{input:?}");
        }
    }

    #[test]
    fn requires_a_letter() {
        for input in ["---", "' - '", "\u{2019}\u{2019}\u{2019}"] {
            assert_eq!(PersonName::parse(input), Err(PersonNameError::Characters), "{input:?}");
        }
    }

    #[test]
    fn limits_length_in_characters() {
        assert_eq!(PersonName::parse("Al"), Err(PersonNameError::Length));
        let longest = "É".repeat(MAX_LEN);
        assert_eq!(parse(&longest).as_str(), longest);
        assert_eq!(PersonName::parse(&"É".repeat(MAX_LEN + 1)), Err(PersonNameError::Length));
        let spaced = format!("{}   {}", "a".repeat(59), "b".repeat(60));
        assert_eq!(parse(&spaced).as_str().chars().count(), MAX_LEN);
    }

    #[test]
    fn rejects_empty_input() {
        assert_eq!(PersonName::parse(""), Err(PersonNameError::Empty));
        assert_eq!(PersonName::parse(" \t\r\n "), Err(PersonNameError::Empty));
    }

    #[test]
    fn messages_are_portuguese() {
        assert_eq!(PersonNameError::Empty.to_string(), "Informe o nome.");
        assert_eq!(PersonNameError::Length.to_string(), "O nome deve ter entre 3 e 120 caracteres.");
        assert_eq!(PersonNameError::Characters.to_string(), "Use apenas letras, espaços, apóstrofos e hífens no nome.");
    }
}
