//! Who may see what after opening a request (issue 12, items 1 and 3): a lookup's session
//! covers its one request, an e-mail link's every request of one person (same CPF and
//! same e-mail), "Nova pesquisa" ends it, and failed lookups of a CPF hold its on-screen
//! results back without locking its owner out (a match then gets its link by e-mail).

mod common;

use app::api::follow::{LookupOutcome, NO_MATCH};
use common::follow::{
    answer, finalize, lookup, lookup_with, mail_link_path, open_as, page_with, session, session_from_link, stored,
    CPF_A, CPF_B,
};
use common::opening::{open_request, png, solved_captcha};
use common::TestServer;
use server::services::lookup::SENT_BY_MAIL;

const VICTIM: &str = "vitima@saude.gov.br";
const ATTACKER: &str = "atacante@exemplo.com";

/// Asks, from `cookie`'s session, for the whole list by e-mail; the session a link in
/// that e-mail starts.
async fn whole_list_by_mail(server: &TestServer, cookie: &str, anchor: &str) -> String {
    let (status, location, _) = common::console::post_as(server, "/acompanhar/lista-por-email", cookie, &[]).await;
    assert_eq!((status, location.as_str()), (303, "/acompanhar?lista=enviada"));
    let (status, body) = page_with(server, "/acompanhar?lista=enviada", cookie).await;
    assert_eq!(status, 200);
    assert!(body.contains("Enviamos um link para o e-mail informado na abertura"), "{body}");
    let (status, from_link) =
        session_from_link(server, &mail_link_path(server, anchor, &["Este link abre"]).await).await;
    assert_eq!(status, 200);
    from_link
}

/// Issue 12, item 1: someone who knows a victim's CPF (and even their e-mail address)
/// opens a request with them, gets its number on screen and looks it up. Their session
/// covers that one request: not the victim's others in the list, nor their history,
/// attachments or answers. The whole list goes only to the mailbox, by e-mail.
async fn a_known_cpf_does_not_unlock_another_persons_requests(server: &TestServer) {
    let victim = open_as(server, CPF_A, VICTIM, vec![("tela.png".into(), png(40, 30))]).await;
    let victims_second = open_as(server, CPF_A, "Vitima@saude.gov.br", Vec::new()).await;
    finalize(server, &victim, "Resposta só para a vítima.").await;
    let with_own_address = open_as(server, CPF_A, ATTACKER, Vec::new()).await;
    let with_victims_address = open_as(server, CPF_A, VICTIM, Vec::new()).await;

    for (anchor, intruder) in [
        (&with_own_address, session(server, CPF_A, &with_own_address).await),
        (&with_victims_address, session(server, CPF_A, &with_victims_address).await),
    ] {
        let (status, list) = page_with(server, "/acompanhar", &intruder).await;
        assert_eq!(status, 200);
        assert!(list.contains(anchor.as_str()), "their own request is listed");
        assert!(!list.contains(&victim) && !list.contains(&victims_second), "the victim's requests are not listed");
        assert!(list.contains("Receber a lista por e-mail"));
        let (status, history) = page_with(server, &format!("/acompanhar/{victim}"), &intruder).await;
        assert_eq!(status, 404);
        assert!(!history.contains("Resposta só para a vítima."));
        let (status, _, _) = answer(server, &victim, &intruder, &[("acao", "fechar")]).await;
        assert_eq!(status, 404, "no answer on the victim's request");
        assert!(stored(server, &victim).await.closed_at.is_none());
    }

    // The owner: a lookup shows the one request; the link e-mailed to their address opens
    // all of theirs (the address compared without case) and their file; a lookup session
    // does not reach the file of another request.
    let owner = session(server, CPF_A, &victims_second).await;
    let (_, list) = page_with(server, "/acompanhar", &owner).await;
    assert!(list.contains(&victims_second) && !list.contains(&victim));
    assert_eq!(page_with(server, &format!("/acompanhar/{victim}"), &owner).await.0, 404);
    let whole = whole_list_by_mail(server, &owner, &victims_second).await;
    let (_, list) = page_with(server, "/acompanhar", &whole).await;
    assert!(list.contains(&victim) && list.contains(&victims_second) && list.contains(&with_victims_address));
    assert!(!list.contains(&with_own_address), "another address is another person");
    assert!(!list.contains("Receber a lista por e-mail"));
    let (status, history) = page_with(server, &format!("/acompanhar/{victim}"), &whole).await;
    assert_eq!(status, 200);
    let start = history.find(&format!("/acompanhar/{victim}/anexos/")).unwrap_or_else(|| panic!("no attachment link"));
    let file: String = history[start..].chars().take_while(|c| *c != '"').collect();
    assert_eq!(page_with(server, &file, &whole).await.0, 200);
    assert_eq!(page_with(server, &file, &owner).await.0, 404);

    // An e-mail link of another address's request opens nothing of the victim's.
    finalize(server, &with_own_address, "Resposta ao atacante.").await;
    let (_, from_link) = session_from_link(server, &mail_link_path(server, &with_own_address, &[]).await).await;
    assert_eq!(page_with(server, &format!("/acompanhar/{with_own_address}"), &from_link).await.0, 200);
    assert_eq!(page_with(server, &format!("/acompanhar/{victim}"), &from_link).await.0, 404);
}
on_both_databases!(a_known_cpf_does_not_unlock_another_persons_requests);

