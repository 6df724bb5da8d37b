//! Attachments in an S3-compatible bucket: a bucket that cannot be reached makes the
//! portal unready and refuses an opening with files with a 503 and a clear message,
//! storing nothing of it; an opening without files still goes through; a stored file the
//! bucket cannot give now is a 503, not "not found". (Every other
//! attachment test runs against a real S3-compatible server too: `scripts/test` runs
//! them again with `WEBATEND_TEST_S3_ENDPOINT` set.)

mod common;
use app::api::request::SubmitOutcome;
use common::console::{admin, page_as};
use common::opening::{form, png, post, solved_captcha, valid_fields};
use common::TestServer;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
use server::config::RawStorage;
use server::db::entities::{attachment, outbox_message, request};

/// A bucket at an address where nothing listens (the port was bound, then freed).
async fn unreachable_bucket() -> RawStorage {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
    drop(listener);
    RawStorage {
        s3_bucket: Some("webatendimento-fora".into()),
        s3_endpoint: Some(format!("http://127.0.0.1:{port}")),
        s3_region: "us-east-1".into(),
        s3_access_key_id: Some("teste".into()),
        s3_secret_access_key: Some("teste".into()),
        s3_path_style: "true".into(),
        s3_prefix: "anexos".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bucket_that_cannot_be_reached_refuses_files_cleanly_and_keeps_nothing() {
    let storage = unreachable_bucket().await;
    let server = TestServer::sqlite_with(|raw| raw.storage = storage).await;

    let ready = server.get("/readyz").await;
    assert_eq!(ready.status().as_u16(), 503);
    assert_eq!(ready.text().await.unwrap_or_default(), "storage unavailable\n");
    assert_eq!(server.get("/healthz").await.status().as_u16(), 200);

    let fields = valid_fields(&server).await;
    let captcha = solved_captcha(&server).await;
    let (status, outcome) =
        post(&server, "cnes", form(&fields, &captcha, vec![("tela.png".into(), png(40, 40))])).await;
    assert_eq!(status, 503, "{outcome:?}");
    let SubmitOutcome::Refused { message } = outcome else { panic!("{outcome:?}") };
    assert!(message.contains("Tente novamente"), "{message}");
    assert!(!message.contains("127.0.0.1") && !message.to_lowercase().contains("s3"), "no internals: {message}");
    assert_eq!(request::Entity::find().count(&server.db).await.unwrap_or_else(|e| panic!("{e}")), 0);
    assert_eq!(attachment::Entity::find().count(&server.db).await.unwrap_or_else(|e| panic!("{e}")), 0);
    assert_eq!(outbox_message::Entity::find().count(&server.db).await.unwrap_or_else(|e| panic!("{e}")), 0);

    // Without files the store is not needed: the opening goes through.
    let captcha = solved_captcha(&server).await;
    let (status, outcome) = post(&server, "cnes", form(&fields, &captcha, vec![])).await;
    assert_eq!(status, 201, "{outcome:?}");
    let SubmitOutcome::Created { number, .. } = outcome else { panic!("{outcome:?}") };

    // A file its record names, in the bucket that cannot be reached: the agent is told to
    // try again later, not that the file does not exist.
    let stored = server.stored_request(&number).await;
    let id = server::attachments::store::new_id();
    attachment::ActiveModel {
        id: Set(id.clone()),
        request_id: Set(stored.id),
        file_name: Set("tela.png".into()),
        content_type: Set("image/png".into()),
        size_bytes: Set(100),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&server.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let cookie = admin(&server).await;
    for path in [
        format!("/atendimento/solicitacoes/{number}/anexos/{id}"),
        format!("/atendimento/solicitacoes/{number}/anexos/{id}/previa"),
    ] {
        let (status, _, body) = page_as(&server, &path, &cookie).await;
        assert_eq!(status, 503, "{path}: {body}");
        assert!(body.contains("temporariamente indisponível"), "{body}");
    }
    server.finish().await;
}
