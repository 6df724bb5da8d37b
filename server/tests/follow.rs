//! Following and closing a request over HTTP: the lookup and its session, the list and
//! the history a session may read, the citizen's answers through the state machine, the
//! "finalized" e-mail's links, attachments, and the acceptance job (two instances too).

mod common;

use app::api::follow::{LookupOutcome, NO_MATCH};
use app::domain::lifecycle::EventKind;
use common::follow::{
    answer, cookie_pair, finalize, lookup, lookup_with, page_with, protocol, session, stored, CPF_A, CPF_B,
};
use common::opening::{mail_file_with, open_request, solved_captcha, valid_fields, with};
use common::TestServer;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use server::db::entities::request_event;
use server::services::desk::By;

async fn events_of(server: &TestServer, number: &str, kind: EventKind) -> u64 {
    let id = stored(server, number).await.id;
    request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(id))
        .filter(request_event::Column::Kind.eq(kind.code()))
        .count(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn the_right_pair_opens_a_session_for_its_request(server: &TestServer) {
    let first = open_request(server, CPF_A).await;
    let second = open_request(server, CPF_A).await;
    let stranger = open_request(server, CPF_B).await;

    let (outcome, set_cookie) = lookup(server, CPF_A, &first).await;
    assert_eq!(outcome, LookupOutcome::Found { redirect: "/acompanhar".into() });
    let set_cookie = set_cookie.unwrap_or_else(|| panic!("no session cookie"));
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=1800"] {
        assert!(set_cookie.contains(attribute), "{attribute} missing: {set_cookie}");
    }
    assert!(!set_cookie.contains("52998224725"), "the CPF is not in the cookie");
    let cookie = cookie_pair(&set_cookie);

    let (status, body) = page_with(server, "/acompanhar", &cookie).await;
    assert_eq!(status, 200);
    assert!(body.contains(&first), "the request looked up is listed");
    assert!(!body.contains(&second), "the CPF's others come by e-mail (see follow_scope)");
    assert!(!body.contains(&stranger), "another CPF's request is not listed");
    assert!(body.contains("***.982.247-**"), "the CPF is masked");
    assert!(!body.contains("529.982.247-25") && !body.contains("52998224725"), "never the whole CPF");
    assert!(body.contains("Nova pesquisa") && body.contains("Recebido") && body.contains("Legenda"));
    for label in ["Recebido", "Em análise", "Finalizado", "Reaberto", "Avaliado"] {
        assert!(body.contains(label), "legend lacks {label}");
    }

    // Without a session, the same page is the lookup form.
    let (status, body) = server.page("/acompanhar").await;
    assert_eq!(status, 200);
    assert!(body.contains(">CPF</label>") && body.contains(">Nº da solicitação</label>") && body.contains("Pesquisar"));
    assert!(!body.contains(&first));
}
on_both_databases!(the_right_pair_opens_a_session_for_its_request);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mismatch_gets_the_same_answer() {
    let server = TestServer::sqlite().await;
    let mine = open_request(&server, CPF_A).await;
    let theirs = open_request(&server, CPF_B).await;
    let refused = LookupOutcome::Refused { message: NO_MATCH.into() };
    // A valid CPF that is not the owner's; a number nobody has; another CPF's number.
    assert_eq!(lookup(&server, "123.456.789-09", &mine).await, (refused.clone(), None));
    assert_eq!(lookup(&server, CPF_A, "202099999999").await, (refused.clone(), None));
    assert_eq!(lookup(&server, CPF_A, &theirs).await, (refused, None));

    // Malformed fields are told apart (nothing is looked up for them).
    let (outcome, cookie) = lookup(&server, "123.456.789-00", "12345").await;
    assert!(cookie.is_none());
    match outcome {
        LookupOutcome::Invalid { errors } => {
            let fields: Vec<_> = errors.iter().map(|(f, _)| f.id()).collect();
            assert_eq!(fields, ["cpf", "numero"], "{errors:?}");
        }
        other => panic!("expected field errors, got {other:?}"),
    }

    // A captcha buys one lookup.
    let captcha = solved_captcha(&server).await;
    assert!(matches!(lookup_with(&server, CPF_A, &mine, &captcha).await.0, LookupOutcome::Found { .. }));
    match lookup_with(&server, CPF_A, &mine, &captcha).await.0 {
        LookupOutcome::Invalid { errors } => assert_eq!(errors[0].0.id(), "captcha"),
        other => panic!("a spent captcha must be refused: {other:?}"),
    }
    // Another site cannot plant a session through the JSON twin either.
    let captcha = solved_captcha(&server).await;
    let response = server
        .client
        .post(format!("{}/api/acompanhar", server.base))
        .header("origin", "https://evil.test")
        .form(&[("cpf", CPF_A), ("numero", mine.as_str()), ("captcha", captcha.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(response.headers().get("set-cookie").is_none());
    assert!(response.text().await.unwrap_or_default().contains("Origem não permitida"));
    match lookup_with(&server, CPF_A, &mine, "forged").await.0 {
        LookupOutcome::Invalid { errors } => assert_eq!(errors[0].0.id(), "captcha"),
        other => panic!("a forged captcha must be refused: {other:?}"),
    }
    server.finish().await;
}

async fn the_history_shows_public_entries_to_the_owner_only(server: &TestServer) {
    let number = open_request(server, CPF_A).await;
    let other = open_request(server, CPF_B).await;
    let protocol = protocol(&number);
    server
        .desk
        .note(&By::operator(), &protocol, "Segredo interno: ver chamado 123 do fornecedor.", false)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    server
        .desk
        .note(&By::operator(), &protocol, "Estamos verificando o transmissor.", true)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    server
        .desk
        .escalate(&By::operator(), &protocol, 2, "Motivo reservado: precisa do nível 2.")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    finalize(server, &number, "Reinstale o transmissor na versão 5.2.").await;

    let cookie = session(server, CPF_A, &number).await;
    let (status, body) = page_with(server, &format!("/acompanhar/{number}"), &cookie).await;
    assert_eq!(status, 200);
    assert!(body.contains(&format!("Histórico da solicitação nº {number}")));
    for text in [
        "Abertura - CNES - Nível 01",
        "Resposta - CNES - Nível 01",
        "Encaminhamento - CNES - Nível 02",
        "Finalização - CNES - Nível 02",
        "Estamos verificando o transmissor.",
        "Reinstale o transmissor na versão 5.2.",
        "Criado em ",
        "Sua solicitação foi atendida?",
    ] {
        assert!(body.contains(text), "history lacks {text:?}");
    }
    assert!(!body.contains("Segredo interno"), "internal notes never reach the citizen");
    assert!(!body.contains("Motivo reservado"), "the escalation's reason is internal");
    assert!(!body.contains("Nota interna"));
    let opening = body.find("Abertura - CNES").unwrap_or(usize::MAX);
    let closing = body.find("Finalização - CNES").unwrap_or(0);
    assert!(opening < closing, "oldest first");

    // No session, another CPF's number, a forged session: the same 404.
    assert_eq!(server.page(&format!("/acompanhar/{number}")).await.0, 404);
    assert_eq!(page_with(server, &format!("/acompanhar/{other}"), &cookie).await.0, 404);
    let forged = cookie.replacen(&number, &other, 1);
    assert_eq!(page_with(server, &format!("/acompanhar/{other}"), &forged).await.0, 404);
    assert_eq!(page_with(server, "/acompanhar/202600000000", &cookie).await.0, 404);
}
on_both_databases!(the_history_shows_public_entries_to_the_owner_only);

async fn answers_go_through_the_state_machine(server: &TestServer) {
    let number = open_request(server, CPF_A).await;
    let cookie = session(server, CPF_A, &number).await;

    // Nothing to contest before the team finalizes.
    let (status, _, body) =
        answer(server, &number, &cookie, &[("acao", "reabrir"), ("motivo", "Ainda não funciona.")]).await;
    assert_eq!(status, 409);
    assert!(body.contains("ainda não foi finalizada"), "{status}");

    finalize(server, &number, "Reinstale o transmissor.").await;
    // Too short: the message beside the field, the text kept.
    let (status, _, body) = answer(server, &number, &cookie, &[("acao", "reabrir"), ("motivo", "curto")]).await;
    assert_eq!(status, 422);
    assert!(body.contains("pelo menos 10 caracteres") && body.contains(">curto</textarea>"), "{body}");
    // A kept text cannot close its textarea and inject markup (Leptos does not escape a
    // textarea's children: the page escapes them itself).
    let breakout = format!("{}</textarea><b id=\"injetado\">x</b>", "a".repeat(2_001));
    let (status, _, body) = answer(server, &number, &cookie, &[("acao", "reabrir"), ("motivo", &breakout)]).await;
    assert_eq!(status, 422);
    assert!(!body.contains("<b id=\"injetado\">") && body.contains("&lt;/textarea>&lt;b id=\"injetado\">"), "{body}");
    let (status, location, _) =
        answer(server, &number, &cookie, &[("acao", "reabrir"), ("motivo", "O transmissor continua sem enviar.")])
            .await;
    assert_eq!((status, location.as_str()), (303, format!("/acompanhar/{number}#resposta").as_str()));
    let row = stored(server, &number).await;
    assert_eq!((row.status.as_str(), row.level), ("reaberto", 1));
    assert_eq!(events_of(server, &number, EventKind::Reopening).await, 1);
    let (_, body) = page_with(server, &format!("/acompanhar/{number}"), &cookie).await;
    assert!(body.contains("Reabertura - CNES - Nível 01") && body.contains("O transmissor continua sem enviar."));
    // Contesting twice, rating or closing a reopened request: refused.
    for fields in [
        vec![("acao", "reabrir"), ("motivo", "De novo, não funciona.")],
        vec![("acao", "avaliar"), ("nota", "5")],
        vec![("acao", "fechar"), ("confirmado", "sim")],
    ] {
        let (status, _, body) = answer(server, &number, &cookie, &fields).await;
        assert_eq!(status, 409, "{fields:?}");
        assert!(body.contains("ainda não foi finalizada"), "{fields:?}");
    }

    // Finalized again, then rated: final.
    finalize(server, &number, "Atualizamos o cadastro do transmissor.").await;
    let (status, _, body) = answer(server, &number, &cookie, &[("acao", "avaliar"), ("nota", "9")]).await;
    assert_eq!(status, 422);
    assert!(body.contains("Escolha uma das cinco opções"));
    let (status, _, _) =
        answer(server, &number, &cookie, &[("acao", "avaliar"), ("nota", "5"), ("comentario", "Resolvido, obrigado!")])
            .await;
    assert_eq!(status, 303);
    let row = stored(server, &number).await;
    assert_eq!((row.status.as_str(), row.rating), ("avaliado", Some(5)));
    assert_eq!(row.rating_comment.as_deref(), Some("Resolvido, obrigado!"));
    let (_, _, body) = answer(server, &number, &cookie, &[("acao", "avaliar"), ("nota", "4")]).await;
    assert!(body.contains("já foi avaliada"));
    let (_, _, body) =
        answer(server, &number, &cookie, &[("acao", "reabrir"), ("motivo", "Mudei de ideia, reabram.")]).await;
    assert!(body.contains("já foi avaliada"));
    let (_, body) = page_with(server, &format!("/acompanhar/{number}"), &cookie).await;
    assert!(body.contains("Avaliação - CNES - Nível 01") && body.contains("Muito satisfeito"));

    // Another request: "Fechar" ends it, no reopening, no rating.
    let closed = open_request(server, CPF_A).await;
    finalize(server, &closed, "Cadastro corrigido.").await;
    let cookie = session(server, CPF_A, &closed).await;
    // Fechar cannot be undone: without its confirmation, the confirmation step and nothing else.
    let (status, location, _) = answer(server, &closed, &cookie, &[("acao", "fechar")]).await;
    assert_eq!((status, location), (303, format!("/acompanhar/{closed}?resposta=fechar#resposta")));
    assert!(stored(server, &closed).await.closed_at.is_none(), "not closed before it was confirmed");
    let (_, confirm) = page_with(server, &format!("/acompanhar/{closed}?resposta=fechar"), &cookie).await;
    assert!(confirm.contains("não poderá ser reaberta") && confirm.contains("Confirmar: fechar a solicitação"));
    assert_eq!(answer(server, &closed, &cookie, &[("acao", "fechar"), ("confirmado", "sim")]).await.0, 303);
    let row = stored(server, &closed).await;
    assert!(row.closed_at.is_some());
    assert_eq!(row.status, "finalizado");
    for fields in
        [vec![("acao", "reabrir"), ("motivo", "Quero reabrir agora.")], vec![("acao", "avaliar"), ("nota", "3")]]
    {
        let (status, _, body) = answer(server, &closed, &cookie, &fields).await;
        assert_eq!(status, 409);
        assert!(body.contains("foi encerrada"), "{fields:?}");
    }
    // A post from another site is refused before anything is read.
    let response = server
        .client
        .post(format!("{}/acompanhar/{closed}", server.base))
        .header("cookie", &cookie)
        .header("origin", "https://evil.test")
        .form(&[("acao", "fechar")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 403);
    // Without a session: 404.
    assert_eq!(answer(server, &closed, "wa_sessao=forged", &[("acao", "fechar")]).await.0, 404);
}
on_both_databases!(answers_go_through_the_state_machine);

async fn silence_until_the_third_business_day_means_accepted(server: &TestServer) {
    let number = open_request(server, CPF_A).await;
    let cookie = session(server, CPF_A, &number).await;
    finalize(server, &number, "Cadastro corrigido.").await;
    let row = stored(server, &number).await;
    let finalized = row.finalized_at.unwrap_or_else(|| panic!("no finalized_at"));
    let due = row.accept_due_at.unwrap_or_else(|| panic!("no deadline"));
    // The deadline is the end of the 3rd business day (seeded pontos facultativos count).
    let days =
        server::db::entities::optional_day_off::Entity::find().all(&server.db).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(days.iter().any(|d| d.day == "2026-02-16"), "the seeded pontos facultativos are there");
    let calendar = app::domain::calendar::Calendar::with_optional_days_off(
        days.iter().filter_map(|d| app::domain::calendar::Date::parse_iso(&d.day)),
    );
    assert_eq!(due.timestamp(), app::domain::lifecycle::acceptance_deadline(finalized.timestamp(), &calendar, 3));
    assert!(due.timestamp() - finalized.timestamp() >= 3 * 86_400);

    assert_eq!(server.acceptance.run_once(chrono::Utc::now()).await.unwrap_or_else(|e| panic!("{e}")), 0);
    let after = due + chrono::Duration::seconds(1);
    assert_eq!(server.acceptance.run_once(after).await.unwrap_or_else(|e| panic!("{e}")), 1);
    assert_eq!(server.acceptance.run_once(after).await.unwrap_or_else(|e| panic!("{e}")), 0, "idempotent");
    assert_eq!(events_of(server, &number, EventKind::Acceptance).await, 1);
    assert!(stored(server, &number).await.accepted_at.is_some());

    let (status, _, body) =
        answer(server, &number, &cookie, &[("acao", "reabrir"), ("motivo", "Não resolveu o problema.")]).await;
    assert_eq!(status, 409);
    assert!(body.contains("O prazo para reabrir esta solicitação terminou"));
    assert_eq!(
        answer(server, &number, &cookie, &[("acao", "avaliar"), ("nota", "4")]).await.0,
        303,
        "rating stays possible"
    );
}
on_both_databases!(silence_until_the_third_business_day_means_accepted);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_finalized_email_links_open_the_history() {
    let server = TestServer::sqlite().await;
    let number = open_request(&server, CPF_A).await;
    finalize(&server, &number, "Reinstale o transmissor.\nDepois, transmita de novo.").await;
    let link_start = format!("http://portal.test/acompanhar/{number}?t=");
    let mail = mail_file_with(&server, &[&link_start]).await;
    assert!(!mail.contains("52998224725") && !mail.contains("529.982.247-25"), "no CPF in the e-mail");
    assert!(
        mail.contains("3 (três) dias úteis") || mail.contains("3 (tr=C3=AAs) dias"),
        "the acceptance rule is stated"
    );
    let start =
        mail.find(&format!("http://portal.test/acompanhar/{number}?t=")).unwrap_or_else(|| panic!("no link: {mail}"));
    let link: String = mail[start..].chars().take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<').collect();
    let path = link.trim_start_matches("http://portal.test").replace("&amp;", "&");

    let response = server.get(&path).await;
    assert_eq!(response.status().as_u16(), 200);
    let set_cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(set_cookie.contains("SameSite=Strict") && set_cookie.contains("HttpOnly"));
    let landing = response.text().await.unwrap_or_default();
    assert!(landing.contains(&format!("url=/acompanhar/{number}")), "{landing}");
    let (status, body) = page_with(&server, &format!("/acompanhar/{number}"), &cookie_pair(&set_cookie)).await;
    assert_eq!(status, 200);
    assert!(body.contains("Reinstale o transmissor."));

    // A token for another request, or a tampered one, opens nothing.
    let other = open_request(&server, CPF_A).await;
    let wrong = path.replacen(&format!("/acompanhar/{number}?"), &format!("/acompanhar/{other}?"), 1);
    let response = server.get(&wrong).await;
    assert!(response.headers().get("set-cookie").is_none());
    assert_eq!(response.status().as_u16(), 404);
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_download_inside_the_session_only() {
    use common::opening::{form, post};
    let server = TestServer::sqlite().await;
    let fields = with(valid_fields(&server).await, "cpf", CPF_A);
    let captcha = solved_captcha(&server).await;
    let png = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/fixtures/tela.png"))
        .unwrap_or_else(|e| panic!("fixture: {e}"));
    let number = match post(&server, "cnes", form(&fields, &captcha, vec![("tela.png".into(), png)])).await {
        (201, app::api::request::SubmitOutcome::Created { number, .. }) => number,
        other => panic!("{other:?}"),
    };
    let cookie = session(&server, CPF_A, &number).await;
    let (_, body) = page_with(&server, &format!("/acompanhar/{number}"), &cookie).await;
    let start = body.find(&format!("/acompanhar/{number}/anexos/")).unwrap_or_else(|| panic!("no attachment link"));
    let url: String = body[start..].chars().take_while(|c| *c != '"').collect();
    let response = server
        .client
        .get(format!("{}{url}", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("image/png"));
    let disposition = response.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(disposition.starts_with("attachment;") && disposition.contains("tela.png"), "{disposition}");
    let bytes = response.bytes().await.unwrap_or_default();
    assert!(bytes.starts_with(b"\x89PNG"));
    // Without the session, or with another CPF's session: 404.
    assert_eq!(server.get(&url).await.status().as_u16(), 404);
    let stranger_number = open_request(&server, CPF_B).await;
    let stranger = session(&server, CPF_B, &stranger_number).await;
    assert_eq!(page_with(&server, &url, &stranger).await.0, 404);
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_accept_each_request_once() {
    let Some((url, name)) = common::fresh_postgres_database().await else { return };
    let first = TestServer::on_database(url.clone()).await;
    let second = TestServer::on_database(url).await;
    let mut numbers = Vec::new();
    for i in 0..60 {
        let server = if i % 2 == 0 { &first } else { &second };
        let number = open_request(server, CPF_A).await;
        finalize(server, &number, "Resolvido.").await;
        numbers.push(number);
    }
    let later = chrono::Utc::now() + chrono::Duration::days(30);
    let (a, b) = tokio::join!(first.acceptance.run_once(later), second.acceptance.run_once(later));
    let (a, b) = (a.unwrap_or_else(|e| panic!("{e}")), b.unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(a + b, 60, "every request accepted exactly once ({a} + {b})");
    let entries = request_event::Entity::find()
        .filter(request_event::Column::Kind.eq(EventKind::Acceptance.code()))
        .count(&first.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(entries, 60, "one timeline entry each");
    // The "finalized" e-mails: one per request, whichever instance delivers.
    let outbox = server::db::entities::outbox_message::Entity::find()
        .filter(server::db::entities::outbox_message::Column::Kind.eq("request_finalized"))
        .count(&first.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outbox, 60);
    first.finish().await;
    second.finish().await;
    common::drop_postgres_database(&name).await;
}

/// Lookups spend their captchas in batches: the same solved captcha sent many times at
/// once still buys exactly one lookup, on both engines.
async fn a_captcha_sent_many_times_at_once_buys_one_lookup(server: &TestServer) {
    let number = open_request(server, CPF_A).await;
    let captcha = solved_captcha(server).await;
    let attempts: Vec<_> = (0..24).map(|_| lookup_owned(server, number.clone(), captcha.clone())).collect();
    let mut found = 0;
    for attempt in attempts {
        match attempt.await.unwrap_or_else(|e| panic!("{e}")) {
            LookupOutcome::Found { .. } => found += 1,
            LookupOutcome::Invalid { errors } => assert_eq!(errors[0].0.id(), "captcha"),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(found, 1);
    // Distinct captchas sent together all pass.
    let captchas: Vec<String> = {
        let mut list = Vec::new();
        for _ in 0..12 {
            list.push(solved_captcha(server).await);
        }
        list
    };
    let attempts: Vec<_> = captchas.into_iter().map(|captcha| lookup_owned(server, number.clone(), captcha)).collect();
    for attempt in attempts {
        assert!(matches!(attempt.await.unwrap_or_else(|e| panic!("{e}")), LookupOutcome::Found { .. }));
    }
}
on_both_databases!(a_captcha_sent_many_times_at_once_buys_one_lookup);

fn lookup_owned(server: &TestServer, number: String, captcha: String) -> tokio::task::JoinHandle<LookupOutcome> {
    let (client, base) = (server.client.clone(), server.base.clone());
    tokio::spawn(async move {
        let text = client
            .post(format!("{base}/api/acompanhar"))
            .form(&[("cpf", CPF_A), ("numero", number.as_str()), ("captcha", captcha.as_str())])
            .send()
            .await
            .unwrap_or_else(|e| panic!("lookup: {e}"))
            .text()
            .await
            .unwrap_or_default();
        serde_json::from_str::<LookupOutcome>(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
    })
}

/// The page's own form (a plain HTML post, no JSON): a match starts the session and
/// goes to the list; a mismatch shows the page again with the one message and the
/// values typed; a post from another site is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lookup_page_form_works_without_a_script_api() {
    let server = TestServer::sqlite().await;
    let number = open_request(&server, CPF_A).await;
    let post = |cpf: &'static str, numero: String, captcha: String| {
        let (client, base) = (server.client.clone(), server.base.clone());
        async move {
            let response = client
                .post(format!("{base}/acompanhar"))
                .form(&[("cpf", cpf), ("numero", numero.as_str()), ("captcha", captcha.as_str())])
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let status = response.status().as_u16();
            let location =
                response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).map(str::to_owned);
            (status, location, cookie, response.text().await.unwrap_or_default().replace("<!>", ""))
        }
    };
    let (status, _, cookie, body) = post(CPF_B, number.clone(), solved_captcha(&server).await).await;
    assert_eq!(status, 422);
    assert!(cookie.is_none());
    assert!(body.contains(NO_MATCH), "the one generic message");
    assert!(body.contains(&format!("value=\"{number}\"")), "the number typed is kept");
    let (status, _, _, body) = post(CPF_A, "123".into(), String::new()).await;
    assert_eq!(status, 422);
    assert!(body.contains("12 dígitos") && body.contains("verificação anti-robô"), "messages beside the fields");

    let (status, location, cookie, _) = post(CPF_A, number.clone(), solved_captcha(&server).await).await;
    assert_eq!((status, location.as_str()), (303, "/acompanhar"));
    let cookie = cookie_pair(&cookie.unwrap_or_else(|| panic!("no session cookie")));
    let (status, body) = page_with(&server, "/acompanhar", &cookie).await;
    assert_eq!(status, 200);
    assert!(body.contains(&number) && body.contains("***.982.247-**"));

    let response = server
        .client
        .post(format!("{}/acompanhar", server.base))
        .header("origin", "https://evil.test")
        .form(&[("cpf", CPF_A), ("numero", number.as_str()), ("captcha", "x")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 403);
    server.finish().await;
}

/// A ponto facultativo added by an administrator moves the deadline of requests
/// finalized afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_ponto_facultativo_moves_later_deadlines() {
    use app::domain::calendar::Calendar;
    use app::domain::lifecycle::acceptance_deadline;
    let server = TestServer::sqlite().await;
    let number = open_request(&server, CPF_A).await;
    let today = app::domain::brasilia::today();
    let seeded = server::services::calendar::list(&server.db, None).await.unwrap_or_else(|e| panic!("{e}"));
    let before =
        Calendar::with_optional_days_off(seeded.iter().filter_map(|d| app::domain::calendar::Date::parse_iso(&d.day)));
    // The next business day from today becomes a day off.
    let next = before.add_business_days(today, 1);
    server::services::calendar::add(&server.db, next, "Ponto facultativo de teste")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    finalize(&server, &number, "Resolvido.").await;
    let row = stored(&server, &number).await;
    let finalized = row.finalized_at.unwrap_or_else(|| panic!("finalized")).timestamp();
    let due = row.accept_due_at.unwrap_or_else(|| panic!("deadline")).timestamp();
    assert!(due > acceptance_deadline(finalized, &before, 3), "the new day off pushes the deadline");
    let mut with_new_day =
        seeded.iter().filter_map(|d| app::domain::calendar::Date::parse_iso(&d.day)).collect::<Vec<_>>();
    with_new_day.push(next);
    assert_eq!(due, acceptance_deadline(finalized, &Calendar::with_optional_days_off(with_new_day), 3));
    server.finish().await;
}
