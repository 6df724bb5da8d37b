//! The console's queue: its filters and waiting times, the search box (by number, name,
//! e-mail, phone, words of the description, and a full CPF, audited), which never puts
//! what was typed into an address, and the counts per status kept by triggers.

mod common;

use common::console::{act, admin, create_agent, hidden, page_as, post_as, sign_in};
use common::opening::{open_request, open_request_as};
use common::TestServer;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use server::db::entities::{audit_entry, queue_count_delta, system};

const CPF: &str = "529.982.247-25";

/// What a search for `typed` shows the agent with `cookie`.
async fn search(server: &TestServer, cookie: &str, typed: &str) -> String {
    let (_, _, queue) = page_as(server, "/atendimento", cookie).await;
    let csrf = hidden(&queue, "csrf");
    let (status, location, body) = post_as(server, "/atendimento", cookie, &[("csrf", &csrf), ("busca", typed)]).await;
    assert_eq!((status, location.as_str()), (200, ""), "a search is answered in place: {body}");
    body
}

/// The search box finds a request by each thing it promises, wherever the request stands
/// and whoever holds it, only within the agent's scope; a full CPF is found and audited
/// (masked), a part of one is not; nothing typed ever reaches an address.
async fn the_search_box_finds_requests(server: &TestServer) {
    let joao = open_request_as(
        server,
        &[
            ("nome", "João da Conceição"),
            ("email", "joao.conceicao@saude.ba.gov.br"),
            ("telefone", "(71) 98888-7777"),
            ("cpf", "111.444.777-35"),
            ("descricao", "A impressora de etiquetas não imprime o cartão do estabelecimento."),
        ],
    )
    .await;
    let maria = open_request(server, CPF).await;
    create_agent(server, "q@saude.gov.br", "Quitéria", 1, &["cnes"]).await;
    create_agent(server, "s@saude.gov.br", "Sérgio", 1, &["saps"]).await;
    let cookie = sign_in(server, "q@saude.gov.br").await;

    for typed in [
        "conceicao",
        "João Conceição",
        joao.as_str(),
        "joao.conceicao@saude.ba.gov.br",
        "JOAO.Conceicao@Saude.ba.gov.br",
        "(71) 98888-7777",
        "98888-7777",
        "IMPRESSORA etiqu",
    ] {
        let found = search(server, &cookie, typed).await;
        assert!(found.contains(&joao) && !found.contains(&maria), "{typed}: {found}");
        assert!(found.contains("1 solicitação encontrada"), "{typed}");
    }
    let both = search(server, &cookie, "estabelecimento").await;
    assert!(both.contains(&joao) && both.contains(&maria), "a word of both descriptions");
    let none = search(server, &cookie, "inexistente").await;
    assert!(none.contains("0 solicitações encontradas"));
    // What was typed stays in the box, and the page's other posts carry it, not its links.
    assert!(none.contains("value=\"inexistente\""));
    assert!(!none.contains("busca=inexistente") && !none.contains("?busca"), "never in an address");
    // An address that tries to carry a search is not obeyed.
    let (_, _, plain) = page_as(server, "/atendimento?busca=conceicao", &cookie).await;
    assert!(plain.contains(&joao) && plain.contains(&maria));

    // A full CPF finds its requests and is audited, masked; a part of a CPF finds nothing.
    let by_cpf = search(server, &cookie, "111.444.777-35").await;
    assert!(by_cpf.contains(&joao) && !by_cpf.contains(&maria), "{by_cpf}");
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("buscou_cpf"))
        .all(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(audited.len(), 1, "one audit line per search by CPF");
    assert_eq!(audited[0].detail, "***.444.777-**");
    assert!(!search(server, &cookie, "111444").await.contains(&joao), "partial CPFs are not searchable");
    assert_eq!(
        audit_entry::Entity::find()
            .filter(audit_entry::Column::Action.eq("buscou_cpf"))
            .count(&server.db)
            .await
            .unwrap_or(0),
        1
    );

    // Finalized, it is still found by a search (which looks at every status) but leaves
    // the open queue.
    let (status, _, _) =
        act(server, &joao, &cookie, &[("acao", "finalizar"), ("texto", "Troque o driver."), ("confirmado", "sim")])
            .await;
    assert_eq!(status, 303);
    assert!(search(server, &cookie, "conceicao").await.contains(&joao));
    let (_, _, open) = page_as(server, "/atendimento?responsavel=todas", &cookie).await;
    assert!(!open.contains(&joao));

    // Another system's agent finds nothing of CNES.
    let other = sign_in(server, "s@saude.gov.br").await;
    // (The number typed shows in the box and the caption: the rows are what count.)
    assert!(search(server, &other, &joao).await.contains("0 solicitações encontradas"));
    assert!(search(server, &other, "111.444.777-35").await.contains("0 solicitações encontradas"));
}

