//! CPF (Cadastro de Pessoas Físicas): parsed once, in the browser and on the server,
//! into a value that can only hold a number with valid check digits. Screens show it
//! masked; logs never see it whole.

use std::fmt;

/// A valid CPF: 11 digits whose last two are its check digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cpf([u8; 11]);

/// Why a typed CPF was refused; `Display` is the message shown beside the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpfError {
    Empty,
    Characters,
    Length,
    RepeatedDigits,
    CheckDigits,
}

impl fmt::Display for CpfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CpfError::Empty => "Informe o CPF.",
            CpfError::Characters => "O CPF deve conter apenas números (pontos e hífen são opcionais).",
            CpfError::Length => "O CPF deve ter 11 dígitos.",
            CpfError::RepeatedDigits | CpfError::CheckDigits => "CPF inválido. Confira os números digitados.",
        })
    }
}

impl std::error::Error for CpfError {}

impl Cpf {
    /// Accepts `529.982.247-25`, `52998224725` and spacing around either.
    pub fn parse(input: &str) -> Result<Cpf, CpfError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(CpfError::Empty);
        }
        if !input.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | ' ')) {
            return Err(CpfError::Characters);
        }
        let digits: Vec<u8> = input.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
        let digits: [u8; 11] = digits.try_into().map_err(|_| CpfError::Length)?;
        // All ten repeated-digit numbers pass the arithmetic; none is a real CPF.
        if digits.iter().all(|d| *d == digits[0]) {
            return Err(CpfError::RepeatedDigits);
        }
        if check_digit(&digits[..9]) != digits[9] || check_digit(&digits[..10]) != digits[10] {
            return Err(CpfError::CheckDigits);
        }
        Ok(Cpf(digits))
    }

    /// `52998224725`
    pub fn digits(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// `529.982.247-25`
    pub fn formatted(&self) -> String {
        let d = self.digits();
        format!("{}.{}.{}-{}", &d[0..3], &d[3..6], &d[6..9], &d[9..11])
    }

    /// `***.982.247-**`: the first three and the last two digits hidden, as public portals do.
    pub fn masked(&self) -> String {
        let d = self.digits();
        format!("***.{}.{}-**", &d[3..6], &d[6..9])
    }
}

/// Weights n+1, n, ..., 2 over the n given digits; 0 when the remainder is below 2.
fn check_digit(digits: &[u8]) -> u8 {
    let top = digits.len() as u32 + 1;
    let sum: u32 = digits.iter().zip((2..=top).rev()).map(|(d, w)| u32::from(*d) * w).sum();
    let remainder = sum % 11;
    if remainder < 2 {
        0
    } else {
        (11 - remainder) as u8
    }
}

/// Never prints the number: a `Cpf` that ends up in a log line shows only its mask.
impl fmt::Debug for Cpf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cpf({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_reference_vectors() {
        for input in [
            "111.444.777-35",
            "529.982.247-25",
            "123.456.789-09",
            "385.211.390-39",
            "40364478829",
            "962.718.458-60",
            "255.248.930-33",
            " 529 982 247 25 ",
        ] {
            assert!(Cpf::parse(input).is_ok(), "{input}");
        }
    }

    #[test]
    fn rejects_cpf_with_wrong_check_digits() {
        for input in ["111.444.777-12", "123.456.789-00", "529.982.247-52"] {
            assert_eq!(Cpf::parse(input), Err(CpfError::CheckDigits), "{input}");
        }
    }

    #[test]
    fn rejects_every_repeated_digit_number() {
        for d in 0..=9 {
            let input = d.to_string().repeat(11);
            assert_eq!(Cpf::parse(&input), Err(CpfError::RepeatedDigits), "{input}");
            let punctuated = format!("{0}{0}{0}.{0}{0}{0}.{0}{0}{0}-{0}{0}", d);
            assert_eq!(Cpf::parse(&punctuated), Err(CpfError::RepeatedDigits), "{punctuated}");
        }
    }

    #[test]
    fn rejects_wrong_length_and_characters() {
        assert_eq!(Cpf::parse("123"), Err(CpfError::Length));
        assert_eq!(Cpf::parse("123456789012"), Err(CpfError::Length));
        assert_eq!(Cpf::parse("529.982.247-2X"), Err(CpfError::Characters));
        assert_eq!(Cpf::parse("   "), Err(CpfError::Empty));
    }

    #[test]
    fn formats_and_masks() {
        let cpf = Cpf::parse("52998224725").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cpf.formatted(), "529.982.247-25");
        assert_eq!(cpf.masked(), "***.982.247-**");
        assert_eq!(format!("{cpf:?}"), "Cpf(***.982.247-**)");
        let other = Cpf::parse("123.456.789-09").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(other.masked(), "***.456.789-**");
    }

    #[test]
    fn messages_are_portuguese() {
        assert_eq!(CpfError::Length.to_string(), "O CPF deve ter 11 dígitos.");
        assert_eq!(CpfError::CheckDigits.to_string(), CpfError::RepeatedDigits.to_string());
    }
}
