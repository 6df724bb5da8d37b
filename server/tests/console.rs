//! The support team's console over HTTP: sign-in and its sessions (fixation, sign-out,
//! brute-force delays, login CSRF), the authorization matrix of every console page and
//! action, CSRF on every post, the queue's scope, the actions on a request
//! (claim, internal note, escalate, finalize, assign), optimistic versioning, the audit
//! log, and escaping of what agents and citizens write.

mod common;

use common::console::{act, create_agent, hidden, page_as, post_as, sign_in, sign_in_with, PASSWORD};
use common::opening::{open_request, open_request_with, png};
use common::TestServer;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use server::db::entities::{agent_session, audit_entry, outbox_message, request, request_event, sign_in_throttle};
use server::services::agents::SIGN_IN_REFUSED;

const CPF: &str = "529.982.247-25";

async fn stored(server: &TestServer, number: &str) -> request::Model {
    server.stored_request(number).await
}

async fn audit_actions(server: &TestServer, request_id: i32) -> Vec<String> {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::RequestId.eq(request_id))
        .order_by_asc(audit_entry::Column::Id)
        .all(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|e| e.action)
        .collect()
}

fn escape_quote(text: &str) -> String {
    text.replace('"', "&quot;")
}

/// Sign-in: one message for every refusal, a new session id at every sign-in (a cookie
/// planted before is never adopted), the cookie's attributes, sign-out ending the
/// session server-side, and the form's own token (login CSRF).
async fn signing_in_and_out(server: &TestServer) {
    create_agent(server, "ana@saude.gov.br", "Ana Souza", 1, &["cnes"]).await;

    let (status, cookie, body) = sign_in_with(server, "ana@saude.gov.br", "senha errada de propósito", None).await;
    assert_eq!((status, cookie), (422, None));
    assert!(body.contains(&escape_quote(SIGN_IN_REFUSED)) || body.contains(SIGN_IN_REFUSED), "{body}");
    assert!(body.contains("value=\"ana@saude.gov.br\""), "the e-mail typed is kept");
    let (status, _, unknown) = sign_in_with(server, "ninguem@saude.gov.br", PASSWORD, None).await;
    assert_eq!(status, 422, "an unknown e-mail is answered like a wrong password");
    assert!(unknown.contains(SIGN_IN_REFUSED) || unknown.contains(&escape_quote(SIGN_IN_REFUSED)));

    // A session id planted by someone else is not adopted: a fresh one is issued.
    let planted = "wa_agente=planted-by-an-attacker-0000000000000000000000";
    let (status, cookie, _) = sign_in_with(server, "Ana@Saude.gov.br", PASSWORD, Some(planted)).await;
    assert_eq!(status, 303, "the e-mail is case-insensitive");
    let cookie = cookie.unwrap_or_else(|| panic!("no session cookie"));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), "{cookie}");
    let session = common::console::pair(&cookie);
    assert_ne!(session, planted);
    assert_eq!(page_as(server, "/atendimento", planted).await.0, 303, "the planted id opens nothing");
    let second = sign_in(server, "ana@saude.gov.br").await;
    assert_ne!(second, session, "every sign-in gets a new id");

    let (status, _, queue) = page_as(server, "/atendimento", &session).await;
    assert_eq!(status, 200);
    assert!(queue.contains("Ana Souza") && queue.contains("Fila de atendimento"));
    let (status, location, _) = page_as(server, "/atendimento", "").await;
    assert_eq!((status, location.as_str()), (303, "/atendimento/entrar"), "no session: to the sign-in page");

    // Sign-out needs the session's CSRF token, and ends the session in the database.
    let (status, _, _) = post_as(server, "/atendimento/sair", &session, &[("csrf", "wrong")]).await;
    assert_eq!(status, 403);
    let csrf = hidden(&queue, "csrf");
    let (status, location, _) = post_as(server, "/atendimento/sair", &session, &[("csrf", &csrf)]).await;
    assert_eq!((status, location.as_str()), (303, "/atendimento/entrar"));
    assert_eq!(page_as(server, "/atendimento", &session).await.0, 303, "a signed-out cookie opens nothing");
    assert_eq!(page_as(server, "/atendimento", &second).await.0, 200, "other sessions go on");
    let sessions = agent_session::Entity::find().count(&server.db).await.unwrap_or_default();
    assert_eq!(sessions, 1);

    // A sign-in post without the form's own token (another site's form) is refused.
    let response = server
        .client
        .post(format!("{}/atendimento/entrar", server.base))
        .form(&[("token", "x"), ("email", "ana@saude.gov.br"), ("senha", PASSWORD)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 422);
    assert!(common::console::set_cookie(&response, "wa_agente").is_none());
    let response = server
        .client
        .post(format!("{}/atendimento/entrar", server.base))
        .header("origin", "https://evil.example")
        .form(&[("token", "x"), ("email", "ana@saude.gov.br"), ("senha", PASSWORD)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 403);
}
on_both_databases!(signing_in_and_out);

/// After five failures for an account from one address (or from an address), tries wait,
/// growing; the answer is the same whether the e-mail exists or not; success clears the
/// count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_delay_further_tries() {
    let server = TestServer::sqlite().await;
    create_agent(&server, "bia@saude.gov.br", "Bia Lima", 1, &["cnes"]).await;
    for _ in 0..5 {
        assert_eq!(sign_in_with(&server, "bia@saude.gov.br", "senha errada de propósito", None).await.0, 422);
    }
    let (status, cookie, body) = sign_in_with(&server, "bia@saude.gov.br", PASSWORD, None).await;
    assert_eq!((status, cookie), (429, None), "even the right password waits now");
    assert!(body.contains(SIGN_IN_REFUSED) || body.contains(&escape_quote(SIGN_IN_REFUSED)));
    let (status, _, unknown) = sign_in_with(&server, "nao.existe@saude.gov.br", PASSWORD, None).await;
    assert_eq!(status, 429, "the address waits too, whatever the e-mail");
    assert!(unknown.contains(SIGN_IN_REFUSED) || unknown.contains(&escape_quote(SIGN_IN_REFUSED)), "{unknown}");
    let rows = sign_in_throttle::Entity::find().all(&server.db).await.unwrap_or_default();
    assert_eq!(
        rows.len(),
        3,
        "the account, the account from this address, and the address (the delayed try counted nothing)"
    );
    assert!(rows.iter().all(|r| !r.key.contains("bia@")), "no e-mail in clear: {rows:?}");
    let address = rows.iter().find(|r| r.key.starts_with("ip:")).unwrap_or_else(|| panic!("no address row"));
    assert_eq!(address.failures, 5);

    // Once the delay has passed, the right password works and clears the count.
    server
        .db
        .execute_unprepared("UPDATE sign_in_throttles SET locked_until = '2000-01-01T00:00:00+00:00'")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (status, cookie, _) = sign_in_with(&server, "bia@saude.gov.br", PASSWORD, None).await;
    assert_eq!(status, 303);
    assert!(cookie.is_some());
    // Success clears the account-from-this-address count; the address and the account
    // overall only get this one try back.
    let mut left: Vec<(String, i32)> = sign_in_throttle::Entity::find()
        .all(&server.db)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|row| (row.key.split(':').next().unwrap_or_default().to_owned(), row.failures))
        .collect();
    left.sort();
    assert_eq!(left, [("conta".to_owned(), 5), ("ip".to_owned(), 5)]);
    server.finish().await;
}

