//! The server's signing key: one secret, with a separate derived use per purpose, so a
//! captcha signature can never pass for a link token. Instances that share a database
//! must share it (WEBATEND_SECRET); the embedded default keeps one in the data folder.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

type HmacSha256 = Hmac<Sha256>;

/// What a signature is for; mixed into every MAC.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    Captcha,
    CreatedPage,
    /// The citizen's follow-up session cookie, from a lookup: one request.
    Session,
    /// The follow-up session cookie from an e-mail link: every request of that person.
    PersonSession,
    /// The links of the "finalized" e-mail.
    MailLink,
    /// Keys of in-memory rate limits that must not hold a CPF in clear.
    LimitKey,
    /// The cookie of a browser an agent signed in from before.
    KnownDevice,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Captcha => b"captcha\0",
            Purpose::CreatedPage => b"created-page\0",
            Purpose::Session => b"session\0",
            Purpose::PersonSession => b"person-session\0",
            Purpose::MailLink => b"mail-link\0",
            Purpose::LimitKey => b"limit-key\0",
            Purpose::KnownDevice => b"known-device\0",
        }
    }
}

/// Whether `a` and `b` are equal, in time that does not depend on where they differ
/// (signatures, tokens and cookies are compared with this).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Clone)]
pub struct Keys {
    secret: Vec<u8>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

impl Keys {
    pub fn new(secret: Vec<u8>) -> Keys {
        Keys { secret }
    }

    fn mac(&self, purpose: Purpose, data: &[u8]) -> HmacSha256 {
        // HMAC accepts keys of any length; this cannot fail.
        let mut mac = match HmacSha256::new_from_slice(&self.secret) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(purpose.label());
        mac.update(data);
        mac
    }

    /// Hex HMAC-SHA-256 of `data` for `purpose`.
    pub fn sign(&self, purpose: Purpose, data: &[u8]) -> String {
        hex::encode(self.mac(purpose, data).finalize().into_bytes())
    }

    /// Constant-time check of a hex signature made by [`Keys::sign`].
    pub fn verify(&self, purpose: Purpose, data: &[u8], signature_hex: &str) -> bool {
        match hex::decode(signature_hex) {
            Ok(signature) => self.mac(purpose, data).verify_slice(&signature).is_ok(),
            Err(_) => false,
        }
    }
}

/// Reads `secret.key` from the data folder, creating it (owner-only) the first time.
pub fn load_or_create(data_dir: &Path) -> std::io::Result<Vec<u8>> {
    let path = data_dir.join("secret.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => hex::decode(text.trim()).ok().filter(|k| k.len() >= 32).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is not a hex key of 32+ bytes", path.display()),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir)?;
            let key: [u8; 32] = rand::random();
            let temporary = data_dir.join(format!(".secret.key.{:016x}.tmp", rand::random::<u64>()));
            write_private(&temporary, hex::encode(key).as_bytes())?;
            // A hard link fails if the key exists: when two processes race here, the
            // first one's key is the key, and both read it back.
            let linked = std::fs::hard_link(&temporary, &path);
            let _ = std::fs::remove_file(&temporary);
            match linked {
                // The new name must survive a power cut too: requests signed with the key
                // (captchas, links) would otherwise stop matching after a restart.
                Ok(()) => crate::durable::sync_dir(data_dir)?,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
            load_or_create(data_dir)
        }
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_only_for_their_purpose_and_data() {
        let keys = Keys::new(vec![7; 32]);
        let signature = keys.sign(Purpose::Captcha, b"abc");
        assert!(keys.verify(Purpose::Captcha, b"abc", &signature));
        assert!(!keys.verify(Purpose::CreatedPage, b"abc", &signature));
        assert!(!keys.verify(Purpose::Captcha, b"abd", &signature));
        assert!(!keys.verify(Purpose::Captcha, b"abc", "zz"));
        assert!(!Keys::new(vec![8; 32]).verify(Purpose::Captcha, b"abc", &signature));
    }

    #[test]
    fn the_key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let first = load_or_create(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let second = load_or_create(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first.len(), 32);
        assert_eq!(first, second);
    }
}
