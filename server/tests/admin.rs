//! Administration over HTTP: only administrators reach `/admin`; inviting a member sends
//! a one-time link through the outbox, which sets the password once; changing level and
//! systems moves what the member sees; disabling signs them out; the audit log lists and
//! filters what happened and cannot be changed from the application.

mod common;

use common::console::{admin, create_agent, hidden, page_as, post_as, sign_in, sign_in_with};
use common::opening::open_request;
use common::TestServer;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use server::db::entities::{agent, outbox_message};

/// The invitation link in the newest invitation e-mail to `email`.
async fn invite_link(server: &TestServer, email: &str) -> String {
    let message = outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq("agent_invite"))
        .filter(outbox_message::Column::MailTo.eq(email))
        .all(&server.db)
        .await
        .unwrap_or_default()
        .into_iter()
        .max_by_key(|m| m.id)
        .unwrap_or_else(|| panic!("no invitation to {email}"));
    let raw = String::from_utf8_lossy(&message.raw).replace("=\r\n", "");
    let start = raw.find("/atendimento/convite/").unwrap_or_else(|| panic!("no link: {raw}"));
    raw[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || "/-_".contains(*c)).collect()
}

async fn the_team_is_managed_by_administrators_only(server: &TestServer) {
    let chefe = admin(server).await;
    create_agent(server, "n1@saude.gov.br", "Nina", 1, &["cnes"]).await;
    let nina = sign_in(server, "n1@saude.gov.br").await;
    for path in ["/admin", "/admin/atendentes", "/admin/auditoria", "/admin/atendentes/1"] {
        assert_eq!(page_as(server, path, "").await.0, 303, "anonymous: {path}");
        assert_eq!(page_as(server, path, &nina).await.0, 403, "agent: {path}");
        assert_eq!(page_as(server, path, &chefe).await.0, 200, "admin: {path}");
    }
    let nina_csrf = hidden(&page_as(server, "/atendimento", &nina).await.2, "csrf");
    let invite = [("csrf", nina_csrf.as_str()), ("nome", "Intrusa"), ("email", "x@saude.gov.br"), ("nivel", "1")];
    assert_eq!(post_as(server, "/admin/atendentes", &nina, &invite).await.0, 403);
    let promote =
        [("csrf", nina_csrf.as_str()), ("acao", "salvar"), ("nivel", "3"), ("administrador", "sim"), ("ativo", "sim")];
    assert_eq!(post_as(server, "/admin/atendentes/2", &nina, &promote).await.0, 403);
    let row = agent::Entity::find().filter(agent::Column::Email.eq("n1@saude.gov.br")).one(&server.db).await;
    let row = row.unwrap_or_default().unwrap_or_else(|| panic!("no Nina"));
    assert!(!row.is_admin && row.level == 1, "nothing changed");

    // Inviting: the form refuses bad fields beside them and keeps what was typed.
    let (_, _, team) = page_as(server, "/admin/atendentes", &chefe).await;
    let csrf = hidden(&team, "csrf");
    let cnes = team
        .split("name=\"sistemas\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no system checkbox"))
        .to_owned();
    let bad = [
        ("csrf", csrf.as_str()),
        ("nome", "Rui"),
        ("email", "não é e-mail"),
        ("nivel", "2"),
        ("sistemas", cnes.as_str()),
    ];
    let (status, _, body) = post_as(server, "/admin/atendentes", &chefe, &bad).await;
    assert_eq!(status, 422);
    assert!(body.contains("value=\"Rui\"") && body.contains("aria-invalid=\"true\""));
    let good = [
        ("csrf", csrf.as_str()),
        ("nome", "Rui Barbosa"),
        ("email", "rui@saude.gov.br"),
        ("nivel", "2"),
        ("sistemas", cnes.as_str()),
    ];
    let (status, location, _) = post_as(server, "/admin/atendentes", &chefe, &good).await;
    assert_eq!((status, location.as_str()), (303, "/admin/atendentes?ok=convidado"));
    let (status, _, _) = post_as(server, "/admin/atendentes", &chefe, &good).await;
    assert_eq!(status, 422, "the same e-mail twice");
    let (_, _, team) = page_as(server, "/admin/atendentes", &chefe).await;
    assert!(team.contains("Rui Barbosa") && team.contains("Convite pendente"));

    // The link sets the password once; a second use and a made-up token are refused.
    let link = invite_link(server, "rui@saude.gov.br").await;
    let (status, _, page) = page_as(server, &link, "").await;
    assert_eq!(status, 200);
    assert!(page.contains("Criar senha") && page.contains("rui@saude.gov.br"));
    let (status, _, body) = post_as(server, &link, "", &[("nova", "curta"), ("confirmacao", "curta")]).await;
    assert_eq!(status, 422);
    assert!(body.contains("A senha deve ter pelo menos 12 caracteres."));
    let fields = [("nova", "a senha longa do Rui"), ("confirmacao", "a senha longa do Rui")];
    let (status, location, _) = post_as(server, &link, "", &fields).await;
    assert_eq!((status, location.as_str()), (303, "/atendimento?ok=boas-vindas"), "signed in at once");
    assert_eq!(page_as(server, &link, "").await.0, 404, "used once");
    assert_eq!(post_as(server, &link, "", &fields).await.0, 404);
    assert_eq!(page_as(server, "/atendimento/convite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "").await.0, 404);
    let (status, rui, _) = sign_in_with(server, "rui@saude.gov.br", "a senha longa do Rui", None).await;
    assert_eq!(status, 303);
    let rui = common::console::pair(&rui.unwrap_or_default());

    // Level and systems decide the queue; disabling signs the member out at once.
    let number = open_request(server, "529.982.247-25").await;
    assert!(!page_as(server, "/atendimento", &rui).await.2.contains(&number), "level 2 does not see a level-1 request");
    let rui_id = agent::Entity::find()
        .filter(agent::Column::Email.eq("rui@saude.gov.br"))
        .one(&server.db)
        .await
        .unwrap_or_default()
        .map(|a| a.id)
        .unwrap_or_default();
    let path = format!("/admin/atendentes/{rui_id}");
    let save =
        [("csrf", csrf.as_str()), ("acao", "salvar"), ("nivel", "1"), ("sistemas", cnes.as_str()), ("ativo", "sim")];
    let (status, location, _) = post_as(server, &path, &chefe, &save).await;
    assert_eq!((status, location), (303, format!("{path}?ok=salvo")));
    assert!(page_as(server, "/atendimento", &rui).await.2.contains(&number), "now level 1: it shows");
    let disable = [("csrf", csrf.as_str()), ("acao", "salvar"), ("nivel", "1"), ("sistemas", cnes.as_str())];
    // Revoking access asks first, naming the person; nothing changes until confirmed.
    let (status, _, confirm) = post_as(server, &path, &chefe, &disable).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("Revogar o acesso de Rui Barbosa?") && confirm.contains("Confirmar e revogar o acesso"));
    assert_eq!(page_as(server, "/atendimento", &rui).await.0, 200, "still signed in before the confirmation");
    let confirmed = [disable.as_slice(), &[("confirmado", "sim")]].concat();
    assert_eq!(post_as(server, &path, &chefe, &confirmed).await.0, 303);
    assert_eq!(page_as(server, "/atendimento", &rui).await.0, 303, "disabled: signed out");
    assert_eq!(sign_in_with(server, "rui@saude.gov.br", "a senha longa do Rui", None).await.0, 422);

    // An administrator cannot lock themselves out.
    let chefe_id = agent::Entity::find()
        .filter(agent::Column::Email.eq("chefe@saude.gov.br"))
        .one(&server.db)
        .await
        .unwrap_or_default()
        .map(|a| a.id)
        .unwrap_or_default();
    let (status, _, body) = post_as(server, &format!("/admin/atendentes/{chefe_id}"), &chefe, &disable).await;
    assert_eq!(status, 422);
    assert!(body.contains("Você não pode desativar a si mesmo"));

    // The audit log shows all of it, filterable; the page offers no way to change it.
    let (status, _, log) = page_as(server, "/admin/auditoria", &chefe).await;
    assert_eq!(status, 200);
    for text in
        ["Convidou atendente", "Aceitou o convite", "Alterou atendente", "Entrou", "Chefe do Suporte", "127.0.0.1"]
    {
        assert!(log.contains(text), "the log lacks {text:?}");
    }
    let (_, _, filtered) = page_as(server, "/admin/auditoria?acao=convite_aceito", &chefe).await;
    assert!(filtered.contains("1 registro<") && filtered.contains("Rui Barbosa"), "{filtered}");
    // Nothing can write to the log over HTTP.
    for method in [reqwest::Method::POST, reqwest::Method::PUT, reqwest::Method::DELETE] {
        let response = server
            .client
            .request(method.clone(), format!("{}/admin/auditoria", server.base))
            .header("cookie", &chefe)
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status().as_u16(), 405, "{method} /admin/auditoria");
    }
}
on_both_databases!(the_team_is_managed_by_administrators_only);

