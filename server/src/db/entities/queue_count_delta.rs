//! +1 or −1 to a count of `queue_count`, appended by triggers on `requests` until the
//! counts job folds it in.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "queue_count_deltas")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub system_id: i32,
    pub level: i16,
    pub status: String,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
