//! E-mail addresses typed by citizens: checked in the browser and again on the server into
//! a value that can only hold a plain, well-formed address. The address ends up in mail
//! headers, so whitespace, line breaks and control characters are refused outright.

use std::fmt;

/// Longest address accepted (the limit of the SMTP path, RFC 5321).
pub const MAX_LEN: usize = 254;
/// Longest part before the `@`.
const MAX_LOCAL_LEN: usize = 64;
/// Longest label between the dots of the domain.
const MAX_LABEL_LEN: usize = 63;
/// Characters accepted before the `@` besides ASCII letters and digits.
const LOCAL_SYMBOLS: &[u8] = b"!#$%&'*+/=?^_`{|}~.-";

/// A well-formed address: trimmed, with its domain in lower case and its local part as typed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why a typed e-mail was refused; `Display` is the message shown beside the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailError {
    Empty,
    Whitespace,
    TooLong,
    Invalid,
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EmailError::Empty => "Informe o e-mail.",
            EmailError::Whitespace => "O e-mail não pode conter espaços nem quebras de linha.",
            EmailError::TooLong => "O e-mail deve ter no máximo 254 caracteres.",
            EmailError::Invalid => "Informe um e-mail válido, como nome@exemplo.gov.br.",
        })
    }
}

impl std::error::Error for EmailError {}

impl Email {
    /// Accepts `maria.silva@saude.gov.br` and spacing around it; `Maria@SAUDE.GOV.BR`
    /// becomes `Maria@saude.gov.br`.
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(EmailError::Empty);
        }
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError::Whitespace);
        }
        if input.chars().count() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = input.split_once('@').ok_or(EmailError::Invalid)?;
        if !is_valid_local(local) || !is_valid_domain(domain) {
            return Err(EmailError::Invalid);
        }
        Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    /// `maria.silva@saude.gov.br`
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The address as it identifies a person's mailbox: without case, as mail providers
    /// treat it in practice. With the CPF it says whose a request is (the follow-up scope
    /// and the opening limit); the database compares `LOWER(email)` the same way.
    pub fn mailbox_key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

/// 1 to 64 of the characters allowed unquoted, with dots only between other characters.
fn is_valid_local(local: &str) -> bool {
    (1..=MAX_LOCAL_LEN).contains(&local.len())
        && local.bytes().all(|b| b.is_ascii_alphanumeric() || LOCAL_SYMBOLS.contains(&b))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

/// Two or more labels separated by dots, the last one (the TLD) made of at least two letters.
/// A second `@` lands here and is refused as an invalid label character.
fn is_valid_domain(domain: &str) -> bool {
    let Some((_, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()) && domain.split('.').all(is_valid_label)
}

/// 1 to 63 ASCII letters, digits and hyphens, neither starting nor ending with a hyphen.
fn is_valid_label(label: &str) -> bool {
    (1..=MAX_LABEL_LEN).contains(&label.len())
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// Keeps the first character of the local part and the domain: enough to tell addresses
/// apart in a log line without writing the whole address there.
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (local, domain) = self.0.split_once('@').unwrap_or(("", self.0.as_str()));
        let first: String = local.chars().take(1).collect();
        write!(f, "Email({first}***@{domain})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> Email {
        Email::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    /// A well-formed address of exactly `len` characters (at least 197).
    fn address_of_len(len: usize) -> String {
        let local = "a".repeat(64);
        let filler = "d".repeat(len - 64 - 1 - 63 - 1 - 63 - 1 - 4);
        format!("{local}@{}.{}.{filler}.com", "b".repeat(63), "c".repeat(63))
    }

    #[test]
    fn accepts_valid_addresses() {
        for input in ["maria.silva@saude.gov.br", "a+b@x.com.br", "joao_souza-2024@ministerio-1.gov.br", "x@y.co"] {
            assert_eq!(parse(input).as_str(), input);
        }
        assert_eq!(parse("  maria@saude.gov.br \n").as_str(), "maria@saude.gov.br");
        assert_eq!(parse("o'neil!#$%&*/=?^_`{|}~-@x.com").as_str(), "o'neil!#$%&*/=?^_`{|}~-@x.com");
    }

    #[test]
    fn lowercases_the_domain_only() {
        assert_eq!(parse("Maria.Silva@SAUDE.Gov.BR").as_str(), "Maria.Silva@saude.gov.br");
        assert_eq!(parse("Maria@SAUDE.GOV.BR").into_string(), "Maria@saude.gov.br");
    }

    #[test]
    fn rejects_malformed_addresses() {
        for input in [
            "maria.silva.saude.gov.br",
            "a@b@c.com",
            "a@b",
            "a@-b.com",
            "a@b-.com",
            "a..b@x.com",
            ".a@x.com",
            "a.@x.com",
            "a@b.c",
            "a@b.c0",
            "a@b.123",
            "a@.com",
            "a@b..com",
            "a@b.com.",
            "@x.com",
            "a@",
            "a(b)@x.com",
            "a\"b@x.com",
            "a<b>@x.com",
            "joão@x.com",
            "a@açaí.com.br",
            "a@b_c.com",
        ] {
            assert_eq!(Email::parse(input), Err(EmailError::Invalid), "{input:?}");
        }
    }

    #[test]
    fn rejects_overlong_parts() {
        let local = format!("{}@x.com", "a".repeat(65));
        assert_eq!(Email::parse(&local), Err(EmailError::Invalid));
        let label = format!("a@{}.com", "b".repeat(64));
        assert_eq!(Email::parse(&label), Err(EmailError::Invalid));
        assert!(Email::parse(&format!("{}@{}.com", "a".repeat(64), "b".repeat(63))).is_ok());
    }

    #[test]
    fn limits_the_whole_address_to_254_characters() {
        let longest = address_of_len(254);
        assert_eq!(longest.len(), 254);
        assert_eq!(parse(&longest).as_str(), longest);
        let too_long = address_of_len(255);
        assert_eq!(too_long.len(), 255);
        assert_eq!(Email::parse(&too_long), Err(EmailError::TooLong));
    }

    #[test]
    fn rejects_whitespace_and_header_injection() {
        for input in [
            "a@b.com\r\nBcc: x@y.com",
            "a@b.com\nBcc: x@y.com",
            "a@b.com\rx",
            "maria silva@x.com",
            "maria@saude .gov.br",
            "maria\t@x.com",
            "maria@x.com\0",
            "maria\u{a0}silva@x.com",
            "maria@x.com\u{7f}",
        ] {
            assert_eq!(Email::parse(input), Err(EmailError::Whitespace), "{input:?}");
        }
    }

    #[test]
    fn rejects_empty_input() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert_eq!(Email::parse(" \t\r\n "), Err(EmailError::Empty));
    }

    #[test]
    fn debug_hides_most_of_the_local_part() {
        assert_eq!(format!("{:?}", parse("maria.silva@saude.gov.br")), "Email(m***@saude.gov.br)");
    }

    #[test]
    fn messages_are_portuguese() {
        assert_eq!(EmailError::Empty.to_string(), "Informe o e-mail.");
        assert_eq!(EmailError::TooLong.to_string(), "O e-mail deve ter no máximo 254 caracteres.");
        assert_eq!(EmailError::Invalid.to_string(), "Informe um e-mail válido, como nome@exemplo.gov.br.");
    }
}
