//! Where composed e-mail goes: `.eml` files in a folder (development, tests, and servers
//! without a relay) or an SMTP relay. Either way the stored bytes are sent unchanged, so a
//! delivery retried after a crash repeats the same message (same Message-ID) instead of
//! writing a new one.

use crate::durable::{self, Folders};
use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How the connection to the relay is protected.
#[derive(Debug, Clone)]
pub enum TlsMode {
    /// Plain text: only for a relay on the same machine or a test server.
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587); refused if the relay cannot upgrade.
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Implicit,
}

/// Relay settings, as validated from the configuration.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Limit for each SMTP command, so a stalled relay cannot hold a delivery forever.
    pub timeout: Duration,
}

/// By hand, so that printing the settings (start-up logs) never shows the password.
impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("SMTP: {0}")]
    Smtp(String),
    /// The relay refused for good (5xx): retrying cannot help.
    #[error("SMTP (recusa definitiva): {0}")]
    SmtpPermanent(String),
    #[error("arquivo: {0}")]
    Io(#[from] io::Error),
    #[error("endereço: {0}")]
    Address(String),
}

pub enum MailTransport {
    /// One `{message id}.eml` file per message in `dir`.
    Files {
        dir: PathBuf,
        /// `dir`, once this process has created and flushed it.
        folders: Folders,
    },
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// By hand: the SMTP transport's own `Debug` goes deep into its configuration, and nothing
/// here may ever print the relay's password.
impl fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Files { dir, .. } => f.debug_struct("Files").field("dir", dir).finish(),
            Self::Smtp(_) => f.debug_tuple("Smtp").finish_non_exhaustive(),
        }
    }
}

impl MailTransport {
    pub fn files(dir: PathBuf) -> Self {
        Self::Files { dir, folders: Folders::default() }
    }

    /// A pooled connection to the relay. Nothing is sent (and no connection is opened) until
    /// the first delivery. Must be called inside the Tokio runtime: lettre's connection pool
    /// starts its clean-up task here.
    pub fn smtp(settings: &SmtpSettings) -> Result<Self, DeliveryError> {
        let host = settings.host.trim();
        if host.is_empty() {
            return Err(DeliveryError::Smtp("o servidor SMTP não foi informado".into()));
        }
        let builder = match settings.tls {
            TlsMode::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            TlsMode::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(smtp_error)?,
            TlsMode::Implicit => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(smtp_error)?,
        };
        let mut builder = builder.port(settings.port).timeout(Some(settings.timeout));
        match (&settings.username, &settings.password) {
            (Some(username), Some(password)) => {
                builder = builder.credentials(Credentials::new(username.clone(), password.clone()));
            }
            (None, None) => {}
            // Half a login is a configuration mistake; failing here beats a confusing
            // authentication error at the first delivery.
            _ => return Err(DeliveryError::Smtp("usuário e senha do SMTP devem ser informados juntos".into())),
        }
        Ok(Self::Smtp(builder.build()))
    }

    /// Sends exactly `raw` with the envelope from → to. Files: writes
    /// `{dir}/{sanitised message_id}.eml` atomically (a temporary name in the same folder,
    /// then a rename), creating the folder if needed; files and folder are flushed by
    /// [`MailTransport::flush`], once per batch, before the caller marks the batch sent. Writing the same message twice leaves one file.
    /// SMTP: hands the bytes to the relay as they are.
    pub async fn deliver(&self, message_id: &str, from: &str, to: &str, raw: &[u8]) -> Result<(), DeliveryError> {
        // Checked for files too, so that a bad address fails in development as it would in production.
        let envelope = envelope(from, to)?;
        match self {
            Self::Files { dir, folders } => write_file(dir, folders, message_id, raw).await,
            Self::Smtp(transport) => {
                // lettre ends DATA with "\r\n.\r\n", which supplies the message's final line
                // break: without this the relay would store `raw` plus an empty line.
                let data = raw.strip_suffix(b"\r\n").unwrap_or(raw);
                transport.send_raw(&envelope, data).await.map_err(smtp_error)?;
                Ok(())
            }
        }
    }

    /// Makes the messages delivered so far survive a power cut (files: one flush of their
    /// filesystem for the whole batch; SMTP: the relay has them already).
    pub async fn flush(&self) -> Result<(), DeliveryError> {
        match self {
            Self::Files { dir, .. } => {
                let dir = dir.clone();
                tokio::task::spawn_blocking(move || durable::sync_filesystem(&dir))
                    .await
                    .map_err(io::Error::other)??;
                Ok(())
            }
            Self::Smtp(_) => Ok(()),
        }
    }
}

