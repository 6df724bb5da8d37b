//! One thing a citizen did with an FAQ answer (see `app::domain::faq_help`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "faq_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub system_id: i32,
    pub faq_entry_id: i32,
    pub kind: String,
    pub place: String,
    pub form_key: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
