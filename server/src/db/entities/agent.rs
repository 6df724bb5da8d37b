//! A member of the support team: an agent at one level (1–3) serving some systems, or
//! an administrator (all systems, all levels, and `/admin`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Lower-case.
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    /// Argon2id PHC string; `None` until an invited agent chooses a password.
    pub password_hash: Option<String>,
    pub level: i16,
    pub is_admin: bool,
    pub active: bool,
    pub created_at: DateTimeUtc,
    /// `imediato`, `diario` or `nenhum` (`app::domain::team_notices::NoticeChoice`).
    pub notify: String,
    /// The daily summary's hour, Brasília time (0–23).
    pub digest_hour: i16,
    /// The end of what the last daily summary covered.
    pub digest_until: Option<DateTimeUtc>,
    /// The data-protection officer ("Encarregado"): may use `/admin/titulares`.
    pub is_data_officer: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
