//! Telling the support team that work arrived (issue 15): each agent's choice (as it
//! happens, a daily summary at an hour of Brasília, or none), how far their last summary
//! went, and how far the timeline has been read for notices (`team_notice_cursor`, one
//! row, moved by compare-and-set so that two instances never notify twice). The cursor
//! starts at the timeline's end: nothing that happened before is announced.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            ColumnDef::new(Agents::Notify).string_len(10).not_null().default("imediato").to_owned(),
            ColumnDef::new(Agents::DigestHour).small_integer().not_null().default(8).to_owned(),
            ColumnDef::new(Agents::DigestUntil).timestamp_with_time_zone().null().to_owned(),
        ];
        // One column per statement: SQLite alters a table one column at a time.
        for column in columns {
            manager.alter_table(Table::alter().table(Agents::Table).add_column(column).to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(TeamNoticeCursor::Table)
                    .col(ColumnDef::new(TeamNoticeCursor::Id).integer().not_null().primary_key())
                    .col(ColumnDef::new(TeamNoticeCursor::LastEventId).integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO team_notice_cursor (id, last_event_id) \
                 SELECT 1, COALESCE(MAX(id), 0) FROM request_events",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(TeamNoticeCursor::Table).to_owned()).await?;
        for column in [Agents::Notify, Agents::DigestHour, Agents::DigestUntil] {
            manager.alter_table(Table::alter().table(Agents::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Agents {
    Table,
    Notify,
    DigestHour,
    DigestUntil,
}

#[derive(DeriveIden)]
enum TeamNoticeCursor {
    Table,
    Id,
    LastEventId,
}
