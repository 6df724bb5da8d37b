//! Administration of the catalogue behind `app`'s [`CatalogAdmin`] port and the
//! `/admin/sistemas` form posts: systems, FAQ entries (Markdown rendered by
//! `crate::markdown`, the one place that decides what HTML citizens get), funcionalidades
//! and canned replies. Administrators only; every change audited in its transaction.

use super::admin::AdminService;
use super::agents::Principal;
use super::audit::{self, action, Actor};
use super::refuse;
use crate::db::entities::{canned_reply, faq_entry, funcionalidade, system};
use crate::db::WriteGate;
use crate::markdown;
use crate::refusal::Refusal;
use app::api::catalog_admin::{
    CannedAdmin, FaqAdminEntry, FuncionalidadeAdmin, SystemAdminPage, SystemRow, SystemsPage,
};
use app::api::AppError;
use app::domain::slug;
use app::ports::CatalogAdmin;
use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};
use std::sync::Arc;

/// A change to a system's page, as its forms post it.
#[derive(Debug, Clone)]
pub enum SystemChange {
    Save { name: String, full_name: String, description: String, active: bool, wait_target: String },
    NewQuestion { question: String, answer: String, published: bool },
    SaveQuestion { id: i32, question: String, answer: String, published: bool },
    DeleteQuestion { id: i32 },
    MoveQuestion { id: i32, up: bool },
    NewFuncionalidade { name: String },
    SaveFuncionalidade { id: i32, name: String, active: bool },
    MoveFuncionalidade { id: i32 },
    NewCanned { title: String, body: String },
    SaveCanned { id: i32, title: String, body: String },
    DeleteCanned { id: i32 },
}

/// Trimmed, between `min` and `max` characters, no control characters but line breaks.
fn text(value: &str, field: &'static str, min: usize, max: usize, what: &str) -> Result<String, Refusal> {
    let value = value.trim();
    let length = value.chars().count();
    if length < min || length > max {
        return Err(Refusal::invalid(field, format!("{what} deve ter de {min} a {max} caracteres.")));
    }
    if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Refusal::invalid(
            field,
            "O texto contém caracteres de controle; cole-o novamente como texto simples.",
        ));
    }
    Ok(value.to_owned())
}

pub struct CatalogAdminService {
    db: DatabaseConnection,
    gate: WriteGate,
    admin: Arc<AdminService>,
}

impl CatalogAdminService {
    pub fn new(db: DatabaseConnection, gate: WriteGate, admin: Arc<AdminService>) -> CatalogAdminService {
        CatalogAdminService { db, gate, admin }
    }

    pub async fn administrator(&self, session: Option<&str>) -> Result<Principal, AppError> {
        self.admin.administrator(session).await
    }

