//! Brazilian telephone numbers: a valid area code (DDD) and a mobile (9 + 8 digits) or
//! landline (8 digits starting 2–5) number, shown as `(21) 98765-4321`.

use std::fmt;

/// Area codes in use (Anatel).
const AREA_CODES: &[u8] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43, 44, 45, 46, 47, 48,
    49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89,
    91, 92, 93, 94, 95, 96, 97, 98, 99,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneKind {
    Mobile,
    Landline,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Phone {
    area_code: u8,
    /// 9 digits for mobiles, 8 for landlines.
    local: String,
    kind: PhoneKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    Characters,
    Length,
    AreaCode,
    LocalNumber,
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PhoneError::Empty => "Informe o telefone.",
            PhoneError::Characters => "O telefone deve conter apenas números, parênteses, espaços e hífen.",
            PhoneError::Length => "Informe o DDD e o número: 10 dígitos para fixo ou 11 para celular.",
            PhoneError::AreaCode => "DDD inválido.",
            PhoneError::LocalNumber => {
                "Número inválido: celulares começam com 9 e têm 9 dígitos; fixos começam com 2, 3, 4 ou 5 e têm 8 dígitos."
            }
        })
    }
}

impl std::error::Error for PhoneError {}

impl Phone {
    /// Accepts `(21) 98765-4321`, `21987654321` and `+55 21 98765-4321`.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(PhoneError::Empty);
        }
        if !input.chars().all(|c| c.is_ascii_digit() || matches!(c, '(' | ')' | '-' | ' ' | '+' | '.')) {
            return Err(PhoneError::Characters);
        }
        let mut digits: String = input.chars().filter(char::is_ascii_digit).collect();
        if input.starts_with('+') {
            digits = digits.strip_prefix("55").ok_or(PhoneError::AreaCode)?.to_owned();
        }
        if digits.len() != 10 && digits.len() != 11 {
            return Err(PhoneError::Length);
        }
        let area_code: u8 = digits[..2].parse().map_err(|_| PhoneError::AreaCode)?;
        if !AREA_CODES.contains(&area_code) {
            return Err(PhoneError::AreaCode);
        }
        let local = digits[2..].to_owned();
        let first = local.as_bytes()[0];
        let kind = match (local.len(), first) {
            (9, b'9') => PhoneKind::Mobile,
            (8, b'2'..=b'5') => PhoneKind::Landline,
            _ => return Err(PhoneError::LocalNumber),
        };
        Ok(Phone { area_code, local, kind })
    }

    pub fn kind(&self) -> PhoneKind {
        self.kind
    }

    /// `21987654321`
    pub fn digits(&self) -> String {
        format!("{}{}", self.area_code, self.local)
    }

    /// `(21) 98765-4321` or `(61) 3315-2425`
    pub fn formatted(&self) -> String {
        let split = self.local.len() - 4;
        format!("({}) {}-{}", self.area_code, &self.local[..split], &self.local[split..])
    }

    /// `(21) *****-4321`: enough for a person to recognise their number, for logs and screens.
    pub fn masked(&self) -> String {
        let split = self.local.len() - 4;
        format!("({}) {}-{}", self.area_code, "*".repeat(split), &self.local[split..])
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> Phone {
        Phone::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"))
    }

    #[test]
    fn accepts_mobiles() {
        for input in ["(21) 98765-4321", "11900000000", "+55 21 98765-4321"] {
            assert_eq!(parse(input).kind(), PhoneKind::Mobile, "{input}");
        }
        assert_eq!(parse("11900000000").formatted(), "(11) 90000-0000");
        assert_eq!(parse("(21) 98765-4321").digits(), "21987654321");
    }

    #[test]
    fn accepts_landlines() {
        for input in ["(61) 3315-2425", "1130000000"] {
            assert_eq!(parse(input).kind(), PhoneKind::Landline, "{input}");
        }
        assert_eq!(parse("1130000000").formatted(), "(11) 3000-0000");
    }

    #[test]
    fn rejects_invalid_area_codes() {
        for input in ["(20) 98765-4321", "(23) 3333-4444", "(10) 3333-4444", "+1 415 555 0100"] {
            assert!(
                matches!(Phone::parse(input), Err(PhoneError::AreaCode) | Err(PhoneError::Length)),
                "{input}: {:?}",
                Phone::parse(input)
            );
        }
        assert_eq!(Phone::parse("(20) 98765-4321"), Err(PhoneError::AreaCode));
        assert_eq!(Phone::parse("(23) 3333-4444"), Err(PhoneError::AreaCode));
    }

    #[test]
    fn rejects_invalid_local_numbers() {
        for input in ["(11) 1234-5678", "(11) 6234-5678", "(11) 8765-4321", "(11) 88765-4321", "(11) 9876-5432"] {
            assert_eq!(Phone::parse(input), Err(PhoneError::LocalNumber), "{input}");
        }
    }

    #[test]
    fn rejects_wrong_length_and_characters() {
        assert_eq!(Phone::parse("98765-4321"), Err(PhoneError::Length));
        assert_eq!(Phone::parse("(21) 98765-4321 ramal 2"), Err(PhoneError::Characters));
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
    }

    #[test]
    fn masks_all_but_the_last_four_digits() {
        assert_eq!(parse("(21) 98765-4321").masked(), "(21) *****-4321");
        assert_eq!(format!("{:?}", parse("(61) 3315-2425")), "Phone((61) ****-2425)");
    }
}