/// "Nova pesquisa" ends the follow-up session: the cookie is cleared and the list is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nova_pesquisa_ends_the_session() {
    let server = TestServer::sqlite().await;
    let number = open_request(&server, CPF_A).await;
    let cookie = session(&server, CPF_A, &number).await;
    let response = server
        .client
        .post(format!("{}/acompanhar/sair", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 303);
    let cleared = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let (_, body) = page_with(&server, "/acompanhar", "").await;
    assert!(!body.contains(&number) && body.contains("Pesquisar"));
    server.finish().await;
}

fn refused_with(outcome: &LookupOutcome, text: &str) -> bool {
    matches!(outcome, LookupOutcome::Refused { message } if message == text)
}

/// Issue 12, item 3: 21 lookups of a victim's CPF used to refuse the victim's own lookup
/// for an hour. Only failures count now; once a CPF has too many, the screen says the same
/// thing whether the pair matches or not, and a match gets an access link by e-mail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_lookups_of_a_cpf_do_not_lock_its_owner_out() {
    let server = TestServer::sqlite_with(|raw| raw.lookup_rate_per_cpf = "3".into()).await;
    let mine = open_as(&server, CPF_A, VICTIM, Vec::new()).await;
    // The owner's own lookups are not failures.
    for _ in 0..4 {
        assert!(matches!(lookup(&server, CPF_A, &mine).await.0, LookupOutcome::Found { .. }));
    }
    // Someone guesses numbers for this CPF.
    for guess in ["202600000900", "202600000901", "202600000902"] {
        assert!(refused_with(&lookup(&server, CPF_A, guess).await.0, NO_MATCH));
    }
    // From now on a guess learns nothing: the same answer for a miss and a match.
    assert!(refused_with(&lookup(&server, CPF_A, "202600000903").await.0, SENT_BY_MAIL));
    let (outcome, cookie) = lookup(&server, CPF_A, &mine).await;
    assert!(refused_with(&outcome, SENT_BY_MAIL), "{outcome:?}");
    assert!(cookie.is_none(), "no session on screen");
    // The owner gets in through their mailbox.
    let path = mail_link_path(&server, &mine, &["Este link abre"]).await;
    let (status, from_link) = session_from_link(&server, &path).await;
    assert_eq!(status, 200);
    assert_eq!(page_with(&server, &format!("/acompanhar/{mine}"), &from_link).await.0, 200);
    // Another CPF is not held back.
    let other = open_request(&server, CPF_B).await;
    assert!(matches!(lookup(&server, CPF_B, &other).await.0, LookupOutcome::Found { .. }));
    server.finish().await;
}

/// A replayed captcha is refused as such and does not count as a failure of the CPF.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_captchas_do_not_count_as_failures() {
    let server = TestServer::sqlite_with(|raw| raw.lookup_rate_per_cpf = "2".into()).await;
    let number = open_request(&server, CPF_A).await;
    let spent = solved_captcha(&server).await;
    assert!(refused_with(&lookup_with(&server, CPF_A, "202600000900", &spent).await.0, NO_MATCH));
    for _ in 0..5 {
        match lookup_with(&server, CPF_A, "202600000900", &spent).await.0 {
            LookupOutcome::Invalid { errors } => assert_eq!(errors[0].0.id(), "captcha"),
            other => panic!("a replay must be refused as such: {other:?}"),
        }
    }
    assert!(matches!(lookup(&server, CPF_A, &number).await.0, LookupOutcome::Found { .. }), "one failure so far");
    assert!(refused_with(&lookup(&server, CPF_A, "202600000901").await.0, NO_MATCH));
    assert!(refused_with(&lookup(&server, CPF_A, &number).await.0, SENT_BY_MAIL), "two failures: held back");
    server.finish().await;
}

/// The per-address limit counts every lookup, whatever the CPF.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_are_limited_per_address() {
    let server = TestServer::sqlite_with(|raw| raw.lookup_rate_per_ip = "3".into()).await;
    let number = open_request(&server, CPF_A).await;
    for _ in 0..2 {
        assert!(matches!(lookup(&server, CPF_A, &number).await.0, LookupOutcome::Found { .. }));
    }
    assert!(refused_with(&lookup(&server, CPF_B, &number).await.0, NO_MATCH));
    match lookup(&server, CPF_A, &number).await.0 {
        LookupOutcome::Refused { message } => assert!(message.contains("desta conexão"), "{message}"),
        other => panic!("the address is over its limit: {other:?}"),
    }
    server.finish().await;
}
