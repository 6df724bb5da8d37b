//! What cannot be undone asks first, without JavaScript (issue 15): deleting an FAQ entry
//! (and a canned reply), removing a ponto facultativo, revoking an agent's access. The
//! first post shows the question and changes nothing; the box posts the same fields again
//! with `confirmado=sim`. (The calendar and the agent are covered in `admin.rs`.)

mod common;

use common::console::{admin, hidden, page_as, post_as};
use common::TestServer;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::db::entities::faq_entry;

async fn deleting_an_faq_entry_asks_first(server: &TestServer) {
    let chefe = admin(server).await;
    let entry = faq_entry::Entity::find()
        .filter(faq_entry::Column::Question.eq("Como instalar o SCNES?"))
        .one(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no such entry"));
    let path = "/admin/sistemas/cnes";
    let (_, _, page) = page_as(server, path, &chefe).await;
    let csrf = hidden(&page, "csrf");
    let id = entry.id.to_string();
    let delete = [("csrf", csrf.as_str()), ("acao", "excluir_pergunta"), ("id", id.as_str())];
    let (status, _, confirm) = post_as(server, path, &chefe, &delete).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("Excluir a pergunta “Como instalar o SCNES?”?"), "{confirm}");
    assert!(confirm.contains("não pode ser desfeita") && confirm.contains("Confirmar exclusão"), "{confirm}");
    assert!(
        confirm.contains(&format!("name=\"id\" value=\"{id}\"")) && confirm.contains("value=\"excluir_pergunta\""),
        "the box posts the same fields again"
    );
    assert!(faq_entry::Entity::find_by_id(entry.id).one(&server.db).await.ok().flatten().is_some(), "still there");
    let confirmed = [("csrf", csrf.as_str()), ("acao", "excluir_pergunta"), ("id", id.as_str()), ("confirmado", "sim")];
    let (status, _, _) = post_as(server, path, &chefe, &confirmed).await;
    assert_eq!(status, 303);
    assert!(faq_entry::Entity::find_by_id(entry.id).one(&server.db).await.ok().flatten().is_none(), "deleted");
    // An entry that is not this system's: no question asked, not found.
    let unknown = [("csrf", csrf.as_str()), ("acao", "excluir_pergunta"), ("id", "999999")];
    assert_eq!(post_as(server, path, &chefe, &unknown).await.0, 404);
}
on_both_databases!(deleting_an_faq_entry_asks_first);