/// Simultaneous wrong tries cannot all slip past the count: at most five are checked
/// before the delay starts, however many arrive at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_tries_are_all_counted() {
    let server = TestServer::sqlite().await;
    create_agent(&server, "dani@saude.gov.br", "Dani", 1, &["cnes"]).await;
    let tries: Vec<_> =
        (0..12).map(|_| sign_in_with(&server, "dani@saude.gov.br", "senha errada de propósito", None)).collect();
    let statuses: Vec<u16> = futures::future::join_all(tries).await.into_iter().map(|(status, _, _)| status).collect();
    let checked = statuses.iter().filter(|s| **s == 422).count();
    let delayed = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, delayed), (5, 7), "{statuses:?}");
    server.finish().await;
}

/// Every console page and action, as anonymous, as an agent of another system, and as
/// an agent of another level: refused, and nothing changes.
async fn the_authorization_matrix_holds(server: &TestServer) {
    let number = open_request(server, CPF).await;
    create_agent(server, "n1@saude.gov.br", "Nina Nível Um", 1, &["cnes"]).await;
    create_agent(server, "saps@saude.gov.br", "Sara SAPS", 1, &["saps"]).await;
    create_agent(server, "n2@saude.gov.br", "Nilo Nível Dois", 2, &["cnes"]).await;
    let owner = sign_in(server, "n1@saude.gov.br").await;
    let other_system = sign_in(server, "saps@saude.gov.br").await;
    let other_level = sign_in(server, "n2@saude.gov.br").await;
    let path = format!("/atendimento/solicitacoes/{number}");
    let (status, _, page) = page_as(server, &path, &owner).await;
    assert_eq!(status, 200);
    let version = hidden(&page, "versao");
    let before = stored(server, &number).await;
    let colleague = create_agent(server, "n1b@saude.gov.br", "Otto Nível Um", 1, &["cnes"]).await.to_string();

    let actions: Vec<Vec<(&str, &str)>> = vec![
        vec![("acao", "responder"), ("texto", "Resposta indevida")],
        vec![("acao", "nota"), ("texto", "Nota indevida")],
        vec![("acao", "encaminhar"), ("nivel", "2"), ("texto", "Indevido")],
        vec![("acao", "finalizar"), ("texto", "Final indevido")],
        vec![("acao", "finalizar"), ("texto", "Final indevido"), ("confirmado", "sim")],
        vec![("acao", "assumir")],
        vec![("acao", "atribuir"), ("atendente", &colleague)],
        vec![("acao", "cpf")],
    ];
    for (who, cookie, expected) in
        [("anonymous", "", 303), ("other system", &other_system, 404), ("other level", &other_level, 404)]
    {
        let (status, location, body) = page_as(server, &path, cookie).await;
        assert_eq!(status, expected, "{who}: GET {path}");
        if expected == 303 {
            assert_eq!(location, "/atendimento/entrar");
        } else {
            // The same answer as for a number that does not exist.
            assert_eq!(page_as(server, "/atendimento/solicitacoes/202699999999", cookie).await.0, 404, "{who}");
            assert!(!body.contains("529.982") && !body.contains(".247-"), "{who} saw the CPF");
        }
        // Each form, with the agent's own valid CSRF token where there is a session.
        let csrf = if cookie.is_empty() {
            String::new()
        } else {
            hidden(&page_as(server, "/atendimento", cookie).await.2, "csrf")
        };
        for fields in &actions {
            let mut all = vec![("csrf", csrf.as_str()), ("versao", version.as_str())];
            all.extend_from_slice(fields);
            let (status, _, body) = post_as(server, &path, cookie, &all).await;
            assert_eq!(status, expected, "{who}: {fields:?}: {body}");
            assert!(!body.contains("529.982.247-25"), "{who}: {fields:?} revealed the CPF");
        }
        // The server functions behind the pages refuse too, with the refusal named.
        let (status, text) = server_function(server, cookie, &number).await;
        assert_eq!(status, 500, "{who}: server function: {text}");
        let refusal = if expected == 303 { "SignInRequired" } else { "NotFound" };
        assert!(text.contains(refusal), "{who}: {text}");
        assert!(!text.contains(".247-") && !text.contains("Maria"), "{who}: {text}");
        // The attachment route refuses likewise (no such file needed to be refused first).
        let (status, _, _) = page_as(server, &format!("{path}/anexos/00000000000000000000000000000000"), cookie).await;
        assert_eq!(status, expected, "{who}: attachment");
        // The queue shows nothing of it.
        if !cookie.is_empty() {
            let (_, _, queue) = page_as(server, "/atendimento", cookie).await;
            assert!(!queue.contains(&number), "{who} sees the request in the queue");
        }
    }
    let after = stored(server, &number).await;
    assert_eq!((after.version, after.assignee_id, after.level), (before.version, before.assignee_id, before.level));
    let events = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(before.id))
        .count(&server.db)
        .await
        .unwrap_or_default();
    assert_eq!(events, 1, "only the opening");
    let (_, _, queue) = page_as(server, "/atendimento", &owner).await;
    assert!(queue.contains(&number), "the right agent sees it in the queue");
    // The same server function answers the right agent, with the CPF masked: called
    // directly it never reveals it (only the checked form post does).
    let (status, text) = server_function(server, &owner, &number).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains(&number) && text.contains("***.982.247-**") && !text.contains("529.982.247-25"), "{text}");
    let reveals = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("revelou_cpf"))
        .count(&server.db)
        .await
        .unwrap_or_default();
    assert_eq!(reveals, 0, "no refused or direct call revealed the CPF");
}

