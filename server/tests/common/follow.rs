//! Following requests over HTTP as a citizen does: lookups, sessions, pages read with the
//! session cookie, answers posted from the history page, and the e-mail links; shared by
//! the tests of following requests and of who may see what.

use super::console::{page_as, post_as};
use super::opening::{form, mail_file_with, post, solved_captcha, valid_fields, with, Files};
use super::TestServer;
use app::api::follow::LookupOutcome;
use app::domain::protocol::ProtocolNumber;
use server::db::entities::request;
use server::services::desk::By;

pub const CPF_A: &str = "529.982.247-25";
pub const CPF_B: &str = "111.444.777-35";

/// Looks up `number` for `cpf` with a fresh captcha: the outcome and the session cookie.
pub async fn lookup(server: &TestServer, cpf: &str, number: &str) -> (LookupOutcome, Option<String>) {
    let captcha = solved_captcha(server).await;
    lookup_with(server, cpf, number, &captcha).await
}

pub async fn lookup_with(
    server: &TestServer,
    cpf: &str,
    number: &str,
    captcha: &str,
) -> (LookupOutcome, Option<String>) {
    let response = server
        .client
        .post(format!("{}/api/acompanhar", server.base))
        .form(&[("cpf", cpf), ("numero", number), ("captcha", captcha)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("lookup: {e}"));
    let cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let text = response.text().await.unwrap_or_default();
    let outcome = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not a lookup outcome: {text}: {e}"));
    (outcome, cookie)
}

/// `wa_sessao=…` from a `Set-Cookie` value.
pub fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

/// A session for `cpf`, anchored on `number`.
pub async fn session(server: &TestServer, cpf: &str, number: &str) -> String {
    match lookup(server, cpf, number).await {
        (LookupOutcome::Found { .. }, Some(set_cookie)) => cookie_pair(&set_cookie),
        other => panic!("lookup of {number} failed: {other:?}"),
    }
}

pub async fn page_with(server: &TestServer, path: &str, cookie: &str) -> (u16, String) {
    let (status, _, body) = page_as(server, path, cookie).await;
    (status, body)
}

/// Posts an answer form of the history page: status, `Location` and body.
pub async fn answer(server: &TestServer, number: &str, cookie: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    post_as(server, &format!("/acompanhar/{number}"), cookie, fields).await
}

pub async fn stored(server: &TestServer, number: &str) -> request::Model {
    server.stored_request(number).await
}

/// `number` as the services take it.
pub fn protocol(number: &str) -> ProtocolNumber {
    ProtocolNumber::parse(number).unwrap_or_else(|| panic!("{number} is not a protocol number"))
}

pub async fn finalize(server: &TestServer, number: &str, answer: &str) {
    server
        .desk
        .finalize(&By::operator(), &protocol(number), answer)
        .await
        .unwrap_or_else(|e| panic!("finalizing {number}: {e}"));
}

/// Opens a request with this CPF and e-mail (and files); returns its number.
pub async fn open_as(server: &TestServer, cpf: &str, email: &str, files: Files) -> String {
    let fields = with(with(valid_fields(server).await, "cpf", cpf), "email", email);
    let captcha = solved_captcha(server).await;
    match post(server, "cnes", form(&fields, &captcha, files)).await {
        (201, app::api::request::SubmitOutcome::Created { number, .. }) => number,
        other => panic!("opening a request: {other:?}"),
    }
}

/// Waits for an e-mail holding a link that opens `number` and returns the link's path
/// (`/acompanhar/{number}?t=…`, with `&amp;` undone).
pub async fn mail_link_path(server: &TestServer, number: &str, also: &[&str]) -> String {
    let link_start = format!("http://portal.test/acompanhar/{number}?t=");
    let mut needles = vec![link_start.as_str()];
    needles.extend_from_slice(also);
    let mail = mail_file_with(server, &needles).await;
    let start = mail.find(&link_start).unwrap_or_else(|| panic!("no link: {mail}"));
    let link: String = mail[start..].chars().take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<').collect();
    link.trim_start_matches("http://portal.test").replace("&amp;", "&")
}

/// The session cookie a link's landing page sets (empty when it sets none).
pub async fn session_from_link(server: &TestServer, path: &str) -> (u16, String) {
    let response = server.get(path).await;
    let status = response.status().as_u16();
    let set_cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, cookie_pair(&set_cookie))
}
