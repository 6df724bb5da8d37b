//! What the handlers answer, in one place: a service's [`Refusal`] as a status and a page
//! (the policy table is in `app::api::error`), the page rendered again with a form's
//! feedback, redirects with cookies, and the short plain answers every post may give
//! (foreign origin, stale or unreadable form, unknown action).

use super::AppState;
use crate::refusal::{Refusal, WHOLE_FORM};
use app::api::forms::{Confirmation, Feedback};
use app::api::{could_not, AppError};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use serde::Serialize;

/// Where an agent without a valid session is sent.
pub const SIGN_IN_PAGE: &str = "/atendimento/entrar";

pub fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Não encontrado").into_response()
}

pub fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, AppError::Forbidden.to_string()).into_response()
}

/// A post that another site started (see `app::http::same_origin`).
pub fn forbidden_origin() -> Response {
    (StatusCode::FORBIDDEN, "Origem não permitida").into_response()
}

/// A post whose CSRF token is not the session's: the page is stale or forged.
pub fn stale_form() -> Response {
    (
        StatusCode::FORBIDDEN,
        "Este formulário expirou ou não veio do atendimento. Volte, recarregue a página e tente novamente.",
    )
        .into_response()
}

/// A body that is not the form the page sends.
pub fn bad_form() -> Response {
    (StatusCode::BAD_REQUEST, "Formulário inválido").into_response()
}

/// An `acao` that no button of the page posts.
pub fn unknown_action() -> Response {
    (StatusCode::BAD_REQUEST, "Ação desconhecida").into_response()
}

pub fn unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, AppError::Unavailable.to_string()).into_response()
}

/// A redirect that also sets each of `cookies` (`Set-Cookie` values).
pub fn redirect_with_cookies(to: &str, cookies: &[String]) -> Response {
    with_cookies(Redirect::to(to).into_response(), cookies)
}

/// Appends a `Set-Cookie` header for each of `cookies`.
pub fn with_cookies(mut response: Response, cookies: &[String]) -> Response {
    for cookie in cookies {
        match HeaderValue::from_str(cookie) {
            Ok(value) => {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            Err(_) => tracing::error!("a Set-Cookie value was not a valid header; the cookie was not set"),
        }
    }
    response
}

/// The answer to a refusal that leaves the page (nothing to show beside a field), or
/// `None` when the page is shown again with it.
fn leaving(refusal: &Refusal) -> Option<Response> {
    match refusal {
        Refusal::NotFound => Some(not_found()),
        Refusal::SignInRequired => Some(Redirect::to(SIGN_IN_PAGE).into_response()),
        Refusal::Forbidden => Some(forbidden()),
        _ => None,
    }
}

/// The answer to a refusal when nothing can be shown again (a download, a post without
/// a page): its status with a short text.
pub fn refusal(refusal: &Refusal, doing: &str) -> Response {
    leaving(refusal).unwrap_or_else(|| (refusal.status(), shown(refusal.clone(), doing, "").message).into_response())
}

/// A refusal as the page shows it again: the status, the field at fault (`None`: above
/// the form) with its message, and any further fields at fault.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shown {
    pub status: u16,
    pub field: Option<String>,
    pub message: String,
    pub others: Vec<(String, String)>,
}

impl Shown {
    /// The screen's feedback: this refusal over the form as posted (`form`, its secrets
    /// emptied by the caller).
    pub fn keeping<F>(self, form: F) -> Feedback<F> {
        Feedback { status: self.status, field: self.field, message: self.message, others: self.others, form }
    }
}

/// `doing` names what could not be done (`salvar`, `registrar a resposta`) for a
/// refusal as unavailable; `conflict` is the screen's own words for a change meanwhile.
fn shown(refusal: Refusal, doing: &str, conflict: &str) -> Shown {
    let status = refusal.status().as_u16();
    let plain = |message: String| Shown { status, message, ..Shown::default() };
    match refusal {
        Refusal::Invalid(problems) => {
            let mut problems =
                problems.into_iter().map(|p| ((p.field != WHOLE_FORM).then(|| p.field.to_owned()), p.message));
            let (field, message) = problems.next().unwrap_or_default();
            let others = problems.filter_map(|(field, message)| Some((field?, message))).collect();
            Shown { status, field, message, others }
        }
        Refusal::Conflict => plain(conflict.to_owned()),
        Refusal::Refused(message) | Refusal::Limited(message) => plain(message),
        Refusal::NotFound | Refusal::SignInRequired | Refusal::Forbidden | Refusal::Unavailable => {
            plain(could_not(doing))
        }
    }
}

/// How one screen words its refusals.
#[derive(Debug, Clone, Copy)]
pub struct Wording {
    /// What could not be done, for "Não foi possível … agora.": `salvar`, `entrar`, ...
    pub doing: &'static str,
    /// What the screen says when the thing changed meanwhile.
    pub conflict: &'static str,
}

/// The administration's forms: saving, no concurrent edits to report.
pub const SAVING: Wording = Wording { doing: "salvar", conflict: "" };