/// `POST /api/atendimento/solicitacao` as the page's server function is called over HTTP.
async fn server_function(server: &TestServer, cookie: &str, number: &str) -> (u16, String) {
    let response = server
        .client
        .post(format!("{}/api/atendimento/solicitacao", server.base))
        .header("cookie", cookie)
        .form(&[("number", number), ("reveal_cpf", "true")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}
on_both_databases!(the_authorization_matrix_holds);

/// Every post needs the session's own CSRF token and a same-origin `Origin`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_post_checks_the_csrf_token_and_origin() {
    let server = TestServer::sqlite().await;
    let number = open_request(&server, CPF).await;
    create_agent(&server, "c1@saude.gov.br", "Caio", 1, &["cnes"]).await;
    create_agent(&server, "c2@saude.gov.br", "Célia", 1, &["cnes"]).await;
    let caio = sign_in(&server, "c1@saude.gov.br").await;
    let celia = sign_in(&server, "c2@saude.gov.br").await;
    let path = format!("/atendimento/solicitacoes/{number}");
    let (_, _, page) = page_as(&server, &path, &caio).await;
    let version = hidden(&page, "versao");
    let celia_csrf = hidden(&page_as(&server, "/atendimento", &celia).await.2, "csrf");
    for csrf in ["", "0000", celia_csrf.as_str()] {
        for post in [
            vec![("csrf", csrf), ("versao", version.as_str()), ("acao", "nota"), ("texto", "Nota forjada")],
            vec![("csrf", csrf), ("versao", version.as_str()), ("acao", "cpf")],
        ] {
            assert_eq!(post_as(&server, &path, &caio, &post).await.0, 403, "csrf {csrf:?}");
        }
        assert_eq!(post_as(&server, "/atendimento/sair", &caio, &[("csrf", csrf)]).await.0, 403);
        let fields =
            [("csrf", csrf), ("atual", PASSWORD), ("nova", "outra frase longa"), ("confirmacao", "outra frase longa")];
        assert_eq!(post_as(&server, "/atendimento/senha", &caio, &fields).await.0, 403);
    }
    let csrf = hidden(&page, "csrf");
    let response = server
        .client
        .post(format!("{}{path}", server.base))
        .header("cookie", &caio)
        .header("origin", "https://evil.example")
        .form(&[("csrf", csrf.as_str()), ("versao", version.as_str()), ("acao", "nota"), ("texto", "Nota forjada")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 403);
    let row = stored(&server, &number).await;
    assert_eq!(row.version, 1, "nothing was recorded");
    server.finish().await;
}

/// The whole path of a request through the console, with the audit log of each step.
async fn agents_work_a_request_through_the_console(server: &TestServer) {
    let number = open_request_with(server, CPF, vec![("tela.png".into(), png(16, 16))]).await;
    create_agent(server, "l1@saude.gov.br", "Lia Nível Um", 1, &["cnes"]).await;
    let helper = create_agent(server, "l1b@saude.gov.br", "Hugo Nível Um", 1, &["cnes"]).await;
    create_agent(server, "l2@saude.gov.br", "Léo Nível Dois", 2, &["cnes"]).await;
    let lia = sign_in(server, "l1@saude.gov.br").await;
    let leo = sign_in(server, "l2@saude.gov.br").await;
    let path = format!("/atendimento/solicitacoes/{number}");

    let (status, _, page) = page_as(server, &path, &lia).await;
    assert_eq!(status, 200);
    for text in [
        &format!("Solicitação nº {number}"),
        "***.982.247-**",
        "Dados do solicitante",
        "Abertura - CNES - Nível 01",
        "Ninguém assumiu esta solicitação.",
        "Resposta pronta",
        "Desbloqueio de usuário",
        "Hugo Nível Um",
    ] {
        assert!(page.contains(text), "the request page lacks {text:?}");
    }
    assert!(!page.contains("529.982.247-25"), "the CPF is masked until asked");
    // The file: served to the agent, its opening audited once; its preview on the page is part
    // of the page's audited reading, not a row of its own.
    let file = page
        .split("/atendimento/solicitacoes/")
        .find_map(|rest| rest.split('"').next().filter(|url| url.contains("/anexos/") && !url.ends_with("/previa")))
        .map(|url| format!("/atendimento/solicitacoes/{url}"))
        .unwrap_or_else(|| panic!("no attachment link in the page"));
    for url in [format!("{file}/previa"), file.clone()] {
        let response = server
            .client
            .get(format!("{}{url}", server.base))
            .header("cookie", &lia)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status().as_u16(), 200, "{url}");
        assert_eq!(response.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("image/png"));
    }
    assert_eq!(page_as(server, &file, "").await.0, 303, "not without a session");

    // Revealing the CPF shows it and is audited.
    let (status, _, revealed) = act(server, &number, &lia, &[("acao", "cpf")]).await;
    assert_eq!(status, 200);
    assert!(revealed.contains("529.982.247-25"));

    let (status, location, _) = act(server, &number, &lia, &[("acao", "assumir")]).await;
    assert_eq!((status, location), (303, format!("{path}?ok=assumida")));
    let (_, _, page) = page_as(server, &format!("{path}?ok=assumida"), &lia).await;
    assert!(page.contains("Você assumiu esta solicitação.") && page.contains("Você (Lia Nível Um)"));
    let (_, _, queue) = page_as(server, "/atendimento", &lia).await;
    assert!(queue.contains("Lia Nível Um"), "the queue shows who holds it");

    let (status, _, _) = act(server, &number, &lia, &[("acao", "atribuir"), ("atendente", &helper.to_string())]).await;
    assert_eq!(status, 303);
    assert_eq!(stored(server, &number).await.assignee_id, Some(helper));
    let (status, _, refused) = act(server, &number, &lia, &[("acao", "atribuir"), ("atendente", "999999")]).await;
    assert_eq!(status, 422);
    assert!(refused.contains("Este atendente não atende o sistema e o nível desta solicitação."));

    let (status, _, _) =
        act(server, &number, &lia, &[("acao", "nota"), ("texto", "Verificar com o DATASUS antes.")]).await;
    assert_eq!(status, 303);
    let (_, _, page) = page_as(server, &path, &lia).await;
    assert!(page.contains("Nota interna — o cidadão não vê") && page.contains("Verificar com o DATASUS antes."));
    assert!(page.contains("por Lia Nível Um"), "the console shows who wrote it");

    // An empty answer is refused beside its field; the status does not move.
    let (status, _, refused) = act(server, &number, &lia, &[("acao", "finalizar"), ("texto", "   ")]).await;
    assert_eq!(status, 422);
    assert!(refused.contains("Escreva o texto.") && refused.contains("aria-invalid=\"true\""));

    let (status, location, _) =
        act(server, &number, &lia, &[("acao", "encaminhar"), ("nivel", "2"), ("texto", "Precisa de acesso à base.")])
            .await;
    assert_eq!((status, location), (303, format!("/atendimento?ok=encaminhada&numero={number}")));
    let row = stored(server, &number).await;
    assert_eq!((row.level, row.status.as_str(), row.assignee_id), (2, "em_analise", None));
    assert_eq!(page_as(server, &path, &lia).await.0, 404, "level 1 no longer handles it");
    let (_, _, queue) = page_as(server, "/atendimento", &leo).await;
    assert!(queue.contains(&number) && queue.contains("Em análise"));

    // Finalizing asks first: the final text is shown, nothing is sent; "Voltar e editar"
    // brings the text back to the composer; "Confirmar e finalizar" finalizes.
    let final_text = "Base corrigida; transmita de novo.";
    let (status, _, confirm) = act(server, &number, &leo, &[("acao", "finalizar"), ("texto", final_text)]).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("Confirmar a finalização") && confirm.contains(final_text), "{confirm}");
    assert_eq!(stored(server, &number).await.status, "em_analise", "nothing finalized before the confirmation");
    let back = [("acao", "finalizar"), ("texto", final_text), ("editar", "sim")];
    let (status, _, edit) = act(server, &number, &leo, &back).await;
    assert_eq!(status, 200);
    assert!(edit.contains(&format!("{final_text}</textarea>")) && edit.contains("Edite a resposta final"), "{edit}");
    let confirmed = [("acao", "finalizar"), ("texto", final_text), ("confirmado", "sim")];
    let (status, _, _) = act(server, &number, &leo, &confirmed).await;
    assert_eq!(status, 303);
    let row = stored(server, &number).await;
    assert_eq!(row.status, "finalizado");
    assert!(row.accept_due_at.is_some());
    let mails = outbox_message::Entity::find()
        .filter(outbox_message::Column::RequestId.eq(row.id))
        .filter(outbox_message::Column::Kind.eq("request_finalized"))
        .count(&server.db)
        .await
        .unwrap_or_default();
    assert_eq!(mails, 1, "the finalized e-mail is queued with the step");

    let events = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(row.id))
        .order_by_asc(request_event::Column::Id)
        .all(&server.db)
        .await
        .unwrap_or_default();
    let kinds: Vec<(&str, bool)> = events.iter().map(|e| (e.kind.as_str(), e.public)).collect();
    assert_eq!(
        kinds,
        [
            ("abertura", true),
            ("nota_interna", false),
            ("nota_interna", false),
            ("escalonamento", true),
            ("finalizacao", true)
        ]
    );
    assert!(events[2].body.contains("Precisa de acesso à base."), "the reason is an internal note");
    let actions = audit_actions(server, row.id).await;
    let changes: Vec<&str> = actions.iter().map(String::as_str).filter(|a| *a != "visualizou").collect();
    assert_eq!(
        changes,
        ["baixou_anexo", "revelou_cpf", "assumiu", "atribuiu", "nota_interna", "encaminhou", "finalizou"]
    );
    assert!(actions.iter().filter(|a| *a == "visualizou").count() >= 10, "each reading of the page: {actions:?}");
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::RequestId.eq(row.id))
        .all(&server.db)
        .await
        .unwrap_or_default();
    assert!(audited.iter().all(|e| e.agent_id.is_some() && e.ip.as_deref() == Some("127.0.0.1")));
}
on_both_databases!(agents_work_a_request_through_the_console);

