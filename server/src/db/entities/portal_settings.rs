//! The portal's settings: one row (id 1) an administrator edits at `/admin/configuracoes`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "portal_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub acceptance_days: i16,
    pub max_attachments: i16,
    pub max_attachment_mb: i16,
    /// Months a request's personal data is kept after it ended.
    pub retention_months: i16,
    /// Months an audit entry is kept.
    pub audit_retention_months: i16,
    pub updated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