/// Answers a refused form post: refusals that leave the page are answered as such
/// ([`Refusal::NotFound`], sign in, forbidden); any other renders `path` again with the
/// feedback that `feedback` builds from the refusal as shown.
pub async fn page_again<F>(
    state: AppState,
    parts: http::request::Parts,
    path: &str,
    refused: Refusal,
    wording: Wording,
    feedback: impl FnOnce(Shown) -> F,
) -> Response
where
    F: Clone + Send + Sync + 'static,
{
    page_again_with(state, parts, path, refused, wording, feedback, || {}).await
}

/// [`page_again`], with `extra` providing more of the context the page reads (what a
/// posted form was about, when that is not in the address).
pub async fn page_again_with<F>(
    state: AppState,
    parts: http::request::Parts,
    path: &str,
    refused: Refusal,
    wording: Wording,
    feedback: impl FnOnce(Shown) -> F,
    extra: impl Fn() + Clone + Send + Sync + 'static,
) -> Response
where
    F: Clone + Send + Sync + 'static,
{
    if let Some(response) = leaving(&refused) {
        return response;
    }
    let feedback = feedback(shown(refused, wording.doing, wording.conflict));
    render_page_with(state, parts, path, move || {
        provide_context(feedback.clone());
        extra();
    })
    .await
}

/// Asks first, for an action that cannot be undone: the page at `page` again with a
/// [`Confirmation`] that posts `form`'s fields once more (with `confirmado=sim`) to the
/// address this post went to.
pub async fn ask_first<F: Serialize>(
    state: AppState,
    parts: http::request::Parts,
    page: &str,
    form: &F,
    question: String,
    consequence: &str,
    confirm: &str,
) -> Response {
    ask_first_with(state, parts, page, form, question, consequence, confirm, || {}).await
}

/// [`ask_first`], with `extra` providing more of the context the page reads.
#[allow(clippy::too_many_arguments)]
pub async fn ask_first_with<F: Serialize>(
    state: AppState,
    parts: http::request::Parts,
    page: &str,
    form: &F,
    question: String,
    consequence: &str,
    confirm: &str,
    extra: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    let encoded = serde_html_form::to_string(form).unwrap_or_default();
    let fields: Vec<(String, String)> = serde_html_form::from_str::<Vec<(String, String)>>(&encoded)
        .unwrap_or_default()
        .into_iter()
        .filter(|(name, _)| name != "confirmado")
        .collect();
    let action = parts.uri.path_and_query().map(|pq| pq.as_str().to_owned()).unwrap_or_default();
    let pending =
        Confirmation { question, consequence: consequence.to_owned(), confirm: confirm.to_owned(), action, fields };
    render_page_with(state, parts, page, move || {
        provide_context(pending.clone());
        extra();
    })
    .await
}

/// Renders the page at `path` again (as a GET of it) with `extra` providing the
/// feedback context the page reads.
pub async fn render_page_with(
    state: AppState,
    mut parts: http::request::Parts,
    path: &str,
    extra: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    parts.method = Method::GET;
    parts.uri = match path.parse() {
        Ok(uri) => uri,
        Err(_) => return not_found(),
    };
    let ports = state.ports.clone();
    let options = state.leptos.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            super::headers::provide_page_context(&ports);
            extra();
        },
        move || app::shell(options.clone()),
    );
    handler(Request::from_parts(parts, Body::empty())).await.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refusal::FieldProblem;

    #[test]
    fn fields_are_shown_in_order_and_the_whole_form_above_it() {
        let refused = Refusal::Invalid(vec![
            FieldProblem { field: "prazo", message: "Informe de 1 a 10 dias úteis.".into() },
            FieldProblem { field: "arquivos", message: "Informe de 1 a 10 arquivos.".into() },
        ]);
        let page = shown(refused, "salvar", "");
        assert_eq!((page.status, page.field.as_deref()), (422, Some("prazo")));
        assert_eq!(page.others, vec![("arquivos".to_owned(), "Informe de 1 a 10 arquivos.".to_owned())]);
        let whole = shown(crate::services::agents::sign_in_refused(), "entrar", "");
        assert_eq!((whole.status, whole.field), (422, None));
    }

    #[test]
    fn unavailable_names_what_could_not_be_done() {
        let page = shown(Refusal::Unavailable, "salvar", "");
        assert_eq!(page.status, 503);
        assert_eq!(page.message, "Não foi possível salvar agora. Tente novamente em alguns minutos.");
        assert_eq!(shown(Refusal::Conflict, "salvar", "Mudou.").message, "Mudou.");
    }

    #[test]
    fn refusals_that_leave_the_page() {
        assert_eq!(leaving(&Refusal::NotFound).map(|r| r.status()), Some(StatusCode::NOT_FOUND));
        assert_eq!(leaving(&Refusal::SignInRequired).map(|r| r.status()), Some(StatusCode::SEE_OTHER));
        assert_eq!(leaving(&Refusal::Forbidden).map(|r| r.status()), Some(StatusCode::FORBIDDEN));
        assert!(leaving(&Refusal::Conflict).is_none());
    }
}
