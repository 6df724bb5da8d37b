//! Settings and logos an administrator changes on screen, over HTTP: the window to contest
//! and the attachment limits move the request form, the submission's checks and the next
//! finalization's deadline and e-mail at once; a system's logo is uploaded, cleaned,
//! served under an address that changes with it, and removed. Agents can do neither.

mod common;

use app::api::request::SubmitOutcome;
use common::console::{admin, create_agent, hidden, page_as, post_as, sign_in};
use common::opening::{form, mail_file_with, open_request, png, post, solved_captcha, valid_fields};
use common::TestServer;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::db::entities::{request, system};

/// Posts the settings form as `cookie` with the page's own token.
async fn post_settings(server: &TestServer, cookie: &str, days: &str, files: &str, mb: &str) -> (u16, String, String) {
    let (_, _, page) = page_as(server, "/admin/configuracoes", cookie).await;
    let csrf = hidden(&page, "csrf");
    // The retention periods as the page shows them by default (their own test: privacy.rs).
    let fields = [
        ("csrf", csrf.as_str()),
        ("prazo", days),
        ("arquivos", files),
        ("tamanho", mb),
        ("retencao", "60"),
        ("retencao_auditoria", "60"),
    ];
    post_as(server, "/admin/configuracoes", cookie, &fields).await
}

