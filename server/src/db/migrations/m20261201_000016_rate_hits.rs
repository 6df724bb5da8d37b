//! Attempts per key and window (`rate_hits`), for the per-address and per-CPF limits when
//! several instances share a PostgreSQL database (`crate::rate_limit::shared`). Keys are
//! keyed hashes; rows older than two windows are purged by the housekeeping job.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateHits::Table)
                    .col(ColumnDef::new(RateHits::Scope).string_len(32).not_null())
                    .col(ColumnDef::new(RateHits::KeyHash).string_len(64).not_null())
                    .col(ColumnDef::new(RateHits::WindowStart).big_integer().not_null())
                    .col(ColumnDef::new(RateHits::Hits).integer().not_null())
                    .primary_key(Index::create().col(RateHits::Scope).col(RateHits::KeyHash).col(RateHits::WindowStart))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rate_hits_window")
                    .table(RateHits::Table)
                    .col(RateHits::WindowStart)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RateHits::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum RateHits {
    Table,
    Scope,
    KeyHash,
    WindowStart,
    Hits,
}
