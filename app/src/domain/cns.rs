//! CNS (Cartão Nacional de Saúde): parsed once, in the browser and on the server, into a
//! value that can only hold a number that passes the Ministry of Health's check. The field
//! is optional on the forms, so callers decide what an empty answer means.

use std::fmt;

/// A valid CNS: 15 digits, either definitive (starting with 1 or 2, derived from a PIS)
/// or provisional (starting with 7, 8 or 9, weighted sum divisible by 11).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cns([u8; 15]);

/// Why a typed CNS was refused; `Display` is the message shown beside the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CnsError {
    Empty,
    Characters,
    Length,
    Invalid,
}

impl fmt::Display for CnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CnsError::Empty => "Informe o CNS.",
            CnsError::Characters => "O CNS deve conter apenas números.",
            CnsError::Length => "O CNS deve ter 15 dígitos.",
            CnsError::Invalid => "CNS inválido. Confira os números digitados.",
        })
    }
}

impl std::error::Error for CnsError {}

impl Cns {
    /// Accepts `898 0010 5327 6208`, `898001053276208` and dots or hyphens between digits.
    pub fn parse(input: &str) -> Result<Cns, CnsError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(CnsError::Empty);
        }
        if !input.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-')) {
            return Err(CnsError::Characters);
        }
        let digits: Vec<u8> = input.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
        let digits: [u8; 15] = digits.try_into().map_err(|_| CnsError::Length)?;
        let valid = match digits[0] {
            1 | 2 => expected_definitive(&digits) == digits,
            7..=9 => weighted_sum(&digits).is_multiple_of(11),
            _ => false,
        };
        if !valid {
            return Err(CnsError::Invalid);
        }
        Ok(Cns(digits))
    }

    /// `898001053276208`
    pub fn digits(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// `898 0010 5327 6208`, as printed on the card.
    pub fn formatted(&self) -> String {
        let d = self.digits();
        format!("{} {} {} {}", &d[0..3], &d[3..7], &d[7..11], &d[11..15])
    }
}

/// Weights 15, 14, 13, ... over the given digits, from the left.
fn weighted_sum(digits: &[u8]) -> u32 {
    digits.iter().zip((1..=15u32).rev()).map(|(d, w)| u32::from(*d) * w).sum()
}

/// The only definitive number that starts with the same 11 digits (the PIS) as `cns`:
/// the PIS, then `000` and a check digit, or `001` and a check digit when the first
/// attempt gives 10.
fn expected_definitive(cns: &[u8; 15]) -> [u8; 15] {
    let pis = &cns[..11];
    let mut sum = weighted_sum(pis);
    let mut check = 11 - sum % 11;
    if check == 11 {
        check = 0;
    }
    let mut expected = [0; 15];
    expected[..11].copy_from_slice(pis);
    if check == 10 {
        sum += 2;
        check = 11 - sum % 11;
        expected[13] = 1;
    }
    expected[14] = check as u8;
    expected
}

