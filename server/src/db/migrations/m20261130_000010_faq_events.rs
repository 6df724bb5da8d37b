//! What citizens do with the FAQ's answers, counted for the administrators' reports and
//! the FAQ editor: suggestions shown and opened on the request form, and each "Esta
//! resposta resolveu minha dúvida?" answered there or on the FAQ page. One row per event
//! (the reports count them over any period); the request form's key ties the form's
//! events together, so that a form given up after an opened suggestion can be told from
//! one that was sent.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FaqEvents::Table)
                    .col(ColumnDef::new(FaqEvents::Id).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(FaqEvents::SystemId).integer().not_null())
                    .col(ColumnDef::new(FaqEvents::FaqEntryId).integer().not_null())
                    // `exibida`, `aberta`, `util`, `nao_util` (`app::domain::faq_help::FaqEvent`).
                    .col(ColumnDef::new(FaqEvents::Kind).string_len(20).not_null())
                    // `formulario` or `faq`: where it happened.
                    .col(ColumnDef::new(FaqEvents::Place).string_len(20).not_null())
                    .col(ColumnDef::new(FaqEvents::FormKey).string_len(64).null())
                    .col(ColumnDef::new(FaqEvents::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(FaqEvents::Table, FaqEvents::SystemId)
                            .to(Systems::Table, Systems::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(FaqEvents::Table, FaqEvents::FaqEntryId)
                            .to(FaqEntries::Table, FaqEntries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_faq_events_system_time")
                    .table(FaqEvents::Table)
                    .col(FaqEvents::SystemId)
                    .col(FaqEvents::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_faq_events_entry_kind")
                    .table(FaqEvents::Table)
                    .col(FaqEvents::FaqEntryId)
                    .col(FaqEvents::Kind)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(FaqEvents::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum FaqEvents {
    Table,
    Id,
    SystemId,
    FaqEntryId,
    Kind,
    Place,
    FormKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Systems {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FaqEntries {
    Table,
    Id,
}
