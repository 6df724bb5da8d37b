//! The protocol number a request is known by: the year it was opened and an 8-digit
//! sequence (`202600000042`). Parsed once where it comes in (an address, a form, a cookie,
//! a filter), so that nothing further on handles a string nobody checked.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProtocolNumber(String);

impl ProtocolNumber {
    /// The number of the `sequence`-th request of `year`.
    pub fn new(year: i32, sequence: i64) -> ProtocolNumber {
        ProtocolNumber(format!("{year:04}{sequence:08}"))
    }

    /// `text` as a protocol number, if it has the shape of one (twelve digits).
    pub fn parse(text: &str) -> Option<ProtocolNumber> {
        (text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())).then(|| ProtocolNumber(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProtocolNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ProtocolNumber {
    type Error = &'static str;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        ProtocolNumber::parse(&text).ok_or("not a protocol number")
    }
}

impl From<ProtocolNumber> for String {
    fn from(number: ProtocolNumber) -> Self {
        number.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_numbers_have_twelve_digits() {
        assert_eq!(ProtocolNumber::new(2026, 42).as_str(), "202600000042");
        assert!(ProtocolNumber::parse("202600000042").is_some());
        assert!(ProtocolNumber::parse("20260000004").is_none());
        assert!(ProtocolNumber::parse("2026000000a2").is_none());
        assert!(ProtocolNumber::parse("２０２６00000042").is_none(), "full-width digits are not ASCII");
    }

    #[test]
    fn it_crosses_the_wire_checked() {
        let number = ProtocolNumber::new(2026, 7);
        let json = serde_json::to_string(&number).unwrap_or_default();
        assert_eq!(json, "\"202600000007\"");
        assert_eq!(serde_json::from_str::<ProtocolNumber>(&json).ok(), Some(number));
        assert!(serde_json::from_str::<ProtocolNumber>("\"../etc/passwd\"").is_err());
    }
}