    /// Creates a system (inactive, with "Outros assuntos" as its only funcionalidade).
    pub async fn create_system(
        &self,
        by: &Principal,
        slug_text: &str,
        name: &str,
        full_name: &str,
        description: &str,
        client: Option<String>,
    ) -> Result<String, Refusal> {
        let slug_text = slug_text.trim().to_lowercase();
        if !slug::is_valid(&slug_text) {
            return Err(Refusal::invalid("sigla", "Use letras minúsculas, números e hífens (até 40), como “cnes”."));
        }
        let name = text(name, "nome", 2, 80, "O nome")?;
        let full_name = text(full_name, "nome_completo", 2, 200, "O nome completo")?;
        let description = text(description, "descricao", 0, 500, "A descrição")?;
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        if system::Entity::find().filter(system::Column::Slug.eq(slug_text.as_str())).one(&txn).await?.is_some() {
            return Err(Refusal::invalid("sigla", "Já existe um sistema com esta sigla."));
        }
        let position = i32::try_from(system::Entity::find().count(&txn).await?).unwrap_or(i32::MAX);
        let created = system::ActiveModel {
            slug: Set(slug_text.clone()),
            name: Set(name),
            full_name: Set(full_name),
            description: Set(description),
            logo_path: Set(None),
            active: Set(false),
            position: Set(position),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        funcionalidade::ActiveModel {
            system_id: Set(created.id),
            name: Set("Outros assuntos".to_owned()),
            position: Set(0),
            active: Set(true),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let actor = Actor { agent_id: Some(by.id), ip: client };
        audit::record(&txn, &actor, action::CATALOG, None, &format!("criou o sistema {slug_text}"), now).await?;
        txn.commit().await?;
        self.admin.reference.forget();
        Ok(slug_text)
    }

    /// Applies one form of a system's page.
    /// The title of a question (`canned` false) or a canned reply of system `slug`, for a
    /// confirmation that names it.
    pub async fn item_title(&self, slug: &str, id: i32, canned: bool) -> Result<Option<String>, DbErr> {
        let Some(sys) = system::Entity::find().filter(system::Column::Slug.eq(slug)).one(&self.db).await? else {
            return Ok(None);
        };
        Ok(if canned {
            canned_reply::Entity::find_by_id(id).one(&self.db).await?.filter(|c| c.system_id == sys.id).map(|c| c.title)
        } else {
            faq_entry::Entity::find_by_id(id).one(&self.db).await?.filter(|e| e.system_id == sys.id).map(|e| e.question)
        })
    }

    pub async fn change_system(
        &self,
        by: &Principal,
        slug_text: &str,
        change: SystemChange,
        client: Option<String>,
    ) -> Result<(), Refusal> {
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let found = system::Entity::find().filter(system::Column::Slug.eq(slug_text)).one(&txn).await?;
        let sys = found.ok_or(Refusal::NotFound)?;
        let detail = apply(&txn, &sys, change, now).await?;
        let actor = Actor { agent_id: Some(by.id), ip: client };
        audit::record(&txn, &actor, action::CATALOG, None, &format!("{}: {detail}", sys.slug), now).await?;
        txn.commit().await?;
        self.admin.reference.forget();
        Ok(())
    }

    async fn load_systems(&self, admin: &Principal) -> Result<SystemsPage, DbErr> {
        let systems = system::Entity::find().order_by_asc(system::Column::Position).all(&self.db).await?;
        let mut rows = Vec::with_capacity(systems.len());
        for s in systems {
            let entries = faq_entry::Entity::find().filter(faq_entry::Column::SystemId.eq(s.id));
            let faq_total = entries.clone().count(&self.db).await?;
            let faq_published = entries.filter(faq_entry::Column::Published.eq(true)).count(&self.db).await?;
            rows.push(SystemRow {
                slug: s.slug,
                name: s.name,
                full_name: s.full_name,
                active: s.active,
                faq_published,
                faq_total,
            });
        }
        Ok(SystemsPage { admin: admin.view(), systems: rows })
    }

    async fn load_system(&self, admin: &Principal, slug_text: &str) -> Result<Option<SystemAdminPage>, DbErr> {
        let Some(sys) = system::Entity::find().filter(system::Column::Slug.eq(slug_text)).one(&self.db).await? else {
            return Ok(None);
        };
        let faq = faq_entry::Entity::find()
            .filter(faq_entry::Column::SystemId.eq(sys.id))
            .order_by_asc(faq_entry::Column::Position)
            .order_by_asc(faq_entry::Column::Id)
            .all(&self.db)
            .await?;
        let votes = super::faq_help::entry_counts(&self.db, sys.id).await?;
        let funcionalidades = funcionalidade::Entity::find()
            .filter(funcionalidade::Column::SystemId.eq(sys.id))
            .order_by_asc(funcionalidade::Column::Position)
            .order_by_asc(funcionalidade::Column::Id)
            .all(&self.db)
            .await?;
        let canned = canned_reply::Entity::find()
            .filter(canned_reply::Column::SystemId.eq(sys.id))
            .order_by_asc(canned_reply::Column::Title)
            .all(&self.db)
            .await?;
        Ok(Some(SystemAdminPage {
            admin: admin.view(),
            slug: sys.slug,
            name: sys.name,
            full_name: sys.full_name,
            description: sys.description,
            active: sys.active,
            wait_target_days: sys.wait_target_days,
            logo_path: sys.logo_path,
            faq: faq
                .into_iter()
                .map(|e| {
                    let (helpful, not_helpful) = votes.get(&e.id).copied().unwrap_or_default();
                    FaqAdminEntry {
                        id: e.id,
                        answer_html: markdown::render(&e.answer_md).html,
                        question: e.question,
                        answer_md: e.answer_md,
                        published: e.published,
                        helpful,
                        not_helpful,
                    }
                })
                .collect(),
            funcionalidades: funcionalidades
                .into_iter()
                .map(|f| FuncionalidadeAdmin { id: f.id, name: f.name, active: f.active })
                .collect(),
            canned: canned.into_iter().map(|c| CannedAdmin { id: c.id, title: c.title, body: c.body }).collect(),
        }))
    }
}

/// Writes one change inside `txn`; the audit line's detail.
async fn apply(
    txn: &DatabaseTransaction,
    sys: &system::Model,
    change: SystemChange,
    now: chrono::DateTime<Utc>,
) -> Result<String, Refusal> {
    Ok(match change {
        SystemChange::Save { name, full_name, description, active, wait_target } => {
            // A form from before the field existed leaves the target as it is.
            let wait_target = match wait_target.trim() {
                "" => sys.wait_target_days,
                typed => typed
                    .parse::<i16>()
                    .ok()
                    .filter(|days| (1..=30).contains(days))
                    .ok_or_else(|| Refusal::invalid("prazo_espera", "Informe de 1 a 30 dias úteis."))?,
            };
            let mut row: system::ActiveModel = sys.clone().into();
            row.wait_target_days = Set(wait_target);
            row.name = Set(text(&name, "nome", 2, 80, "O nome")?);
            row.full_name = Set(text(&full_name, "nome_completo", 2, 200, "O nome completo")?);
            row.description = Set(text(&description, "descricao", 0, 500, "A descrição")?);
            row.active = Set(active);
            row.update(txn).await?;
            format!(
                "dados do sistema (ativo: {}, prazo de espera: {wait_target} dias úteis)",
                if active { "sim" } else { "não" }
            )
        }
        SystemChange::NewQuestion { question, answer, published } => {
            let question = text(&question, "pergunta", 5, 300, "A pergunta")?;
            let answer = text(&answer, "resposta", 1, 20_000, "A resposta")?;
            let position = faq_entry::Entity::find()
                .filter(faq_entry::Column::SystemId.eq(sys.id))
                .order_by_desc(faq_entry::Column::Position)
                .one(txn)
                .await?
                .map_or(0, |e| e.position.saturating_add(1));
            let created = faq_entry::ActiveModel {
                system_id: Set(sys.id),
                question: Set(question),
                answer_md: Set(answer),
                position: Set(position),
                published: Set(published),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            format!("nova pergunta {}", created.id)
        }
        SystemChange::SaveQuestion { id, question, answer, published } => {
            let entry = faq_of(txn, sys, id).await?;
            let mut row: faq_entry::ActiveModel = entry.into();
            row.question = Set(text(&question, "pergunta", 5, 300, "A pergunta")?);
            row.answer_md = Set(text(&answer, "resposta", 1, 20_000, "A resposta")?);
            row.published = Set(published);
            row.updated_at = Set(now);
            row.update(txn).await?;
            format!("pergunta {id} (publicada: {})", if published { "sim" } else { "não" })
        }
        SystemChange::DeleteQuestion { id } => {
            faq_of(txn, sys, id).await?;
            faq_entry::Entity::delete_by_id(id).exec(txn).await?;
            format!("excluiu a pergunta {id}")
        }
        SystemChange::MoveQuestion { id, up } => {
            let entries = faq_entry::Entity::find()
                .filter(faq_entry::Column::SystemId.eq(sys.id))
                .order_by_asc(faq_entry::Column::Position)
                .order_by_asc(faq_entry::Column::Id)
                .all(txn)
                .await?;
            let ids: Vec<i32> = entries.iter().map(|e| e.id).collect();
            let reordered = swap_with_neighbour(&ids, id, up).ok_or(Refusal::NotFound)?;
            for (position, entry_id) in reordered.iter().enumerate() {
                faq_entry::Entity::update_many()
                    .col_expr(faq_entry::Column::Position, sea_orm::sea_query::Expr::value(position as i32))
                    .filter(faq_entry::Column::Id.eq(*entry_id))
                    .exec(txn)
                    .await?;
            }
            format!("moveu a pergunta {id}")
        }
        SystemChange::NewFuncionalidade { name } => {
            let name = text(&name, "nome", 2, 120, "O nome da funcionalidade")?;
            let existing =
                funcionalidade::Entity::find().filter(funcionalidade::Column::SystemId.eq(sys.id)).all(txn).await?;
            if existing.iter().any(|f| f.name.to_lowercase() == name.to_lowercase()) {
                return Err(Refusal::invalid("nome", "Esta funcionalidade já existe neste sistema."));
            }
            let position = existing.iter().map(|f| f.position).max().map_or(0, |p| p.saturating_add(1));
            funcionalidade::ActiveModel {
                system_id: Set(sys.id),
                name: Set(name.clone()),
                position: Set(position),
                active: Set(true),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            format!("nova funcionalidade “{name}”")
        }
        SystemChange::SaveFuncionalidade { id, name, active } => {
            let name = text(&name, "nome", 2, 120, "O nome da funcionalidade")?;
            let existing =
                funcionalidade::Entity::find().filter(funcionalidade::Column::SystemId.eq(sys.id)).all(txn).await?;
            let current = existing.iter().find(|f| f.id == id).cloned().ok_or(Refusal::NotFound)?;
            if existing.iter().any(|f| f.id != id && f.name.to_lowercase() == name.to_lowercase()) {
                return Err(Refusal::invalid("nome", "Esta funcionalidade já existe neste sistema."));
            }
            if !active && existing.iter().filter(|f| f.active && f.id != id).count() == 0 {
                return Err(Refusal::invalid("ativa", "O formulário precisa de pelo menos uma funcionalidade ativa."));
            }
            let mut row: funcionalidade::ActiveModel = current.into();
            row.name = Set(name);
            row.active = Set(active);
            row.update(txn).await?;
            // Requests keep their funcionalidade: it is deactivated, never deleted.
            format!("funcionalidade {id} (ativa: {})", if active { "sim" } else { "não" })
        }
        SystemChange::MoveFuncionalidade { id } => {
            let existing = funcionalidade::Entity::find()
                .filter(funcionalidade::Column::SystemId.eq(sys.id))
                .order_by_asc(funcionalidade::Column::Position)
                .order_by_asc(funcionalidade::Column::Id)
                .all(txn)
                .await?;
            let ids: Vec<i32> = existing.iter().map(|f| f.id).collect();
            let reordered = swap_with_neighbour(&ids, id, true).ok_or(Refusal::NotFound)?;
            for (position, f_id) in reordered.iter().enumerate() {
                funcionalidade::Entity::update_many()
                    .col_expr(funcionalidade::Column::Position, sea_orm::sea_query::Expr::value(position as i32))
                    .filter(funcionalidade::Column::Id.eq(*f_id))
                    .exec(txn)
                    .await?;
            }
            format!("moveu a funcionalidade {id}")
        }
        SystemChange::NewCanned { title, body } => {
            let created = canned_reply::ActiveModel {
                system_id: Set(sys.id),
                title: Set(text(&title, "titulo", 2, 120, "O título")?),
                body: Set(text(&body, "texto", 1, 10_000, "O texto")?),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            format!("nova resposta pronta {}", created.id)
        }
        SystemChange::SaveCanned { id, title, body } => {
            let current = canned_of(txn, sys, id).await?;
            let mut row: canned_reply::ActiveModel = current.into();
            row.title = Set(text(&title, "titulo", 2, 120, "O título")?);
            row.body = Set(text(&body, "texto", 1, 10_000, "O texto")?);
            row.update(txn).await?;
            format!("resposta pronta {id}")
        }
        SystemChange::DeleteCanned { id } => {
            canned_of(txn, sys, id).await?;
            canned_reply::Entity::delete_by_id(id).exec(txn).await?;
            format!("excluiu a resposta pronta {id}")
        }
    })
}

async fn faq_of(txn: &DatabaseTransaction, sys: &system::Model, id: i32) -> Result<faq_entry::Model, Refusal> {
    faq_entry::Entity::find_by_id(id)
        .filter(faq_entry::Column::SystemId.eq(sys.id))
        .one(txn)
        .await?
        .ok_or(Refusal::NotFound)
}

async fn canned_of(txn: &DatabaseTransaction, sys: &system::Model, id: i32) -> Result<canned_reply::Model, Refusal> {
    canned_reply::Entity::find_by_id(id)
        .filter(canned_reply::Column::SystemId.eq(sys.id))
        .one(txn)
        .await?
        .ok_or(Refusal::NotFound)
}

/// `ids` with `id` swapped with the one before it (`up`) or after it; `None` when `id`
/// is not there. At the edge nothing moves.
pub fn swap_with_neighbour(ids: &[i32], id: i32, up: bool) -> Option<Vec<i32>> {
    let index = ids.iter().position(|x| *x == id)?;
    let mut out = ids.to_vec();
    match (up, index) {
        (true, 0) => {}
        (true, i) => out.swap(i, i - 1),
        (false, i) if i + 1 < out.len() => out.swap(i, i + 1),
        (false, _) => {}
    }
    Some(out)
}

#[async_trait]
impl CatalogAdmin for CatalogAdminService {
    async fn systems(&self, session: Option<&str>) -> Result<SystemsPage, AppError> {
        let admin = self.administrator(session).await?;
        self.load_systems(&admin).await.map_err(refuse("loading the systems"))
    }

    async fn system(&self, session: Option<&str>, slug_text: &str) -> Result<SystemAdminPage, AppError> {
        let admin = self.administrator(session).await?;
        self.load_system(&admin, slug_text)
            .await
            .map_err(refuse("loading a system for administration"))?
            .ok_or(AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_swaps_with_the_neighbour_and_stops_at_the_edges() {
        assert_eq!(swap_with_neighbour(&[1, 2, 3], 2, true), Some(vec![2, 1, 3]));
        assert_eq!(swap_with_neighbour(&[1, 2, 3], 2, false), Some(vec![1, 3, 2]));
        assert_eq!(swap_with_neighbour(&[1, 2, 3], 1, true), Some(vec![1, 2, 3]));
        assert_eq!(swap_with_neighbour(&[1, 2, 3], 3, false), Some(vec![1, 2, 3]));
        assert_eq!(swap_with_neighbour(&[1, 2, 3], 9, true), None);
    }
}
