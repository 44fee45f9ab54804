//! The people of the directory: bodies, people with their languages,
//! expertise and contacts, and memberships of people on bodies over time.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Bodies {
    Table,
    Id,
    Slug,
    Name,
    Kind,
    Description,
    OwningOrganizationId,
    Seats,
    AppointingAuthority,
    RecordsPublic,
    HoldoversAllowed,
    TimeZone,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
    Name,
    Pronouns,
    Bio,
    UserId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PersonLanguages {
    Table,
    PersonId,
    Tag,
}

#[derive(DeriveIden)]
enum PersonExpertise {
    Table,
    PersonId,
    Term,
}

#[derive(DeriveIden)]
enum PersonContacts {
    Table,
    Id,
    PersonId,
    Kind,
    Value,
    Label,
    Visibility,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BodyMemberships {
    Table,
    Id,
    BodyId,
    PersonId,
    Post,
    OrganizationId,
    StartDate,
    EndDate,
    EndedOn,
    AppointedBy,
    ReplacesMembershipId,
    CreatedAt,
    UpdatedAt,
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

fn index(name: &str, table: impl IntoIden, cols: Vec<impl IntoIden>) -> IndexCreateStatement {
    let mut statement = Index::create().name(name).table(table).take();
    for col in cols {
        statement.col(col);
    }
    statement
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Bodies::Table)
                    .col(pk_uuid(Bodies::Id))
                    .col(string_len_uniq(Bodies::Slug, 64))
                    .col(string_len(Bodies::Name, 200))
                    .col(string_len(Bodies::Kind, 32))
                    .col(text(Bodies::Description))
                    .col(uuid_null(Bodies::OwningOrganizationId))
                    .col(integer(Bodies::Seats).check(Expr::col(Bodies::Seats).gte(1)))
                    .col(string_len(Bodies::AppointingAuthority, 200))
                    .col(boolean(Bodies::RecordsPublic))
                    .col(boolean(Bodies::HoldoversAllowed))
                    .col(string_len(Bodies::TimeZone, 64))
                    .col(timestamp_with_time_zone(Bodies::CreatedAt))
                    .col(timestamp_with_time_zone(Bodies::UpdatedAt))
                    // A body outlives a departing library: it becomes the coalition's.
                    .foreign_key(&mut fk(
                        Bodies::Table,
                        Bodies::OwningOrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_bodies_created",
                Bodies::Table,
                vec![Bodies::CreatedAt, Bodies::Id],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(People::Table)
                    .col(pk_uuid(People::Id))
                    .col(string_len(People::Name, 200))
                    .col(string_len_null(People::Pronouns, 64))
                    .col(text_null(People::Bio))
                    .col(uuid_null(People::UserId).unique_key())
                    .col(timestamp_with_time_zone(People::CreatedAt))
                    .col(timestamp_with_time_zone(People::UpdatedAt))
                    // Deleting an account leaves the public record of service.
                    .foreign_key(&mut fk(
                        People::Table,
                        People::UserId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_people_created",
                People::Table,
                vec![People::CreatedAt, People::Id],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PersonLanguages::Table)
                    .col(uuid(PersonLanguages::PersonId))
                    .col(string_len(PersonLanguages::Tag, 35))
                    .primary_key(
                        Index::create()
                            .col(PersonLanguages::PersonId)
                            .col(PersonLanguages::Tag),
                    )
                    .foreign_key(&mut fk(
                        PersonLanguages::Table,
                        PersonLanguages::PersonId,
                        People::Table,
                        People::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_person_languages_tag",
                PersonLanguages::Table,
                vec![PersonLanguages::Tag],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PersonExpertise::Table)
                    .col(uuid(PersonExpertise::PersonId))
                    .col(string_len(PersonExpertise::Term, 80))
                    .primary_key(
                        Index::create()
                            .col(PersonExpertise::PersonId)
                            .col(PersonExpertise::Term),
                    )
                    .foreign_key(&mut fk(
                        PersonExpertise::Table,
                        PersonExpertise::PersonId,
                        People::Table,
                        People::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_person_expertise_term",
                PersonExpertise::Table,
                vec![PersonExpertise::Term],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PersonContacts::Table)
                    .col(pk_uuid(PersonContacts::Id))
                    .col(uuid(PersonContacts::PersonId))
                    .col(string_len(PersonContacts::Kind, 16))
                    .col(string_len(PersonContacts::Value, 500))
                    .col(string_len_null(PersonContacts::Label, 200))
                    .col(string_len(PersonContacts::Visibility, 16))
                    .col(timestamp_with_time_zone(PersonContacts::CreatedAt))
                    .foreign_key(&mut fk(
                        PersonContacts::Table,
                        PersonContacts::PersonId,
                        People::Table,
                        People::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_person_contacts_person",
                PersonContacts::Table,
                vec![PersonContacts::PersonId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BodyMemberships::Table)
                    .col(pk_uuid(BodyMemberships::Id))
                    .col(uuid(BodyMemberships::BodyId))
                    .col(uuid(BodyMemberships::PersonId))
                    .col(string_len(BodyMemberships::Post, 16))
                    .col(uuid_null(BodyMemberships::OrganizationId))
                    .col(date(BodyMemberships::StartDate))
                    .col(date_null(BodyMemberships::EndDate))
                    .col(date_null(BodyMemberships::EndedOn))
                    .col(string_len(BodyMemberships::AppointedBy, 200))
                    .col(uuid_null(BodyMemberships::ReplacesMembershipId).unique_key())
                    .col(timestamp_with_time_zone(BodyMemberships::CreatedAt))
                    .col(timestamp_with_time_zone(BodyMemberships::UpdatedAt))
                    // History is kept: a body or person with memberships cannot vanish.
                    .foreign_key(&mut fk(
                        BodyMemberships::Table,
                        BodyMemberships::BodyId,
                        Bodies::Table,
                        Bodies::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        BodyMemberships::Table,
                        BodyMemberships::PersonId,
                        People::Table,
                        People::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        BodyMemberships::Table,
                        BodyMemberships::OrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        BodyMemberships::Table,
                        BodyMemberships::ReplacesMembershipId,
                        BodyMemberships::Table,
                        BodyMemberships::Id,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_body_memberships_body_start",
                BodyMemberships::Table,
                vec![BodyMemberships::BodyId, BodyMemberships::StartDate],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_body_memberships_person",
                BodyMemberships::Table,
                vec![BodyMemberships::PersonId],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            BodyMemberships::Table.into_iden(),
            PersonContacts::Table.into_iden(),
            PersonExpertise::Table.into_iden(),
            PersonLanguages::Table.into_iden(),
            People::Table.into_iden(),
            Bodies::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
