//! Requests opened by citizens, with what belongs to them from the first second: the
//! timeline, attachment records, the per-year protocol counter, used captcha challenges
//! and the e-mail outbox.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per year; the row lock taken by its upsert is what makes protocol
        // numbers unique and gap-free across server instances.
        manager
            .create_table(
                Table::create()
                    .table(ProtocolCounters::Table)
                    .col(ColumnDef::new(ProtocolCounters::Year).integer().not_null().primary_key())
                    .col(ColumnDef::new(ProtocolCounters::LastValue).big_integer().not_null())
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Requests::Table)
                    .col(ColumnDef::new(Requests::Id).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Requests::Number).string_len(12).not_null().unique_key())
                    .col(ColumnDef::new(Requests::SystemId).integer().not_null())
                    .col(ColumnDef::new(Requests::FuncionalidadeId).integer().not_null())
                    .col(ColumnDef::new(Requests::Status).string_len(20).not_null())
                    .col(ColumnDef::new(Requests::Level).small_integer().not_null())
                    .col(ColumnDef::new(Requests::Email).string_len(254).not_null())
                    .col(ColumnDef::new(Requests::Name).string_len(120).not_null())
                    .col(ColumnDef::new(Requests::Cpf).string_len(11).not_null())
                    .col(ColumnDef::new(Requests::Cns).string_len(15).null())
                    .col(ColumnDef::new(Requests::Phone).string_len(11).not_null())
                    .col(ColumnDef::new(Requests::Uf).string_len(2).not_null())
                    .col(ColumnDef::new(Requests::Description).text().not_null())
                    .col(ColumnDef::new(Requests::Version).integer().not_null().default(1))
                    .col(ColumnDef::new(Requests::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Requests::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_requests_system")
                            .from(Requests::Table, Requests::SystemId)
                            .to(Systems::Table, Systems::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_requests_funcionalidade")
                            .from(Requests::Table, Requests::FuncionalidadeId)
                            .to(Funcionalidades::Table, Funcionalidades::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Lookups by CPF (follow-up page, per-CPF rate limit) and the agents' queues.
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_cpf_created")
                    .table(Requests::Table)
                    .col(Requests::Cpf)
                    .col(Requests::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_system_status")
                    .table(Requests::Table)
                    .col(Requests::SystemId)
                    .col(Requests::Status)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RequestEvents::Table)
                    .col(ColumnDef::new(RequestEvents::Id).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(RequestEvents::RequestId).integer().not_null())
                    .col(ColumnDef::new(RequestEvents::Kind).string_len(30).not_null())
                    .col(ColumnDef::new(RequestEvents::Level).small_integer().not_null())
                    .col(ColumnDef::new(RequestEvents::Body).text().not_null())
                    .col(ColumnDef::new(RequestEvents::Public).boolean().not_null())
                    .col(ColumnDef::new(RequestEvents::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_request_events_request")
                            .from(RequestEvents::Table, RequestEvents::RequestId)
                            .to(Requests::Table, Requests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_request_events_request")
                    .table(RequestEvents::Table)
                    .col(RequestEvents::RequestId)
                    .col(RequestEvents::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Attachments::Table)
                    // 128 random bits, hex: the id is the only handle to the file.
                    .col(ColumnDef::new(Attachments::Id).string_len(32).not_null().primary_key())
                    .col(ColumnDef::new(Attachments::RequestId).integer().not_null())
                    .col(ColumnDef::new(Attachments::FileName).string_len(200).not_null())
                    .col(ColumnDef::new(Attachments::ContentType).string_len(40).not_null())
                    .col(ColumnDef::new(Attachments::SizeBytes).big_integer().not_null())
                    .col(ColumnDef::new(Attachments::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attachments_request")
                            .from(Attachments::Table, Attachments::RequestId)
                            .to(Requests::Table, Requests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attachments_request")
                    .table(Attachments::Table)
                    .col(Attachments::RequestId)
                    .to_owned(),
            )
            .await?;

        // A solved challenge is written here when it is spent; the primary key is what
        // makes it single-use across instances. Rows past `expires_at` can be purged.
        manager
            .create_table(
                Table::create()
                    .table(CaptchaUses::Table)
                    .col(ColumnDef::new(CaptchaUses::Challenge).string_len(64).not_null().primary_key())
                    .col(ColumnDef::new(CaptchaUses::ExpiresAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(CaptchaUses::UsedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(ColumnDef::new(Outbox::Id).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Outbox::MessageId).string_len(200).not_null().unique_key())
                    .col(ColumnDef::new(Outbox::RequestId).integer().null())
                    .col(ColumnDef::new(Outbox::Kind).string_len(40).not_null())
                    .col(ColumnDef::new(Outbox::MailFrom).string_len(254).not_null())
                    .col(ColumnDef::new(Outbox::MailTo).string_len(254).not_null())
                    .col(ColumnDef::new(Outbox::Subject).string_len(300).not_null())
                    .col(ColumnDef::new(Outbox::Raw).binary().not_null())
                    .col(ColumnDef::new(Outbox::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Outbox::Attempts).integer().not_null().default(0))
                    .col(ColumnDef::new(Outbox::NextAttemptAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Outbox::ClaimedUntil).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Outbox::SentAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Outbox::LastError).text().null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_request")
                            .from(Outbox::Table, Outbox::RequestId)
                            .to(Requests::Table, Requests::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_pending")
                    .table(Outbox::Table)
                    .col(Outbox::SentAt)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Outbox::Table.into_iden(),
            CaptchaUses::Table.into_iden(),
            Attachments::Table.into_iden(),
            RequestEvents::Table.into_iden(),
            Requests::Table.into_iden(),
            ProtocolCounters::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Systems {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Funcionalidades {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProtocolCounters {
    Table,
    Year,
    LastValue,
}

#[derive(DeriveIden)]
enum Requests {
    Table,
    Id,
    Number,
    SystemId,
    FuncionalidadeId,
    Status,
    Level,
    Email,
    Name,
    Cpf,
    Cns,
    Phone,
    Uf,
    Description,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RequestEvents {
    Table,
    Id,
    RequestId,
    Kind,
    Level,
    Body,
    Public,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    RequestId,
    FileName,
    ContentType,
    SizeBytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CaptchaUses {
    Table,
    Challenge,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    MessageId,
    RequestId,
    Kind,
    MailFrom,
    MailTo,
    Subject,
    Raw,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    SentAt,
    LastError,
}