on_both_databases!(the_search_box_finds_requests);

/// The counts per status follow every change at once (triggers append deltas the queue
/// sums), and stay the same once the job folds the deltas in.
async fn counts_follow_every_change(server: &TestServer) {
    let first = open_request(server, CPF).await;
    open_request(server, "111.444.777-35").await;
    create_agent(server, "q@saude.gov.br", "Quitéria", 1, &["cnes"]).await;
    let cookie = sign_in(server, "q@saude.gov.br").await;
    let count_of = |page: &str, status: &str| -> String {
        let at = page.find(&format!("situacao={status}\"")).unwrap_or_else(|| panic!("no {status} count"));
        let rest = &page[at..];
        let strong = rest.find("console-counts__n\">").unwrap_or(0) + "console-counts__n\">".len();
        rest[strong..].split('<').next().unwrap_or_default().to_owned()
    };
    let (_, _, queue) = page_as(server, "/atendimento", &cookie).await;
    assert_eq!((count_of(&queue, "recebido"), count_of(&queue, "finalizado")), ("2".into(), "0".into()));
    let (status, _, _) =
        act(server, &first, &cookie, &[("acao", "finalizar"), ("texto", "Resolvido."), ("confirmado", "sim")]).await;
    assert_eq!(status, 303);
    let (_, _, queue) = page_as(server, "/atendimento", &cookie).await;
    assert_eq!((count_of(&queue, "recebido"), count_of(&queue, "finalizado")), ("1".into(), "1".into()));
    let folded = server.queue_counts.fold().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(folded >= 4, "two openings and a move: {folded}");
    assert_eq!(queue_count_delta::Entity::find().count(&server.db).await.unwrap_or(1), 0);
    let (_, _, queue) = page_as(server, "/atendimento", &cookie).await;
    assert_eq!((count_of(&queue, "recebido"), count_of(&queue, "finalizado")), ("1".into(), "1".into()));
    // A request removed outright leaves the counts too.
    server.db.execute_unprepared("DELETE FROM requests").await.unwrap_or_else(|e| panic!("{e}"));
    let (_, _, queue) = page_as(server, "/atendimento", &cookie).await;
    assert_eq!((count_of(&queue, "recebido"), count_of(&queue, "finalizado")), ("0".into(), "0".into()));
}

on_both_databases!(counts_follow_every_change);

