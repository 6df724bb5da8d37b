//! The data subject's rules (LGPD, Lei 13.709/2018): how long a request's personal data
//! is kept after it ends, what an anonymised request holds instead, and how the audit log
//! shows a changed value without keeping it whole.

use serde::{Deserialize, Serialize};

/// What replaces a free text that may hold personal data.
pub const REMOVED: &str = "[removido]";

/// How long personal data is kept after a request ends, and the audit log's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// Months after a request ended (accepted, closed or rated) until it is anonymised.
    pub requests_months: u16,
    /// Months an audit entry is kept.
    pub audit_months: u16,
}

impl Retention {
    /// Five years for both until an administrator sets otherwise.
    pub const DEFAULT: Retention = Retention { requests_months: 60, audit_months: 60 };
    /// The accepted range, in months: never less than six (a complaint about an answer
    /// must still find its request), at most twenty years.
    pub const MONTHS: (u16, u16) = (6, 240);

    /// The message beside a refused value.
    pub fn out_of_range() -> String {
        format!("Informe um prazo entre {} e {} meses.", Self::MONTHS.0, Self::MONTHS.1)
    }

    /// A value typed on the settings page, in months.
    pub fn parse_months(raw: &str) -> Option<u16> {
        raw.trim().parse::<u16>().ok().filter(|m| (Self::MONTHS.0..=Self::MONTHS.1).contains(m))
    }

    /// "5 anos", "18 meses": a period as the privacy notice says it.
    pub fn period(months: u16) -> String {
        if months.is_multiple_of(12) {
            super::pt_br::count(months / 12, "ano", "anos")
        } else {
            super::pt_br::count(months, "mês", "meses")
        }
    }
}

impl Retention {
    /// What the privacy notice says of these periods (the settings in force).
    pub fn notice(self) -> String {
        format!(
            "Os dados pessoais de uma solicitação (nome, e-mail, CPF, CNS, telefone, textos e anexos) são guardados \
             por {} depois que ela é encerrada (resposta aceita, solicitação fechada ou avaliada) e então \
             anonimizados: ficam só os dados estatísticos (sistema, funcionalidade, UF, datas e avaliação). \
             O registro de quem acessou os seus dados é guardado por {}.",
            Retention::period(self.requests_months),
            Retention::period(self.audit_months)
        )
    }
}

impl Default for Retention {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// An anonymised person's token: `A` and ten hex digits (fits the CPF's column, and can
/// never be read as a CPF, a phone or an e-mail address).
pub fn anonymous_token(random: u64) -> String {
    format!("A{:010x}", random & 0xff_ffff_ffff)
}

/// Whether a stored CPF is an anonymised person's token.
pub fn is_anonymous(stored_cpf: &str) -> bool {
    stored_cpf.starts_with('A')
}

/// A name as the audit log keeps it: initials only ("M. d. S.").
pub fn masked_name(name: &str) -> String {
    name.split_whitespace().filter_map(|w| w.chars().next()).map(|c| format!("{c}.")).collect::<Vec<_>>().join(" ")
}

/// An e-mail as the audit log keeps it: its first letter and its domain (`m***@saude.gov.br`).
pub fn masked_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_is_bounded_and_said_in_years_when_whole() {
        assert_eq!(Retention::parse_months("60"), Some(60));
        assert_eq!(Retention::parse_months("5"), None, "below the legal minimum");
        assert_eq!(Retention::parse_months("241"), None);
        assert_eq!(Retention::parse_months("seis"), None);
        assert_eq!(Retention::out_of_range(), "Informe um prazo entre 6 e 240 meses.");
        assert_eq!(Retention::period(60), "5 anos");
        assert_eq!(Retention::period(12), "1 ano");
        assert_eq!(Retention::period(18), "18 meses");
    }

    #[test]
    fn tokens_fit_the_cpf_column_and_are_never_a_cpf() {
        let token = anonymous_token(u64::MAX);
        assert_eq!(token.len(), 11);
        assert!(is_anonymous(&token));
        assert!(crate::domain::cpf::Cpf::parse(&token).is_err());
        assert!(!is_anonymous("52998224725"));
    }

    #[test]
    fn audit_masks_keep_no_value_whole() {
        assert_eq!(masked_name("Maria da Silva"), "M. d. S.");
        assert_eq!(masked_email("maria.silva@saude.gov.br"), "m***@saude.gov.br");
        assert_eq!(masked_email("sem-arroba"), "***");
    }
}
