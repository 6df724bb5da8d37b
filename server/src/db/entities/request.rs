//! A citizen's request ("solicitação"), identified publicly by its protocol number.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub number: String,
    pub system_id: i32,
    pub funcionalidade_id: i32,
    pub status: String,
    pub level: i16,
    pub email: String,
    pub name: String,
    pub cpf: String,
    pub cns: Option<String>,
    pub phone: String,
    pub uf: String,
    pub description: String,
    /// What the console's search box finds it by (`app::domain::queue_search::index_text`),
    /// indexed by FTS5 on SQLite and a GIN text-search index on PostgreSQL.
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When an agent last finalized it (the "finalized" e-mail is queued then).
    pub finalized_at: Option<DateTimeUtc>,
    /// End of the third business day after `finalized_at`, Brasília time.
    pub accept_due_at: Option<DateTimeUtc>,
    /// Set by the acceptance job: no reopening from then on.
    pub accepted_at: Option<DateTimeUtc>,
    /// Set when the citizen chose "Fechar".
    pub closed_at: Option<DateTimeUtc>,
    /// 1 (Muito insatisfeito) to 5 (Muito satisfeito).
    pub rating: Option<i16>,
    pub rating_comment: Option<String>,
    /// The agent holding it (claimed or assigned); cleared when it changes level.
    pub assignee_id: Option<i32>,
    /// The key of the form it came from: a resubmission finds this request by it.
    #[sea_orm(unique)]
    pub idempotency_key: Option<String>,
    /// When its personal data was anonymised (by an administrator or the retention job).
    pub anonymized_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
