//! The conversation between the support team and the citizen (issue 14): an agent's
//! public reply reaches the citizen by e-mail, with a link that opens the history, and
//! puts a new or reopened request "Em análise"; an internal note e-mails nobody. The
//! citizen answers with "Complementar solicitação" while the request is open.

mod common;

use common::console::{act, create_agent, page_as, sign_in};
use common::follow::{answer, finalize, mail_link_path, page_with, session, session_from_link, stored, CPF_A, CPF_B};
use common::opening::{mail_text, open_request, png, Files};
use common::TestServer;
use reqwest::multipart::{Form, Part};
use server::services::complement::PER_REQUEST_PER_DAY;

/// The e-mail files written so far that hold `needle`.
fn mails_with(server: &TestServer, needle: &str) -> usize {
    let entries = std::fs::read_dir(server.data_dir().join("mail")).map(|dir| dir.flatten().collect::<Vec<_>>());
    entries.unwrap_or_default().iter().filter(|entry| mail_text(&entry.path()).contains(needle)).count()
}

async fn a_reply_reaches_the_citizen(server: &TestServer) {
    let number = open_request(server, CPF_A).await;
    create_agent(server, "ana@saude.gov.br", "Ana", 1, &["cnes"]).await;
    let ana = sign_in(server, "ana@saude.gov.br").await;

    // An internal note: the citizen is not written to, the status stays.
    let (status, _, _) = act(server, &number, &ana, &[("acao", "nota"), ("texto", "Nota interna sigilosa")]).await;
    assert_eq!(status, 303);
    assert_eq!(stored(server, &number).await.status, "recebido");

    // A reply: "Em análise", and an e-mail with the text and a link that opens the history.
    let (status, location, _) =
        act(server, &number, &ana, &[("acao", "responder"), ("texto", "Qual a versao do SCNES instalada?")]).await;
    assert_eq!((status, location.as_str()), (303, format!("/atendimento/solicitacoes/{number}?ok=resposta").as_str()));
    assert_eq!(stored(server, &number).await.status, "em_analise");
    let link = mail_link_path(server, &number, &["Qual a versao do SCNES instalada?"]).await;
    let (status, cookie) = session_from_link(server, &link).await;
    assert_eq!(status, 200);
    let (status, history) = page_with(server, &format!("/acompanhar/{number}"), &cookie).await;
    assert_eq!(status, 200);
    assert!(history.contains("Qual a versao do SCNES instalada?"), "{history}");
    assert!(!history.contains("Nota interna sigilosa"), "an internal note stays inside the team");
    assert_eq!(mails_with(server, "Nota interna sigilosa"), 0, "no e-mail carries an internal note");

    // Reopened by the citizen, then answered: back to "Em análise", as the console's hint says.
    finalize(server, &number, "Atualize para a versao 7.").await;
    let cookie = session(server, CPF_A, &number).await;
    let (status, _, _) =
        answer(server, &number, &cookie, &[("acao", "reabrir"), ("motivo", "Ainda não funciona.")]).await;
    assert_eq!(status, 303);
    assert_eq!(stored(server, &number).await.status, "reaberto");
    let (status, _, _) =
        act(server, &number, &ana, &[("acao", "responder"), ("texto", "Pode enviar a tela do erro?")]).await;
    assert_eq!(status, 303);
    assert_eq!(stored(server, &number).await.status, "em_analise");
    mail_link_path(server, &number, &["Pode enviar a tela do erro?"]).await;
}
on_both_databases!(a_reply_reaches_the_citizen);

/// Posts the history page's "Complementar solicitação" form: status, `Location`, body.
async fn complement(
    server: &TestServer,
    number: &str,
    cookie: &str,
    text: &str,
    files: Files,
) -> (u16, String, String) {
    let mut form = Form::new().text("complemento", text.to_owned());
    for (name, bytes) in files {
        let part = Part::bytes(bytes).file_name(name).mime_str("image/png").unwrap_or_else(|e| panic!("{e}"));
        form = form.part("anexos", part);
    }
    let response = server
        .client
        .post(format!("{}/acompanhar/{number}/complemento", server.base))
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("complement: {e}"));
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, location, response.text().await.unwrap_or_default().replace("<!>", ""))
}

