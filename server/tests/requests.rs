//! Opening a request over HTTP, as the form's island does it: real captcha challenges
//! solved here, multipart bodies, and the database and mail folder checked afterwards.

mod common;

use app::api::request::SubmitOutcome;
use common::opening::{
    form, funcionalidade_id, mail_file_containing, png, post, solved_captcha, valid_fields, with, Files,
};
use common::TestServer;
use sea_orm::{EntityTrait, PaginatorTrait};
use server::db::entities::{attachment, outbox_message, request, request_event};

/// A small real PNG (with noise, so it does not compress away when made large).
/// `png` with an eXIf chunk carrying a GPS marker, inserted after IHDR.
fn png_with_exif() -> Vec<u8> {
    let plain = png(8, 8);
    let ihdr_end = 8 + 4 + 4 + 13 + 4;
    let data = b"MM\0*GPSLatitude-15.7801";
    let mut chunk = Vec::new();
    chunk.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut typed = b"eXIf".to_vec();
    typed.extend_from_slice(data);
    chunk.extend_from_slice(&typed);
    chunk.extend_from_slice(&crc32(&typed).to_be_bytes());
    [&plain[..ihdr_end], &chunk, &plain[ihdr_end..]].concat()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffff_u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn errors_of(outcome: &SubmitOutcome) -> Vec<(String, String)> {
    match outcome {
        SubmitOutcome::Invalid { errors, .. } => {
            errors.iter().map(|e| (e.field.name().to_owned(), e.message.clone())).collect()
        }
        other => panic!("expected field errors, got {other:?}"),
    }
}

async fn count_requests(server: &TestServer) -> u64 {
    request::Entity::find().count(&server.db).await.unwrap_or_else(|e| panic!("{e}"))
}

async fn opens_a_request_with_everything_that_belongs_to_it(server: &TestServer) {
    let fields = valid_fields(server).await;
    let captcha = solved_captcha(server).await;
    let (status, outcome) =
        post(server, "cnes", form(&fields, &captcha, vec![("tela.png".into(), png_with_exif())])).await;
    assert_eq!(status, 201, "{outcome:?}");
    let SubmitOutcome::Created { number, redirect } = outcome else { panic!("{outcome:?}") };
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(number.len(), 12);
    assert!(number.starts_with(&year) || number.starts_with(&(year.parse::<i32>().unwrap_or(0) - 1).to_string()));
    assert!(number.ends_with("00000001"), "first number of the year: {number}");

    // The success page, reachable only with the token of the redirect.
    let (status, page) = server.page(&redirect).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("Solicitação nº {number} foi criada com sucesso!")), "{page}");
    assert!(page.contains("Acompanhar solicitação"));
    let (status, _) = server.page(&format!("/faq/cnes/chamado/{number}?t=00000000000000000000000000000000")).await;
    assert_eq!(status, 404);
    let (status, _) = server.page(&format!("/faq/cnes/chamado/{number}")).await;
    assert_eq!(status, 404);

    let stored = request::Entity::find().one(&server.db).await.unwrap_or_default().unwrap_or_else(|| panic!("stored"));
    assert_eq!(stored.number, number);
    assert_eq!(stored.cpf, "52998224725");
    assert_eq!(stored.phone, "61999998888");
    assert_eq!(stored.status, "recebido");
    assert_eq!(stored.level, 1);
    let events = request_event::Entity::find().all(&server.db).await.unwrap_or_default();
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].kind.as_str(), events[0].level, events[0].public), ("abertura", 1, true));
    let files = attachment::Entity::find().all(&server.db).await.unwrap_or_default();
    assert_eq!(files.len(), 1);
    assert_eq!((files[0].file_name.as_str(), files[0].content_type.as_str()), ("tela.png", "image/png"));
    assert_eq!(files[0].id.len(), 32);
    let kept = server.stored_file(&files[0].id).await.unwrap_or_else(|| panic!("no stored file"));
    assert!(!kept.windows(11).any(|w| w == b"GPSLatitude"), "EXIF location must be stripped");
    assert!(image::load_from_memory(&kept).is_ok(), "stored file is still an image");

    // The e-mail: in the outbox in the same transaction, then delivered to the mail folder.
    let outbox = outbox_message::Entity::find().all(&server.db).await.unwrap_or_default();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].mail_to, "maria.silva@saude.gov.br");
    let mail = mail_file_containing(server, &number).await;
    assert!(mail.contains("acompanhar"), "{mail}");
    assert!(!mail.contains("52998224725") && !mail.contains("529.982.247-25"), "no CPF in e-mails");
    for _ in 0..50 {
        let sent = outbox_message::Entity::find().one(&server.db).await.ok().flatten().and_then(|m| m.sent_at);
        if sent.is_some() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("outbox message never marked sent");
}
on_both_databases!(opens_a_request_with_everything_that_belongs_to_it);

