//! How many requests one system's level holds in one status, as last folded from
//! `queue_count_delta` (see migration `m20261130_000012_queue_search`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "queue_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub system_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub level: i16,
    #[sea_orm(primary_key, auto_increment = false)]
    pub status: String,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