/// Two agents on one request: the second to act on what they saw gets a clear conflict
/// and keeps the text; nothing is overwritten.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_of_two_simultaneous_agents_gets_a_conflict() {
    let server = TestServer::sqlite().await;
    let number = open_request(&server, CPF).await;
    create_agent(&server, "p1@saude.gov.br", "Paulo", 1, &["cnes"]).await;
    create_agent(&server, "p2@saude.gov.br", "Rita", 1, &["cnes"]).await;
    let paulo = sign_in(&server, "p1@saude.gov.br").await;
    let rita = sign_in(&server, "p2@saude.gov.br").await;
    let path = format!("/atendimento/solicitacoes/{number}");
    let (_, _, paulo_page) = page_as(&server, &path, &paulo).await;
    let (_, _, rita_page) = page_as(&server, &path, &rita).await;
    let form = |page: &str, text: &'static str| (hidden(page, "csrf"), hidden(page, "versao"), text);
    let (csrf, version, text) = form(&paulo_page, "Resposta do Paulo.");
    let fields = [("csrf", csrf.as_str()), ("versao", version.as_str()), ("acao", "responder"), ("texto", text)];
    assert_eq!(post_as(&server, &path, &paulo, &fields).await.0, 303);
    let (csrf, version, text) = form(&rita_page, "Resposta da Rita, escrita ao mesmo tempo.");
    let fields = [
        ("csrf", csrf.as_str()),
        ("versao", version.as_str()),
        ("acao", "finalizar"),
        ("texto", text),
        ("confirmado", "sim"),
    ];
    let (status, _, body) = post_as(&server, &path, &rita, &fields).await;
    assert_eq!(status, 409);
    assert!(body.contains("Outra pessoa alterou esta solicitação enquanto você escrevia."), "{body}");
    assert!(body.contains("Resposta da Rita, escrita ao mesmo tempo."), "the text is kept");
    assert!(body.contains("Resposta do Paulo."), "the page shows what changed");
    let row = stored(&server, &number).await;
    assert_eq!((row.status.as_str(), row.version), ("em_analise", 2));

    // Truly at once, on the same version: exactly one gets through.
    let (_, _, paulo_page) = page_as(&server, &path, &paulo).await;
    let (_, _, rita_page) = page_as(&server, &path, &rita).await;
    let (a, b) = (form(&paulo_page, "Outra resposta do Paulo."), form(&rita_page, "Outra resposta da Rita."));
    let paulo_fields = [("csrf", a.0.as_str()), ("versao", a.1.as_str()), ("acao", "responder"), ("texto", a.2)];
    let rita_fields = [("csrf", b.0.as_str()), ("versao", b.1.as_str()), ("acao", "nota"), ("texto", b.2)];
    let (first, second) =
        tokio::join!(post_as(&server, &path, &paulo, &paulo_fields), post_as(&server, &path, &rita, &rita_fields));
    let mut statuses = [first.0, second.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 409]);
    assert_eq!(stored(&server, &number).await.version, 3, "one change, not two");
    server.finish().await;
}

