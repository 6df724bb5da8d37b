//! The console's search box: what a request is found by (its number, the citizen's name,
//! e-mail and phone, the words of the description) and how a typed search becomes terms.
//!
//! Both databases index the same text, made here: folded words (no case, no accents, see
//! [`super::search::fold`]) separated by spaces, so that SQLite's FTS5 and PostgreSQL's `simple` text
//! search split it into the same tokens, and a term matches the tokens it begins.
//! The CPF is not in that text: partial CPFs would let anyone enumerate them. A full, valid
//! CPF typed into the box is looked up exactly instead, and that search is audited. A
//! whole e-mail address is matched as the address (its words are in every request).

use super::cpf::Cpf;
use super::email::Email;
use super::search::words;

/// Longest search honoured; anything beyond is ignored rather than refused.
pub const MAX_SEARCH_CHARS: usize = 120;
/// At most this many terms are matched (all of them must match).
pub const MAX_TERMS: usize = 8;

/// The indexed text of one request. `phone` is its digits with the area code: the number
/// is indexed with and without it, as agents type either.
pub fn index_text(number: &str, name: &str, email: &str, phone: &str, description: &str) -> String {
    let mut text = String::with_capacity(number.len() + name.len() + email.len() + description.len() + 40);
    let local_phone = phone.get(2..).unwrap_or_default();
    for part in [number, phone, local_phone, name, email, description] {
        for word in words(part) {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&word);
        }
    }
    text
}

/// A search typed into the queue's box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSearch {
    /// Every one must begin a word of the request's indexed text.
    pub terms: Vec<String>,
    /// A full, valid CPF: requests of that CPF match too (the search is audited).
    pub cpf: Option<Cpf>,
    /// A whole e-mail address typed: matched as the address (without case), not as
    /// words, whose common parts ("saude", "gov", "br") every request shares.
    pub email: Option<String>,
}

impl QueueSearch {
    /// `None` for a search with nothing to look for. Digits typed with their usual
    /// punctuation (`(61) 99876-5432`, `123.456.789-09`) are one term, as they are stored.
    pub fn parse(typed: &str) -> Option<QueueSearch> {
        let bounded: String = typed.trim().chars().take(MAX_SEARCH_CHARS).collect();
        let digits_only = bounded.chars().all(|c| c.is_ascii_digit() || " ().-/".contains(c));
        let terms: Vec<String> = if digits_only {
            let digits: String = bounded.chars().filter(char::is_ascii_digit).collect();
            if digits.is_empty() {
                Vec::new()
            } else {
                vec![digits]
            }
        } else {
            words(&bounded).into_iter().take(MAX_TERMS).collect()
        };
        if terms.is_empty() {
            return None;
        }
        let cpf = if digits_only { Cpf::parse(&bounded).ok() } else { None };
        let email = bounded.contains('@').then(|| Email::parse(&bounded).ok()).flatten().map(|e| e.mailbox_key());
        Some(QueueSearch { terms, cpf, email })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(typed: &str) -> QueueSearch {
        QueueSearch::parse(typed).unwrap_or_else(|| panic!("nothing to look for in {typed:?}"))
    }

    #[test]
    fn the_index_holds_folded_words_and_the_phone_with_and_without_its_area_code() {
        let text = index_text(
            "202600000042",
            "João da Conceição",
            "Joao.Silva@saude.GOV.br",
            "61998765432",
            "Não consigo instalar o CNES-Desktop.",
        );
        assert_eq!(
            text,
            "202600000042 61998765432 998765432 joao da conceicao joao silva saude gov br \
             nao consigo instalar o cnes desktop"
        );
    }

    #[test]
    fn typed_words_become_folded_terms() {
        let search = parsed("  Conceição   INSTALAÇÃO ");
        assert_eq!(search.terms, vec!["conceicao", "instalacao"]);
        assert_eq!(search.cpf, None);
        assert_eq!(parsed("joao.silva@saude.gov.br").terms, ["joao", "silva", "saude", "gov", "br"]);
        assert_eq!(parsed(" Joao.Silva@Saude.gov.br ").email.as_deref(), Some("joao.silva@saude.gov.br"));
        assert_eq!(parsed("joao silva").email, None);
    }

    #[test]
    fn punctuated_digits_are_one_term() {
        assert_eq!(parsed("(61) 99876-5432").terms, ["61998765432"]);
        assert_eq!(parsed("2026 0000 0042").terms, ["202600000042"]);
    }

    #[test]
    fn only_a_full_valid_cpf_is_looked_up_as_one() {
        let search = parsed("529.982.247-25");
        assert_eq!(search.terms, ["52998224725"]);
        assert_eq!(search.cpf.map(|c| c.digits()), Some("52998224725".to_owned()));
        // A wrong check digit, or a part of a CPF, is only a number.
        assert_eq!(parsed("529.982.247-26").cpf, None);
        assert_eq!(parsed("529982").cpf, None);
    }

    #[test]
    fn nothing_to_look_for() {
        assert_eq!(QueueSearch::parse(""), None);
        assert_eq!(QueueSearch::parse(" -.() "), None);
        assert_eq!(QueueSearch::parse("!!!"), None);
    }

    #[test]
    fn long_searches_are_bounded() {
        let many = "palavra ".repeat(50);
        assert_eq!(parsed(&many).terms.len(), MAX_TERMS);
    }
}
