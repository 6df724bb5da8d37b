//! The data subject's rights and retention (issue 16): when a request was anonymised
//! (anonymising again is a no-op), and the two retention periods an administrator sets
//! (a request's personal data after it ended, and the audit log's entries), in months.

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
                    .add_column(ColumnDef::new(Requests::AnonymizedAt).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        for column in [PortalSettings::RetentionMonths, PortalSettings::AuditRetentionMonths] {
            manager
                .alter_table(
                    Table::alter()
                        .table(PortalSettings::Table)
                        .add_column(ColumnDef::new(column).small_integer().not_null().default(60))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [PortalSettings::RetentionMonths, PortalSettings::AuditRetentionMonths] {
            manager.alter_table(Table::alter().table(PortalSettings::Table).drop_column(column).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(Requests::Table).drop_column(Requests::AnonymizedAt).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Requests {
    Table,
    AnonymizedAt,
}

#[derive(DeriveIden)]
enum PortalSettings {
    Table,
    RetentionMonths,
    AuditRetentionMonths,
}
