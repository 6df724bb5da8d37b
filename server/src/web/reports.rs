//! `GET /admin/relatorios.csv`: the report of the page, as a spreadsheet file
//! (administrators only; the figures carry no personal data).

use super::respond::refusal;
use super::AppState;
use crate::refusal::Refusal;
use crate::services::reports;
use app::api::console::AGENT_COOKIE;
use app::api::reports::ReportFilter;
use app::request_context::cookie_in;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct CsvQuery {
    sistema: Option<String>,
    de: Option<String>,
    ate: Option<String>,
}

pub async fn csv(State(state): State<AppState>, Query(query): Query<CsvQuery>, headers: HeaderMap) -> Response {
    let session = cookie_in(&headers, AGENT_COOKIE);
    let admin = match state.reports.administrator(session.as_deref()).await {
        Ok(admin) => admin,
        Err(error) => return refusal(&Refusal::from(error), "gerar o relatório"),
    };
    let blank = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    let filter = ReportFilter { system: blank(query.sistema), from: blank(query.de), to: blank(query.ate) };
    let page = match state.reports.build(&admin, &filter).await {
        Ok(page) => page,
        Err(error) => {
            tracing::error!(error = %error, "building a report's CSV");
            return refusal(&Refusal::Unavailable, "gerar o relatório");
        }
    };
    let name = format!(
        "relatorio-{}-{}.csv",
        page.period.0.split('/').rev().collect::<Vec<_>>().join(""),
        page.period.1.split('/').rev().collect::<Vec<_>>().join("")
    );
    let mut response = reports::csv(&page).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
