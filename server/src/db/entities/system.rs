//! A served information system (CNES, SAPS, ...).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "systems")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub full_name: String,
    pub description: String,
    pub logo_path: Option<String>,
    pub active: bool,
    pub position: i32,
    pub created_at: DateTimeUtc,
    /// Business days a request may wait in the queue before it is marked late.
    pub wait_target_days: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::faq_entry::Entity")]
    FaqEntry,
    #[sea_orm(has_many = "super::funcionalidade::Entity")]
    Funcionalidade,
}

impl Related<super::faq_entry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::FaqEntry.def()
    }
}

impl Related<super::funcionalidade::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Funcionalidade.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
