//! Agents' passwords: Argon2id (OWASP's first choice), hashed and checked off the async
//! runtime because each takes tens of milliseconds of CPU on purpose.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Hashes running at once, whatever the number of sign-in posts: each takes 19 MiB and a
/// core's worth of time, so an unbounded number would let anyone exhaust the machine.
static SLOTS: Semaphore = Semaphore::const_new(4);
/// How long a hash waits for a slot before the attempt is refused as "busy".
const WAIT_FOR_SLOT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hashing the password: {0}")]
    Hash(String),
    #[error("the hashing task stopped: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("too many password checks at once")]
    Busy,
}

async fn slot() -> Result<tokio::sync::SemaphorePermit<'static>, PasswordError> {
    match tokio::time::timeout(WAIT_FOR_SLOT, SLOTS.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(PasswordError::Busy),
    }
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) of `password`.
pub async fn hash(password: String) -> Result<String, PasswordError> {
    let _slot = slot().await?;
    tokio::task::spawn_blocking(move || hash_now(&password)).await?
}

fn hash_now(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches `stored`. Without a stored hash (unknown e-mail, agent not
/// yet activated) a dummy hash is checked all the same, so that the answer takes as long
/// and tells nothing.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, PasswordError> {
    let _slot = slot().await?;
    tokio::task::spawn_blocking(move || {
        let (stored, real) = match stored {
            Some(stored) => (stored, true),
            None => (dummy_hash()?.to_owned(), false),
        };
        let parsed = PasswordHash::new(&stored).map_err(|e| PasswordError::Hash(e.to_string()))?;
        Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && real)
    })
    .await?
}

fn dummy_hash() -> Result<&'static str, PasswordError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash);
    }
    let hash = hash_now("not the password of anyone")?;
    Ok(DUMMY.get_or_init(|| hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let first = hash("uma frase longa de senha".to_owned()).await.unwrap_or_default();
        let second = hash("uma frase longa de senha".to_owned()).await.unwrap_or_default();
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(first, second, "salted");
        assert!(verify("uma frase longa de senha".to_owned(), Some(first.clone())).await.unwrap_or(false));
        assert!(!verify("outra frase longa".to_owned(), Some(first)).await.unwrap_or(true));
        assert!(!verify("not the password of anyone".to_owned(), None).await.unwrap_or(true));
    }
}
