//! Referral network: clients, links between their records, consents and what
//! they cover, referrals with their history and notes, idempotency keys.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Services {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Clients {
    Table,
    Id,
    OrganizationId,
    DisplayName,
    PreferredLanguages,
    ContactChannel,
    ContactValue,
    BirthYear,
    NeedsSummary,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ClientLinks {
    Table,
    Id,
    OrganizationId,
    ClientA,
    ClientB,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Consents {
    Table,
    Id,
    ClientId,
    OrganizationId,
    ShareName,
    ShareContact,
    ShareLanguages,
    ShareNeeds,
    Method,
    GivenAt,
    RecordedBy,
    ExpiresAt,
    RevokedAt,
    RevokedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConsentRecipients {
    Table,
    Id,
    ConsentId,
    OrganizationId,
    ServiceId,
}

#[derive(DeriveIden)]
enum Referrals {
    Table,
    Id,
    ClientId,
    ConsentId,
    ReferringOrganizationId,
    ReferringUserId,
    ReceivingOrganizationId,
    ServiceId,
    Reason,
    Urgency,
    InterpreterNeeded,
    InterpreterLanguage,
    DueDate,
    Status,
    StatusReason,
    AssigneeUserId,
    Version,
    RespondBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReferralEvents {
    Table,
    Id,
    ReferralId,
    OrganizationId,
    ActorUserId,
    ActorApiKeyId,
    FromStatus,
    ToStatus,
    Reason,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReferralNotes {
    Table,
    Id,
    ReferralId,
    OrganizationId,
    AuthorUserId,
    AuthorApiKeyId,
    Visibility,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    Actor,
    Key,
    Operation,
    InputDigest,
    ResultId,
    CreatedAt,
}

fn fk(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to_table: impl IntoIden,
    to_col: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(on_delete)
        .take()
}

fn index(name: &str, table: impl IntoIden, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(col);
    }
    index.take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Clients::Table)
                    .col(pk_uuid(Clients::Id))
                    .col(uuid(Clients::OrganizationId))
                    .col(string_len(Clients::DisplayName, 100))
                    .col(text(Clients::PreferredLanguages))
                    .col(string_len_null(Clients::ContactChannel, 24))
                    .col(string_len_null(Clients::ContactValue, 200))
                    .col(integer_null(Clients::BirthYear))
                    .col(text_null(Clients::NeedsSummary))
                    .col(uuid_null(Clients::CreatedBy))
                    .col(timestamp_with_time_zone(Clients::CreatedAt))
                    .col(timestamp_with_time_zone(Clients::UpdatedAt))
                    .foreign_key(&mut fk(
                        Clients::Table,
                        Clients::OrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_clients_org_created",
                Clients::Table,
                vec![
                    Clients::OrganizationId.into_iden(),
                    Clients::CreatedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClientLinks::Table)
                    .col(pk_uuid(ClientLinks::Id))
                    .col(uuid(ClientLinks::OrganizationId))
                    .col(uuid(ClientLinks::ClientA))
                    .col(uuid(ClientLinks::ClientB))
                    .col(uuid_null(ClientLinks::CreatedBy))
                    .col(timestamp_with_time_zone(ClientLinks::CreatedAt))
                    .foreign_key(&mut fk(
                        ClientLinks::Table,
                        ClientLinks::ClientA,
                        Clients::Table,
                        Clients::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        ClientLinks::Table,
                        ClientLinks::ClientB,
                        Clients::Table,
                        Clients::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_client_links_pair",
                    ClientLinks::Table,
                    vec![
                        ClientLinks::ClientA.into_iden(),
                        ClientLinks::ClientB.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Consents::Table)
                    .col(pk_uuid(Consents::Id))
                    .col(uuid(Consents::ClientId))
                    .col(uuid(Consents::OrganizationId))
                    .col(boolean(Consents::ShareName))
                    .col(boolean(Consents::ShareContact))
                    .col(boolean(Consents::ShareLanguages))
                    .col(boolean(Consents::ShareNeeds))
                    .col(string_len(Consents::Method, 16))
                    .col(timestamp_with_time_zone(Consents::GivenAt))
                    .col(uuid_null(Consents::RecordedBy))
                    .col(timestamp_with_time_zone_null(Consents::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Consents::RevokedAt))
                    .col(uuid_null(Consents::RevokedBy))
                    .col(timestamp_with_time_zone(Consents::CreatedAt))
                    .foreign_key(&mut fk(
                        Consents::Table,
                        Consents::ClientId,
                        Clients::Table,
                        Clients::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_consents_client",
                Consents::Table,
                vec![Consents::ClientId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConsentRecipients::Table)
                    .col(pk_uuid(ConsentRecipients::Id))
                    .col(uuid(ConsentRecipients::ConsentId))
                    .col(uuid(ConsentRecipients::OrganizationId))
                    .col(uuid_null(ConsentRecipients::ServiceId))
                    .foreign_key(&mut fk(
                        ConsentRecipients::Table,
                        ConsentRecipients::ConsentId,
                        Consents::Table,
                        Consents::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        ConsentRecipients::Table,
                        ConsentRecipients::OrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        ConsentRecipients::Table,
                        ConsentRecipients::ServiceId,
                        Services::Table,
                        Services::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_consent_recipients_consent",
                ConsentRecipients::Table,
                vec![ConsentRecipients::ConsentId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Referrals::Table)
                    .col(pk_uuid(Referrals::Id))
                    .col(uuid(Referrals::ClientId))
                    .col(uuid(Referrals::ConsentId))
                    .col(uuid(Referrals::ReferringOrganizationId))
                    .col(uuid_null(Referrals::ReferringUserId))
                    .col(uuid(Referrals::ReceivingOrganizationId))
                    .col(uuid(Referrals::ServiceId))
                    .col(text(Referrals::Reason))
                    .col(string_len(Referrals::Urgency, 16))
                    .col(boolean(Referrals::InterpreterNeeded))
                    .col(string_len_null(Referrals::InterpreterLanguage, 35))
                    .col(date_null(Referrals::DueDate))
                    .col(string_len(Referrals::Status, 16))
                    .col(string_len_null(Referrals::StatusReason, 64))
                    .col(uuid_null(Referrals::AssigneeUserId))
                    .col(integer(Referrals::Version))
                    .col(timestamp_with_time_zone(Referrals::RespondBy))
                    .col(timestamp_with_time_zone(Referrals::CreatedAt))
                    .col(timestamp_with_time_zone(Referrals::UpdatedAt))
                    .foreign_key(&mut fk(
                        Referrals::Table,
                        Referrals::ClientId,
                        Clients::Table,
                        Clients::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Referrals::Table,
                        Referrals::ConsentId,
                        Consents::Table,
                        Consents::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Referrals::Table,
                        Referrals::ServiceId,
                        Services::Table,
                        Services::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Referrals::Table,
                        Referrals::ReferringOrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Referrals::Table,
                        Referrals::ReceivingOrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        for (name, col) in [
            ("ix_referrals_receiving", Referrals::ReceivingOrganizationId),
            ("ix_referrals_referring", Referrals::ReferringOrganizationId),
        ] {
            manager
                .create_index(index(
                    name,
                    Referrals::Table,
                    vec![col.into_iden(), Referrals::CreatedAt.into_iden()],
                ))
                .await?;
        }
        manager
            .create_index(index(
                "ix_referrals_client",
                Referrals::Table,
                vec![Referrals::ClientId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReferralEvents::Table)
                    .col(pk_uuid(ReferralEvents::Id))
                    .col(uuid(ReferralEvents::ReferralId))
                    .col(uuid_null(ReferralEvents::OrganizationId))
                    .col(uuid_null(ReferralEvents::ActorUserId))
                    .col(uuid_null(ReferralEvents::ActorApiKeyId))
                    .col(string_len_null(ReferralEvents::FromStatus, 16))
                    .col(string_len(ReferralEvents::ToStatus, 16))
                    .col(string_len_null(ReferralEvents::Reason, 64))
                    .col(text_null(ReferralEvents::Note))
                    .col(timestamp_with_time_zone(ReferralEvents::CreatedAt))
                    .foreign_key(&mut fk(
                        ReferralEvents::Table,
                        ReferralEvents::ReferralId,
                        Referrals::Table,
                        Referrals::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_referral_events_referral",
                ReferralEvents::Table,
                vec![
                    ReferralEvents::ReferralId.into_iden(),
                    ReferralEvents::CreatedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReferralNotes::Table)
                    .col(pk_uuid(ReferralNotes::Id))
                    .col(uuid(ReferralNotes::ReferralId))
                    .col(uuid(ReferralNotes::OrganizationId))
                    .col(uuid_null(ReferralNotes::AuthorUserId))
                    .col(uuid_null(ReferralNotes::AuthorApiKeyId))
                    .col(string_len(ReferralNotes::Visibility, 16))
                    .col(text(ReferralNotes::Body))
                    .col(timestamp_with_time_zone(ReferralNotes::CreatedAt))
                    .foreign_key(&mut fk(
                        ReferralNotes::Table,
                        ReferralNotes::ReferralId,
                        Referrals::Table,
                        Referrals::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_referral_notes_referral",
                ReferralNotes::Table,
                vec![ReferralNotes::ReferralId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(pk_uuid(IdempotencyKeys::Id))
                    .col(string_len(IdempotencyKeys::Actor, 64))
                    .col(string_len(IdempotencyKeys::Key, 200))
                    .col(string_len(IdempotencyKeys::Operation, 64))
                    .col(string_len(IdempotencyKeys::InputDigest, 64))
                    .col(uuid(IdempotencyKeys::ResultId))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_idempotency_actor_key",
                    IdempotencyKeys::Table,
                    vec![
                        IdempotencyKeys::Actor.into_iden(),
                        IdempotencyKeys::Key.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IdempotencyKeys::Table.into_iden(),
            ReferralNotes::Table.into_iden(),
            ReferralEvents::Table.into_iden(),
            Referrals::Table.into_iden(),
            ConsentRecipients::Table.into_iden(),
            Consents::Table.into_iden(),
            ClientLinks::Table.into_iden(),
            Clients::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