/// What citizens and agents write is escaped wherever the console shows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripts_in_notes_and_names_are_escaped() {
    let server = TestServer::sqlite().await;
    let number = open_request(&server, CPF).await;
    let evil = create_agent(&server, "x@saude.gov.br", "<img src=x onerror=alert(1)>", 1, &["cnes"]).await;
    create_agent(&server, "y@saude.gov.br", "Yara", 1, &["cnes"]).await;
    let yara = sign_in(&server, "y@saude.gov.br").await;
    let (status, _, _) =
        act(&server, &number, &yara, &[("acao", "nota"), ("texto", "<script>alert('nota')</script>")]).await;
    assert_eq!(status, 303);
    let (status, _, _) = act(&server, &number, &yara, &[("acao", "atribuir"), ("atendente", &evil.to_string())]).await;
    assert_eq!(status, 303);
    // The queue of everyone's requests (an agent's own opens on theirs and nobody's).
    for path in [format!("/atendimento/solicitacoes/{number}"), "/atendimento?responsavel=todas".to_owned()] {
        let (_, _, body) = page_as(&server, &path, &yara).await;
        assert!(!body.contains("<script>alert") && !body.contains("<img src=x"), "{path}: {body}");
        assert!(body.contains("&lt;img src=x onerror=alert(1)&gt;"), "{path}: the name is shown, escaped");
    }
    // A refused text comes back in its textarea without closing it.
    let long = format!("{}</textarea><b id=\"injetado\">x</b>", "a".repeat(10_001));
    let (status, _, body) = act(&server, &number, &yara, &[("acao", "responder"), ("texto", &long)]).await;
    assert_eq!(status, 422);
    assert!(!body.contains("<b id=\"injetado\">") && body.contains("&lt;/textarea>&lt;b id=\"injetado\">"));
    let (_, _, body) = page_as(&server, &format!("/atendimento/solicitacoes/{number}"), &yara).await;
    assert!(
        body.contains("&lt;script&gt;alert(&#x27;nota&#x27;)&lt;/script&gt;")
            || body.contains("&lt;script&gt;alert('nota')&lt;/script&gt;")
    );
    server.finish().await;
}

