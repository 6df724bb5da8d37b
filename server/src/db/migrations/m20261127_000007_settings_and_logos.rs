//! Two things an administrator now changes on screen: the portal's settings (the
//! citizen's window to contest, the attachment limits), kept as one row so that every
//! server instance reads the same values, and each system's uploaded logo, kept in the
//! database (small, already cleaned) so that every instance serves it without shared disk.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PortalSettings::Table)
                    // Always 1: a single row, updated in place.
                    .col(ColumnDef::new(PortalSettings::Id).integer().not_null().primary_key())
                    .col(ColumnDef::new(PortalSettings::AcceptanceDays).small_integer().not_null())
                    .col(ColumnDef::new(PortalSettings::MaxAttachments).small_integer().not_null())
                    .col(ColumnDef::new(PortalSettings::MaxAttachmentMb).small_integer().not_null())
                    .col(ColumnDef::new(PortalSettings::UpdatedAt).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        // The real system's values, so that nothing changes until an administrator says so.
        let seed = Query::insert()
            .into_table(PortalSettings::Table)
            .columns([
                PortalSettings::Id,
                PortalSettings::AcceptanceDays,
                PortalSettings::MaxAttachments,
                PortalSettings::MaxAttachmentMb,
            ])
            .values_panic([1.into(), 3.into(), 5.into(), 3.into()])
            .to_owned();
        manager.exec_stmt(seed).await?;

        manager
            .create_table(
                Table::create()
                    .table(SystemLogos::Table)
                    .col(ColumnDef::new(SystemLogos::SystemId).integer().not_null().primary_key())
                    .col(ColumnDef::new(SystemLogos::ContentType).string_len(40).not_null())
                    .col(ColumnDef::new(SystemLogos::Bytes).binary().not_null())
                    // Part of the logo's URL: a new upload gets a new URL, so the old one can
                    // be cached for a year.
                    .col(ColumnDef::new(SystemLogos::Digest).string_len(64).not_null())
                    .col(ColumnDef::new(SystemLogos::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(SystemLogos::Table, SystemLogos::SystemId)
                            .to(Systems::Table, Systems::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SystemLogos::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(PortalSettings::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum PortalSettings {
    Table,
    Id,
    AcceptanceDays,
    MaxAttachments,
    MaxAttachmentMb,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SystemLogos {
    Table,
    SystemId,
    ContentType,
    Bytes,
    Digest,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Systems {
    Table,
    Id,
}
