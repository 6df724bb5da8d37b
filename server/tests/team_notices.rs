//! Agents are told of work arriving in the queues they serve, as each chose on the
//! profile page: each arrival as it happens (only the agents of that system and level,
//! with no personal data of the citizen), a daily summary once a day, or nothing; two
//! rounds of the job at once never tell anyone twice.

mod common;

use chrono::{Duration, Utc};
use common::console::{act, create_agent, hidden, page_as, post_as, sign_in};
use common::opening::open_request;
use common::TestServer;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use server::db::entities::outbox_message;

const CPF: &str = "529.982.247-25";

/// The team's e-mails of `kind` queued so far, as (recipient, subject, body).
async fn told(server: &TestServer, kind: &str) -> Vec<(String, String, String)> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq(kind))
        .order_by_asc(outbox_message::Column::Id)
        .all(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|m| (m.mail_to, m.subject, String::from_utf8_lossy(&m.raw).replace("=\r\n", "")))
        .collect()
}

/// A round of the job as if it ran `ahead` from now, twice at once (as two instances).
async fn two_rounds(server: &TestServer, ahead: Duration) {
    let now = Utc::now() + ahead;
    let (a, b) = tokio::join!(server.team_notices.run_once(now), server.team_notices.run_once(now));
    a.unwrap_or_else(|e| panic!("{e}"));
    b.unwrap_or_else(|e| panic!("{e}"));
}

async fn agents_are_told_as_they_chose(server: &TestServer) {
    create_agent(server, "ana@saude.gov.br", "Ana Nível Um", 1, &["cnes"]).await;
    create_agent(server, "caio@saude.gov.br", "Caio Calado", 1, &["cnes"]).await;
    create_agent(server, "bia@saude.gov.br", "Bia Nível Dois", 2, &["cnes"]).await;
    create_agent(server, "saulo@saude.gov.br", "Saulo do SAPS", 1, &["saps"]).await;
    create_agent(server, "dora@saude.gov.br", "Dora do Resumo", 2, &["cnes"]).await;

    // Choices are made on the profile page, and checked there.
    for (email, choice, hour) in [("caio@saude.gov.br", "nenhum", "8"), ("dora@saude.gov.br", "diario", "0")] {
        let cookie = sign_in(server, email).await;
        let (status, _, page) = page_as(server, "/atendimento/perfil", &cookie).await;
        assert_eq!(status, 200);
        assert!(page.contains("Avisos por e-mail") && page.contains("value=\"imediato\" checked"), "{page}");
        let csrf = hidden(&page, "csrf");
        let (status, _, refused) =
            post_as(server, "/atendimento/perfil", &cookie, &[("csrf", &csrf), ("avisos", choice), ("hora", "99")])
                .await;
        assert_eq!(status, 422);
        assert!(refused.contains("Escolha um horário entre 00:00 e 23:00."), "{refused}");
        let (status, location, _) =
            post_as(server, "/atendimento/perfil", &cookie, &[("csrf", &csrf), ("avisos", choice), ("hora", hour)])
                .await;
        assert_eq!((status, location.as_str()), (303, "/atendimento/perfil?ok=perfil"));
        let (_, _, saved) = page_as(server, "/atendimento/perfil", &cookie).await;
        assert!(saved.contains(&format!("value=\"{choice}\" checked")), "{saved}");
    }

    // A new CNES request: only the level-1 CNES agent who wants each arrival is told.
    let number = open_request(server, CPF).await;
    two_rounds(server, Duration::seconds(10)).await;
    let arrivals = told(server, "aviso_equipe").await;
    assert_eq!(arrivals.len(), 1, "{arrivals:?}");
    let (to, subject, raw) = &arrivals[0];
    assert_eq!(to, "ana@saude.gov.br");
    assert!(subject.contains(&number) && subject.contains("Nova solicitação"), "{subject}");
    assert!(raw.contains(&format!("/atendimento/solicitacoes/{number}")));
    for personal in ["Maria", "maria.silva", "52998224725", "982.247"] {
        assert!(!raw.contains(personal), "no personal data in an agent's notice: {personal}");
    }
    two_rounds(server, Duration::seconds(10)).await;
    assert_eq!(told(server, "aviso_equipe").await.len(), 1, "an arrival is told once");

    // Forwarded to level 2: the level-2 agent who wants each arrival is told; not the one
    // who forwarded it, nor the one who wants a summary.
    let ana = sign_in(server, "ana@saude.gov.br").await;
    let (status, _, _) =
        act(server, &number, &ana, &[("acao", "encaminhar"), ("nivel", "2"), ("texto", "Precisa do nível 2.")]).await;
    assert_eq!(status, 303);
    two_rounds(server, Duration::seconds(10)).await;
    let arrivals = told(server, "aviso_equipe").await;
    assert_eq!(arrivals.len(), 2, "{arrivals:?}");
    assert_eq!(arrivals[1].0, "bia@saude.gov.br");
    assert!(arrivals[1].1.contains("Encaminhada ao Nível 02"), "{}", arrivals[1].1);

    // Dora's summary (00:00, Brasília) is due tomorrow, once, with what reached level 2.
    assert!(told(server, "resumo_equipe").await.is_empty());
    two_rounds(server, Duration::days(1)).await;
    two_rounds(server, Duration::days(1) + Duration::hours(1)).await;
    let digests = told(server, "resumo_equipe").await;
    assert_eq!(digests.len(), 1, "one summary a day: {digests:?}");
    assert_eq!(digests[0].0, "dora@saude.gov.br");
    assert!(digests[0].2.contains(&number) && digests[0].2.contains("Encaminhada ao N"), "{}", digests[0].2);
}

on_both_databases!(agents_are_told_as_they_chose);
