//! What a hostile visitor (or a double click) could do and no longer can (issue 12):
//! open requests from another site, buy retries with one solved captcha, lock a citizen
//! or an agent out from elsewhere, open the same form twice, pass for another address,
//! and the smaller items. Each test failed before its fix.

mod common;

use app::api::request::SubmitOutcome;
use common::console::{create_agent, PASSWORD};
use common::opening::{form, png, post, solved_captcha, valid_fields, with};
use common::TestServer;
use sea_orm::{EntityTrait, PaginatorTrait};
use server::db::entities::request;
use server::services::agents::{sign_in_delayed, sign_in_refused};
use std::net::IpAddr;

async fn count_requests(server: &TestServer) -> u64 {
    request::Entity::find().count(&server.db).await.unwrap_or_else(|e| panic!("{e}"))
}

fn field_errors(outcome: &SubmitOutcome) -> Vec<String> {
    match outcome {
        SubmitOutcome::Invalid { errors, .. } => errors.iter().map(|e| e.field.name().to_owned()).collect(),
        _ => Vec::new(),
    }
}

/// Item 5: a page on another site posting the request form answered 201.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_cannot_be_opened_from_another_site() {
    let server = TestServer::sqlite().await;
    let fields = valid_fields(&server).await;
    for (header, value) in [("origin", "http://evil.example"), ("sec-fetch-site", "cross-site")] {
        let response = server
            .client
            .post(format!("{}/api/chamados/cnes", server.base))
            .header(header, value)
            .multipart(form(&fields, &solved_captcha(&server).await, vec![]))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status().as_u16(), 403, "{header}: {value}");
    }
    assert_eq!(count_requests(&server).await, 0);
    // The portal's own pages still may.
    let (status, _) = post(&server, "cnes", form(&fields, &solved_captcha(&server).await, vec![])).await;
    assert_eq!(status, 201);
    server.finish().await;
}

/// Item 6: a submission refused for its file did not spend its captcha, so one solved
/// challenge was submitted again and again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_submission_spends_its_captcha() {
    let server = TestServer::sqlite().await;
    let fields = valid_fields(&server).await;
    let bad_fields = with(fields.clone(), "telefone", "123");
    for (case, files, typed) in [("file", true, &fields), ("field", false, &bad_fields)] {
        let captcha = solved_captcha(&server).await;
        let upload = if files { vec![("tela.png".to_owned(), b"isto nao e uma imagem".to_vec())] } else { vec![] };
        let (status, outcome) = post(&server, "cnes", form(typed, &captcha, upload)).await;
        assert_eq!(status, 422, "{case}");
        assert!(!field_errors(&outcome).contains(&"captcha".to_owned()), "{case}: {outcome:?}");
        // The same challenge with a now perfect form: spent.
        let (status, outcome) =
            post(&server, "cnes", form(&fields, &captcha, vec![("tela.png".into(), png(8, 8))])).await;
        assert_eq!(status, 422, "{case}: {outcome:?}");
        assert_eq!(field_errors(&outcome), vec!["captcha".to_owned()], "{case}");
    }
    assert_eq!(count_requests(&server).await, 0);
    server.finish().await;
}

/// Item 3: ten openings with a victim's CPF (and another e-mail) kept the victim from
/// opening a request for a day. The limit now counts the CPF with the e-mail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openings_with_a_victims_cpf_do_not_block_the_victim() {
    let server = TestServer::sqlite_with(|raw| raw.rate_per_cpf = "2".into()).await;
    let attacker = with(valid_fields(&server).await, "email", "atacante@exemplo.com");
    for _ in 0..2 {
        assert_eq!(post(&server, "cnes", form(&attacker, &solved_captcha(&server).await, vec![])).await.0, 201);
    }
    assert_eq!(post(&server, "cnes", form(&attacker, &solved_captcha(&server).await, vec![])).await.0, 429);
    // The owner of the CPF, with their own address (in another case, too).
    let owner = with(valid_fields(&server).await, "email", "Maria.Silva@saude.gov.br");
    assert_eq!(post(&server, "cnes", form(&owner, &solved_captcha(&server).await, vec![])).await.0, 201);
    let owner = with(valid_fields(&server).await, "email", "maria.silva@saude.gov.br");
    assert_eq!(post(&server, "cnes", form(&owner, &solved_captcha(&server).await, vec![])).await.0, 201);
    assert_eq!(post(&server, "cnes", form(&owner, &solved_captcha(&server).await, vec![])).await.0, 429);
    server.finish().await;
}

fn address(network: u8, last: u8) -> Option<IpAddr> {
    Some(IpAddr::from([198, 51, network, last]))
}