/// Never prints the number: a `Cns` that ends up in a log line shows only its last four digits.
impl fmt::Debug for Cns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        write!(f, "Cns(*** **** **** {})", &d[11..15])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PIS values for definitive numbers: `10000000006` and `10000000017` take the `001`
    /// path, `12345678901` the one where a check digit of 11 becomes 0.
    const PIS: &[&str] =
        &["12345678901", "10000000006", "10000000017", "27182818284", "20987654321", "16789012345", "14142135623"];

    /// First 14 digits of provisional numbers; `80000000000001` has no valid last digit.
    const PROVISIONAL_PREFIXES: &[&str] =
        &["89800105327620", "71234567890123", "98765432109876", "75555555555555", "80000000000001"];

    /// The position weighted 11: a change there keeps every sum's remainder, so the
    /// algorithm cannot notice it.
    const BLIND_POSITION: usize = 4;

    fn value(digit: u8) -> u32 {
        u32::from(digit - b'0')
    }

    /// The definitive CNS of an 11-digit PIS, written from the rule as published.
    fn definitive_from(pis: &str) -> String {
        let mut soma: u32 = pis.bytes().enumerate().map(|(i, d)| value(d) * (15 - i as u32)).sum();
        let mut dv = 11 - soma % 11;
        if dv == 11 {
            dv = 0;
        }
        if dv == 10 {
            soma += 2;
            dv = 11 - soma % 11;
            format!("{pis}001{dv}")
        } else {
            format!("{pis}000{dv}")
        }
    }

    /// The provisional CNS that starts with the 14 given digits, if one exists.
    fn provisional_from(prefix: &str) -> Option<String> {
        (0..=9).map(|last| format!("{prefix}{last}")).find(|number| {
            let sum: u32 = number.bytes().enumerate().map(|(i, d)| value(d) * (15 - i as u32)).sum();
            sum.is_multiple_of(11)
        })
    }

    fn definitive_numbers() -> Vec<String> {
        PIS.iter().copied().map(definitive_from).collect()
    }

    fn provisional_numbers() -> Vec<String> {
        PROVISIONAL_PREFIXES.iter().copied().filter_map(provisional_from).collect()
    }

    fn with_digit(number: &str, position: usize, digit: u8) -> String {
        let mut bytes = number.as_bytes().to_vec();
        bytes[position] = b'0' + digit;
        String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Whether a first digit selects the same rule (definitive or provisional) as `original`.
    fn same_rule(original: u8, replacement: u8) -> bool {
        let rule = |d: u8| match d {
            1 | 2 => Some(true),
            7..=9 => Some(false),
            _ => None,
        };
        rule(replacement).is_none() || rule(original) == rule(replacement)
    }

    #[test]
    fn generated_numbers_cover_both_definitive_paths() {
        let definitive = definitive_numbers();
        assert!(definitive.iter().any(|n| n.get(11..14) == Some("001")));
        assert!(definitive.iter().any(|n| n.get(11..14) == Some("000")));
        assert!(definitive.iter().any(|n| n.ends_with("0000")));
        assert_eq!(provisional_numbers().len(), PROVISIONAL_PREFIXES.len() - 1);
    }

    #[test]
    fn accepts_definitive_and_provisional_numbers() {
        for number in definitive_numbers().iter().chain(&provisional_numbers()) {
            let cns = Cns::parse(number).unwrap_or_else(|e| panic!("{number}: {e}"));
            assert_eq!(cns.digits(), *number);
        }
        assert_eq!(definitive_from("10000000006"), "100000000060018");
        assert!(Cns::parse("100000000060018").is_ok());
    }

    #[test]
    fn rejects_every_single_digit_change() {
        for number in definitive_numbers().iter().chain(&provisional_numbers()) {
            for position in 0..15 {
                if position == BLIND_POSITION {
                    continue;
                }
                let original = number.as_bytes()[position] - b'0';
                for digit in 0..=9 {
                    // A new first digit that moves the number to the other rule is checked
                    // by that rule, which may pass it by chance.
                    if digit == original || (position == 0 && !same_rule(original, digit)) {
                        continue;
                    }
                    let changed = with_digit(number, position, digit);
                    assert_eq!(Cns::parse(&changed), Err(CnsError::Invalid), "{number} -> {changed}");
                }
            }
        }
    }

    #[test]
    fn cannot_see_a_change_in_the_position_weighted_eleven() {
        for number in definitive_numbers().iter().chain(&provisional_numbers()) {
            let original = number.as_bytes()[BLIND_POSITION] - b'0';
            let changed = with_digit(number, BLIND_POSITION, (original + 1) % 10);
            assert!(Cns::parse(&changed).is_ok(), "{number} -> {changed}");
        }
    }

    #[test]
    fn rejects_numbers_with_other_first_digits() {
        for first in [0, 3, 4, 5, 6] {
            for number in definitive_numbers().iter().chain(&provisional_numbers()) {
                let changed = with_digit(number, 0, first);
                assert_eq!(Cns::parse(&changed), Err(CnsError::Invalid), "{changed}");
            }
        }
        assert_eq!(Cns::parse("300000000000000"), Err(CnsError::Invalid));
        assert_eq!(Cns::parse("000000000000000"), Err(CnsError::Invalid));
    }

    #[test]
    fn accepts_separators_and_formats_in_groups() {
        for input in ["898 0010 5327 6208", "898001053276208", "898.0010.5327-6208", "  898-0010-5327-6208  "] {
            let cns = Cns::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(cns.digits(), "898001053276208");
            assert_eq!(cns.formatted(), "898 0010 5327 6208");
        }
        let definitive = Cns::parse("100000000060018").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(definitive.formatted(), "100 0000 0006 0018");
        assert_eq!(format!("{definitive:?}"), "Cns(*** **** **** 0018)");
    }

    #[test]
    fn rejects_wrong_length_and_characters() {
        assert_eq!(Cns::parse("89800105327620"), Err(CnsError::Length));
        assert_eq!(Cns::parse("8980010532762080"), Err(CnsError::Length));
        assert_eq!(Cns::parse("898 0010 5327"), Err(CnsError::Length));
        assert_eq!(Cns::parse("89800105327620A"), Err(CnsError::Characters));
        assert_eq!(Cns::parse("898/0010/5327/6208"), Err(CnsError::Characters));
        assert_eq!(Cns::parse("８98001053276208"), Err(CnsError::Characters));
        assert_eq!(Cns::parse(""), Err(CnsError::Empty));
        assert_eq!(Cns::parse("   "), Err(CnsError::Empty));
    }

    #[test]
    fn messages_are_portuguese() {
        assert_eq!(CnsError::Empty.to_string(), "Informe o CNS.");
        assert_eq!(CnsError::Characters.to_string(), "O CNS deve conter apenas números.");
        assert_eq!(CnsError::Length.to_string(), "O CNS deve ter 15 dígitos.");
        assert_eq!(CnsError::Invalid.to_string(), "CNS inválido. Confira os números digitados.");
    }
}
