//! Reports for administrators (`/admin/relatorios`): per system and period, how many
//! requests were opened and finalized, how often citizens reopened them, how long the
//! first answer and the finalization took (median, in business days on the portal's
//! calendar), the satisfaction given over the five labels, and the same per support
//! level and per agent. The same figures download as CSV.

use super::console::{AgentView, Choice};
use super::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The report's filters, as the query string of `/admin/relatorios` carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFilter {
    /// A system's slug; `None`: all systems.
    pub system: Option<String>,
    /// `AAAA-MM-DD`, Brasília, inclusive; default: 30 days ago.
    pub from: Option<String>,
    /// `AAAA-MM-DD`, Brasília, inclusive; default: today.
    pub to: Option<String>,
}

/// Figures of one group of requests (all, a level, an agent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub opened: u64,
    pub finalized: u64,
    /// Finalized requests the citizen reopened at least once.
    pub reopened: u64,
    /// Business days from opening to the first answer (reply or finalization), median.
    pub median_first_answer_days: Option<f64>,
    /// Business days from opening to the first finalization, median.
    pub median_finalization_days: Option<f64>,
    /// Ratings given, from "Muito insatisfeito" (1) to "Muito satisfeito" (5).
    pub ratings: [u64; 5],
}

impl Figures {
    /// Reopened over finalized, in percent.
    pub fn reopened_rate(&self) -> Option<f64> {
        (self.finalized > 0).then(|| self.reopened as f64 * 100.0 / self.finalized as f64)
    }

    pub fn rating_count(&self) -> u64 {
        self.ratings.iter().sum()
    }

    /// Mean rating, 1 to 5.
    pub fn rating_mean(&self) -> Option<f64> {
        let count = self.rating_count();
        (count > 0).then(|| {
            self.ratings.iter().enumerate().map(|(i, n)| (i as f64 + 1.0) * *n as f64).sum::<f64>() / count as f64
        })
    }
}

/// A row of the per-level or per-agent table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupFigures {
    /// "Nível 01" or the agent's name.
    pub label: String,
    pub figures: Figures,
}

/// `/admin/relatorios`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportPage {
    pub admin: AgentView,
    pub filter: ReportFilter,
    /// The period actually used, `DD/MM/AAAA`.
    pub period: (String, String),
    /// The same, `AAAA-MM-DD`, for the form's date fields.
    pub period_iso: (String, String),
    pub systems: Vec<Choice>,
    pub total: Figures,
    /// By the level at which requests were finalized.
    pub per_level: Vec<GroupFigures>,
    /// By the agent who finalized them (answers and ratings follow the finalizer).
    pub per_agent: Vec<GroupFigures>,
    /// What the FAQ's answers did, per system, in the same period.
    pub deflection: Vec<super::faq_help::Deflection>,
}

#[server(endpoint = "admin/relatorios")]
pub async fn load_report(filter: ReportFilter) -> Result<ReportPage, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(super::console::AGENT_COOKIE);
    ports.reports.report(session.as_deref(), &filter).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_means() {
        let figures = Figures { finalized: 8, reopened: 2, ratings: [1, 0, 0, 1, 2], ..Default::default() };
        assert_eq!(figures.reopened_rate(), Some(25.0));
        assert_eq!(figures.rating_count(), 4);
        assert_eq!(figures.rating_mean(), Some((1.0 + 4.0 + 10.0) / 4.0));
        assert_eq!(Figures::default().reopened_rate(), None);
        assert_eq!(Figures::default().rating_mean(), None);
    }
}