/// An expired invitation no longer works, and a new one replaces the old link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_expire_and_can_be_sent_again() {
    let server = TestServer::sqlite().await;
    let chefe = admin(&server).await;
    let (_, _, team) = page_as(&server, "/admin/atendentes", &chefe).await;
    let csrf = hidden(&team, "csrf");
    let fields = [
        ("csrf", csrf.as_str()),
        ("nome", "Vera Lúcia"),
        ("email", "vera@saude.gov.br"),
        ("nivel", "1"),
        ("administrador", "sim"),
    ];
    assert_eq!(post_as(&server, "/admin/atendentes", &chefe, &fields).await.0, 303);
    let first = invite_link(&server, "vera@saude.gov.br").await;
    let invites = server::db::entities::agent_invite::Entity::find().all(&server.db).await.unwrap_or_default();
    for invite in invites {
        let mut row: server::db::entities::agent_invite::ActiveModel = invite.into();
        row.expires_at = Set(chrono::Utc::now() - chrono::Duration::minutes(1));
        row.update(&server.db).await.unwrap_or_else(|e| panic!("{e}"));
    }
    let (status, _, page) = page_as(&server, &first, "").await;
    assert_eq!(status, 404);
    assert!(page.contains("Convite inválido ou expirado"));
    let vera = agent::Entity::find()
        .filter(agent::Column::Email.eq("vera@saude.gov.br"))
        .one(&server.db)
        .await
        .unwrap_or_default()
        .map(|a| a.id)
        .unwrap_or_default();
    let again = [("csrf", csrf.as_str()), ("acao", "convite")];
    let path = format!("/admin/atendentes/{vera}");
    let (status, location, _) = post_as(&server, &path, &chefe, &again).await;
    assert_eq!((status, location), (303, format!("{path}?ok=convite")));
    let second = invite_link(&server, "vera@saude.gov.br").await;
    assert_ne!(first, second);
    assert_eq!(page_as(&server, &second, "").await.0, 200);
    // A third invitation replaces the second, which had not expired.
    assert_eq!(post_as(&server, &path, &chefe, &again).await.0, 303);
    let third = invite_link(&server, "vera@saude.gov.br").await;
    assert_eq!(page_as(&server, &second, "").await.0, 404, "the earlier, unexpired link stops working");
    // An account given a password meanwhile (create-admin) cannot be taken over with the link.
    server
        .agents
        .create_admin("vera@saude.gov.br", "Vera Lúcia", "a senha que a Vera escolheu")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page_as(&server, &third, "").await.0, 404);
    let takeover = [("nova", "senha de quem achou o link"), ("confirmacao", "senha de quem achou o link")];
    assert_eq!(post_as(&server, &third, "", &takeover).await.0, 404);
    assert_eq!(sign_in_with(&server, "vera@saude.gov.br", "a senha que a Vera escolheu", None).await.0, 303);
    server.finish().await;
}

