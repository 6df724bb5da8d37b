//! The portal's settings an administrator changes on screen (`/admin/configuracoes`):
//! the citizen's window to contest an answer, in business days, the attachment limits,
//! and how long personal data and audit entries are kept.
//! The bounds and messages live here because the browser (the request form's island) and
//! the server apply the same limits and say the same thing about them.

use super::privacy::Retention;
use serde::{Deserialize, Serialize};

/// How many images a request may carry and how large each may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentLimits {
    pub max_files: u8,
    /// Per file, in MB of 1024 × 1024 bytes (the real system's "3 MB").
    pub max_mb: u8,
}

impl AttachmentLimits {
    /// The real system's limits.
    pub const DEFAULT: AttachmentLimits = AttachmentLimits { max_files: 5, max_mb: 3 };
    /// Accepted range of `max_files`.
    pub const FILES: (u8, u8) = (1, 10);
    /// Accepted range of `max_mb`.
    pub const MB: (u8, u8) = (1, 10);

    pub fn max_bytes(self) -> u64 {
        u64::from(self.max_mb) * 1024 * 1024
    }

    pub fn max_files(self) -> usize {
        usize::from(self.max_files)
    }

    /// The body a submission may send under these limits: one file more than allowed,
    /// so that a single oversized image is still read to its end and refused by name.
    pub fn body_bytes(self) -> usize {
        (self.max_files() + 1) * usize::from(self.max_mb) * 1024 * 1024 + 256 * 1024
    }

    /// The hint under "Adicionar arquivo".
    pub fn hint(self) -> String {
        format!(
            "Tipos de arquivos permitidos: jpg, jpeg, gif e png. Tamanho máximo {} MB por arquivo, até {}.",
            self.max_mb,
            files_phrase(self.max_files)
        )
    }

    pub fn too_large(self, name: &str) -> String {
        format!("O arquivo “{name}” tem mais de {} MB, o tamanho máximo.", self.max_mb)
    }

    pub fn too_many(self, name: &str) -> String {
        format!("O arquivo “{name}” não foi incluído: envie no máximo {}.", files_phrase(self.max_files))
    }

    /// When the server counts more files than allowed (a browser that skipped the check).
    pub fn too_many_sent(self) -> String {
        format!("Envie no máximo {} por solicitação.", files_phrase(self.max_files))
    }

    /// When the body as a whole is larger than these limits allow.
    pub fn body_too_large(self) -> String {
        format!(
            "O envio excede o tamanho máximo: até {} de no máximo {} MB cada.",
            super::pt_br::count(self.max_files, "imagem", "imagens"),
            self.max_mb
        )
    }
}

impl Default for AttachmentLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

fn files_phrase(n: u8) -> String {
    super::pt_br::count(n, "arquivo", "arquivos")
}

/// Everything on the settings page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSettings {
    /// Business days the citizen has to contest a finalized request; silence after them
    /// means the answer was accepted.
    pub acceptance_days: u8,
    pub attachments: AttachmentLimits,
    pub retention: Retention,
}

impl PortalSettings {
    pub const DEFAULT: PortalSettings =
        PortalSettings { acceptance_days: 3, attachments: AttachmentLimits::DEFAULT, retention: Retention::DEFAULT };
    /// Accepted range of `acceptance_days`.
    pub const DAYS: (u8, u8) = (1, 10);

