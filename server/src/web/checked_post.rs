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
use app::api::console::AGENT_COOKIE;
use app::request_context::{cookie_in, same_origin};
use axum::extract::{Form, FromRequest, FromRequestParts, Request};
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

impl CarriesCsrf for CsrfOnly {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// A form's fields as posted, repeated names (checkboxes) included: the administration's
/// forms, which have many fields and keep every value after a refusal.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, or "".
    pub fn value(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    /// The first value of `name` as an owned string.
    pub fn text(&self, name: &str) -> String {
        self.value(name).to_owned()
    }

    /// Every value of `name` that is a number (a group of checkboxes of ids).
    pub fn ids(&self, name: &str) -> Vec<i32> {
        self.0.iter().filter(|(k, _)| k == name).filter_map(|(_, v)| v.trim().parse().ok()).collect()
    }

    /// `name` is a number (0 when it is not: no row has that id).
    pub fn id(&self, name: &str) -> i32 {
        self.value(name).trim().parse().unwrap_or(0)
    }

    /// A checkbox posted as `sim`.
    pub fn checked(&self, name: &str) -> bool {
        self.value(name) == "sim"
    }

    /// Every value but the token, as a refused page shows them again.
    pub fn kept(&self) -> Vec<(String, String)> {
        self.0.iter().filter(|(k, _)| k != "csrf").cloned().collect()
    }
}

impl CarriesCsrf for Fields {
    fn csrf(&self) -> &str {
        self.value("csrf")
    }
}

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
    let Ok(Form(form)) = Form::<T>::from_request(Request::from_parts(parts.clone(), body), &()).await else {
        return Err(bad_form());
    };
    let principal = posting(state, &parts.headers, form.csrf(), administrator).await?;
    Ok(AgentPost { parts, form, principal, client })
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

    #[test]
    fn fields_read_repeated_names_and_keep_all_but_the_token() {
        let pairs =
            [("csrf", "t"), ("sistemas", "1"), ("sistemas", "x"), ("sistemas", "3"), ("ativo", "sim"), ("nome", "Ana")];
        let fields = Fields(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect());
        assert_eq!(fields.ids("sistemas"), vec![1, 3]);
        assert!(fields.checked("ativo") && !fields.checked("administrador"));
        assert_eq!((fields.csrf(), fields.value("falta"), fields.id("nome")), ("t", "", 0));
        assert!(fields.kept().iter().all(|(k, _)| k != "csrf"));
        assert_eq!(fields.kept().len(), 5);
    }
}