/// A backlog larger than one chunk (a bulk import, a long stop) is folded whole, a chunk
/// per transaction.
async fn a_backlog_of_deltas_is_folded_in_chunks(server: &TestServer) {
    let backlog = server::services::queue_counts::CHUNK * 2 + 500;
    server
        .db
        .execute_unprepared(&format!(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {backlog}) \
             INSERT INTO queue_count_deltas (system_id, level, status, n) SELECT 1, 1, 'recebido', 1 FROM c"
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let before = server::services::queue_counts::by_status(&server.db, &[1], Some(1)).await.unwrap_or_default();
    assert_eq!(before.get("recebido").copied(), Some(backlog));
    assert_eq!(server.queue_counts.fold().await.unwrap_or_else(|e| panic!("{e}")), backlog);
    assert_eq!(queue_count_delta::Entity::find().count(&server.db).await.unwrap_or(1), 0);
    let after = server::services::queue_counts::by_status(&server.db, &[1], Some(1)).await.unwrap_or_default();
    assert_eq!(after, before);
}

on_both_databases!(a_backlog_of_deltas_is_folded_in_chunks);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_filters_counts_and_tells_the_wait() {
    let server = TestServer::sqlite().await;
    let old = open_request(&server, CPF).await;
    let new = open_request(&server, "111.444.777-35").await;
    create_agent(&server, "q@saude.gov.br", "Quitéria", 1, &["cnes"]).await;
    let cookie = sign_in(&server, "q@saude.gov.br").await;
    // The old one last moved on Monday 2026-11-09 (Brasília): ten business days or more ago.
    server
        .db
        .execute_unprepared(&format!(
            "UPDATE requests SET updated_at = '2026-11-09T15:00:00+00:00' WHERE number = '{old}'"
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // An agent's queue opens on their own and unassigned requests, oldest waiting first.
    let (_, _, queue) = page_as(&server, "/atendimento", &cookie).await;
    assert!(queue.contains("2 solicitações encontradas"), "{queue}");
    assert!(queue.find(&old).unwrap_or(usize::MAX) < queue.find(&new).unwrap_or(0), "oldest waiting first");
    assert!(queue.contains("hoje"));
    assert!(queue.contains("value=\"minhas-livres\" selected"), "the filter says so");
    let (_, _, newest_first) = page_as(&server, "/atendimento?ordem=recentes", &cookie).await;
    assert!(newest_first.find(&new).unwrap_or(usize::MAX) < newest_first.find(&old).unwrap_or(0));
    // Held by someone else: out of "mine and unassigned", in "all"; "mine" holds what one took.
    let (status, _, _) = common::console::act(&server, &new, &cookie, &[("acao", "assumir")]).await;
    assert_eq!(status, 303);
    let (_, _, mine) = page_as(&server, "/atendimento?responsavel=minhas", &cookie).await;
    assert!(mine.contains(&new) && !mine.contains(&old), "only what Quitéria holds");
    let (_, _, free) = page_as(&server, "/atendimento?responsavel=livres", &cookie).await;
    assert!(free.contains(&old) && !free.contains(&new), "only what nobody holds");
    let (_, _, waiting) = page_as(&server, "/atendimento?dias=5", &cookie).await;
    assert!(waiting.contains(&old) && !waiting.contains(&new), "only the one waiting 5+ business days");
    assert!(waiting.contains("dias úteis"));
    // Waiting longer than the system's target (2 business days unless set): marked.
    let (_, _, marked) = page_as(&server, "/atendimento?ordem=antigas", &cookie).await;
    assert_eq!(marked.matches("além do prazo do sistema").count(), 1, "only the old one: {marked}");
    // The administrator sets a 30-day target on the system's page; the queue follows at once.
    let chefe = admin(&server).await;
    let (_, _, system_page) = page_as(&server, "/admin/sistemas/cnes", &chefe).await;
    let cnes = system::Entity::find()
        .filter(system::Column::Slug.eq("cnes"))
        .one(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no cnes"));
    let csrf = hidden(&system_page, "csrf");
    let fields = [
        ("csrf", csrf.as_str()),
        ("acao", "salvar_sistema"),
        ("nome", cnes.name.as_str()),
        ("nome_completo", cnes.full_name.as_str()),
        ("descricao", cnes.description.as_str()),
        ("ativo", "sim"),
        ("prazo_espera", "30"),
    ];
    let (status, _, _) = post_as(&server, "/admin/sistemas/cnes", &chefe, &fields).await;
    assert_eq!(status, 303);
    let (_, _, relaxed) = page_as(&server, "/atendimento?ordem=antigas", &cookie).await;
    assert!(!relaxed.contains("além do prazo do sistema"), "within a 30-day target");
    let (_, _, by_uf) = page_as(&server, "/atendimento?uf=AC", &cookie).await;
    assert!(by_uf.contains("0 solicitações encontradas"));
    let (_, _, finished) = page_as(&server, "/atendimento?situacao=finalizado", &cookie).await;
    assert!(finished.contains("0 solicitações encontradas"));
    server.finish().await;
}
