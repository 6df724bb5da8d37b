//! The data subject's rights (LGPD): an administrator finds a person by CPF (audited),
//! exports their data (only theirs), corrects it (audited masked) and anonymises it, after
//! which no table, stored file, outbox row or mail file holds the planted name, e-mail,
//! phone, CPF or CNS, and the reports count the same; the citizen downloads their own
//! copy; the retention job anonymises what ended long ago, once, on two instances at once.

mod common;

use common::console::{admin, hidden, page_as, post_as};
use common::follow::{finalize, session};
use common::opening::{open_request, open_request_as, open_request_as_with, png};
use common::TestServer;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use server::db::entities::{attachment, audit_entry, outbox_message, request, request_event};
use std::io::Read;

const CPF: &str = "390.533.447-05";
const NAME: &str = "Zelinda Quatorze Marcadora";
const EMAIL: &str = "zelinda.marca9917@exemplo.gov.br";
const PHONE: &str = "(61) 97777-1414";
const CNS: &str = "898 0010 5327 6208";

/// The planted markers as stored (digits only for CPF, phone and CNS).
const MARKERS: [&str; 6] =
    ["Zelinda", "zelinda.marca9917", "39053344705", "61977771414", "898001053276208", "Quatorze"];

async fn subject_post(server: &TestServer, cookie: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let (_, _, page) = page_as(server, "/admin/titulares", cookie).await;
    let csrf = hidden(&page, "csrf");
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    post_as(server, "/admin/titulares", cookie, &all).await
}

/// Every text the database keeps about requests, as one string per row.
async fn stored_texts(server: &TestServer) -> Vec<String> {
    let mut texts = Vec::new();
    for r in request::Entity::find().all(&server.db).await.unwrap_or_default() {
        texts.push(format!("{r:?}"));
    }
    for e in request_event::Entity::find().all(&server.db).await.unwrap_or_default() {
        texts.push(format!("{e:?}"));
    }
    for a in attachment::Entity::find().all(&server.db).await.unwrap_or_default() {
        texts.push(format!("{a:?}"));
    }
    for m in outbox_message::Entity::find().all(&server.db).await.unwrap_or_default() {
        texts.push(format!("{} {} {}", m.mail_to, m.subject, String::from_utf8_lossy(&m.raw)));
    }
    for a in audit_entry::Entity::find().all(&server.db).await.unwrap_or_default() {
        texts.push(format!("{a:?}"));
    }
    texts
}

/// Waits until the delivery job has sent every queued e-mail.
async fn all_mail_sent(server: &TestServer) {
    for _ in 0..100 {
        let waiting = outbox_message::Entity::find()
            .filter(outbox_message::Column::SentAt.is_null())
            .all(&server.db)
            .await
            .unwrap_or_default();
        if waiting.is_empty() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the outbox was not delivered");
}

fn files_under(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                all.extend(files_under(&path));
            } else if let Ok(bytes) = std::fs::read(&path) {
                all.push(bytes);
            }
        }
    }
    all
}

