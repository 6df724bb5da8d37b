//! Helpers of the console's tests: agents created straight in the database (the admin
//! pages come later), signing in through the real form, and reading the tokens a page
//! carries.

use super::TestServer;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use server::db::entities::{agent, agent_system, system};

pub const PASSWORD: &str = "uma frase longa de senha";

/// An active agent with `PASSWORD`, at `level`, serving the systems `slugs`.
pub async fn create_agent(server: &TestServer, email: &str, name: &str, level: i16, slugs: &[&str]) -> i32 {
    let hash = server::password::hash(PASSWORD.to_owned()).await.unwrap_or_else(|e| panic!("{e}"));
    let created = agent::ActiveModel {
        email: Set(email.to_owned()),
        name: Set(name.to_owned()),
        password_hash: Set(Some(hash)),
        level: Set(level),
        is_admin: Set(false),
        active: Set(true),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&server.db)
    .await
    .unwrap_or_else(|e| panic!("creating agent: {e}"));
    for slug in slugs {
        let system = system::Entity::find()
            .filter(system::Column::Slug.eq(*slug))
            .one(&server.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no system {slug}"));
        agent_system::ActiveModel { agent_id: Set(created.id), system_id: Set(system.id) }
            .insert(&server.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    created.id
}

/// The value of `name="{field}" value="…"` in a page.
pub fn hidden(body: &str, field: &str) -> String {
    let needle = format!("name=\"{field}\" value=\"");
    let start = body.find(&needle).unwrap_or_else(|| panic!("no {field} in the page")) + needle.len();
    body[start..].split('"').next().unwrap_or_default().to_owned()
}

/// `name=value` of the `Set-Cookie` named `name` in a response.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

pub fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

/// Posts the sign-in form as a browser would (token and pairing cookie from a GET of
/// the form; `extra_cookie` is whatever else the browser carries): status, the
/// `Set-Cookie` of the session if any, and the body.
pub async fn sign_in_with(
    server: &TestServer,
    email: &str,
    password: &str,
    extra_cookie: Option<&str>,
) -> (u16, Option<String>, String) {
    let form = server.get("/atendimento/entrar").await;
    let pairing = set_cookie(&form, "wa_entrada").map(|c| pair(&c)).unwrap_or_default();
    let body = form.text().await.unwrap_or_default();
    let token = hidden(&body, "token");
    let cookie = match extra_cookie {
        Some(extra) => format!("{pairing}; {extra}"),
        None => pairing,
    };
    let response = server
        .client
        .post(format!("{}/atendimento/entrar", server.base))
        .header("cookie", cookie)
        .form(&[("token", token.as_str()), ("email", email), ("senha", password)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("sign-in: {e}"));
    let status = response.status().as_u16();
    let session = set_cookie(&response, "wa_agente");
    (status, session, response.text().await.unwrap_or_default().replace("<!>", ""))
}

/// The session cookie (`wa_agente=…`) of a successful sign-in.
pub async fn sign_in(server: &TestServer, email: &str) -> String {
    match sign_in_with(server, email, PASSWORD, None).await {
        (303, Some(cookie), _) => pair(&cookie),
        (status, _, body) => panic!("sign-in of {email} failed: {status} {body}"),
    }
}

/// A page as the agent with `cookie` sees it: status, `Location`, body.
pub async fn page_as(server: &TestServer, path: &str, cookie: &str) -> (u16, String, String) {
    let response = server
        .client
        .get(format!("{}{path}", server.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, location, response.text().await.unwrap_or_default().replace("<!>", ""))
}

/// Posts a console form: status, `Location`, body.
pub async fn post_as(server: &TestServer, path: &str, cookie: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let response = server
        .client
        .post(format!("{}{path}", server.base))
        .header("cookie", cookie)
        .form(fields)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"));
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, location, response.text().await.unwrap_or_default().replace("<!>", ""))
}

/// Posts an action on the request page with the tokens the page carries now.
pub async fn act(server: &TestServer, number: &str, cookie: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let path = format!("/atendimento/solicitacoes/{number}");
    let (status, _, body) = page_as(server, &path, cookie).await;
    assert_eq!(status, 200, "the request page before acting: {body}");
    let csrf = hidden(&body, "csrf");
    let version = hidden(&body, "versao");
    let mut all = vec![("csrf", csrf.as_str()), ("versao", version.as_str())];
    all.extend_from_slice(fields);
    post_as(server, &path, cookie, &all).await
}

pub const ADMIN_PASSWORD: &str = "frase longa do administrador";

/// Creates the administrator "Chefe do Suporte" (as `server create-admin` does) and signs
/// in; returns the session cookie pair.
pub async fn admin(server: &TestServer) -> String {
    server
        .agents
        .create_admin("chefe@saude.gov.br", "Chefe do Suporte", ADMIN_PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    match sign_in_with(server, "chefe@saude.gov.br", ADMIN_PASSWORD, None).await {
        (303, Some(cookie), _) => pair(&cookie),
        other => panic!("admin sign-in: {other:?}"),
    }
}
