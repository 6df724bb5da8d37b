//! Opening a request: what the form page needs (the system, its "funcionalidades", a
//! fresh captcha challenge) and the answer the submission endpoint gives the browser.
//! The submission itself is a multipart POST handled by the server (files and upload
//! progress do not fit a server function), answering with [`SubmitOutcome`] as JSON.

use super::catalog::SystemCard;
use super::AppError;
use crate::domain::pow::Challenge;
use crate::domain::request_form::Field;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// What the form says when the request could not be registered now (the server refused
/// as unavailable, or its answer did not arrive): the typed data stays in the form.
pub fn opening_unavailable() -> String {
    format!("{} Os dados digitados foram mantidos.", super::could_not("registrar a solicitação"))
}

/// One option of the "Funcionalidade" select.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuncionalidadeOption {
    pub id: i32,
    pub name: String,
}

/// What the form page shows about the system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestFormInfo {
    pub system: SystemCard,
    /// In display order, "Outros assuntos" last.
    pub funcionalidades: Vec<FuncionalidadeOption>,
    /// The attachment limits in force (an administrator's setting).
    pub limits: crate::domain::settings::AttachmentLimits,
    /// A fresh key for this copy of the form: sending it twice opens one request.
    pub idempotency_key: String,
}

/// This copy of the form's idempotency key, for the form island's server render (a
/// context rather than a prop: the browser reads it from the page, and every prop adds to
/// the wasm every page downloads).
#[derive(Debug, Clone)]
pub struct FormKey(pub String);

/// A plain post of the form (before the wasm arrived, or without JavaScript) that was
/// refused: the page is shown again with what was typed and the messages, and this
/// status. Server only (provided as context by the handler; the browser adopts what the
/// page shows).
#[derive(Debug, Clone, Default)]
pub struct RequestFeedback {
    pub status: u16,
    pub typed: crate::domain::request_form::Draft,
    pub errors: Vec<(Field, String)>,
    pub message: Option<String>,
    /// The form's idempotency key as posted (kept, so a resend finds the same request).
    pub key: Option<String>,
}

/// A field's message, as the page shows it beside the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

/// The submission endpoint's answer (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum SubmitOutcome {
    /// Stored: go to `redirect`, the success page.
    Created { number: String, redirect: String },
    /// Some fields are wrong; nothing was stored.
    Invalid { message: String, errors: Vec<FieldError> },
    /// Refused as a whole (rate limit, malformed or unexpected content, server trouble).
    Refused { message: String },
}

/// The system's form data, or `NotFound` for an unknown or inactive system.
#[server(endpoint = "formulario", input = GetUrl)]
pub async fn load_request_form(system: String) -> Result<RequestFormInfo, AppError> {
    if !crate::domain::slug::is_valid(&system) {
        return Err(AppError::NotFound);
    }
    let ports = crate::ports::from_context()?;
    ports.requests.form(&system).await?.ok_or(AppError::NotFound)
}

/// A new, signed, expiring proof-of-work challenge. POST: never cached, never prefetched.
#[server(endpoint = "captcha")]
pub async fn new_captcha() -> Result<Challenge, AppError> {
    let ports = crate::ports::from_context()?;
    Ok(ports.requests.challenge())
}

/// Whether the success page of `number` may be shown (`token` came with the redirect).
#[server(endpoint = "confirmacao", input = GetUrl)]
pub async fn confirm_created(number: String, token: String) -> Result<bool, AppError> {
    let ports = crate::ports::from_context()?;
    let number = crate::domain::protocol::ProtocolNumber::parse(&number);
    Ok(number.is_some_and(|number| ports.requests.created_token_valid(&number, &token)))
}
