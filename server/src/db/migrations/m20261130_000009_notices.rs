//! The public notices (privacy notice, accessibility statement) as administrators write
//! them: one row per notice, in the database so that every instance shows the same text.
//! No row means the default text in `app::domain::notices`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PublicNotices::Table)
                    // The notice's address without the slash: `privacidade`, `acessibilidade`.
                    .col(ColumnDef::new(PublicNotices::Slug).string_len(40).not_null().primary_key())
                    .col(ColumnDef::new(PublicNotices::BodyMd).text().not_null())
                    .col(ColumnDef::new(PublicNotices::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PublicNotices::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum PublicNotices {
    Table,
    Slug,
    BodyMd,
    UpdatedAt,
}
