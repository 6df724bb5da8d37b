//! The citizen's first pages, rendered by the real server: home, FAQ, search, 404, 500.

mod common;

use common::TestServer;

/// The questions CNES is seeded with (the seed's own test pins them to the real portal's).
fn cnes_questions() -> Vec<&'static str> {
    server::seed::SEED_SYSTEMS
        .iter()
        .find(|s| s.slug == "cnes")
        .map(|s| s.faq.iter().map(|(q, _)| *q).collect())
        .unwrap_or_default()
}
const SAPS_QUESTION: &str = "Como instalar o PEC?";

/// The FAQ entries of a page, each as (hidden, its `<details>` HTML). Each entry is a
/// `<details>` directly inside an `<li>` of `#faq-list`; answers may hold lists of their own.
fn faq_items(body: &str) -> Vec<(bool, String)> {
    let marker = "<details name=\"faq-";
    let mut items = Vec::new();
    let mut from = 0;
    while let Some(offset) = body[from..].find(marker) {
        let at = from + offset;
        let li = body[..at].rfind("<li").unwrap_or(at);
        let hidden = body[li..at].contains("hidden");
        let end = body[at..].find("</details>").map_or(body.len(), |e| at + e);
        items.push((hidden, body[at..end].to_owned()));
        from = end;
    }
    items
}

async fn home_lists_each_system_with_a_link_to_its_faq(server: &TestServer) {
    let (status, body) = server.page("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"pt-BR\""), "{body}");
    assert!(body.contains("href=\"/faq/cnes\""));
    assert!(body.contains("href=\"/faq/saps\""));
    assert!(body.contains("Cadastro Nacional de Estabelecimentos de Saúde"));
}
on_both_databases!(home_lists_each_system_with_a_link_to_its_faq);

async fn faq_page_has_every_question_and_answer_in_the_html(server: &TestServer) {
    let (status, body) = server.page("/faq/cnes").await;
    assert_eq!(status, 200);
    assert!(body.contains("Perguntas frequentes"));
    for question in cnes_questions() {
        assert!(body.contains(&format!("<summary>{question}</summary>")), "missing {question}");
    }
    assert!(body.contains("no tocante à realidade da capacidade instalada e mão-de-obra assistencial"));
    // Markdown answers arrive as HTML lists, not as asterisks.
    assert!(body.contains("<strong>Novo usuário</strong>"), "{body}");
    assert!(body.contains("href=\"/faq/cnes/chamado\""));
    assert!(body.contains(">Quero abrir um chamado<"));
    assert_eq!(faq_items(&body).len(), cnes_questions().len());
    assert!(faq_items(&body).iter().all(|(hidden, _)| !hidden));
    assert!(body.contains("<title>CNES - Perguntas frequentes | WEB Atendimento SUS</title>"), "{body}");
}
on_both_databases!(faq_page_has_every_question_and_answer_in_the_html);

async fn systems_do_not_see_each_others_entries(server: &TestServer) {
    let (_, cnes) = server.page("/faq/cnes").await;
    let (status, saps) = server.page("/faq/saps").await;
    assert_eq!(status, 200);
    assert!(saps.contains(SAPS_QUESTION));
    assert!(!cnes.contains(SAPS_QUESTION));
    for question in cnes_questions() {
        assert!(!saps.contains(question), "SAPS shows CNES's {question}");
    }
    assert!(saps.contains("href=\"/faq/saps/chamado\""));
}
on_both_databases!(systems_do_not_see_each_others_entries);

async fn unknown_systems_and_paths_answer_404(server: &TestServer) {
    for path in ["/faq/naoexiste", "/faq/CNES", "/faq/cnes%27%20OR%201=1", "/faq/a--b", "/qualquer/coisa"] {
        let (status, body) = server.page(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("Página não encontrada"), "{path}: {body}");
    }
}
on_both_databases!(unknown_systems_and_paths_answer_404);

async fn search_query_filters_on_the_server(server: &TestServer) {
    // Without accents and in another case, as citizens type.
    let (status, body) = server.page("/faq/cnes?q=SUMARIO%20de%20cargas").await;
    assert_eq!(status, 200);
    let items = faq_items(&body);
    let visible: Vec<_> = items.iter().filter(|(hidden, _)| !hidden).collect();
    assert_eq!(visible.len(), 1, "{items:?}");
    assert!(visible[0].1.contains("Como consultar o sumário de cargas?"));
    assert!(body.contains("1 pergunta encontrada."));
    assert!(body.contains("value=\"SUMARIO de cargas\""));

    // Every entry stays in the page (hidden), so clearing the search in the browser brings it back.
    assert_eq!(items.len(), cnes_questions().len());

    let (_, none) = server.page("/faq/cnes?q=zzzz").await;
    assert!(faq_items(&none).iter().all(|(hidden, _)| *hidden));
    assert!(none.contains("Nenhuma pergunta encontrada"));
}
on_both_databases!(search_query_filters_on_the_server);

