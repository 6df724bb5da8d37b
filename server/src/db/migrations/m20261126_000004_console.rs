//! What the support team's console needs: agents and the systems they serve, their
//! sessions (in the database, so every instance knows them), sign-in throttling, who
//! holds a request and who wrote each timeline entry, canned replies, one-time invite
//! links, and the audit log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Agents::Table)
                    .col(ColumnDef::new(Agents::Id).integer().not_null().auto_increment().primary_key())
                    // Stored lower-case, so uniqueness is case-insensitive on both engines.
                    .col(ColumnDef::new(Agents::Email).string_len(254).not_null().unique_key())
                    .col(ColumnDef::new(Agents::Name).string_len(120).not_null())
                    // Null until the invited agent chooses a password.
                    .col(ColumnDef::new(Agents::PasswordHash).string_len(200).null())
                    .col(ColumnDef::new(Agents::Level).small_integer().not_null())
                    .col(ColumnDef::new(Agents::IsAdmin).boolean().not_null())
                    .col(ColumnDef::new(Agents::Active).boolean().not_null())
                    .col(ColumnDef::new(Agents::CreatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgentSystems::Table)
                    .col(ColumnDef::new(AgentSystems::AgentId).integer().not_null())
                    .col(ColumnDef::new(AgentSystems::SystemId).integer().not_null())
                    .primary_key(Index::create().col(AgentSystems::AgentId).col(AgentSystems::SystemId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AgentSystems::Table, AgentSystems::AgentId)
                            .to(Agents::Table, Agents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AgentSystems::Table, AgentSystems::SystemId)
                            .to(Systems::Table, Systems::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgentSessions::Table)
                    // SHA-256 of the cookie's value: a copy of the table opens no session.
                    .col(ColumnDef::new(AgentSessions::IdHash).string_len(64).not_null().primary_key())
                    .col(ColumnDef::new(AgentSessions::AgentId).integer().not_null())
                    .col(ColumnDef::new(AgentSessions::Csrf).string_len(64).not_null())
                    .col(ColumnDef::new(AgentSessions::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AgentSessions::LastSeenAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AgentSessions::ExpiresAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(AgentSessions::Table, AgentSessions::AgentId)
                            .to(Agents::Table, Agents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_agent_sessions_agent")
                    .table(AgentSessions::Table)
                    .col(AgentSessions::AgentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignInThrottles::Table)
                    // "conta:{hmac of the e-mail}" or "ip:{address}": no address in clear.
                    .col(ColumnDef::new(SignInThrottles::Key).string_len(80).not_null().primary_key())
                    .col(ColumnDef::new(SignInThrottles::Failures).integer().not_null())
                    .col(ColumnDef::new(SignInThrottles::LockedUntil).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(SignInThrottles::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgentInvites::Table)
                    .col(ColumnDef::new(AgentInvites::TokenHash).string_len(64).not_null().primary_key())
                    .col(ColumnDef::new(AgentInvites::AgentId).integer().not_null())
                    .col(ColumnDef::new(AgentInvites::ExpiresAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AgentInvites::UsedAt).timestamp_with_time_zone().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(AgentInvites::Table, AgentInvites::AgentId)
                            .to(Agents::Table, Agents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CannedReplies::Table)
                    .col(ColumnDef::new(CannedReplies::Id).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(CannedReplies::SystemId).integer().not_null())
                    .col(ColumnDef::new(CannedReplies::Title).string_len(120).not_null())
                    .col(ColumnDef::new(CannedReplies::Body).text().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(CannedReplies::Table, CannedReplies::SystemId)
                            .to(Systems::Table, Systems::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(ColumnDef::new(AuditLog::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(AuditLog::At).timestamp_with_time_zone().not_null())
                    // Null for the operator's command line.
                    .col(ColumnDef::new(AuditLog::AgentId).integer().null())
                    .col(ColumnDef::new(AuditLog::Action).string_len(40).not_null())
                    .col(ColumnDef::new(AuditLog::RequestId).integer().null())
                    .col(ColumnDef::new(AuditLog::Detail).text().not_null())
                    .col(ColumnDef::new(AuditLog::Ip).string_len(45).null())
                    .to_owned(),
            )
            .await?;
        for (name, column) in [("idx_audit_log_at", AuditLog::At), ("idx_audit_log_agent", AuditLog::AgentId)] {
            manager
                .create_index(
                    Index::create().name(name).table(AuditLog::Table).col(column).col(AuditLog::Id).to_owned(),
                )
                .await?;
        }

        // SQLite takes one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Requests::Table)
                    .add_column(ColumnDef::new(Requests::AssigneeId).integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(RequestEvents::Table)
                    .add_column(ColumnDef::new(RequestEvents::AgentId).integer().null())
                    .to_owned(),
            )
            .await?;
        // The queue: one level, a few systems, open statuses, by last activity.
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_queue")
                    .table(Requests::Table)
                    .col(Requests::Level)
                    .col(Requests::Status)
                    .col(Requests::UpdatedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_requests_queue").table(Requests::Table).to_owned()).await?;
        manager
            .alter_table(Table::alter().table(RequestEvents::Table).drop_column(RequestEvents::AgentId).to_owned())
            .await?;
        manager.alter_table(Table::alter().table(Requests::Table).drop_column(Requests::AssigneeId).to_owned()).await?;
        for table in [
            AuditLog::Table.into_iden(),
            CannedReplies::Table.into_iden(),
            AgentInvites::Table.into_iden(),
            SignInThrottles::Table.into_iden(),
            AgentSessions::Table.into_iden(),
            AgentSystems::Table.into_iden(),
            Agents::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Agents {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Level,
    IsAdmin,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AgentSystems {
    Table,
    AgentId,
    SystemId,
}

#[derive(DeriveIden)]
enum AgentSessions {
    Table,
    IdHash,
    AgentId,
    Csrf,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum SignInThrottles {
    Table,
    Key,
    Failures,
    LockedUntil,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AgentInvites {
    Table,
    TokenHash,
    AgentId,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum CannedReplies {
    Table,
    Id,
    SystemId,
    Title,
    Body,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    AgentId,
    Action,
    RequestId,
    Detail,
    Ip,
}

#[derive(DeriveIden)]
enum Systems {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Requests {
    Table,
    AssigneeId,
    Level,
    Status,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RequestEvents {
    Table,
    AgentId,
}
