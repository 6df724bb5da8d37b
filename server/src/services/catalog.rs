//! Systems and FAQ entries, read from the database.

use super::refuse;
use crate::db::entities::{faq_entry, system};
use crate::markdown;
use app::api::catalog::SystemCard;
use app::api::AppError;
use app::ports::{Catalog, FaqItem};
use async_trait::async_trait;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

pub struct SeaCatalog {
    db: DatabaseConnection,
}

impl SeaCatalog {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// The public face of a system row (home page, FAQ and request form headers).
pub(crate) fn card(model: system::Model) -> SystemCard {
    SystemCard {
        slug: model.slug,
        name: model.name,
        full_name: model.full_name,
        description: model.description,
        logo_path: model.logo_path,
    }
}

#[async_trait]
impl Catalog for SeaCatalog {
    async fn active_systems(&self) -> Result<Vec<SystemCard>, AppError> {
        let systems = system::Entity::find()
            .filter(system::Column::Active.eq(true))
            .order_by_asc(system::Column::Position)
            .order_by_asc(system::Column::Name)
            .all(&self.db)
            .await
            .map_err(refuse("list active systems"))?;
        Ok(systems.into_iter().map(card).collect())
    }

    async fn system_faq(&self, slug: &str) -> Result<Option<(SystemCard, Vec<FaqItem>)>, AppError> {
        let Some(found) = system::Entity::find()
            .filter(system::Column::Slug.eq(slug))
            .filter(system::Column::Active.eq(true))
            .one(&self.db)
            .await
            .map_err(refuse("find system by slug"))?
        else {
            return Ok(None);
        };
        let entries = faq_entry::Entity::find()
            .filter(faq_entry::Column::SystemId.eq(found.id))
            .filter(faq_entry::Column::Published.eq(true))
            .order_by_asc(faq_entry::Column::Position)
            .order_by_asc(faq_entry::Column::Id)
            .all(&self.db)
            .await
            .map_err(refuse("list faq entries"))?;
        let items = entries
            .into_iter()
            .map(|e| {
                let rendered = markdown::render(&e.answer_md);
                FaqItem {
                    id: i64::from(e.id),
                    question: e.question,
                    answer_html: rendered.html,
                    answer_text: rendered.text,
                }
            })
            .collect();
        Ok(Some((card(found), items)))
    }
}
