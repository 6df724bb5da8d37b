//! The queue's default order is the latest activity first. With an index on
//! `updated_at` the database walks it backwards and stops at the 50th match, instead of
//! sorting every open request in scope (an administrator's queue covers all of them).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_activity")
                    .table(Requests::Table)
                    .col(Requests::UpdatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_requests_activity").table(Requests::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Requests {
    Table,
    UpdatedAt,
}