fn smtp_error(error: lettre::transport::smtp::Error) -> DeliveryError {
    if error.is_permanent() {
        DeliveryError::SmtpPermanent(error.to_string())
    } else {
        DeliveryError::Smtp(error.to_string())
    }
}

impl DeliveryError {
    /// Whether a later attempt could succeed.
    pub fn is_permanent(&self) -> bool {
        matches!(self, DeliveryError::SmtpPermanent(_) | DeliveryError::Address(_))
    }
}

fn envelope(from: &str, to: &str) -> Result<Envelope, DeliveryError> {
    // The addresses are not echoed: errors end up in logs, and they are personal data.
    let from = from.parse::<Address>().map_err(|e| DeliveryError::Address(format!("remetente: {e}")))?;
    let to = to.parse::<Address>().map_err(|e| DeliveryError::Address(format!("destinatário: {e}")))?;
    Envelope::new(Some(from), vec![to]).map_err(|e| DeliveryError::Address(e.to_string()))
}

async fn write_file(dir: &Path, folders: &Folders, message_id: &str, raw: &[u8]) -> Result<(), DeliveryError> {
    let name = file_name(message_id);
    if name.is_empty() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "mensagem sem Message-ID").into());
    }
    let target = eml_path(dir, message_id);
    // A random suffix keeps two concurrent deliveries of the same message from sharing a
    // temporary file; the rename makes the last one win with a whole file either way.
    let temporary = dir.join(format!(".{name}.{:016x}.tmp", rand::random::<u64>()));
    let (dir, folders, raw) = (dir.to_path_buf(), folders.clone(), raw.to_vec());
    // The flushes block: off the async threads, in one trip.
    tokio::task::spawn_blocking(move || {
        folders.ensure(&dir)?;
        durable::write_file_in_batch(&temporary, &target, &raw)
    })
    .await
    .map_err(io::Error::other)??;
    Ok(())
}

/// The Message-ID made safe as a file name on any system: no separators, no `..` tricks.
/// Where the `.eml` file of `message_id` is (or would be) in `dir`.
pub fn eml_path(dir: &Path, message_id: &str) -> PathBuf {
    dir.join(format!("{}.eml", file_name(message_id)))
}

fn file_name(message_id: &str) -> String {
    let id = message_id.trim().trim_start_matches('<').trim_end_matches('>');
    id.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') { c } else { '_' }).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const RAW: &[u8] = b"From: noreply@webatendimento.localhost\r\nTo: maria@example.com\r\n\r\nOla\r\n";

    #[tokio::test]
    async fn files_are_written_once_per_message() {
        let dir = tempfile::tempdir().unwrap();
        let mail_dir = dir.path().join("mail");
        let transport = MailTransport::files(mail_dir.clone());
        let id = "0123abcd@webatendimento.localhost";

        for _ in 0..2 {
            transport.deliver(id, "noreply@webatendimento.localhost", "maria@example.com", RAW).await.unwrap();
        }

        let names: Vec<String> = std::fs::read_dir(&mail_dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["0123abcd_webatendimento.localhost.eml"], "one file, no temporary left behind");
        assert_eq!(std::fs::read(mail_dir.join("0123abcd_webatendimento.localhost.eml")).unwrap(), RAW);
    }

    #[tokio::test]
    async fn a_bad_address_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let transport = MailTransport::files(dir.path().join("mail"));
        let result = transport.deliver("x@y", "noreply@webatendimento.localhost", "not an address", RAW).await;
        assert!(matches!(result, Err(DeliveryError::Address(_))), "{result:?}");
        assert!(!dir.path().join("mail").exists());
    }

    #[test]
    fn file_names_cannot_leave_the_folder() {
        assert_eq!(file_name("<abc-1.2_3@example.com>"), "abc-1.2_3_example.com");
        let name = file_name("../../etc/passwd\0\\x");
        assert!(!name.contains(['/', '\\', '\0']), "{name}");
        assert_eq!(name, ".._.._etc_passwd__x");
    }

    #[tokio::test]
    async fn the_password_is_never_printed() {
        let settings = SmtpSettings {
            host: "smtp.example.com".into(),
            port: 587,
            tls: TlsMode::StartTls,
            username: Some("portal".into()),
            password: Some("hunter2".into()),
            timeout: Duration::from_secs(10),
        };
        assert!(!format!("{settings:?}").contains("hunter2"));
        let transport = MailTransport::smtp(&settings).unwrap();
        assert!(!format!("{transport:?}").contains("hunter2"));

        let half = SmtpSettings { password: None, ..settings };
        assert!(matches!(MailTransport::smtp(&half), Err(DeliveryError::Smtp(_))));
    }
}
