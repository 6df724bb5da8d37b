//! Schema migrations, applied at start-up in order on SQLite and PostgreSQL alike.
//! Never edit one that has shipped: add a new one.

mod m20261126_000001_catalog;
mod m20261126_000002_requests;
mod m20261126_000003_follow_up;
mod m20261126_000004_console;
mod m20261126_000005_queue_index;
mod m20261126_000006_activity_index;
mod m20261127_000007_settings_and_logos;
mod m20261130_000008_idempotency;
mod m20261130_000009_notices;
mod m20261130_000010_faq_events;
mod m20261130_000011_wait_target;
mod m20261130_000012_queue_search;
mod m20261130_000013_team_notices;
mod m20261130_000014_privacy;
mod m20261130_000015_data_officer;
mod m20261201_000016_rate_hits;
mod m20261201_000017_queue_reads;

use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_catalog::Migration),
            Box::new(m20261126_000002_requests::Migration),
            Box::new(m20261126_000003_follow_up::Migration),
            Box::new(m20261126_000004_console::Migration),
            Box::new(m20261126_000005_queue_index::Migration),
            Box::new(m20261126_000006_activity_index::Migration),
            Box::new(m20261127_000007_settings_and_logos::Migration),
            Box::new(m20261130_000008_idempotency::Migration),
            Box::new(m20261130_000009_notices::Migration),
            Box::new(m20261130_000010_faq_events::Migration),
            Box::new(m20261130_000011_wait_target::Migration),
            Box::new(m20261130_000012_queue_search::Migration),
            Box::new(m20261130_000013_team_notices::Migration),
            Box::new(m20261130_000014_privacy::Migration),
            Box::new(m20261130_000015_data_officer::Migration),
            Box::new(m20261201_000016_rate_hits::Migration),
            Box::new(m20261201_000017_queue_reads::Migration),
        ]
    }
}
