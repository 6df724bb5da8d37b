//! A backup restored into a fresh database serves what was kept: `scripts/backup` dumps a
//! PostgreSQL portal and copies its attachments, `scripts/restore` brings both back into a
//! new database and data folder, and a portal started on them shows the request to the
//! administrator, with its file, whole.

mod common;
use common::console::{admin, page_as, sign_in_with, ADMIN_PASSWORD};
use common::opening::{open_request_with, png};
use common::{drop_postgres_database, fresh_postgres_database, postgres_admin_url, TestServer};
use sea_orm::EntityTrait;
use server::db::entities::attachment;
use std::process::Command;

fn script(name: &str) -> Command {
    Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/").to_owned() + name)
}

fn run(mut command: Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let (out, err) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{command:?} failed: {out}\n{err}");
    out.into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_backup_serves_its_requests_and_files() {
    if std::env::var_os("WEBATEND_TEST_S3_ENDPOINT").is_some() {
        return; // files in a bucket are restored from its versions, not by this script
    }
    let Some((url, name)) = fresh_postgres_database().await else { return };
    let original = TestServer::on_database(url.clone()).await;
    let image = png(64, 48);
    let number = open_request_with(&original, "529.982.247-25", vec![("tela.png".into(), image.clone())]).await;
    admin(&original).await;
    let file = attachment::Entity::find().all(&original.db).await.unwrap_or_else(|e| panic!("{e}"));
    let kept = original.stored_file(&file[0].id).await.unwrap_or_else(|| panic!("no file"));

    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let backup = work.path().join("backup");
    let mut command = script("backup");
    command.arg("--database-url").arg(&url).arg("--out").arg(&backup).arg("--data-dir").arg(original.data_dir());
    run(command);
    original.finish().await;

    let restored_name = format!("{name}_restaurado");
    let restored_url =
        format!("{}/{restored_name}", postgres_admin_url().rsplit_once('/').map_or("", |(base, _)| base));
    let restored_data = work.path().join("dados");
    let mut command = script("restore");
    command.arg("--from").arg(&backup).arg("--database-url").arg(&restored_url).arg("--data-dir").arg(&restored_data);
    let said = run(command);
    assert!(said.contains("1 requests, 1 attachments"), "{said}");
    // Never over an existing database.
    let mut again = script("restore");
    again.arg("--from").arg(&backup).arg("--database-url").arg(&restored_url);
    assert!(!again.output().map(|o| o.status.success()).unwrap_or(true), "a second restore into it is refused");

    let restored = TestServer::on_database_with(restored_url, |raw| raw.data_dir = restored_data.clone()).await;
    let (status, Some(cookie), _) = sign_in_with(&restored, "chefe@saude.gov.br", ADMIN_PASSWORD, None).await else {
        panic!("the administrator cannot sign in to the restored portal")
    };
    assert_eq!(status, 303);
    let cookie = cookie.split(';').next().unwrap_or_default().to_owned();
    let (status, _, page) = page_as(&restored, &format!("/atendimento/solicitacoes/{number}"), &cookie).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("tela.png"), "{page}");
    let download = restored
        .client
        .get(format!("{}/atendimento/solicitacoes/{number}/anexos/{}", restored.base, file[0].id))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(download.status().as_u16(), 200);
    assert_eq!(download.bytes().await.unwrap_or_default().to_vec(), kept, "the file, whole");
    restored.finish().await;
    drop_postgres_database(&restored_name).await;
    drop_postgres_database(&name).await;
}
