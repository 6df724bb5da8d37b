//! The key each request form carries (issued with the page): a second submission of the
//! same form (a double click, a retry after a timeout) finds the first request by it
//! instead of opening another. Unique, so that no race can store it twice; absent for
//! requests opened before forms carried one.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Requests::Table)
                    .add_column(ColumnDef::new(Requests::IdempotencyKey).string_len(64).null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_idempotency_key")
                    .table(Requests::Table)
                    .col(Requests::IdempotencyKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("idx_requests_idempotency_key").table(Requests::Table).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(Requests::Table).drop_column(Requests::IdempotencyKey).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Requests {
    Table,
    IdempotencyKey,
}
