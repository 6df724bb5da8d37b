//! Issues and checks the proof-of-work captcha (see `app::domain::pow`). A challenge is
//! valid when its HMAC is ours, its expiry has not passed and the number hashes to it;
//! spending it (once) is recorded in the database by the request that uses it.

use crate::secret::{Keys, Purpose};
use app::domain::pow::{self, Challenge, Solution};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct CaptchaIssuer {
    keys: Keys,
    max_number: u64,
    ttl: Duration,
}

/// A solution that checked out: spend it with its `challenge` before `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub challenge: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CaptchaError {
    #[error("missing or malformed")]
    Malformed,
    #[error("signature does not match")]
    Forged,
    #[error("expired")]
    Expired,
}

impl CaptchaError {
    /// What the citizen reads beside the captcha.
    pub fn message(self) -> &'static str {
        match self {
            CaptchaError::Malformed | CaptchaError::Forged => {
                "A verificação anti-robô não foi concluída. Aguarde a mensagem “Verificado” e envie novamente."
            }
            CaptchaError::Expired => {
                "A verificação anti-robô expirou. Ela será refeita; aguarde “Verificado” e envie novamente."
            }
        }
    }
}

impl CaptchaIssuer {
    pub fn new(keys: Keys, max_number: u64, ttl: Duration) -> CaptchaIssuer {
        CaptchaIssuer { keys, max_number, ttl }
    }

    pub fn issue(&self, now: chrono::DateTime<chrono::Utc>) -> Challenge {
        let expires = now.timestamp() + i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX / 2);
        let nonce: [u8; 12] = rand::random();
        let salt = format!("{}?expires={expires}&", hex::encode(nonce));
        let number = rand::random_range(0..=self.max_number);
        let challenge = pow::digest_hex(&salt, number);
        let signature = self.keys.sign(Purpose::Captcha, challenge.as_bytes());
        Challenge { challenge, salt, max_number: self.max_number, signature }
    }

    pub fn verify(&self, answer: &str, now: chrono::DateTime<chrono::Utc>) -> Result<Verified, CaptchaError> {
        let solution = Solution::decode(answer).ok_or(CaptchaError::Malformed)?;
        if solution.salt.len() > 100 || solution.number > self.max_number.max(1) * 2 {
            return Err(CaptchaError::Malformed);
        }
        let challenge = solution.challenge_hex();
        if !self.keys.verify(Purpose::Captcha, challenge.as_bytes(), &solution.signature) {
            return Err(CaptchaError::Forged);
        }
        // The expiry is inside the signed salt and closed by `&` (see `Challenge::salt`);
        // one further than we ever issue is refused as well, belt and braces.
        let expires = solution.expires().ok_or(CaptchaError::Malformed)?;
        if expires <= now.timestamp() {
            return Err(CaptchaError::Expired);
        }
        let latest = now.timestamp() + i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX / 2) + 60;
        if expires > latest {
            return Err(CaptchaError::Forged);
        }
        let expires_at = chrono::DateTime::from_timestamp(expires, 0).ok_or(CaptchaError::Malformed)?;
        Ok(Verified { challenge, expires_at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> CaptchaIssuer {
        CaptchaIssuer::new(Keys::new(vec![1; 32]), 500, Duration::from_secs(60))
    }

    fn solve(challenge: &Challenge) -> String {
        let number = pow::solve_range(challenge, 0, challenge.max_number).unwrap_or_else(|| panic!("unsolvable"));
        pow::encode_solution(challenge, number)
    }

    #[test]
    fn a_solved_challenge_verifies_until_it_expires() {
        let now = chrono::Utc::now();
        let challenge = issuer().issue(now);
        let answer = solve(&challenge);
        let verified = issuer().verify(&answer, now).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(verified.challenge, challenge.challenge);
        assert_eq!(issuer().verify(&answer, now + chrono::Duration::seconds(61)), Err(CaptchaError::Expired));
    }

    #[test]
    fn forged_and_wrong_answers_are_refused() {
        let now = chrono::Utc::now();
        let challenge = issuer().issue(now);
        let number = pow::solve_range(&challenge, 0, 500).unwrap_or_default();
        // Another number hashes to another challenge, which the signature does not cover.
        let wrong = pow::encode_solution(&challenge, (number + 1) % 501);
        assert_eq!(issuer().verify(&wrong, now), Err(CaptchaError::Forged));
        // A longer expiry written into the salt breaks the signature too.
        let moved = solve(&challenge).replace("?expires=", "?expires=9");
        assert!(issuer().verify(&moved, now).is_err());
        // Leading digits of the number moved onto the salt: same hash, same signature,
        // later expiry. Refused. (The digit left in front must not be 0: "05" reads as
        // 5, which hashes differently, and the premise would not hold.)
        let answer = std::iter::repeat_with(|| solve(&issuer().issue(now)))
            .find(|a| a.split(':').next().is_some_and(|n| n.len() > 1 && !n[1..].starts_with('0')))
            .unwrap_or_default();
        let (number_text, rest) = answer.split_once(':').unwrap_or_default();
        let (first, tail) = number_text.split_at(1);
        let (signature, salt) = rest.split_once(':').unwrap_or_default();
        let shifted = format!("{tail}:{signature}:{salt}{first}");
        assert_eq!(
            pow::Solution::decode(&shifted).map(|s| s.challenge_hex()),
            pow::Solution::decode(&answer).map(|s| s.challenge_hex())
        );
        assert!(issuer().verify(&shifted, now).is_err(), "{shifted}");
        let other_key = CaptchaIssuer::new(Keys::new(vec![2; 32]), 500, Duration::from_secs(60));
        assert_eq!(other_key.verify(&solve(&challenge), now), Err(CaptchaError::Forged));
        assert_eq!(issuer().verify("", now), Err(CaptchaError::Malformed));
    }
}