/// The queue: counts per status, filters, oldest first, and the business days waiting.
/// Changing the password: the current one is checked, the new one must follow the rule
/// and match its confirmation; other sessions end; the old password stops working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_change_their_password() {
    let server = TestServer::sqlite().await;
    create_agent(&server, "s@saude.gov.br", "Saulo", 1, &["cnes"]).await;
    let cookie = sign_in(&server, "s@saude.gov.br").await;
    let other = sign_in(&server, "s@saude.gov.br").await;
    let (_, _, page) = page_as(&server, "/atendimento/senha", &cookie).await;
    let csrf = hidden(&page, "csrf");
    let post = |current: &'static str, new: &'static str, confirmation: &'static str| {
        let csrf = csrf.clone();
        let server = &server;
        let cookie = cookie.clone();
        async move {
            post_as(
                server,
                "/atendimento/senha",
                &cookie,
                &[("csrf", &csrf), ("atual", current), ("nova", new), ("confirmacao", confirmation)],
            )
            .await
        }
    };
    let (status, _, body) = post("errada errada errada", "nova frase bem longa", "nova frase bem longa").await;
    assert_eq!(status, 422);
    assert!(body.contains("A senha atual não confere."));
    let (status, _, body) = post(PASSWORD, "curta", "curta").await;
    assert_eq!(status, 422);
    assert!(body.contains("A senha deve ter pelo menos 12 caracteres."));
    let (status, _, body) = post(PASSWORD, "nova frase bem longa", "outra frase longa").await;
    assert_eq!(status, 422);
    assert!(body.contains("A confirmação não é igual à nova senha."));
    let (status, location, _) = post(PASSWORD, "nova frase bem longa", "nova frase bem longa").await;
    assert_eq!((status, location.as_str()), (303, "/atendimento/senha?ok=senha"));
    assert_eq!(page_as(&server, "/atendimento", &cookie).await.0, 200, "this session goes on");
    assert_eq!(page_as(&server, "/atendimento", &other).await.0, 303, "other sessions end");
    assert_eq!(sign_in_with(&server, "s@saude.gov.br", PASSWORD, None).await.0, 422);
    assert_eq!(sign_in_with(&server, "s@saude.gov.br", "nova frase bem longa", None).await.0, 303);
    server.finish().await;
}