    /// Parses the form's values; each problem is reported with its field's name.
    pub fn parse(form: [&str; 5]) -> Result<PortalSettings, Vec<(&'static str, String)>> {
        let [days, files, mb, kept, audit] = form;
        let mut problems = Vec::new();
        let mut number = |field: &'static str, raw: &str, (low, high): (u8, u8), what: &str| -> u8 {
            match raw.trim().parse::<u8>() {
                Ok(n) if (low..=high).contains(&n) => n,
                _ => {
                    problems.push((field, format!("Informe {what} entre {low} e {high}.")));
                    0
                }
            }
        };
        let acceptance_days = number("prazo", days, Self::DAYS, "um número de dias úteis");
        let max_files = number("arquivos", files, AttachmentLimits::FILES, "um número de arquivos");
        let max_mb = number("tamanho", mb, AttachmentLimits::MB, "um tamanho em MB");
        let mut months = |field: &'static str, raw: &str| {
            Retention::parse_months(raw).unwrap_or_else(|| {
                problems.push((field, Retention::out_of_range()));
                0
            })
        };
        let retention =
            Retention { requests_months: months("retencao", kept), audit_months: months("retencao_auditoria", audit) };
        if problems.is_empty() {
            Ok(PortalSettings { acceptance_days, attachments: AttachmentLimits { max_files, max_mb }, retention })
        } else {
            Err(problems)
        }
    }

    /// "3 (três) dias úteis", as official letters write a deadline.
    pub fn acceptance_phrase(self) -> String {
        days_in_full(self.acceptance_days)
    }
}

impl Default for PortalSettings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// "1 (um) dia útil", "3 (três) dias úteis": a number of business days written out.
pub fn days_in_full(days: u8) -> String {
    const WORDS: [&str; 11] = ["zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez"];
    let word = WORDS.get(usize::from(days)).copied();
    let unit = if days == 1 { "dia útil" } else { "dias úteis" };
    match word {
        Some(word) => format!("{days} ({word}) {unit}"),
        None => format!("{days} {unit}"),
    }
}

/// "1 dia útil", "3 dias úteis".
pub fn days_short(days: u8) -> String {
    super::pt_br::count(days, "dia útil", "dias úteis")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_real_systems() {
        let settings = PortalSettings::default();
        assert_eq!(settings.acceptance_days, 3);
        assert_eq!(settings.attachments.max_bytes(), 3 * 1024 * 1024);
        assert_eq!(settings.attachments.max_files(), 5);
        assert_eq!(settings.acceptance_phrase(), "3 (três) dias úteis");
        assert_eq!(
            settings.attachments.hint(),
            "Tipos de arquivos permitidos: jpg, jpeg, gif e png. Tamanho máximo 3 MB por arquivo, até 5 arquivos."
        );
    }

    #[test]
    fn parsing_keeps_each_value_within_its_range() {
        assert_eq!(
            PortalSettings::parse([" 5 ", "2", "10", "60", "24"]),
            Ok(PortalSettings {
                acceptance_days: 5,
                attachments: AttachmentLimits { max_files: 2, max_mb: 10 },
                retention: Retention { requests_months: 60, audit_months: 24 },
            })
        );
        let problems = PortalSettings::parse(["0", "11", "x", "3", "60"]).err().unwrap_or_default();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["prazo", "arquivos", "tamanho", "retencao"]);
        assert_eq!(problems[0].1, "Informe um número de dias úteis entre 1 e 10.");
        assert_eq!(problems[3].1, "Informe um prazo entre 6 e 240 meses.");
        assert!(PortalSettings::parse(["-1", "1", "1", "60", "60"]).is_err());
        assert!(PortalSettings::parse(["300", "1", "1", "60", "60"]).is_err());
    }

    #[test]
    fn days_are_written_out_in_portuguese() {
        assert_eq!(days_in_full(1), "1 (um) dia útil");
        assert_eq!(days_in_full(2), "2 (dois) dias úteis");
        assert_eq!(days_in_full(10), "10 (dez) dias úteis");
        assert_eq!(days_short(1), "1 dia útil");
        assert_eq!(days_short(4), "4 dias úteis");
    }

    #[test]
    fn messages_follow_the_limits() {
        let one = AttachmentLimits { max_files: 1, max_mb: 2 };
        assert_eq!(one.too_many("c.png"), "O arquivo “c.png” não foi incluído: envie no máximo 1 arquivo.");
        assert_eq!(one.too_large("c.png"), "O arquivo “c.png” tem mais de 2 MB, o tamanho máximo.");
        assert_eq!(one.body_too_large(), "O envio excede o tamanho máximo: até 1 imagem de no máximo 2 MB cada.");
        assert_eq!(AttachmentLimits::DEFAULT.body_bytes(), 6 * 3 * 1024 * 1024 + 256 * 1024);
    }
}
