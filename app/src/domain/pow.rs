//! The proof-of-work captcha's arithmetic, shared so the browser (which solves) and the
//! server (which issues and checks) hash exactly the same way. In the manner of ALTCHA:
//! the server picks a secret number below `max_number`, publishes SHA-256(salt ‖ number)
//! with an HMAC of it; the browser finds the number by trying them all. Nobody has to
//! read or hear anything, and no third party is involved.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the server hands out: solve for the number whose digest is `challenge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// Hex SHA-256 of `salt` followed by the decimal number.
    pub challenge: String,
    /// Random hex, then `?expires=<unix seconds>&`: signed along with the challenge. The
    /// closing `&` matters: without it, digits could move from the number to the end of
    /// the salt (same bytes hashed, same signature) and push the expiry into the future.
    pub salt: String,
    /// The number lies in `0..=max_number`; the browser's expected work is half of it.
    pub max_number: u64,
    /// Hex HMAC-SHA-256 of `challenge` under the server's secret.
    pub signature: String,
}

/// The hex SHA-256 digest of `salt` followed by `number` in decimal.
pub fn digest_hex(salt: &str, number: u64) -> String {
    hex_lower(&digest(salt, number))
}

fn digest(salt: &str, number: u64) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update(number.to_string().as_bytes());
    hasher.finalize().into()
}

/// Tries the numbers in `from..=to` (clamped to the challenge's range); the browser
/// calls it in slices so the page stays responsive.
pub fn solve_range(challenge: &Challenge, from: u64, to: u64) -> Option<u64> {
    let target = parse_hex32(&challenge.challenge)?;
    let to = to.min(challenge.max_number);
    let mut prefix = Sha256::new();
    prefix.update(challenge.salt.as_bytes());
    let mut buffer = itoa_buffer();
    (from..=to).find(|n| {
        let mut hasher = prefix.clone();
        hasher.update(format_u64(*n, &mut buffer));
        let out: [u8; 32] = hasher.finalize().into();
        out == target
    })
}

/// The answer as the form sends it: `number:signature:salt` (the salt has no colon).
pub fn encode_solution(challenge: &Challenge, number: u64) -> String {
    format!("{number}:{}:{}", challenge.signature, challenge.salt)
}

/// A solution as received; the server recomputes the challenge from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    pub number: u64,
    pub signature: String,
    pub salt: String,
}

impl Solution {
    pub fn decode(text: &str) -> Option<Solution> {
        let mut parts = text.trim().splitn(3, ':');
        let number = parts.next()?.parse().ok()?;
        let signature = parts.next()?.to_owned();
        let salt = parts.next()?.to_owned();
        (!signature.is_empty() && !salt.is_empty()).then_some(Solution { number, signature, salt })
    }

    /// The challenge this solution answers.
    pub fn challenge_hex(&self) -> String {
        digest_hex(&self.salt, self.number)
    }

    /// The expiry written into the salt, in Unix seconds (`None` unless the salt ends
    /// with the `&` that closes it).
    pub fn expires(&self) -> Option<i64> {
        self.salt.split_once("?expires=").and_then(|(_, t)| t.strip_suffix('&')).and_then(|t| t.parse().ok())
    }
}

fn itoa_buffer() -> [u8; 20] {
    [0; 20]
}

/// Decimal digits of `n` without allocating (the browser formats millions of them).
fn format_u64(mut n: u64, buffer: &mut [u8; 20]) -> &[u8] {
    let mut i = buffer.len();
    loop {
        i -= 1;
        buffer[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buffer[i..]
}

pub fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

fn parse_hex32(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let high = char::from(pair[0]).to_digit(16)?;
        let low = char::from(pair[1]).to_digit(16)?;
        out[i] = u8::try_from(high * 16 + low).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge_for(salt: &str, number: u64, max_number: u64) -> Challenge {
        Challenge { challenge: digest_hex(salt, number), salt: salt.into(), max_number, signature: "ab".into() }
    }

    #[test]
    fn digest_matches_a_known_sha256() {
        // sha256("abc123")
        assert_eq!(digest_hex("abc", 123), "6ca13d52ca70c883e0f0bb101e425a89e8624de51db2d2392593af6a84118090");
    }

    #[test]
    fn finds_the_number_and_only_in_range() {
        let c = challenge_for("00ff?expires=1", 4_321, 10_000);
        assert_eq!(solve_range(&c, 0, 10_000), Some(4_321));
        assert_eq!(solve_range(&c, 0, 4_320), None);
        assert_eq!(solve_range(&c, 4_322, 10_000), None);
        let zero = challenge_for("s", 0, 10);
        assert_eq!(solve_range(&zero, 0, 10), Some(0));
    }

    #[test]
    fn solutions_round_trip() {
        let c = challenge_for("beef?expires=1767225600&", 7, 100);
        let text = encode_solution(&c, 7);
        let s = Solution::decode(&text).unwrap_or_else(|| panic!("decodes"));
        assert_eq!(s.number, 7);
        assert_eq!(s.salt, c.salt);
        assert_eq!(s.challenge_hex(), c.challenge);
        assert_eq!(s.expires(), Some(1_767_225_600));
        // Digits moved from the number to the salt hash the same but lose the closing `&`.
        let moved = Solution { number: 7, signature: "ab".into(), salt: "beef?expires=1767225600&".into() };
        let shifted = Solution { number: 7, signature: "ab".into(), salt: "beef?expires=1767225600&1".into() };
        assert_eq!(moved.expires(), Some(1_767_225_600));
        assert_eq!(shifted.expires(), None);
        assert_eq!(Solution::decode("x:y:z"), None);
        assert_eq!(Solution::decode("1::salt"), None);
        assert_eq!(Solution::decode(""), None);
    }
}
