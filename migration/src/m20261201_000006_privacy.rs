//! Privacy: a consent's purpose and source, an organization's longest consent,
//! the moment a client was erased, and the organization a reader of personal
//! data acted for (so admins can account for their own staff's reads).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Consents {
    Table,
    Purpose,
    Source,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    ConsentMaxDays,
}

#[derive(DeriveIden)]
enum Clients {
    Table,
    ErasedAt,
}

#[derive(DeriveIden)]
enum AuditEntries {
    Table,
    ActorOrganizationId,
    Action,
    RecordId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        let columns: [(DynIden, ColumnDef); 5] = [
            (
                Consents::Table.into_iden(),
                string_len(Consents::Purpose, 300).default("").take(),
            ),
            (
                Consents::Table.into_iden(),
                string_len_null(Consents::Source, 300).take(),
            ),
            (
                Organizations::Table.into_iden(),
                integer_null(Organizations::ConsentMaxDays).take(),
            ),
            (
                Clients::Table.into_iden(),
                timestamp_with_time_zone_null(Clients::ErasedAt).take(),
            ),
            (
                AuditEntries::Table.into_iden(),
                uuid_null(AuditEntries::ActorOrganizationId).take(),
            ),
        ];
        for (table, mut column) in columns {
            manager
                .alter_table(Table::alter().table(table).add_column(&mut column).take())
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_entries_record_action")
                    .table(AuditEntries::Table)
                    .col(AuditEntries::RecordId)
                    .col(AuditEntries::Action)
                    .col(AuditEntries::CreatedAt)
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_entries_actor_org_action")
                    .table(AuditEntries::Table)
                    .col(AuditEntries::ActorOrganizationId)
                    .col(AuditEntries::Action)
                    .col(AuditEntries::CreatedAt)
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "ix_audit_entries_actor_org_action",
            "ix_audit_entries_record_action",
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(AuditEntries::Table)
                        .to_owned(),
                )
                .await?;
        }
        let columns: [(DynIden, DynIden); 5] = [
            (
                AuditEntries::Table.into_iden(),
                AuditEntries::ActorOrganizationId.into_iden(),
            ),
            (Clients::Table.into_iden(), Clients::ErasedAt.into_iden()),
            (
                Organizations::Table.into_iden(),
                Organizations::ConsentMaxDays.into_iden(),
            ),
            (Consents::Table.into_iden(), Consents::Source.into_iden()),
            (Consents::Table.into_iden(), Consents::Purpose.into_iden()),
        ];
        for (table, column) in columns {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).take())
                .await?;
        }
        Ok(())
    }
}