async fn numbers_follow_each_other(server: &TestServer) {
    let fields = valid_fields(server).await;
    let mut numbers = Vec::new();
    for _ in 0..3 {
        let captcha = solved_captcha(server).await;
        let (status, outcome) = post(server, "cnes", form(&fields, &captcha, vec![])).await;
        assert_eq!(status, 201, "{outcome:?}");
        let SubmitOutcome::Created { number, .. } = outcome else { panic!() };
        numbers.push(number.parse::<u64>().unwrap_or_default());
    }
    assert_eq!(numbers[1], numbers[0] + 1);
    assert_eq!(numbers[2], numbers[0] + 2);
}
on_both_databases!(numbers_follow_each_other);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_field_gets_its_message_and_nothing_is_stored() {
    let server = TestServer::sqlite().await;
    let good = valid_fields(&server).await;
    let saps_option = funcionalidade_id(&server, "saps", "Outros assuntos").await;
    let cases: Vec<(&str, String, &str)> = vec![
        ("email", "maria.silva".into(), "Informe um e-mail válido, como nome@exemplo.gov.br."),
        ("email", "a@b.com\r\nBcc: x@y.com".into(), "O e-mail não pode conter espaços nem quebras de linha."),
        ("email", format!("{}@saude.gov.br", "a".repeat(250)), "O e-mail deve ter no máximo 254 caracteres."),
        ("nome", "Al".into(), "O nome deve ter entre 3 e 120 caracteres."),
        ("nome", "<script>alert(1)</script>".into(), "Use apenas letras, espaços, apóstrofos e hífens no nome."),
        ("nome", "Ana\r\nBcc: x@y.com".into(), "Use apenas letras, espaços, apóstrofos e hífens no nome."),
        ("cpf", "111.444.777-12".into(), "CPF inválido. Confira os números digitados."),
        ("cpf", "123.456.789-00".into(), "CPF inválido. Confira os números digitados."),
        ("cpf", "529.982.247-52".into(), "CPF inválido. Confira os números digitados."),
        ("cpf", "000.000.000-00".into(), "CPF inválido. Confira os números digitados."),
        ("cpf", "999.999.999-99".into(), "CPF inválido. Confira os números digitados."),
        ("cpf", "123".into(), "O CPF deve ter 11 dígitos."),
        ("cpf", "123456789012".into(), "O CPF deve ter 11 dígitos."),
        ("cpf", "529.982.247-2X".into(), "O CPF deve conter apenas números (pontos e hífen são opcionais)."),
        ("cpf", String::new(), "Informe o CPF."),
        ("cns", "123".into(), "O CNS deve ter 15 dígitos."),
        ("cns", "298 0010 5327 6209".into(), "CNS inválido. Confira os números digitados."),
        ("telefone", "(20) 98765-4321".into(), "DDD inválido."),
        ("telefone", "(23) 3333-4444".into(), "DDD inválido."),
        (
            "telefone",
            "(11) 1234-5678".into(),
            "Número inválido: celulares começam com 9 e têm 9 dígitos; fixos começam com 2, 3, 4 ou 5 e têm 8 dígitos.",
        ),
        (
            "telefone",
            "(11) 6234-5678".into(),
            "Número inválido: celulares começam com 9 e têm 9 dígitos; fixos começam com 2, 3, 4 ou 5 e têm 8 dígitos.",
        ),
        (
            "telefone",
            "(11) 8765-4321".into(),
            "Número inválido: celulares começam com 9 e têm 9 dígitos; fixos começam com 2, 3, 4 ou 5 e têm 8 dígitos.",
        ),
        ("uf", "XX".into(), "Selecione uma UF da lista."),
        ("uf", String::new(), "Selecione a UF."),
        ("funcionalidade", saps_option.to_string(), "Selecione uma funcionalidade da lista."),
        ("funcionalidade", String::new(), "Selecione a funcionalidade."),
        ("descricao", "Curto demais".into(), "A descrição deve ter pelo menos 20 caracteres."),
        ("descricao", "a".repeat(5_001), "A descrição deve ter no máximo 5.000 caracteres."),
    ];
    let captcha = solved_captcha(&server).await;
    for (field, value, message) in cases {
        let (status, outcome) = post(&server, "cnes", form(&with(good.clone(), field, &value), &captcha, vec![])).await;
        assert_eq!(status, 422, "{field}={value:?}: {outcome:?}");
        assert_eq!(errors_of(&outcome), vec![(field.to_owned(), message.to_owned())], "{field}={value:?}");
    }
    assert_eq!(count_requests(&server).await, 0);
    // The reference vectors that must pass do pass, formatted or not.
    for cpf in ["111.444.777-35", "123.456.789-09", "385.211.390-39", "40364478829", "962.718.458-60", "255.248.930-33"]
    {
        for phone in ["(21) 98765-4321", "11900000000", "(61) 3315-2425", "1130000000"] {
            let fields = with(with(good.clone(), "cpf", cpf), "telefone", phone);
            let captcha = solved_captcha(&server).await;
            let (status, outcome) = post(&server, "cnes", form(&fields, &captcha, vec![])).await;
            assert_eq!(status, 201, "{cpf} {phone}: {outcome:?}");
        }
    }
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_judged_by_their_bytes() {
    let server = TestServer::sqlite().await;
    let fields = valid_fields(&server).await;
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec();
    let exe = [b"MZ\x90\x00\x03\x00\x00\x00".as_slice(), &[0u8; 200]].concat();
    let mut truncated = png(40, 40);
    truncated.truncate(truncated.len() / 2);
    let big = png(1_100, 1_000);
    assert!(big.len() > 3 * 1024 * 1024, "test image must exceed 3 MB, is {}", big.len());
    let cases: Vec<(Files, String)> = vec![
        (
            vec![("desenho.svg".into(), svg.clone())],
            "O arquivo “desenho.svg” não é permitido: envie imagens jpg, jpeg, gif ou png.".into(),
        ),
        (
            vec![("desenho.png".into(), svg)],
            "O arquivo “desenho.png” não é uma imagem jpg, jpeg, gif ou png (o conteúdo foi verificado).".into(),
        ),
        (
            vec![("programa.png".into(), exe)],
            "O arquivo “programa.png” não é uma imagem jpg, jpeg, gif ou png (o conteúdo foi verificado).".into(),
        ),
        (
            vec![("tela.exe".into(), png(8, 8))],
            "O arquivo “tela.exe” não é permitido: envie imagens jpg, jpeg, gif ou png.".into(),
        ),
        (
            vec![("cortada.png".into(), truncated)],
            "O arquivo “cortada.png” está corrompido ou não pôde ser lido como imagem.".into(),
        ),
        (vec![("grande.png".into(), big)], "O arquivo “grande.png” tem mais de 3 MB, o tamanho máximo.".into()),
        (
            (1..=6).map(|i| (format!("tela{i}.png"), png(8, 8))).collect(),
            "Envie no máximo 5 arquivos por solicitação.".into(),
        ),
    ];
    // Each with a fresh captcha: a refused submission spends its own.
    for (files, message) in cases {
        let (status, outcome) = post(&server, "cnes", form(&fields, &solved_captcha(&server).await, files)).await;
        assert_eq!(status, 422, "{message}: {outcome:?}");
        assert_eq!(errors_of(&outcome), vec![("anexos".to_owned(), message)]);
    }
    // Five is allowed.
    let files = (1..=5).map(|i| (format!("tela{i}.png"), png(8, 8))).collect();
    let (status, outcome) = post(&server, "cnes", form(&fields, &solved_captcha(&server).await, files)).await;
    assert_eq!(status, 201, "{outcome:?}");
    assert_eq!(attachment::Entity::find().count(&server.db).await.unwrap_or_default(), 5);
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_is_cut_off() {
    let server = TestServer::sqlite().await;
    // Announced as 40 MB: refused from the header, before the body is read.
    let response = server
        .client
        .post(format!("{}/api/chamados/cnes", server.base))
        .header("content-type", "multipart/form-data; boundary=x")
        .header("content-length", (40 * 1024 * 1024).to_string())
        .body(vec![0u8; 1024])
        .send()
        .await;
    // Either the 413 arrives, or the server hangs up on the unfinished body: both refuse it.
    if let Ok(response) = response {
        assert_eq!(response.status().as_u16(), 413);
    }
    assert_eq!(count_requests(&server).await, 0);
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn captchas_must_be_solved_signed_and_unspent() {
    let server = TestServer::sqlite().await;
    let fields = valid_fields(&server).await;
    let expected = "A verificação anti-robô não foi concluída. Aguarde a mensagem “Verificado” e envie novamente.";
    for bad in ["", "123:abcd:ffff?expires=99999999999", "garbage"] {
        let (status, outcome) = post(&server, "cnes", form(&fields, bad, vec![])).await;
        assert_eq!(status, 422);
        assert_eq!(errors_of(&outcome), vec![("captcha".to_owned(), expected.to_owned())], "{bad:?}");
    }
    // A wrong number for a real challenge.
    let captcha = solved_captcha(&server).await;
    let number: u64 = captcha.split(':').next().and_then(|n| n.parse().ok()).unwrap_or_default();
    let wrong = captcha.replacen(&number.to_string(), &(number + 1).to_string(), 1);
    let (_, outcome) = post(&server, "cnes", form(&fields, &wrong, vec![])).await;
    assert_eq!(errors_of(&outcome), vec![("captcha".to_owned(), expected.to_owned())]);
    // Used once: fine. Twice: refused.
    let (status, _) = post(&server, "cnes", form(&fields, &captcha, vec![])).await;
    assert_eq!(status, 201);
    let (status, outcome) = post(&server, "cnes", form(&fields, &captcha, vec![])).await;
    assert_eq!(status, 422);
    assert_eq!(
        errors_of(&outcome),
        vec![(
            "captcha".to_owned(),
            "Esta verificação anti-robô já foi usada. Ela será refeita; aguarde “Verificado” e envie novamente."
                .to_owned()
        )]
    );
    assert_eq!(count_requests(&server).await, 1);
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fields_the_citizen_does_not_own_and_the_honeypot_are_refused() {
    let server = TestServer::sqlite().await;
    let fields = valid_fields(&server).await;
    let captcha = solved_captcha(&server).await;
    for (name, value) in [("status", "finalizado"), ("level", "3"), ("assignee", "1"), ("number", "202600000001")] {
        let mut extra = fields.clone();
        extra.push((name, value.to_owned()));
        let (status, outcome) = post(&server, "cnes", form(&extra, &captcha, vec![])).await;
        assert_eq!(status, 400, "{name}");
        assert_eq!(outcome, SubmitOutcome::Refused { message: "O formulário contém campos não permitidos.".into() });
    }
    let (status, _) =
        post(&server, "cnes", form(&with(fields.clone(), "site", "http://spam.example"), &captcha, vec![])).await;
    assert_eq!(status, 400);
    assert_eq!(count_requests(&server).await, 0);
    let (status, _) = post(&server, "nao-existe", form(&fields, &captcha, vec![])).await;
    assert_eq!(status, 404);
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_answer_429() {
    let server = TestServer::sqlite_with(|raw| {
        raw.rate_per_ip = "3".into();
        raw.rate_per_cpf = "1".into();
    })
    .await;
    let fields = valid_fields(&server).await;
    let (status, _) = post(&server, "cnes", form(&fields, &solved_captcha(&server).await, vec![])).await;
    assert_eq!(status, 201);
    let (status, outcome) = post(&server, "cnes", form(&fields, &solved_captcha(&server).await, vec![])).await;
    assert_eq!(status, 429);
    assert!(
        matches!(&outcome, SubmitOutcome::Refused { message } if message.contains("com este CPF e este e-mail")),
        "{outcome:?}"
    );
    let other_cpf = with(fields.clone(), "cpf", "111.444.777-35");
    let (status, _) = post(&server, "cnes", form(&other_cpf, &solved_captcha(&server).await, vec![])).await;
    assert_eq!(status, 201);
    let (status, outcome) = post(&server, "cnes", form(&other_cpf, &solved_captcha(&server).await, vec![])).await;
    assert_eq!(status, 429);
    assert!(
        matches!(&outcome, SubmitOutcome::Refused { message } if message.contains("Muitas solicitações")),
        "{outcome:?}"
    );
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripts_typed_in_the_description_stay_text() {
    let server = TestServer::sqlite().await;
    let payload = "<script>alert('x')</script> <img src=x onerror=alert(1)> não consigo entrar";
    let fields = with(valid_fields(&server).await, "descricao", payload);
    let (status, outcome) = post(&server, "cnes", form(&fields, &solved_captcha(&server).await, vec![])).await;
    assert_eq!(status, 201, "{outcome:?}");
    let SubmitOutcome::Created { number, redirect } = outcome else { panic!() };
    // Stored as typed (it is the citizen's text), never interpreted where shown.
    let stored = request::Entity::find().one(&server.db).await.unwrap_or_default().unwrap_or_else(|| panic!());
    assert_eq!(stored.description, payload);
    let (_, page) = server.page(&redirect).await;
    assert!(!page.contains("<script>alert"));
    let mail = mail_file_containing(&server, &number).await;
    assert!(!mail.contains("<script>alert") && !mail.contains("onerror=alert"));
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_page_has_the_real_labels_in_order() {
    let server = TestServer::sqlite().await;
    let (status, page) = server.page("/faq/cnes/chamado").await;
    assert_eq!(status, 200);
    let mut at = 0;
    for label in [
        "E-mail",
        "Nome",
        "CPF",
        "CNS",
        "Telefone",
        "UF",
        "Funcionalidade",
        "Descrição da solicitação",
        "Adicionar arquivo",
    ] {
        let found = page[at..].find(&format!(">{label}<")).map(|i| i + at);
        at = found.unwrap_or_else(|| panic!("label {label} missing or out of order"));
    }
    assert!(page.contains("Obrigatório"));
    assert!(page.contains(r#"id="email""#) && page.contains(r#"aria-required="true""#));
    assert!(page.contains(">Enviar<"));
    assert!(page.contains("Tipos de arquivos permitidos: jpg, jpeg, gif e png."));
    // "Selecione" first, "Outros assuntos" last among the CNES options.
    let select = &page[page.find(r#"id="funcionalidade""#).unwrap_or(0)..];
    let select = &select[..select.find("</select>").unwrap_or(select.len())];
    assert!(select.find(">Selecione<") < select.find(">Cadastro de usuário<"));
    assert!(
        select.rfind("</option>") == select.find(">Outros assuntos<").map(|i| i + ">Outros assuntos".len()),
        "{select}"
    );
    let (status, _) = server.page("/faq/nao-existe/chamado").await;
    assert_eq!(status, 404);
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_hand_out_distinct_numbers() {
    let Some((url, name)) = common::fresh_postgres_database().await else { return };
    let first = TestServer::on_database(url.clone()).await;
    let second = TestServer::on_database(url).await;
    let fields = valid_fields(&first).await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let server = if i % 2 == 0 { &first } else { &second };
        let fields = with(fields.clone(), "cpf", if i % 2 == 0 { "529.982.247-25" } else { "111.444.777-35" });
        let captcha = solved_captcha(server).await;
        tasks.push(post(server, "cnes", form(&fields, &captcha, vec![])));
    }
    let results = futures_join_all(tasks).await;
    let mut numbers: Vec<String> = results
        .into_iter()
        .map(|(status, outcome)| match outcome {
            SubmitOutcome::Created { number, .. } if status == 201 => number,
            other => panic!("{status}: {other:?}"),
        })
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 16, "numbers must be distinct");
    let first_n: u64 = numbers[0].parse().unwrap_or_default();
    let last_n: u64 = numbers[15].parse().unwrap_or_default();
    assert_eq!(last_n - first_n, 15, "and without gaps: {numbers:?}");
    // A captcha spent on one instance is spent for the other too.
    let captcha = solved_captcha(&first).await;
    let (a, b) = tokio::join!(
        post(&first, "cnes", form(&fields, &captcha, vec![])),
        post(&second, "cnes", form(&fields, &captcha, vec![]))
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [201, 422], "{a:?} {b:?}");
    first.finish().await;
    second.finish().await;
    common::drop_postgres_database(&name).await;
}

/// Runs futures concurrently on this task (no extra crate for `join_all`).
async fn futures_join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futures {
        set.push(Box::pin(f));
    }
    let mut outputs: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if outputs[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => outputs[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_goes_through_a_real_smtp_conversation_and_waits_out_an_outage() {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};

    let smtp = common::smtp::FakeSmtp::start().await;
    smtp.set_failing(true);
    let port = smtp.port.to_string();
    let server = TestServer::sqlite_with(|raw| {
        raw.smtp_host = Some("127.0.0.1".into());
        raw.smtp_port = port;
        raw.smtp_tls = "none".into();
    })
    .await;
    let fields = valid_fields(&server).await;
    let (status, outcome) = post(&server, "cnes", form(&fields, &solved_captcha(&server).await, vec![])).await;
    assert_eq!(status, 201, "{outcome:?}");
    let SubmitOutcome::Created { number, .. } = outcome else { panic!() };

    // While the SMTP server refuses, the message waits in the outbox with the reason.
    let mut failed = None;
    for _ in 0..100 {
        let row = outbox_message::Entity::find().one(&server.db).await.ok().flatten();
        if let Some(row) = row.filter(|r| r.attempts >= 1) {
            failed = Some(row);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let failed = failed.unwrap_or_else(|| panic!("delivery was never attempted"));
    assert!(failed.sent_at.is_none());
    assert!(failed.last_error.is_some());
    assert!(failed.next_attempt_at > chrono::Utc::now(), "a retry is scheduled later");
    assert!(smtp.messages().await.is_empty());

    // The server is back; bring the retry forward instead of waiting out the backoff.
    smtp.set_failing(false);
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::NextAttemptAt, Expr::value(chrono::Utc::now()))
        .filter(outbox_message::Column::Id.eq(failed.id))
        .exec(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let received = smtp.wait_for(1, std::time::Duration::from_secs(20)).await;
    assert_eq!(received.len(), 1);
    let message = &received[0];
    assert_eq!(message.mail_from, "noreply@portal.test");
    assert_eq!(message.rcpt_to, vec!["maria.silva@saude.gov.br".to_owned()]);
    let data = String::from_utf8_lossy(&message.data);
    let headers = &data[..data.find("\r\n\r\n").unwrap_or(data.len())];
    // The parts are quoted-printable: undo soft line breaks and the escaped "=".
    let data = data.replace("=\r\n", "").replace("=3D", "=");
    assert!(headers.contains(&format!("Message-ID: <{}>", failed.message_id)), "{headers}");
    assert!(headers.contains("To: maria.silva@saude.gov.br"), "{headers}");
    assert!(headers.contains("From: "), "{headers}");
    assert!(headers.contains("Subject: "), "{headers}");
    assert!(data.contains(&number), "the number is in the body");
    assert!(data.contains("http://portal.test/acompanhar"), "the link to follow it");
    assert!(!data.contains("52998224725") && !data.contains("529.982.247-25"), "no CPF");

    // Marked sent, and never sent again.
    for _ in 0..50 {
        let row = outbox_message::Entity::find_by_id(failed.id).one(&server.db).await.ok().flatten();
        if row.is_some_and(|r| r.sent_at.is_some()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert_eq!(smtp.messages().await.len(), 1, "delivered exactly once");
    server.finish().await;
}
