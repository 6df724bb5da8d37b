//! The citizen's follow-up session and the e-mail link tokens: both name one request
//! (its protocol number) and an expiry, signed, without the CPF ever being in the cookie,
//! a link or a URL. A session from a lookup (CPF and number, things others may know)
//! covers that one request; a session from an e-mail link, which proves the mailbox,
//! covers every request of that person (see `services::follow_up`).

use crate::secret::{constant_time_eq, Keys, Purpose};
use app::domain::protocol::ProtocolNumber;
use app::request_context::SESSION_COOKIE;
use std::time::Duration;

/// How long the links of a "finalized" e-mail open the request (then a lookup does).
pub const MAIL_LINK_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3_600);

/// What a session covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The request it was granted for (a lookup).
    Request,
    /// Every request with the same CPF and e-mail as that one (an e-mail link).
    Person,
}

impl Scope {
    fn purpose(self) -> Purpose {
        match self {
            Scope::Request => Purpose::Session,
            Scope::Person => Purpose::PersonSession,
        }
    }
}

/// Signs and checks sessions and link tokens.
#[derive(Debug, Clone)]
pub struct Sessions {
    keys: Keys,
    lifetime: Duration,
    /// `Secure` on the cookie when the portal is served over HTTPS.
    secure: bool,
}

/// `{number}.{expires}.{signature}`: digits, dots and hex, valid in a cookie and a URL.
fn token(keys: &Keys, purpose: Purpose, number: &str, expires: i64) -> String {
    let payload = format!("{number}.{expires}");
    let signature = keys.sign(purpose, payload.as_bytes());
    format!("{payload}.{}", &signature[..40])
}

/// The number a token names, if the signature is ours, it is unexpired and well formed.
fn check(keys: &Keys, purpose: Purpose, value: &str, now: i64) -> Option<String> {
    let mut parts = value.trim().splitn(3, '.');
    let number = parts.next()?;
    let expires = parts.next()?;
    let signature = parts.next()?;
    if ProtocolNumber::parse(number).is_none() || signature.len() != 40 || expires.len() > 12 {
        return None;
    }
    let expires: i64 = expires.parse().ok()?;
    if expires <= now {
        return None;
    }
    // Compared as the truncated hex of the full MAC, in constant time.
    let expected = keys.sign(purpose, format!("{number}.{expires}").as_bytes());
    let same = constant_time_eq(&expected.as_bytes()[..40], signature.as_bytes());
    same.then(|| number.to_owned())
}

impl Sessions {
    pub fn new(keys: Keys, lifetime: Duration, secure: bool) -> Sessions {
        Sessions { keys, lifetime, secure }
    }

    fn seconds(duration: Duration) -> i64 {
        i64::try_from(duration.as_secs()).unwrap_or(i64::MAX / 4)
    }

    /// A session anchored on `number` covering `scope`, and the `Set-Cookie` header value
    /// carrying it.
    pub fn start(&self, number: &str, scope: Scope, now: i64) -> (String, String) {
        let value = token(&self.keys, scope.purpose(), number, now + Self::seconds(self.lifetime));
        let secure = if self.secure { "; Secure" } else { "" };
        // Strict: the cookie never rides on a request another site starts; the e-mail
        // links get theirs from a landing page on this site (see `web::follow`).
        let header = format!(
            "{SESSION_COOKIE}={value}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
            Self::seconds(self.lifetime)
        );
        (value, header)
    }

    /// The `Set-Cookie` value that ends the session.
    pub fn end(&self) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure}")
    }

    /// The request a session cookie is anchored on, and what the session covers.
    pub fn anchor(&self, cookie: &str, now: i64) -> Option<(String, Scope)> {
        [Scope::Person, Scope::Request]
            .into_iter()
            .find_map(|scope| check(&self.keys, scope.purpose(), cookie, now).map(|number| (number, scope)))
    }

    /// The token of the links in the "finalized" e-mail of `number`.
    pub fn mail_link(&self, number: &str, now: i64) -> String {
        self.mail_link_for(number, now, MAIL_LINK_LIFETIME)
    }

    /// A link token for `number` that works for `lifetime` (the access e-mail's, shorter).
    pub fn mail_link_for(&self, number: &str, now: i64, lifetime: Duration) -> String {
        token(&self.keys, Purpose::MailLink, number, now + Self::seconds(lifetime))
    }

    /// The request a link token opens.
    pub fn link_target(&self, token: &str, now: i64) -> Option<String> {
        check(&self.keys, Purpose::MailLink, token, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sessions() -> Sessions {
        Sessions::new(Keys::new(vec![3; 32]), Duration::from_secs(1_800), true)
    }

    #[test]
    fn a_session_names_its_request_until_it_expires() {
        let s = sessions();
        let (value, header) = s.start("202600000042", Scope::Request, 1_000);
        assert_eq!(s.anchor(&value, 1_000), Some(("202600000042".to_owned(), Scope::Request)));
        assert_eq!(s.anchor(&value, 2_800), None);
        let (wide, _) = s.start("202600000042", Scope::Person, 1_000);
        assert_eq!(s.anchor(&wide, 1_000), Some(("202600000042".to_owned(), Scope::Person)));
        assert!(header.contains("HttpOnly") && header.contains("SameSite=Strict") && header.contains("Secure"));
        assert!(header.contains("Max-Age=1800"));
    }

    #[test]
    fn forged_tampered_or_cross_purpose_tokens_are_refused() {
        let s = sessions();
        let (value, _) = s.start("202600000042", Scope::Request, 1_000);
        let other_number = value.replacen("202600000042", "202600000043", 1);
        assert_eq!(s.anchor(&other_number, 1_000), None);
        let later = value.replacen(".2800.", ".9999.", 1);
        assert_eq!(s.anchor(&later, 1_000), None);
        let link = s.mail_link("202600000042", 1_000);
        assert_eq!(s.anchor(&link, 1_000), None, "a link token is not a session");
        assert_eq!(s.link_target(&link, 1_000).as_deref(), Some("202600000042"));
        assert_eq!(s.link_target(&value, 1_000), None, "a session is not a link token");
        let stranger = Sessions::new(Keys::new(vec![4; 32]), Duration::from_secs(1_800), true);
        assert_eq!(stranger.anchor(&value, 1_000), None);
        for junk in ["", "abc", "202600000042", "202600000042.x.y", "1.2.3"] {
            assert_eq!(s.anchor(junk, 1_000), None, "{junk}");
        }
    }
}