async fn search_text_is_escaped(server: &TestServer) {
    let (status, body) = server.page("/faq/cnes?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert_eq!(status, 200);
    assert!(!body.contains("<script>alert(1)"), "reflected XSS: {body}");
    assert!(
        body.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;") || body.contains("&quot;>&lt;script>"),
        "{body}"
    );
}
on_both_databases!(search_text_is_escaped);

async fn markup_in_stored_answers_never_runs(server: &TestServer) {
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    use server::db::entities::{faq_entry, system};
    let saps = system::Entity::find()
        .filter(system::Column::Slug.eq("saps"))
        .one(&server.db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no SAPS"));
    let now = chrono::Utc::now();
    faq_entry::ActiveModel {
        system_id: Set(saps.id),
        question: Set("<img src=x onerror=alert(1)>Pergunta?".into()),
        answer_md: Set("Veja [aqui](javascript:alert(1)) <script>alert(2)</script>".into()),
        position: Set(99),
        published: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&server.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));

    let (status, body) = server.page("/faq/saps").await;
    assert_eq!(status, 200);
    assert!(body.contains("&lt;img src=x onerror=alert(1)&gt;Pergunta?"), "{body}");
    assert!(!body.contains("<img src=x"));
    assert!(!body.contains("javascript:"));
    assert!(!body.contains("<script>alert(2)"));
}
on_both_databases!(markup_in_stored_answers_never_runs);

async fn unpublished_entries_and_inactive_systems_are_not_shown(server: &TestServer) {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use server::db::entities::{faq_entry, system};
    faq_entry::Entity::update_many()
        .col_expr(faq_entry::Column::Published, Expr::value(false))
        .filter(faq_entry::Column::Question.eq("O que é o ElastiCNES?"))
        .exec(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (_, body) = server.page("/faq/cnes").await;
    assert!(!body.contains("O que é o ElastiCNES?"));
    assert_eq!(faq_items(&body).len(), cnes_questions().len() - 1);

    system::Entity::update_many()
        .col_expr(system::Column::Active, Expr::value(false))
        .filter(system::Column::Slug.eq("saps"))
        .exec(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(server.page("/faq/saps").await.0, 404);
    assert!(!server.page("/").await.1.contains("href=\"/faq/saps\""));
}
on_both_databases!(unpublished_entries_and_inactive_systems_are_not_shown);

async fn a_broken_query_shows_a_500_page_without_internals(server: &TestServer) {
    use sea_orm::ConnectionTrait;
    // The FAQ's events refer to its entries: dropped first, so that PostgreSQL drops the table.
    for table in ["faq_events", "faq_entries"] {
        server.db.execute_unprepared(&format!("DROP TABLE {table}")).await.unwrap_or_else(|e| panic!("{e}"));
    }
    let (status, body) = server.page("/faq/cnes").await;
    assert_eq!(status, 500);
    assert!(body.contains("Ocorreu um erro inesperado"), "{body}");
    for internal in ["faq_entries", "sqlx", "SQLSTATE", "no such table", "does not exist", "DbErr"] {
        assert!(!body.contains(internal), "500 page leaks {internal}: {body}");
    }
}
on_both_databases!(a_broken_query_shows_a_500_page_without_internals);

async fn a_database_that_stops_answering_gives_503_pages_and_readiness(server: &TestServer) {
    assert_eq!(server.get("/readyz").await.status().as_u16(), 200);
    let health = server.get("/healthz").await;
    assert_eq!(health.status().as_u16(), 200);
    tokio::time::timeout(std::time::Duration::from_secs(10), server.db.clone().close())
        .await
        .unwrap_or_else(|_| panic!("closing the pool timed out"))
        .unwrap_or_else(|e| panic!("{e}"));
    // Not ready (the balancer sends no one), but alive (nothing restarts it).
    let ready = server.get("/readyz").await;
    assert_eq!(ready.status().as_u16(), 503);
    assert_eq!(ready.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    assert_eq!(server.get("/healthz").await.status().as_u16(), 200);
    let (status, body) = server.page("/faq/cnes").await;
    assert_eq!(status, 503);
    assert!(body.contains("temporariamente indisponível"), "{body}");
    assert!(!body.contains("pool"), "{body}");
}
on_both_databases!(a_database_that_stops_answering_gives_503_pages_and_readiness);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_store_that_cannot_be_written_is_not_ready() {
    let server = TestServer::sqlite().await;
    assert_eq!(server.get("/readyz").await.status().as_u16(), 200);
    let folder = server.settings.data_dir.join("attachments");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::write(&folder, b"not a folder").unwrap_or_else(|e| panic!("{e}"));
    let ready = server.get("/readyz").await;
    assert_eq!(ready.status().as_u16(), 503);
    assert_eq!(ready.text().await.unwrap_or_default(), "storage unavailable\n");
    assert_eq!(server.get("/healthz").await.status().as_u16(), 200);
    server.finish().await;
}