/// The calendar page: add a ponto facultativo, refused days with the reason beside the
/// field and the values kept, remove; only administrators; every change audited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrators_keep_the_pontos_facultativos() {
    let server = TestServer::sqlite().await;
    let chefe = admin(&server).await;
    let path = "/admin/calendario?ano=2026";
    let (status, _, page) = page_as(&server, path, &chefe).await;
    assert_eq!(status, 200);
    assert!(page.contains("Pontos facultativos de 2026") && page.contains("16/02/2026 (segunda-feira)"));
    assert!(page.contains("Carnaval") && page.contains("25/12"), "seeded days and national holidays");
    let csrf = hidden(&page, "csrf");
    let add = |day: &'static str, description: &'static str| {
        let csrf = csrf.clone();
        let (server, chefe) = (&server, chefe.clone());
        async move {
            post_as(
                server,
                path,
                &chefe,
                &[("csrf", &csrf), ("acao", "adicionar"), ("data", day), ("descricao", description)],
            )
            .await
        }
    };
    let (status, location, _) = add("2026-12-24", "Véspera de Natal").await;
    assert_eq!((status, location.as_str()), (303, "/admin/calendario?ano=2026&ok=dia-adicionado"));
    let (_, _, page) = page_as(&server, path, &chefe).await;
    assert!(page.contains("24/12/2026 (quinta-feira)") && page.contains("Véspera de Natal"));
    for (day, description, message) in [
        ("2026-12-26", "Sábado", "Esta data cai num fim de semana: já não é dia útil."),
        ("2026-12-25", "Natal", "Esta data já é feriado nacional."),
        ("2026-12-23", "", "Descreva o dia em até 200 caracteres."),
        ("2026-13-01", "Mês treze", "Informe uma data válida."),
    ] {
        let (status, _, body) = add(day, description).await;
        assert_eq!(status, 422, "{day}");
        assert!(body.contains(message), "{day}: {message}");
        assert!(body.contains(&format!("value=\"{day}\"")), "{day} is kept");
    }
    let ask = [("csrf", csrf.as_str()), ("acao", "remover"), ("data", "2026-12-24")];
    let (status, _, confirm) = post_as(&server, path, &chefe, &ask).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("Remover o ponto facultativo de 24/12/2026?"), "asks first: {confirm}");
    assert!(page_as(&server, path, &chefe).await.2.contains("Véspera de Natal"), "nothing removed yet");
    let remove = [("csrf", csrf.as_str()), ("acao", "remover"), ("data", "2026-12-24"), ("confirmado", "sim")];
    let (status, location, _) = post_as(&server, path, &chefe, &remove).await;
    assert_eq!((status, location.as_str()), (303, "/admin/calendario?ano=2026&ok=dia-removido"));
    assert!(!page_as(&server, path, &chefe).await.2.contains("Véspera de Natal"));
    let (status, _, body) = post_as(&server, path, &chefe, &remove).await;
    assert_eq!(status, 422);
    assert!(body.contains("Este dia não é ponto facultativo."));

    create_agent(&server, "n1@saude.gov.br", "Nina", 1, &["cnes"]).await;
    let nina = sign_in(&server, "n1@saude.gov.br").await;
    let nina_csrf = hidden(&page_as(&server, "/atendimento", &nina).await.2, "csrf");
    let fields =
        [("csrf", nina_csrf.as_str()), ("acao", "adicionar"), ("data", "2026-12-24"), ("descricao", "Intruso")];
    assert_eq!(post_as(&server, path, &nina, &fields).await.0, 403);
    assert_eq!(page_as(&server, path, &nina).await.0, 403);
    let (_, _, log) = page_as(&server, "/admin/auditoria?acao=alterou_calendario", &chefe).await;
    assert!(log.contains("2 registros") && log.contains("adicionou 2026-12-24: Véspera de Natal"), "{log}");
    server.finish().await;
}

