//! Openings written together (`services::opening`): the batch is handed to the writer
//! directly, so what happens inside one transaction is tested deterministically. A
//! captcha used twice in the batch or already spent refuses that opening only; the
//! per-CPF limit counts the batch's own openings and gives the refused one's captcha and
//! numbers back; numbers stay consecutive; every stored request has its timeline entry
//! and its e-mail.

mod common;

use app::domain::request_form::{validate, Draft, Field};
use common::opening::funcionalidade_id;
use common::TestServer;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement};
use server::captcha::Verified;
use server::db::entities::{outbox_message, request, request_event, system};
use server::db::WriteGate;
use server::mail::compose::Sender;
use server::services::opening::{OpenError, Pending, Submission, Writer};
use std::sync::Arc;

/// A valid submission with this CPF and captcha challenge.
async fn submission(server: &TestServer, cpf: &str, challenge: &str) -> Submission {
    let funcionalidade = funcionalidade_id(server, "cnes", "Transmissão de dados").await;
    let mut draft = Draft::default();
    for (field, value) in [
        (Field::Email, "maria.silva@saude.gov.br"),
        (Field::Nome, "Maria da Silva"),
        (Field::Cpf, cpf),
        (Field::Telefone, "(61) 99999-8888"),
        (Field::Uf, "DF"),
        (Field::Descricao, "Não consigo transmitir os dados do estabelecimento desde ontem."),
    ] {
        draft.set(field, value.to_owned());
    }
    draft.set(Field::Funcionalidade, funcionalidade.to_string());
    let draft = validate(&draft, &[funcionalidade]).unwrap_or_else(|e| panic!("{e:?}"));
    let captcha =
        Verified { challenge: challenge.to_owned(), expires_at: chrono::Utc::now() + chrono::Duration::minutes(10) };
    Submission { draft, captcha, attachments: Vec::new(), idempotency_key: None }
}

fn sequence(number: &str) -> i64 {
    number[4..].parse().unwrap_or_else(|e| panic!("{number}: {e}"))
}

async fn captcha_spent(server: &TestServer, challenge: &str) -> bool {
    let row = server
        .db
        .query_one(Statement::from_string(
            server.db.get_database_backend(),
            format!("SELECT COUNT(*) FROM captcha_uses WHERE challenge = '{challenge}'"),
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no count"));
    row.try_get_by_index::<i64>(0).unwrap_or_else(|e| panic!("{e}")) == 1
}

async fn one_transaction_keeps_each_openings_answer(server: &TestServer) {
    let cnes = system::Entity::find()
        .filter(system::Column::Slug.eq("cnes"))
        .one(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no cnes"));
    let writer = Writer {
        db: server.db.clone(),
        gate: WriteGate::for_kind(server.kind),
        sender: Sender { name: "WEB Atendimento SUS".into(), address: "noreply@portal.test".into() },
        public_url: "http://portal.test".into(),
        per_cpf_per_day: 2,
        mail_wakeup: Arc::new(tokio::sync::Notify::new()),
    };
    let pending = |submission| Pending { system_id: cnes.id, system_name: cnes.name.clone(), submission };
    let x = "529.982.247-25";
    let y = "111.444.777-35";
    let batch = vec![
        submission(server, x, "desafio-1").await,
        submission(server, x, "desafio-2").await,
        submission(server, x, "desafio-3").await, // a third for X: over the limit of 2
        submission(server, y, "desafio-1").await, // the first one's captcha again
        submission(server, y, "desafio-4").await,
    ];
    let outcomes = writer.write_all(batch.into_iter().map(pending).collect()).await;
    let numbers: Vec<String> = [0, 1, 4]
        .iter()
        .map(|&i| outcomes[i].as_ref().cloned().unwrap_or_else(|e| panic!("opening {i}: {e}")))
        .collect();
    assert!(matches!(outcomes[2], Err(OpenError::CpfLimit)), "{:?}", outcomes[2]);
    assert!(matches!(outcomes[3], Err(OpenError::CaptchaSpent)), "{:?}", outcomes[3]);
    let first = sequence(&numbers[0]);
    assert_eq!(numbers.iter().map(|n| sequence(n)).collect::<Vec<_>>(), [first, first + 1, first + 2]);
    assert!(captcha_spent(server, "desafio-1").await && captcha_spent(server, "desafio-4").await);
    assert!(!captcha_spent(server, "desafio-3").await, "the refused opening's captcha stays usable");

    // Each stored request has its first timeline entry and its e-mail; nothing of the others.
    for number in &numbers {
        let row = request::Entity::find()
            .filter(request::Column::Number.eq(number.as_str()))
            .one(&server.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("{number} not stored"));
        let events = request_event::Entity::find().filter(request_event::Column::RequestId.eq(row.id));
        assert_eq!(events.count(&server.db).await.unwrap_or_default(), 1, "{number}");
        let mail = outbox_message::Entity::find()
            .filter(outbox_message::Column::RequestId.eq(row.id))
            .one(&server.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no e-mail for {number}"));
        assert!(String::from_utf8_lossy(&mail.raw).contains(number.as_str()), "the e-mail names its own number");
    }
    assert_eq!(request::Entity::find().count(&server.db).await.unwrap_or_default(), 3);

    // The next batch goes on from the next number; the given-back captcha works, a spent one not.
    let z = "403.644.788-29";
    let next = writer
        .write_all(vec![
            pending(submission(server, z, "desafio-3").await),
            pending(submission(server, z, "desafio-4").await),
        ])
        .await;
    let number = next[0].as_ref().cloned().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sequence(&number), first + 3, "no number was lost to the refused opening");
    assert!(matches!(next[1], Err(OpenError::CaptchaSpent)), "{:?}", next[1]);
    // Only refusals: nothing is written, the counter does not move.
    let refused = writer.write_all(vec![pending(submission(server, z, "desafio-4").await)]).await;
    assert!(matches!(refused[0], Err(OpenError::CaptchaSpent)));
    let last = writer.write_all(vec![pending(submission(server, y, "desafio-5").await)]).await;
    assert_eq!(sequence(last[0].as_ref().unwrap_or_else(|e| panic!("{e}"))), first + 4);
}

on_both_databases!(one_transaction_keeps_each_openings_answer);
