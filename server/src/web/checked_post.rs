//! Every form post of the support team's console and of the administration begins the
//! same way, in this order: the post came from a page of this portal, its body is the
//! form, an agent (or an administrator) is signed in, and the form carries that session's
//! CSRF token. The extractors [`AgentPost`] and [`AdminPost`] do it once for all of them;
//! a handler that gets one may act.

use super::client_addr::ClientAddr;
use super::respond::{self, bad_form, forbidden_origin, stale_form};
use super::AppState;
use crate::refusal::Refusal;
use crate::services::agents::Principal;
use app::api::admin::{CalendarPost, InvitePost, MemberPost};
use app::api::catalog_admin::{NewSystemPost, SystemPost};
use app::api::console::AGENT_COOKIE;
use app::api::console::{PasswordPost, QueueSearchPost, RequestActionForm};
use app::api::notices::NoticePost;
use app::api::privacy::SubjectPost;
use app::api::profile::ProfilePost;
use app::api::settings::SettingsPost;
use app::request_context::{cookie_in, same_origin};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::response::Response;
use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// A console form that carries the session's CSRF token.
pub trait CarriesCsrf {
    fn csrf(&self) -> &str;
}

/// A form with nothing but the token (sign-out).
#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// Every form type a checked post carries reads its token from its `csrf` field.
macro_rules! carries_csrf {
    ($($form:ty),+ $(,)?) => {
        $(impl CarriesCsrf for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })+
    };
}

carries_csrf!(
    CsrfOnly,
    PasswordPost,
    ProfilePost,
    QueueSearchPost,
    RequestActionForm,
    InvitePost,
    MemberPost,
    CalendarPost,
    SettingsPost,
    NewSystemPost,
    SystemPost,
    NoticePost,
    SubjectPost,
);

/// A checked post: what was posted, by whom, from where, and the request's parts (to
/// render the page again on a refusal).
pub struct AgentPost<T> {
    pub parts: http::request::Parts,
    pub form: T,
    pub principal: Principal,
    pub client: ClientAddr,
}

/// A checked post by an administrator.
pub struct AdminPost<T>(pub AgentPost<T>);

impl<T: DeserializeOwned + CarriesCsrf + Send> FromRequest<AppState> for AgentPost<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        checked(request, state, false).await
    }
}

impl<T: DeserializeOwned + CarriesCsrf + Send> FromRequest<AppState> for AdminPost<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        checked(request, state, true).await.map(AdminPost)
    }
}

async fn checked<T: DeserializeOwned + CarriesCsrf>(
    request: Request,
    state: &AppState,
    administrator: bool,
) -> Result<AgentPost<T>, Response> {
    if !same_origin(request.headers()) {
        return Err(forbidden_origin());
    }
    let (mut parts, body) = request.into_parts();
    let Ok(client) = ClientAddr::from_request_parts(&mut parts, state).await;
    let form: T = read_form(&parts, body).await?;
    let principal = posting(state, &parts.headers, form.csrf(), administrator).await?;
    Ok(AgentPost { parts, form, principal, client })
}

/// A form post from one of this portal's pages that needs no agent session (the sign-in,
/// "Criar senha", the citizens' small forms): its origin is checked before the body is
/// read, then the body is read as the screen's form type.
pub struct SameOriginForm<T> {
    pub parts: http::request::Parts,
    pub form: T,
}

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequest<S> for SameOriginForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Response> {
        if !same_origin(request.headers()) {
            return Err(forbidden_origin());
        }
        let (parts, body) = request.into_parts();
        let form = read_form(&parts, body).await?;
        Ok(SameOriginForm { parts, form })
    }
}

/// A urlencoded form body as `T` (repeated names, such as a group of checkboxes, read
/// into a `Vec`); anything else is not a form of this portal's pages.
pub async fn read_form<T: DeserializeOwned>(parts: &http::request::Parts, body: Body) -> Result<T, Response> {
    let urlencoded = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if !urlencoded {
        return Err(bad_form());
    }
    let Ok(bytes) = Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await else {
        return Err(bad_form());
    };
    serde_html_form::from_bytes(&bytes).map_err(|_| bad_form())
}

/// The agent (or administrator) whose session cookie came with `headers`, if `csrf` is
/// that session's token; otherwise the answer to give (sign in, forbidden, stale form).
/// For posts whose token is not in a urlencoded body (the logo's multipart upload).
pub async fn posting(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
    administrator: bool,
) -> Result<Principal, Response> {
    let session = cookie_in(headers, AGENT_COOKIE);
    let principal = if administrator {
        state.admin.administrator(session.as_deref()).await.map_err(Refusal::from)
    } else {
        match state.console.agents().authenticate(session.as_deref()).await {
            Ok(found) => found.ok_or(Refusal::SignInRequired),
            Err(error) => Err(Refusal::from(error)),
        }
    };
    let principal = principal.map_err(|refused| respond::refusal(&refused, "continuar"))?;
    if !principal.csrf_matches(csrf) {
        return Err(stale_form());
    }
    Ok(principal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::api::admin::MemberAction;

    fn post(body: &'static str, content_type: &str) -> (http::request::Parts, Body) {
        let request = http::Request::builder().header(header::CONTENT_TYPE, content_type).body(Body::from(body));
        request.unwrap_or_else(|e| panic!("{e}")).into_parts()
    }

    #[tokio::test]
    async fn a_form_reads_repeated_names_ticked_boxes_and_its_action() {
        let body = "csrf=t&acao=salvar&nivel=2&sistemas=1&sistemas=3&ativo=sim";
        let (parts, body) = post(body, "application/x-www-form-urlencoded");
        let form: MemberPost = read_form(&parts, body).await.unwrap_or_else(|_| panic!("not read"));
        assert_eq!((form.acao, form.csrf(), form.nivel.as_str()), (MemberAction::Save, "t", "2"));
        assert_eq!(form.sistemas, vec![1, 3]);
        assert!(form.ativo.0 && !form.administrador.0);
    }

    #[tokio::test]
    async fn an_unknown_action_or_another_body_is_not_a_form_of_the_page() {
        let (parts, body) = post("csrf=t&acao=apagar", "application/x-www-form-urlencoded");
        assert!(read_form::<MemberPost>(&parts, body).await.is_err());
        let (parts, body) = post("{\"acao\":\"salvar\"}", "application/json");
        assert!(read_form::<MemberPost>(&parts, body).await.is_err());
    }
}
