//! One entry of a request's timeline (opening, answers, escalations, internal notes).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub request_id: i32,
    pub kind: String,
    pub level: i16,
    pub body: String,
    pub public: bool,
    pub created_at: DateTimeUtc,
    /// Who wrote it; `None` for the citizen, the system and the operator's command line.
    pub agent_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
