//! The data-protection officer ("Encarregado", LGPD art. 41): a member an administrator
//! marks, who may answer the data subjects at `/admin/titulares` without administering.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Agents::Table)
                    .add_column(ColumnDef::new(Agents::IsDataOfficer).boolean().not_null().default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Agents::Table).drop_column(Agents::IsDataOfficer).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Agents {
    Table,
    IsDataOfficer,
}
