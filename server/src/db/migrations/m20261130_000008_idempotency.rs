//! The key each request form carries (issued with the page): a second submission of the
//! same form (a double click, a retry after a timeout) finds the first request by it
//! instead of opening another. Unique, so that no race can store it twice; absent for
//! requests opened before forms carried one. And an index for "was an access link sent
//! for this request lately?", asked before each one is queued (the outbox holds whole
//! messages: a scan would be slow, and its time would tell a lookup's outcome).

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
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_request_kind")
                    .table(Outbox::Table)
                    .col(Outbox::RequestId)
                    .col(Outbox::Kind)
                    .col(Outbox::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_outbox_request_kind").table(Outbox::Table).to_owned()).await?;
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

#[derive(DeriveIden)]
enum Outbox {
    Table,
    RequestId,
    Kind,
    CreatedAt,
}
