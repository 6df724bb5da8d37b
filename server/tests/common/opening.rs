//! Opening requests over HTTP as the form's island does (captcha solved here, multipart
//! body), shared by the tests of opening and of following requests.

use super::TestServer;
use app::api::request::SubmitOutcome;
use app::domain::pow::{self, Challenge};
use reqwest::multipart::{Form, Part};
use sea_orm::ConnectionTrait;

/// A fresh challenge from the server, solved.
pub async fn solved_captcha(server: &TestServer) -> String {
    solved_captcha_at(&server.client, &server.base).await
}

/// A fresh challenge from the server at `base` (the test harness's or a separate
/// process), solved.
pub async fn solved_captcha_at(client: &reqwest::Client, base: &str) -> String {
    let challenge: Challenge = client
        .post(format!("{base}/api/captcha"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("captcha: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("captcha json: {e}"));
    let number =
        pow::solve_range(&challenge, 0, challenge.max_number).unwrap_or_else(|| panic!("challenge has no solution"));
    pow::encode_solution(&challenge, number)
}

/// The id of the CNES option with this name.
pub async fn funcionalidade_id(server: &TestServer, system: &str, name: &str) -> i32 {
    funcionalidade_id_in(&server.db, system, name).await
}

/// The same, in any database the portal has seeded.
pub async fn funcionalidade_id_in(db: &sea_orm::DatabaseConnection, system: &str, name: &str) -> i32 {
    let row = db
        .query_one(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT f.id FROM funcionalidades f JOIN systems s ON s.id = f.system_id \
                 WHERE s.slug = '{system}' AND f.name = '{name}'"
            ),
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no funcionalidade {name} in {system}"));
    row.try_get_by_index::<i32>(0).unwrap_or_else(|e| panic!("{e}"))
}

/// The text fields of a valid request.
pub async fn valid_fields(server: &TestServer) -> Vec<(&'static str, String)> {
    fields_for(funcionalidade_id(server, "cnes", "Transmissão de dados").await)
}

/// The text fields of a valid request about this CNES option.
pub fn fields_for(funcionalidade: i32) -> Vec<(&'static str, String)> {
    vec![
        ("email", "maria.silva@saude.gov.br".into()),
        ("nome", "Maria da Silva".into()),
        ("cpf", "529.982.247-25".into()),
        ("cns", String::new()),
        ("telefone", "(61) 99999-8888".into()),
        ("uf", "DF".into()),
        ("funcionalidade", funcionalidade.to_string()),
        ("descricao", "Não consigo transmitir os dados do estabelecimento desde ontem.".into()),
        ("site", String::new()),
    ]
}

pub fn with(mut fields: Vec<(&'static str, String)>, name: &str, value: &str) -> Vec<(&'static str, String)> {
    for (n, v) in &mut fields {
        if *n == name {
            *v = value.to_owned();
        }
    }
    fields
}

/// Files to attach: name and bytes.
pub type Files = Vec<(String, Vec<u8>)>;

pub fn form(fields: &[(&'static str, String)], captcha: &str, files: Files) -> Form {
    let mut form = Form::new();
    for (name, value) in fields {
        form = form.text(*name, value.clone());
    }
    form = form.text("captcha", captcha.to_owned());
    for (name, bytes) in files {
        form = form
            .part("anexos", Part::bytes(bytes).file_name(name).mime_str("image/png").unwrap_or_else(|e| panic!("{e}")));
    }
    form
}

pub async fn post(server: &TestServer, system: &str, form: Form) -> (u16, SubmitOutcome) {
    let response = server
        .client
        .post(format!("{}/api/chamados/{system}", server.base))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST: {e}"));
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let outcome = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not an outcome ({status}): {text}: {e}"));
    (status, outcome)
}

/// Waits for the delivery job to write the message file of `number`.
pub async fn mail_file_containing(server: &TestServer, number: &str) -> String {
    mail_file_with(server, &[number]).await
}

/// Waits (at most 10 s) for a message file holding every one of `needles`, read with
/// quoted-printable soft breaks and `=3D` undone.
pub async fn mail_file_with(server: &TestServer, needles: &[&str]) -> String {
    let dir = server.data_dir().join("mail");
    for _ in 0..100 {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let text = mail_text(&entry.path());
                if needles.iter().all(|needle| text.contains(needle)) {
                    return text;
                }
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no e-mail with {needles:?} in {}", dir.display());
}

/// A message file's text with quoted-printable soft breaks and `=3D` undone (empty if
/// unreadable).
pub fn mail_text(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default().replace("=\r\n", "").replace("=3D", "=")
}

/// Opens a valid request with this CPF and these attached files; returns its number.
pub async fn open_request_with(server: &TestServer, cpf: &str, files: Files) -> String {
    let fields = with(valid_fields(server).await, "cpf", cpf);
    let captcha = solved_captcha(server).await;
    match post(server, "cnes", form(&fields, &captcha, files)).await {
        (201, SubmitOutcome::Created { number, .. }) => number,
        other => panic!("opening a request: {other:?}"),
    }
}

/// Opens a valid request with these fields changed (`("nome", "Ana")`, …) and returns its number.
pub async fn open_request_as(server: &TestServer, changes: &[(&str, &str)]) -> String {
    open_request_as_with(server, changes, Vec::new()).await
}

/// [`open_request_as`], with files attached.
pub async fn open_request_as_with(server: &TestServer, changes: &[(&str, &str)], files: Files) -> String {
    let mut fields = valid_fields(server).await;
    for (name, value) in changes {
        fields = with(fields, name, value);
    }
    let captcha = solved_captcha(server).await;
    match post(server, "cnes", form(&fields, &captcha, files)).await {
        (201, SubmitOutcome::Created { number, .. }) => number,
        other => panic!("opening a request: {other:?}"),
    }
}

/// Opens a valid request with this CPF and returns its number.
pub async fn open_request(server: &TestServer, cpf: &str) -> String {
    open_request_with(server, cpf, Vec::new()).await
}

/// A real PNG of noise (so that it does not compress to nothing).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut seed = 0x1234_5678_u32;
    let image = image::RgbImage::from_fn(width, height, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        image::Rgb([seed as u8, (seed >> 8) as u8, (seed >> 16) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap_or_else(|e| panic!("{e}"));
    bytes.into_inner()
}
