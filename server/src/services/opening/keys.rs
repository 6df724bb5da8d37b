//! Idempotency: the key of the form a submission came from. The same form sent twice (a
//! double click, a retry after a timeout, with a fresh captcha or not) gets the first
//! request's number, and nothing is stored or e-mailed a second time.

use super::Pending;
use crate::db::entities::request;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// For each opening of a batch, the earlier opening with the same key, if any: those
/// wait for that one's answer instead of being stored.
pub fn leaders(openings: &[Pending]) -> Vec<Option<usize>> {
    let mut first_with: HashMap<&str, usize> = HashMap::new();
    openings
        .iter()
        .enumerate()
        .map(|(index, pending)| {
            let key = pending.submission.idempotency_key.as_deref()?;
            match first_with.get(key) {
                Some(&leader) => Some(leader),
                None => {
                    first_with.insert(key, index);
                    None
                }
            }
        })
        .collect()
}

/// The numbers of the requests already stored under these keys.
pub async fn stored_numbers(db: &impl ConnectionTrait, keys: Vec<String>) -> Result<HashMap<String, String>, DbErr> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Option<String>, String)> = request::Entity::find()
        .select_only()
        .column(request::Column::IdempotencyKey)
        .column(request::Column::Number)
        .filter(request::Column::IdempotencyKey.is_in(keys))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(key, number)| Some((key?, number))).collect())
}
