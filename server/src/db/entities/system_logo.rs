//! A system's uploaded logo, cleaned and re-encoded as PNG, served at a digest-named URL.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "system_logos")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub system_id: i32,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub digest: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