async fn a_person_is_exported_corrected_and_anonymised(server: &TestServer) {
    let number = open_request_as_with(
        server,
        &[("nome", NAME), ("email", EMAIL), ("telefone", PHONE), ("cpf", CPF), ("cns", CNS)],
        vec![("tela.png".to_owned(), png(40, 40))],
    )
    .await;
    let stored_files: Vec<String> =
        attachment::Entity::find().all(&server.db).await.unwrap_or_default().into_iter().map(|a| a.id).collect();
    assert_eq!(stored_files.len(), 1);
    assert!(server.stored_file(&stored_files[0]).await.is_some(), "the attachment is kept before");
    let other = open_request(server, "529.982.247-25").await;
    let cookie = admin(server).await;
    // The confirmation e-mails reach the mail folder first (their copies must go too).
    all_mail_sent(server).await;

    // Found by the full CPF; the search is audited, the CPF masked.
    let (status, _, found) = subject_post(server, &cookie, &[("acao", "buscar"), ("cpf", CPF)]).await;
    assert_eq!(status, 200);
    assert!(found.contains(&number) && !found.contains(&other), "{found}");
    assert!(found.contains("***.533.447-**"));
    let searches = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("consultou_titular"))
        .all(&server.db)
        .await
        .unwrap_or_default();
    assert_eq!(searches.len(), 1);
    assert_eq!(searches[0].detail, "***.533.447-**");
    let (status, _, wrong) = subject_post(server, &cookie, &[("acao", "buscar"), ("cpf", "123")]).await;
    assert_eq!(status, 422);
    assert!(wrong.contains("Informe um CPF válido, com os 11 dígitos."));
    let (_, _, nobody) = subject_post(server, &cookie, &[("acao", "buscar"), ("cpf", "111.444.777-35")]).await;
    assert!(nobody.contains("Nenhuma solicitação com este CPF."));

    // The export: this person's requests only.
    let response = {
        let (_, _, page) = page_as(server, "/admin/titulares", &cookie).await;
        let csrf = hidden(&page, "csrf");
        server
            .client
            .post(format!("{}/admin/titulares", server.base))
            .header("cookie", &cookie)
            .form(&[("csrf", csrf.as_str()), ("acao", "exportar"), ("cpf", CPF)])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(response.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/zip"));
    let bytes = response.bytes().await.unwrap_or_default();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap_or_else(|e| panic!("{e}"));
    let mut json = String::new();
    zip.by_name("dados.json").unwrap_or_else(|e| panic!("{e}")).read_to_string(&mut json).unwrap_or_default();
    assert!(json.contains(NAME) && json.contains(&number) && json.contains("39053344705"), "{json}");
    assert!(!json.contains(&other) && !json.contains("52998224725"), "nothing of another person");
    assert!(zip.by_name("dados.html").is_ok());
    assert!(zip.file_names().any(|name| name.starts_with(&format!("anexos/{number}/"))), "the image is in it");

    // Corrected: refused beside the field, then done, audited masked.
    let (status, _, refused) = subject_post(
        server,
        &cookie,
        &[("acao", "corrigir"), ("cpf", CPF), ("nome", NAME), ("email", "sem-arroba"), ("telefone", PHONE)],
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let (status, _, corrected) = subject_post(
        server,
        &cookie,
        &[
            ("acao", "corrigir"),
            ("cpf", CPF),
            ("nome", NAME),
            ("email", "zelinda.nova9917@exemplo.gov.br"),
            ("telefone", PHONE),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(corrected.contains("Dados corrigidos"), "{corrected}");
    let correction = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("corrigiu_titular"))
        .one(&server.db)
        .await
        .unwrap_or_default()
        .unwrap_or_else(|| panic!("audited"));
    assert!(correction.detail.contains("z***@exemplo.gov.br"), "{}", correction.detail);
    assert!(!correction.detail.contains("zelinda"), "masked: {}", correction.detail);

    let report_before = page_as(server, "/admin/relatorios.csv", &cookie).await.2;

    // Anonymised: asked first; then done; again, a clear no-op.
    let shown = hidden(&corrected, "numeros");
    assert_eq!(shown, number);
    let anonymise = [("acao", "anonimizar"), ("cpf", CPF), ("numeros", shown.as_str())];
    let (status, _, asked) = subject_post(server, &cookie, &anonymise).await;
    assert_eq!(status, 200);
    assert!(asked.contains("Anonimizar todas as solicitações deste CPF?"), "{asked}");
    assert!(server.stored_request(&number).await.anonymized_at.is_none(), "nothing before confirming");
    let confirmed = [anonymise.as_slice(), &[("confirmado", "sim")]].concat();
    let (status, _, done) = subject_post(server, &cookie, &confirmed).await;
    assert_eq!(status, 200);
    assert!(done.contains("Dados anonimizados: 1 solicitação, 1 anexo e "), "{done}");
    let (status, _, again) = subject_post(server, &cookie, &confirmed).await;
    assert_eq!(status, 409);
    assert!(again.contains("Os dados destas solicitações já foram anonimizados."), "{again}");

    // No table, file, outbox row or mail file holds any marker; the other person is intact.
    let texts = stored_texts(server).await;
    for marker in MARKERS.iter().chain(["zelinda.nova9917"].iter()) {
        assert!(texts.iter().all(|t| !t.contains(marker)), "{marker} still stored");
    }
    assert!(texts.iter().any(|t| t.contains("52998224725")), "the other person's request is untouched");
    let data = server.data_dir();
    for id in &stored_files {
        assert!(server.stored_file(id).await.is_none(), "the attachment {id} is deleted");
    }
    for bytes in files_under(&data.join("attachments")).iter().chain(files_under(&data.join("mail")).iter()) {
        let text = String::from_utf8_lossy(bytes);
        for marker in MARKERS {
            assert!(!text.contains(marker), "{marker} still in a stored file");
        }
    }
    assert_eq!(page_as(server, "/admin/relatorios.csv", &cookie).await.2, report_before, "reports count the same");
}

on_both_databases!(a_person_is_exported_corrected_and_anonymised);

/// The citizen's own copy holds the requests their session covers, and nothing else.
async fn the_citizen_downloads_their_own_data(server: &TestServer) {
    let number = open_request_as(server, &[("nome", NAME), ("email", EMAIL), ("cpf", CPF)]).await;
    let other = open_request(server, "529.982.247-25").await;
    let cookie = session(server, CPF, &number).await;
    let (status, _, list) = page_as(server, "/acompanhar", &cookie).await;
    assert_eq!(status, 200);
    assert!(list.contains("Baixar meus dados"));
    let (status, _, json) = page_as(server, "/acompanhar/meus-dados", &cookie).await;
    assert_eq!(status, 200);
    assert!(json.contains(&number) && json.contains(NAME) && !json.contains(&other), "{json}");
    let (status, _, html) = page_as(server, "/acompanhar/meus-dados?formato=html", &cookie).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("Solicitação nº {number}")));
    assert_eq!(page_as(server, "/acompanhar/meus-dados", "").await.0, 404, "no session, no data");
}

on_both_databases!(the_citizen_downloads_their_own_data);

/// Requests that ended longer ago than the retention period are anonymised once, even by
/// two runs at once; the dry run lists them first; open ones are kept.
async fn retention_anonymises_what_ended_long_ago(server: &TestServer) {
    let ended = open_request_as(server, &[("nome", NAME), ("email", EMAIL), ("cpf", CPF)]).await;
    let open = open_request(server, "529.982.247-25").await;
    finalize(server, &ended, "Resolvido.").await;
    server
        .db
        .execute_unprepared(&format!(
            "UPDATE requests SET accepted_at = '2025-01-10T12:00:00+00:00', updated_at = '2025-01-10T12:00:00+00:00', \
             accept_due_at = '2025-01-09T12:00:00+00:00' WHERE number = '{ended}'"
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    server
        .db
        .execute_unprepared("UPDATE portal_settings SET retention_months = 6")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let now = chrono::Utc::now();
    let due = server.retention.due(now).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(due.iter().map(|d| d.number.as_str()).collect::<Vec<_>>(), [ended.as_str()]);
    let (a, b) = tokio::join!(server.retention.run_once(now), server.retention.run_once(now));
    let total = a.unwrap_or_else(|e| panic!("{e}")).anonymised.requests
        + b.unwrap_or_else(|e| panic!("{e}")).anonymised.requests;
    assert_eq!(total, 1, "anonymised once");
    assert!(server.stored_request(&ended).await.anonymized_at.is_some());
    assert!(server.stored_request(&open).await.anonymized_at.is_none(), "an open request is kept");
    assert!(server.retention.due(now).await.unwrap_or_default().is_empty());
    let runs = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("retencao"))
        .all(&server.db)
        .await
        .unwrap_or_default();
    assert_eq!(runs.len(), 1, "one audit entry for the run that did it");
}

on_both_databases!(retention_anonymises_what_ended_long_ago);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_below_the_legal_minimum_is_refused() {
    let server = TestServer::sqlite().await;
    let cookie = admin(&server).await;
    let (_, _, page) = page_as(&server, "/admin/configuracoes", &cookie).await;
    let csrf = hidden(&page, "csrf");
    let fields = [
        ("csrf", csrf.as_str()),
        ("prazo", "3"),
        ("arquivos", "5"),
        ("tamanho", "3"),
        ("retencao", "5"),
        ("retencao_auditoria", "60"),
    ];
    let (status, _, refused) = post_as(&server, "/admin/configuracoes", &cookie, &fields).await;
    assert_eq!(status, 422);
    assert!(refused.contains("Informe um prazo entre 6 e 240 meses."), "{refused}");
    let (_, _, notice) = page_as(&server, "/privacidade", "").await;
    assert!(notice.contains("são guardados por 5 anos"), "the privacy notice states the period in force");
    server.finish().await;
}

/// The data-protection officer ("Encarregado") answers the data subjects without being an
/// administrator; other agents may not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_officer_answers_the_data_subjects() {
    let server = TestServer::sqlite().await;
    let number = open_request_as(&server, &[("nome", NAME), ("email", EMAIL), ("cpf", CPF)]).await;
    common::console::create_agent(&server, "dora@saude.gov.br", "Dora Encarregada", 1, &["cnes"]).await;
    common::console::create_agent(&server, "ana@saude.gov.br", "Ana Atendente", 1, &["cnes"]).await;
    server
        .db
        .execute_unprepared("UPDATE agents SET is_data_officer = TRUE WHERE email = 'dora@saude.gov.br'")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let dora = common::console::sign_in(&server, "dora@saude.gov.br").await;
    let (status, _, page) = page_as(&server, "/admin/titulares", &dora).await;
    assert_eq!(status, 200);
    assert!(page.contains("Titulares de dados"));
    let (status, _, found) = subject_post(&server, &dora, &[("acao", "buscar"), ("cpf", CPF)]).await;
    assert_eq!(status, 200);
    assert!(found.contains(&number));
    assert_eq!(page_as(&server, "/admin", &dora).await.0, 403, "not an administrator");

    let ana = common::console::sign_in(&server, "ana@saude.gov.br").await;
    assert_eq!(page_as(&server, "/admin/titulares", &ana).await.0, 403);
    let csrf = hidden(&page_as(&server, "/atendimento", &ana).await.2, "csrf");
    let (status, _, _) =
        post_as(&server, "/admin/titulares", &ana, &[("csrf", csrf.as_str()), ("acao", "buscar"), ("cpf", CPF)]).await;
    assert_eq!(status, 403);
    server.finish().await;
}
