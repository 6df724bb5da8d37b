//! Each system's target for how long a request may wait in the queue, in business days
//! (issue 15): the queue marks the requests that waited longer. 2 until an administrator
//! sets another.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Systems::Table)
                    .add_column(ColumnDef::new(Systems::WaitTargetDays).small_integer().not_null().default(2))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Systems::Table).drop_column(Systems::WaitTargetDays).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Systems {
    Table,
    WaitTargetDays,
}
