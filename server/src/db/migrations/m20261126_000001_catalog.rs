//! The public catalogue: systems, their FAQ entries and their "funcionalidades".

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Systems::Table)
                    .col(ColumnDef::new(Systems::Id).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Systems::Slug).string_len(40).not_null().unique_key())
                    .col(ColumnDef::new(Systems::Name).string_len(80).not_null())
                    .col(ColumnDef::new(Systems::FullName).string_len(200).not_null())
                    .col(ColumnDef::new(Systems::Description).text().not_null())
                    .col(ColumnDef::new(Systems::LogoPath).string_len(200).null())
                    .col(ColumnDef::new(Systems::Active).boolean().not_null().default(true))
                    .col(ColumnDef::new(Systems::Position).integer().not_null().default(0))
                    .col(ColumnDef::new(Systems::CreatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FaqEntries::Table)
                    .col(ColumnDef::new(FaqEntries::Id).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(FaqEntries::SystemId).integer().not_null())
                    .col(ColumnDef::new(FaqEntries::Question).string_len(300).not_null())
                    .col(ColumnDef::new(FaqEntries::AnswerMd).text().not_null())
                    .col(ColumnDef::new(FaqEntries::Position).integer().not_null().default(0))
                    .col(ColumnDef::new(FaqEntries::Published).boolean().not_null().default(true))
                    .col(ColumnDef::new(FaqEntries::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(FaqEntries::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_faq_entries_system")
                            .from(FaqEntries::Table, FaqEntries::SystemId)
                            .to(Systems::Table, Systems::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_faq_entries_system_position")
                    .table(FaqEntries::Table)
                    .col(FaqEntries::SystemId)
                    .col(FaqEntries::Position)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Funcionalidades::Table)
                    .col(ColumnDef::new(Funcionalidades::Id).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Funcionalidades::SystemId).integer().not_null())
                    .col(ColumnDef::new(Funcionalidades::Name).string_len(120).not_null())
                    .col(ColumnDef::new(Funcionalidades::Position).integer().not_null().default(0))
                    .col(ColumnDef::new(Funcionalidades::Active).boolean().not_null().default(true))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_funcionalidades_system")
                            .from(Funcionalidades::Table, Funcionalidades::SystemId)
                            .to(Systems::Table, Systems::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_funcionalidades_system_name")
                    .table(Funcionalidades::Table)
                    .col(Funcionalidades::SystemId)
                    .col(Funcionalidades::Name)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Funcionalidades::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(FaqEntries::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Systems::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Systems {
    Table,
    Id,
    Slug,
    Name,
    FullName,
    Description,
    LogoPath,
    Active,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FaqEntries {
    Table,
    Id,
    SystemId,
    Question,
    AnswerMd,
    Position,
    Published,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Funcionalidades {
    Table,
    Id,
    SystemId,
    Name,
    Position,
    Active,
}
