//! The public catalogue: which systems the portal serves and each one's FAQ.

use super::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// A system as listed on the home page and shown at the top of its FAQ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemCard {
    pub slug: String,
    /// Short name, as the real portal shows it ("CNES").
    pub name: String,
    /// What the acronym stands for ("Cadastro Nacional de Estabelecimentos de Saúde").
    pub full_name: String,
    pub description: String,
    /// Path of the logo under the site root, if the system has one.
    pub logo_path: Option<String>,
}

/// One question of a system's FAQ with its answer already rendered to safe HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaqEntry {
    pub id: i64,
    pub question: String,
    /// Produced on the server from Markdown with raw HTML and unsafe links removed.
    pub answer_html: String,
    /// Whether the entry matches the search query (always true without one).
    pub matches: bool,
}

/// Everything the FAQ page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemFaq {
    pub system: SystemCard,
    pub entries: Vec<FaqEntry>,
}

impl SystemFaq {
    pub fn shown(&self) -> usize {
        self.entries.iter().filter(|e| e.matches).count()
    }
}

/// The active systems, in display order.
#[server(endpoint = "sistemas", input = GetUrl)]
pub async fn list_systems() -> Result<Vec<SystemCard>, AppError> {
    let ports = crate::ports::from_context()?;
    ports.catalog.active_systems().await
}

/// A system's published FAQ, each entry marked with whether it matches `query`.
#[server(endpoint = "faq", input = GetUrl)]
pub async fn load_faq(system: String, query: String) -> Result<SystemFaq, AppError> {
    use crate::domain::{search, slug};

    if !slug::is_valid(&system) {
        return Err(AppError::NotFound);
    }
    let ports = crate::ports::from_context()?;
    let Some((card, items)) = ports.catalog.system_faq(&system).await? else {
        return Err(AppError::NotFound);
    };
    let terms = search::terms(&query);
    let entries = items
        .into_iter()
        .map(|item| {
            let matches = search::matches(&terms, &format!("{} {}", item.question, item.answer_text));
            FaqEntry { id: item.id, question: item.question, answer_html: item.answer_html, matches }
        })
        .collect();
    Ok(SystemFaq { system: card, entries })
}