async fn the_citizen_complements_an_open_request(server: &TestServer) {
    let number = open_request(server, CPF_A).await;
    let cookie = session(server, CPF_A, &number).await;
    let history_path = format!("/acompanhar/{number}");
    let (_, page) = page_with(server, &history_path, &cookie).await;
    assert!(page.contains("Complementar solicitação") && page.contains("Enviar complemento"), "{page}");
    let before = stored(server, &number).await;

    // Refused beside its field, with the text kept: too short; a file that is no image.
    let (status, _, body) = complement(server, &number, &cookie, "curto", Vec::new()).await;
    assert_eq!(status, 422);
    assert!(body.contains("Escreva o complemento com pelo menos 10 caracteres."), "{body}");
    assert!(body.contains("curto</textarea>"), "the text is kept: {body}");
    let text = "A versão instalada é a 7.2.1, tela em anexo.";
    let (status, _, body) =
        complement(server, &number, &cookie, text, vec![("nota.png".into(), b"texto".to_vec())]).await;
    assert_eq!(status, 422);
    assert!(body.contains("nota.png") && body.contains(text), "{body}");
    assert_eq!(stored(server, &number).await.version, before.version, "nothing was written");

    // Accepted: the citizen's entry and its image, the status unchanged, the request on top.
    let (status, location, _) =
        complement(server, &number, &cookie, text, vec![("tela.png".into(), png(120, 80))]).await;
    assert_eq!((status, location), (303, format!("{history_path}?complemento=enviado#complemento-titulo")));
    let after = stored(server, &number).await;
    assert_eq!((after.status.as_str(), after.version), (before.status.as_str(), before.version + 1));
    assert!(after.updated_at > before.updated_at, "back to the top of the queue");
    let (_, history) = page_with(server, &format!("{history_path}?complemento=enviado"), &cookie).await;
    assert!(history.contains("Complemento enviado."), "{history}");
    assert!(history.contains("Complemento - CNES - Nível 01") && history.contains(text), "{history}");
    assert!(history.contains("tela.png"), "{history}");

    // The agent reads it, with its file.
    create_agent(server, "ana@saude.gov.br", "Ana", 1, &["cnes"]).await;
    let ana = sign_in(server, "ana@saude.gov.br").await;
    let (_, _, console) = page_as(server, &format!("/atendimento/solicitacoes/{number}"), &ana).await;
    assert!(console.contains(text) && console.contains("tela.png"), "{console}");

    // Nobody else may complement it: another person's session, or none.
    let other = open_request(server, CPF_B).await;
    let stranger = session(server, CPF_B, &other).await;
    assert_eq!(complement(server, &number, &stranger, text, Vec::new()).await.0, 404);
    assert_eq!(complement(server, &number, "", text, Vec::new()).await.0, 404);

    // Finalized: no more complements; the page says why and keeps the text to copy.
    finalize(server, &number, "Atualize para a versão 7.3.").await;
    let late = "Mais uma informação sobre o erro.";
    let (status, _, body) = complement(server, &number, &cookie, late, Vec::new()).await;
    assert_eq!(status, 409);
    assert!(body.contains(late) && !body.contains("Enviar complemento"), "{body}");
}
on_both_databases!(the_citizen_complements_an_open_request);

async fn complements_are_limited_per_request(server: &TestServer) {
    let number = open_request(server, CPF_A).await;
    let cookie = session(server, CPF_A, &number).await;
    for i in 0..PER_REQUEST_PER_DAY {
        let text = format!("Complemento número {i} com detalhes.");
        assert_eq!(complement(server, &number, &cookie, &text, Vec::new()).await.0, 303, "complement {i}");
    }
    let (status, _, body) = complement(server, &number, &cookie, "Mais um complemento, o excedente.", Vec::new()).await;
    assert_eq!(status, 429);
    assert!(body.contains("número máximo de complementos") && body.contains("o excedente"), "{body}");
}
on_both_databases!(complements_are_limited_per_request);

/// A canned reply fills the composer only (never a final answer by itself), with its
/// placeholders filled in.
async fn a_canned_reply_fills_only_the_composer(server: &TestServer) {
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    use server::db::entities::{canned_reply, system};
    let number = open_request(server, CPF_A).await;
    let cnes = system::Entity::find()
        .filter(system::Column::Slug.eq("cnes"))
        .one(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no cnes"));
    let canned = canned_reply::ActiveModel {
        system_id: Set(cnes.id),
        title: Set("Versão".to_owned()),
        body: Set("Olá, {nome}! Sobre a solicitação {numero} do {sistema}: qual a versão?".to_owned()),
        ..Default::default()
    }
    .insert(&server.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    create_agent(server, "ana@saude.gov.br", "Ana", 1, &["cnes"]).await;
    let ana = sign_in(server, "ana@saude.gov.br").await;
    let path = format!("/atendimento/solicitacoes/{number}?modelo={}", canned.id);
    let (status, _, page) = page_as(server, &path, &ana).await;
    assert_eq!(status, 200);
    let filled = format!("Olá, Maria! Sobre a solicitação {number} do CNES: qual a versão?");
    assert_eq!(page.matches("<textarea").count(), 1, "one composer");
    assert!(page.contains(&format!("{filled}</textarea>")), "{page}");
    assert!(page.contains("value=\"responder\" checked"), "as a reply: {page}");
    assert_eq!(stored(server, &number).await.status, "recebido", "nothing is sent by choosing it");
}
on_both_databases!(a_canned_reply_fills_only_the_composer);