/// The catalogue: a new system starts inactive (citizens get 404), its FAQ answer in
/// Markdown reaches the citizen page as safe HTML (no script, no `javascript:` link)
/// once published and active, a new funcionalidade shows in the request form at once,
/// and a canned reply reaches the console.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrators_edit_systems_faqs_and_options() {
    let server = TestServer::sqlite().await;
    let chefe = admin(&server).await;
    let (status, _, page) = page_as(&server, "/admin/sistemas", &chefe).await;
    assert_eq!(status, 200);
    assert!(page.contains("CNES") && page.contains("/faq/cnes"));
    let csrf = hidden(&page, "csrf");
    let create = |slug: &'static str| {
        let csrf = csrf.clone();
        let (server, chefe) = (&server, chefe.clone());
        async move {
            post_as(
                server,
                "/admin/sistemas",
                &chefe,
                &[
                    ("csrf", &csrf),
                    ("sigla", slug),
                    ("nome", "SIGTAP"),
                    ("nome_completo", "Tabela de Procedimentos"),
                    ("descricao", ""),
                ],
            )
            .await
        }
    };
    let (status, _, body) = create("Sig Tap!").await;
    assert_eq!(status, 422);
    assert!(body.contains("Use letras minúsculas") && body.contains("value=\"Sig Tap!\""));
    let (status, location, _) = create("sigtap").await;
    assert_eq!((status, location.as_str()), (303, "/admin/sistemas/sigtap?ok=sistema-criado"));
    assert_eq!(create("sigtap").await.0, 422, "the slug is taken");
    assert_eq!(server.page("/faq/sigtap").await.0, 404, "inactive: not for citizens yet");

    let path = "/admin/sistemas/sigtap";
    let post = |fields: Vec<(&'static str, String)>| {
        let (server, chefe, csrf) = (&server, chefe.clone(), csrf.clone());
        async move {
            let mut all: Vec<(&str, String)> = vec![("csrf", csrf)];
            all.extend(fields);
            let borrowed: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post_as(server, path, &chefe, &borrowed).await
        }
    };
    let answer = "Consulte a **tabela** no portal.\n\n<script>alert('x')</script>\n\n[clique](javascript:alert(1)) ou [site](https://sigtap.datasus.gov.br)";
    let (status, _, _) = post(vec![
        ("acao", "nova_pergunta".into()),
        ("pergunta", "Como consultar um procedimento?".into()),
        ("resposta", answer.into()),
        ("publicada", "sim".into()),
    ])
    .await;
    assert_eq!(status, 303);
    let (status, _, body) =
        post(vec![("acao", "nova_pergunta".into()), ("pergunta", "Oi".into()), ("resposta", "x".into())]).await;
    assert_eq!(status, 422);
    assert!(body.contains("A pergunta deve ter de 5 a 300 caracteres."));
    let (status, _, _) =
        post(vec![("acao", "nova_funcionalidade".into()), ("nome", "Consulta de procedimentos".into())]).await;
    assert_eq!(status, 303);
    let (status, _, body) =
        post(vec![("acao", "nova_funcionalidade".into()), ("nome", "consulta de procedimentos".into())]).await;
    assert_eq!(status, 422);
    assert!(body.contains("Esta funcionalidade já existe neste sistema."));
    let (status, _, body) = post(vec![
        ("acao", "salvar_sistema".into()),
        ("nome", "SIGTAP".into()),
        ("nome_completo", "Tabela de Procedimentos do SUS".into()),
        ("prazo_espera", "0".into()),
    ])
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("Informe de 1 a 30 dias úteis."), "the waiting target is checked");
    let (status, _, _) = post(vec![
        ("acao", "salvar_sistema".into()),
        ("nome", "SIGTAP".into()),
        ("nome_completo", "Tabela de Procedimentos do SUS".into()),
        ("descricao", "Procedimentos, medicamentos e OPM do SUS.".into()),
        ("ativo", "sim".into()),
    ])
    .await;
    assert_eq!(status, 303);

    // What citizens get, at once: the answer as safe HTML, the new option in the form.
    let (status, faq) = server.page("/faq/sigtap").await;
    assert_eq!(status, 200);
    assert!(faq.contains("Como consultar um procedimento?") && faq.contains("<strong>tabela</strong>"));
    assert!(!faq.contains("<script>alert('x')") && !faq.contains("javascript:"), "{faq}");
    assert!(faq.contains("&lt;script&gt;"), "raw HTML is shown as text");
    assert!(faq.contains("href=\"https://sigtap.datasus.gov.br\""));
    let (_, form) = server.page("/faq/sigtap/chamado").await;
    assert!(form.contains("Consulta de procedimentos") && form.contains("Outros assuntos"));
    let consulta = form.find("Consulta de procedimentos").unwrap_or(usize::MAX);
    let outros = form.find("Outros assuntos").unwrap_or(0);
    assert!(consulta < outros, "Outros assuntos stays last");

    // A canned reply shows to agents answering that system's requests.
    let (status, _, _) = post(vec![
        ("acao", "nova_resposta".into()),
        ("titulo", "Procedimento não encontrado".into()),
        ("texto", "Verifique a competência da tabela.".into()),
    ])
    .await;
    assert_eq!(status, 303);
    let (_, _, page) = page_as(&server, path, &chefe).await;
    assert!(page.contains("Procedimento não encontrado") && page.contains("Como consultar um procedimento?"));
    assert!(!page.contains("<script>alert('x')"), "neither the preview nor the textarea carries the markup");
    assert!(page.contains("&lt;script>alert('x')&lt;/script>"), "the textarea shows the Markdown as typed");

    // Agents cannot edit the catalogue.
    create_agent(&server, "n1@saude.gov.br", "Nina", 1, &["cnes"]).await;
    let nina = sign_in(&server, "n1@saude.gov.br").await;
    let nina_csrf = hidden(&page_as(&server, "/atendimento", &nina).await.2, "csrf");
    let fields = [("csrf", nina_csrf.as_str()), ("acao", "nova_funcionalidade"), ("nome", "Intrusa")];
    assert_eq!(post_as(&server, path, &nina, &fields).await.0, 403);
    assert_eq!(page_as(&server, path, &nina).await.0, 403);
    assert_eq!(page_as(&server, "/admin/sistemas", &nina).await.0, 403);
    let (_, _, log) = page_as(&server, "/admin/auditoria?acao=alterou_catalogo", &chefe).await;
    assert!(log.contains("criou o sistema sigtap"));
    server.finish().await;
}

