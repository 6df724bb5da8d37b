//! What following and closing a request needs: when it was finalized and until when the
//! citizen may contest, acceptance, closing and the evaluation on the request itself,
//! and the federal "pontos facultativos" as data an administrator edits.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Full-day federal pontos facultativos (Portarias MGI), seeded so that the acceptance
/// window is right out of the box; later years are added by an administrator.
const SEEDED_DAYS_OFF: &[(&str, &str)] = &[
    ("2025-03-03", "Carnaval"),
    ("2025-03-04", "Carnaval"),
    ("2025-06-19", "Corpus Christi"),
    ("2025-06-20", "Ponto facultativo após Corpus Christi"),
    ("2025-10-27", "Dia do Servidor Público (transferido)"),
    ("2026-02-16", "Carnaval"),
    ("2026-02-17", "Carnaval"),
    ("2026-04-20", "Ponto facultativo antes de Tiradentes"),
    ("2026-06-04", "Corpus Christi"),
    ("2026-06-05", "Ponto facultativo após Corpus Christi"),
    ("2026-10-28", "Dia do Servidor Público"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        let columns = [
            ColumnDef::new(Requests::FinalizedAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Requests::AcceptDueAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Requests::AcceptedAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Requests::ClosedAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Requests::Rating).small_integer().null().to_owned(),
            ColumnDef::new(Requests::RatingComment).text().null().to_owned(),
        ];
        for mut column in columns {
            manager.alter_table(Table::alter().table(Requests::Table).add_column(&mut column).to_owned()).await?;
        }
        // The acceptance job's scan: finalized requests whose window has closed.
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_acceptance")
                    .table(Requests::Table)
                    .col(Requests::Status)
                    .col(Requests::AcceptDueAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OptionalDaysOff::Table)
                    // ISO `YYYY-MM-DD`: the same text on both engines, sorted by date.
                    .col(ColumnDef::new(OptionalDaysOff::Day).string_len(10).not_null().primary_key())
                    .col(ColumnDef::new(OptionalDaysOff::Description).string_len(200).not_null())
                    .to_owned(),
            )
            .await?;
        let mut seed = Query::insert();
        seed.into_table(OptionalDaysOff::Table).columns([OptionalDaysOff::Day, OptionalDaysOff::Description]);
        for (day, description) in SEEDED_DAYS_OFF {
            seed.values_panic([(*day).into(), (*description).into()]);
        }
        manager.exec_stmt(seed.to_owned()).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OptionalDaysOff::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name("idx_requests_acceptance").table(Requests::Table).to_owned()).await?;
        for column in [
            Requests::RatingComment,
            Requests::Rating,
            Requests::ClosedAt,
            Requests::AcceptedAt,
            Requests::AcceptDueAt,
            Requests::FinalizedAt,
        ] {
            manager.alter_table(Table::alter().table(Requests::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Requests {
    Table,
    Status,
    FinalizedAt,
    AcceptDueAt,
    AcceptedAt,
    ClosedAt,
    Rating,
    RatingComment,
}

#[derive(DeriveIden)]
enum OptionalDaysOff {
    Table,
    Day,
    Description,
}