/// Item 3: six wrong passwords from six addresses delayed the owner's correct one (429).
/// Delays now count the account per address, and the account overall only up to a high
/// ceiling, which a browser the agent signed in from before does not count against.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_from_elsewhere_do_not_lock_an_agent_out() {
    let server = TestServer::sqlite().await;
    let agents = &server.agents;
    create_agent(&server, "ana@saude.gov.br", "Ana", 1, &["cnes"]).await;
    let first = agents.sign_in("ana@saude.gov.br", PASSWORD, address(200, 1), None, None).await;
    let device = first.map(|started| started.device_cookie).unwrap_or_else(|e| panic!("{e:?}"));
    let device = device.split(';').next().and_then(|pair| pair.split_once('=')).map(|(_, v)| v.to_owned());
    for last in 1..=12 {
        let refused = agents.sign_in("ana@saude.gov.br", "senha errada de alguém", address(1, last), None, None).await;
        assert!(refused.as_ref().err() == Some(&sign_in_refused()), "{last}: {refused:?}");
    }
    let owner = agents.sign_in("ana@saude.gov.br", PASSWORD, address(200, 2), None, None).await;
    assert!(owner.is_ok(), "the owner from their own address: {:?}", owner.err());
    // One address that keeps failing is still slowed down, for that account.
    for _ in 0..5 {
        let _ = agents.sign_in("ana@saude.gov.br", "outra senha errada", address(1, 7), None, None).await;
    }
    let delayed = agents.sign_in("ana@saude.gov.br", PASSWORD, address(1, 7), None, None).await;
    assert!(delayed.as_ref().err() == Some(&sign_in_delayed()), "{delayed:?}");
    // A crowd past the account's ceiling (100): 5 tries from each of 20 more addresses.
    let crowd = (0..20u8).flat_map(|a| (0..5).map(move |_| a)).map(|a| async move {
        let _ = agents.sign_in("ana@saude.gov.br", "senha de um robô", address(2, a), None, None).await;
    });
    futures::future::join_all(crowd).await;
    let elsewhere = agents.sign_in("ana@saude.gov.br", PASSWORD, address(200, 3), None, None).await;
    assert!(
        elsewhere.as_ref().err() == Some(&sign_in_delayed()),
        "the ceiling holds a new browser back: {elsewhere:?}"
    );
    let known = agents.sign_in("ana@saude.gov.br", PASSWORD, address(200, 4), None, device.as_deref()).await;
    assert!(known.is_ok(), "the browser she signed in from before: {:?}", known.err());
    server.finish().await;
}

/// Item 10: a server function's body over the limit answered 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_server_function_body_answers_413() {
    let server = TestServer::sqlite().await;
    let huge = "a".repeat(200 * 1024);
    let response = server
        .client
        .post(format!("{}/api/acompanhar", server.base))
        .form(&[("cpf", huge.as_str()), ("numero", "1"), ("captcha", "x")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 413);
    // A normal call still works (on a new connection: the server may close the one whose
    // body it refused unread, and a client that reuses it at that moment gets an error).
    let fresh = reqwest::Client::new();
    let response = fresh.post(format!("{}/api/captcha", server.base)).send().await;
    assert_eq!(response.map(|r| r.status().as_u16()).unwrap_or_default(), 200);
    server.finish().await;
}

/// Item 10: `/healthz` was publicly cacheable for a day; HSTS was missing over https.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_never_cached_and_https_portals_send_hsts() {
    let server = TestServer::sqlite().await;
    let response = server.get("/healthz").await;
    assert_eq!(response.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    assert!(response.headers().get("strict-transport-security").is_none(), "not over http");
    server.finish().await;
    let server = TestServer::sqlite_with(|raw| raw.public_url = Some("https://portal.test".into())).await;
    let response = server.get("/faq/cnes").await;
    let hsts = response.headers().get("strict-transport-security").and_then(|v| v.to_str().ok());
    assert_eq!(hsts, Some("max-age=31536000"));
    server.finish().await;
}