/// Reports: counts, reopened rate, medians in business days, the ratings' distribution
/// and mean, per level and per agent, on the page and in the CSV; administrators only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_sum_up_a_period() {
    use sea_orm::ConnectionTrait;
    let server = TestServer::sqlite().await;
    let chefe = admin(&server).await;
    let first = open_request(&server, "529.982.247-25").await;
    let second = open_request(&server, "111.444.777-35").await;
    let _third = open_request(&server, "403.644.788-29").await;
    common::follow::finalize(&server, &first, "Resolvido.").await;
    common::follow::finalize(&server, &second, "Resolvido também.").await;
    server
        .db
        .execute_unprepared(&format!(
            "INSERT INTO request_events (request_id, kind, level, body, public, created_at) \
             SELECT id, 'reabertura', level, 'Não resolveu.', {}, updated_at FROM requests WHERE number = '{second}'",
            if server.kind == server::config::DatabaseKind::Postgres { "TRUE" } else { "1" }
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    server
        .db
        .execute_unprepared(&format!("UPDATE requests SET rating = 5 WHERE number = '{first}'"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (status, _, page) = page_as(&server, "/admin/relatorios?sistema=cnes", &chefe).await;
    assert_eq!(status, 200);
    let summary = page.split("<h2>Satisfação").next().unwrap_or_default().to_owned();
    for text in ["<dt>Abertas</dt><dd>3</dd>", "<dt>Finalizadas</dt><dd>2</dd>", "50,0 %", "0,0 dias úteis", "5,0"] {
        assert!(summary.contains(text), "the summary lacks {text:?}: {summary}");
    }
    assert!(page.contains("<svg") && page.contains("Distribuição das avaliações de satisfação"));
    assert!(page.contains("Nível 01"));
    let response = server
        .client
        .get(format!("{}/admin/relatorios.csv?sistema=cnes", server.base))
        .header("cookie", &chefe)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("text/csv; charset=utf-8"));
    let csv = response.text().await.unwrap_or_default();
    let total = csv.lines().find(|l| l.starts_with("\"Total\"")).unwrap_or_else(|| panic!("{csv}"));
    assert_eq!(total, "\"Total\";3;2;1;50,00;0,00;0,00;0;0;0;0;1;5,00");
    assert!(csv.starts_with("\u{feff}grupo;abertas;finalizadas;reabertas;"));
    // Another system's period is empty; agents get no report.
    let (_, _, saps) = page_as(&server, "/admin/relatorios?sistema=saps", &chefe).await;
    assert!(saps.contains("<dt>Abertas</dt><dd>0</dd>"));
    create_agent(&server, "n1@saude.gov.br", "Nina", 1, &["cnes"]).await;
    let nina = sign_in(&server, "n1@saude.gov.br").await;
    assert_eq!(page_as(&server, "/admin/relatorios", &nina).await.0, 403);
    assert_eq!(page_as(&server, "/admin/relatorios.csv", &nina).await.0, 403);
    assert_eq!(page_as(&server, "/admin/relatorios.csv", "").await.0, 303);
    server.finish().await;
}
