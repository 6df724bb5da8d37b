//! The conversation between the support team and the citizen (issue 14): an agent's
//! public reply reaches the citizen by e-mail, with a link that opens the history, and
//! puts a new or reopened request "Em análise"; an internal note e-mails nobody.

mod common;

use common::console::{act, create_agent, sign_in};
use common::follow::{answer, finalize, mail_link_path, page_with, session, session_from_link, stored, CPF_A};
use common::opening::{mail_text, open_request};
use common::TestServer;

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
    finalize(server, &number, "Atualize para a versao 7.") .await;
    let cookie = session(server, CPF_A, &number).await;
    let (status, _, _) = answer(server, &number, &cookie, &[("acao", "reabrir"), ("motivo", "Ainda não funciona.")]).await;
    assert_eq!(status, 303);
    assert_eq!(stored(server, &number).await.status, "reaberto");
    let (status, _, _) = act(server, &number, &ana, &[("acao", "responder"), ("texto", "Pode enviar a tela do erro?")]).await;
    assert_eq!(status, 303);
    assert_eq!(stored(server, &number).await.status, "em_analise");
    mail_link_path(server, &number, &["Pode enviar a tela do erro?"]).await;
}
on_both_databases!(a_reply_reaches_the_citizen);