async fn open_from(server: &TestServer, forwarded_for: &str) -> u16 {
    let fields = valid_fields(server).await;
    server
        .client
        .post(format!("{}/api/chamados/cnes", server.base))
        .header("x-forwarded-for", forwarded_for)
        .multipart(form(&fields, &solved_captcha(server).await, vec![]))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Item 10: behind a reverse proxy every citizen shared the proxy's address budget. The
/// forwarded address counts only when the peer is a configured proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let behind_proxy = TestServer::sqlite_with(|raw| {
        raw.rate_per_ip = "1".into();
        raw.trusted_proxies = "127.0.0.1".into();
    })
    .await;
    assert_eq!(open_from(&behind_proxy, "203.0.113.1").await, 201);
    assert_eq!(open_from(&behind_proxy, "203.0.113.2").await, 201, "another citizen behind the same proxy");
    assert_eq!(open_from(&behind_proxy, "203.0.113.1").await, 429, "the first citizen is over the limit");
    behind_proxy.finish().await;

    let exposed = TestServer::sqlite_with(|raw| raw.rate_per_ip = "1".into()).await;
    assert_eq!(open_from(&exposed, "203.0.113.1").await, 201);
    assert_eq!(open_from(&exposed, "203.0.113.2").await, 429, "a client's own claim is ignored");
    exposed.finish().await;
}

/// Item 10: spent captchas and sign-in throttle rows grew forever.
async fn housekeeping_forgets_what_protects_nothing(server: &TestServer) {
    use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
    use server::db::entities::sign_in_throttle;
    let now = chrono::Utc::now();
    let backend = server.db.get_database_backend();
    for (challenge, expires) in
        [("old", now - chrono::Duration::minutes(1)), ("live", now + chrono::Duration::minutes(10))]
    {
        let insert = sea_orm::sea_query::Query::insert()
            .into_table(sea_orm::sea_query::Alias::new("captcha_uses"))
            .columns(["challenge", "expires_at", "used_at"].map(sea_orm::sea_query::Alias::new))
            .values_panic([challenge.into(), expires.into(), now.into()])
            .to_owned();
        server.db.execute(backend.build(&insert)).await.unwrap_or_else(|e| panic!("{e}"));
    }
    for (key, updated, locked) in [
        ("ip:quiet", now - chrono::Duration::hours(2), None),
        ("ip:recent", now - chrono::Duration::minutes(5), None),
        ("ip:delayed", now - chrono::Duration::hours(2), Some(now + chrono::Duration::minutes(5))),
    ] {
        sign_in_throttle::ActiveModel {
            key: Set(key.into()),
            failures: Set(3),
            locked_until: Set(locked),
            updated_at: Set(updated),
        }
        .insert(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }
    let purged = server.housekeeping.run_once(now).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((purged.captchas, purged.throttles), (1, 1));
    let left = sign_in_throttle::Entity::find().all(&server.db).await.unwrap_or_default();
    let mut keys: Vec<String> = left.into_iter().map(|row| row.key).collect();
    keys.sort();
    assert_eq!(keys, ["ip:delayed", "ip:recent"]);
    // A second instance running it at the same moment finds nothing more to do.
    let again = server.housekeeping.run_once(now).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((again.captchas, again.throttles), (0, 0));
}
on_both_databases!(housekeeping_forgets_what_protects_nothing);

/// Item 8: a double click, or a retry after a timeout with a fresh captcha, opened a
/// second identical request. The form's key now finds the first one.
async fn the_same_form_sent_again_opens_one_request(server: &TestServer) {
    use server::db::entities::outbox_message;
    let mut fields = valid_fields(server).await;
    fields.push(("chave", "form-key-0123456789abcdefghij".to_owned()));
    let first_captcha = solved_captcha(server).await;
    let first = post(server, "cnes", form(&fields, &first_captcha, vec![])).await;
    let number = match &first {
        (201, SubmitOutcome::Created { number, .. }) => number.clone(),
        other => panic!("{other:?}"),
    };
    // A retry with a fresh captcha, and one with the very same (spent) captcha.
    for captcha in [solved_captcha(server).await, first_captcha] {
        match post(server, "cnes", form(&fields, &captcha, vec![])).await {
            (201, SubmitOutcome::Created { number: again, .. }) => assert_eq!(again, number),
            other => panic!("{other:?}"),
        }
    }
    // Two at once with a new key (a double click): one request between them.
    if let Some((_, key)) = fields.last_mut() {
        *key = "form-key-double-click-0123456789".to_owned();
    }
    let (a, b) = futures::join!(
        post(server, "cnes", form(&fields, &solved_captcha(server).await, vec![])),
        post(server, "cnes", form(&fields, &solved_captcha(server).await, vec![])),
    );
    let numbers: Vec<String> = [a, b]
        .into_iter()
        .map(|answer| match answer {
            (201, SubmitOutcome::Created { number, .. }) => number,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(numbers[0], numbers[1]);
    assert_eq!(count_requests(server).await, 2);
    let mails = outbox_message::Entity::find().count(&server.db).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(mails, 2, "one confirmation per request, none for the repeats");
}
on_both_databases!(the_same_form_sent_again_opens_one_request);