async fn settings_move_the_form_the_checks_and_the_deadline(server: &TestServer) {
    let chefe = admin(server).await;
    let (status, _, page) = page_as(server, "/admin/configuracoes", &chefe).await;
    assert_eq!(status, 200);
    assert!(page.contains("Prazo para contestar a resposta (dias úteis)"), "{page}");
    assert!(page.contains("value=\"3\"") && page.contains("value=\"5\""), "the defaults are shown");

    // Out-of-range values: each message beside its field, what was typed kept, nothing saved.
    let (status, _, body) = post_settings(server, &chefe, "0", "11", "dois").await;
    assert_eq!(status, 422);
    assert!(body.contains("Informe um número de dias úteis entre 1 e 10."), "{body}");
    assert!(body.contains("Informe um número de arquivos entre 1 e 10."), "{body}");
    assert!(body.contains("Informe um tamanho em MB entre 1 e 10."), "{body}");
    assert!(body.contains("value=\"dois\""), "the typed value is kept");
    let (_, form_page) = server.page("/faq/cnes/chamado").await;
    assert!(form_page.contains("Tamanho máximo 3 MB por arquivo, até 5 arquivos."), "{form_page}");

    let (status, location, _) = post_settings(server, &chefe, "5", "1", "1").await;
    assert_eq!((status, location.as_str()), (303, "/admin/configuracoes?ok=configuracoes"));

    // The citizen's form says so at once, and the server holds submissions to it.
    let (_, form_page) = server.page("/faq/cnes/chamado").await;
    assert!(form_page.contains("Tamanho máximo 1 MB por arquivo, até 1 arquivo."), "{form_page}");
    let fields = valid_fields(server).await;
    let two = vec![("a.png".to_owned(), png(20, 20)), ("b.png".to_owned(), png(20, 20))];
    let (status, outcome) = post(server, "cnes", form(&fields, &solved_captcha(server).await, two)).await;
    assert_eq!(status, 422);
    let SubmitOutcome::Invalid { errors, .. } = outcome else { panic!("{outcome:?}") };
    assert_eq!(errors[0].message, "Envie no máximo 1 arquivo por solicitação.");
    // 700 × 700 pixels of noise: about 1.4 MB, over the new 1 MB and under the old 3 MB.
    let large = vec![("grande.png".to_owned(), png(700, 700))];
    let (status, outcome) = post(server, "cnes", form(&fields, &solved_captcha(server).await, large)).await;
    assert_eq!(status, 422);
    let SubmitOutcome::Invalid { errors, .. } = outcome else { panic!("{outcome:?}") };
    assert_eq!(errors[0].message, "O arquivo “grande.png” tem mais de 1 MB, o tamanho máximo.");
    // A body over what the limits allow (three images of about 0.9 MB) is cut off with 413
    // and a message that states them, not mistaken for an interrupted upload.
    // (The server answers before the rest of the body arrives; should the connection be
    // reset before the client reads that answer, nothing else can be checked.)
    let three = (0..3).map(|i| (format!("p{i}.png"), png(560, 560))).collect();
    let sent = server
        .client
        .post(format!("{}/api/chamados/cnes", server.base))
        .header("accept", "application/json")
        .multipart(form(&fields, &solved_captcha(server).await, three))
        .send()
        .await;
    if let Ok(response) = sent {
        assert_eq!(response.status().as_u16(), 413);
        let outcome: SubmitOutcome = response.json().await.unwrap_or_else(|e| panic!("{e}"));
        let message = "O envio excede o tamanho máximo: até 1 imagem de no máximo 1 MB cada.";
        assert_eq!(outcome, SubmitOutcome::Refused { message: message.into() });
    }
    let one = vec![("tela.png".to_owned(), png(100, 100))];
    let (status, _) = post(server, "cnes", form(&fields, &solved_captcha(server).await, one)).await;
    assert_eq!(status, 201, "one small image is within the limits");

    // The next finalization gets a 5-business-day window, in the deadline and the e-mail.
    let number = open_request(server, "111.444.777-35").await;
    common::follow::finalize(server, &number, "Resolvido.").await;
    let row = request::Entity::find()
        .filter(request::Column::Number.eq(number.as_str()))
        .one(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no request"));
    let finalized = row.finalized_at.unwrap_or_else(|| panic!("finalized")).timestamp();
    let due = row.accept_due_at.unwrap_or_else(|| panic!("deadline")).timestamp();
    let days = server::db::entities::optional_day_off::Entity::find().all(&server.db).await.unwrap_or_default();
    let calendar = app::domain::calendar::Calendar::with_optional_days_off(
        days.iter().filter_map(|d| app::domain::calendar::Date::parse_iso(&d.day)),
    );
    assert_eq!(due, app::domain::lifecycle::acceptance_deadline(finalized, &calendar, 5));
    mail_file_with(server, &[number.as_str(), "em at", "5 (cinco) dias"]).await;

    // Agents can neither see nor change the settings; the change is in the audit log.
    create_agent(server, "n1@saude.gov.br", "Nina", 1, &["cnes"]).await;
    let nina = sign_in(server, "n1@saude.gov.br").await;
    assert_eq!(page_as(server, "/admin/configuracoes", &nina).await.0, 403);
    let nina_csrf = hidden(&page_as(server, "/atendimento", &nina).await.2, "csrf");
    let fields = [("csrf", nina_csrf.as_str()), ("prazo", "10"), ("arquivos", "10"), ("tamanho", "10")];
    assert_eq!(post_as(server, "/admin/configuracoes", &nina, &fields).await.0, 403);
    assert_eq!(page_as(server, "/admin/configuracoes", "").await.0, 303);
    let (_, _, log) = page_as(server, "/admin/auditoria?acao=alterou_configuracoes", &chefe).await;
    assert!(log.contains("prazo de contestação 3 → 5 dias úteis"), "{log}");
    assert!(log.contains("anexos 5 → 1 arquivos de até 3 → 1 MB"), "{log}");
    // Saved again unchanged: accepted, and no "5 → 5" line in the log.
    let lines = |log: &str| log.matches("prazo de contestação").count();
    let before = lines(&log);
    assert_eq!(post_settings(server, &chefe, "5", "1", "1").await.0, 303);
    let (_, _, log) = page_as(server, "/admin/auditoria?acao=alterou_configuracoes", &chefe).await;
    assert_eq!(lines(&log), before, "{log}");
}

on_both_databases!(settings_move_the_form_the_checks_and_the_deadline);

/// Posts the logo form (multipart) as `cookie`.
async fn post_logo(
    server: &TestServer,
    cookie: &str,
    csrf: &str,
    action: &str,
    file: Option<(&str, Vec<u8>)>,
) -> (u16, String, String) {
    let mut body = reqwest::multipart::Form::new().text("csrf", csrf.to_owned()).text("acao", action.to_owned());
    if let Some((name, bytes)) = file {
        body = body.part("logotipo", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    }
    let response = server
        .client
        .post(format!("{}/admin/sistemas/cnes/logotipo", server.base))
        .header("cookie", cookie)
        .multipart(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, location, response.text().await.unwrap_or_default())
}

async fn logo_path(server: &TestServer) -> Option<String> {
    let row = system::Entity::find().filter(system::Column::Slug.eq("cnes")).one(&server.db).await;
    row.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|| panic!("no cnes")).logo_path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logos_are_cleaned_served_replaced_and_removed() {
    let server = TestServer::sqlite().await;
    let chefe = admin(&server).await;
    let (_, _, page) = page_as(&server, "/admin/sistemas/cnes", &chefe).await;
    assert!(page.contains("/logos/cnes.svg"), "the seeded logo is shown");
    let csrf = hidden(&page, "csrf");

    // Not an image, whatever its name: refused beside the field, nothing changes.
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec();
    let (status, _, body) = post_logo(&server, &chefe, &csrf, "enviar", Some(("logo.png", svg))).await;
    assert_eq!(status, 422);
    assert!(body.contains("O arquivo “logo.png” não é uma imagem jpg, jpeg, gif ou png"), "{body}");
    assert_eq!(logo_path(&server).await.as_deref(), Some("/logos/cnes.svg"));
    // Over 2 MB (and under the route's limit, so that the whole form is read).
    let huge = vec![0u8; 2 * 1024 * 1024 + 10_000];
    let (status, _, body) = post_logo(&server, &chefe, &csrf, "enviar", Some(("enorme.png", huge))).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("tem mais de 2 MB"), "{body}");

    // A 600 × 400 PNG: stored scaled down to fit 256 × 256, served as PNG for a year.
    let (status, location, _) = post_logo(&server, &chefe, &csrf, "enviar", Some(("novo.png", png(600, 400)))).await;
    assert_eq!((status, location.as_str()), (303, "/admin/sistemas/cnes?ok=logotipo"));
    let first = logo_path(&server).await.unwrap_or_else(|| panic!("no logo"));
    assert!(first.starts_with("/logotipos/cnes-") && first.ends_with(".png"), "{first}");
    let (_, faq) = server.page("/faq/cnes").await;
    assert!(faq.contains(&format!("src=\"{first}\"")), "the citizens' page shows it at once");
    let response = server.get(&first).await;
    assert_eq!(response.status().as_u16(), 200);
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header("content-type"), "image/png");
    assert_eq!(header("cache-control"), "public, max-age=31536000, immutable");
    assert_eq!(header("x-content-type-options"), "nosniff");
    let bytes = response.bytes().await.unwrap_or_default();
    let decoded = image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(decoded.width(), 256);
    assert!((170..=171).contains(&decoded.height()), "the aspect ratio is kept: {}", decoded.height());

    // A new logo gets a new address; the old one is gone.
    let (status, _, _) = post_logo(&server, &chefe, &csrf, "enviar", Some(("outro.png", png(64, 64)))).await;
    assert_eq!(status, 303);
    let second = logo_path(&server).await.unwrap_or_else(|| panic!("no logo"));
    assert_ne!(first, second);
    assert_eq!(server.get(&first).await.status().as_u16(), 404);
    assert_eq!(server.get(&second).await.status().as_u16(), 200);
    assert_eq!(server.get("/logotipos/cnes-0123456789abcdef.png").await.status().as_u16(), 404);
    assert_eq!(server.get("/logotipos/..%2Fsecret").await.status().as_u16(), 404);

    // Agents, a forged token and anonymous posts change nothing.
    create_agent(&server, "n1@saude.gov.br", "Nina", 1, &["cnes"]).await;
    let nina = sign_in(&server, "n1@saude.gov.br").await;
    let nina_csrf = hidden(&page_as(&server, "/atendimento", &nina).await.2, "csrf");
    assert_eq!(post_logo(&server, &nina, &nina_csrf, "remover", None).await.0, 403);
    assert_eq!(post_logo(&server, &chefe, "forjado", "remover", None).await.0, 403);
    assert_eq!(post_logo(&server, "", "", "remover", None).await.0, 303);
    assert_eq!(logo_path(&server).await, Some(second.clone()));

    // Removed: no logo on the citizens' pages, the address answers 404.
    let (status, location, _) = post_logo(&server, &chefe, &csrf, "remover", None).await;
    assert_eq!((status, location.as_str()), (303, "/admin/sistemas/cnes?ok=logotipo-removido"));
    assert_eq!(logo_path(&server).await, None);
    let (_, faq) = server.page("/faq/cnes").await;
    assert!(!faq.contains("faq__logo"), "no logo any more");
    assert_eq!(server.get(&second).await.status().as_u16(), 404);
    let (_, _, log) = page_as(&server, "/admin/auditoria?acao=alterou_catalogo", &chefe).await;
    assert!(log.contains("cnes: novo logotipo") && log.contains("cnes: logotipo removido"), "{log}");
    server.finish().await;
}
