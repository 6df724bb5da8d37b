//! Who an opening belongs to, for the per-person daily limit.

use crate::db::entities::request;
use app::domain::request_form::ValidDraft;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};

/// Whose an opening is, for the per-person limit: the CPF and the mailbox. Counting the
/// CPF alone would let anyone who knows a CPF use up its owner's allowance for a day.
pub type Person = (String, String);

pub fn person_of(draft: &ValidDraft) -> Person {
    (draft.cpf.digits(), draft.email.mailbox_key())
}

/// The mailbox of a stored request, as `Email::mailbox_key` makes it: `LOWER(email)`.
pub fn mailbox() -> SimpleExpr {
    SimpleExpr::from(Func::lower(Expr::col((request::Entity, request::Column::Email))))
}

/// Requests opened in the last 24 hours by each of `people` (absent: none).
pub async fn opened_last_day(
    db: &impl ConnectionTrait,
    people: &HashSet<Person>,
    now: DateTime<Utc>,
) -> Result<HashMap<Person, u64>, DbErr> {
    let cpfs: HashSet<&String> = people.iter().map(|(cpf, _)| cpf).collect();
    let rows: Vec<(String, String, i64)> = request::Entity::find()
        .select_only()
        .column(request::Column::Cpf)
        .column_as(mailbox(), "mailbox")
        .column_as(Expr::col(request::Column::Id).count(), "opened")
        .filter(request::Column::Cpf.is_in(cpfs.into_iter().cloned()))
        .filter(request::Column::CreatedAt.gt(now - chrono::Duration::hours(24)))
        .group_by(request::Column::Cpf)
        .group_by(mailbox())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(cpf, mailbox, opened)| ((cpf, mailbox), u64::try_from(opened).unwrap_or(0)))
        .filter(|(person, _)| people.contains(person))
        .collect())
}
