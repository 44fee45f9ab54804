//! Directory: organization profiles and contacts, translations, the service
//! taxonomy, services with their categories, languages, hours, exceptions and
//! locations.

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
enum OrganizationProfiles {
    Table,
    OrganizationId,
    Description,
    DefaultLocale,
    Website,
    YearFounded,
    Languages,
    Neighborhoods,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrganizationContacts {
    Table,
    Id,
    OrganizationId,
    Kind,
    Value,
    Label,
    Visibility,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Translations {
    Table,
    Id,
    RecordId,
    Field,
    Locale,
    Text,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TaxonomyTerms {
    Table,
    Id,
    ParentId,
    Code,
    Name,
    Description,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Services {
    Table,
    Id,
    OrganizationId,
    Name,
    Description,
    DefaultLocale,
    Status,
    Eligibility,
    MinimumAge,
    MaximumAge,
    Cost,
    CostDescription,
    HowToApply,
    AcceptingReferrals,
    ResponseWindowDays,
    LastVerifiedAt,
    LastVerifiedBy,
    SearchDocument,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ServiceCategories {
    Table,
    ServiceId,
    TermId,
}

#[derive(DeriveIden)]
enum ServiceLanguages {
    Table,
    ServiceId,
    Tag,
}

#[derive(DeriveIden)]
enum ServiceHours {
    Table,
    Id,
    ServiceId,
    Weekday,
    OpensAt,
    ClosesAt,
}

#[derive(DeriveIden)]
enum ServiceExceptions {
    Table,
    Id,
    ServiceId,
    Date,
    OpensAt,
    ClosesAt,
    Note,
}

#[derive(DeriveIden)]
enum Locations {
    Table,
    Id,
    ServiceId,
    Name,
    Address,
    City,
    StateProvince,
    PostalCode,
    Country,
    Neighborhood,
    Latitude,
    Longitude,
    Accessibility,
    Remote,
    ContactRoute,
    Visibility,
    CreatedAt,
}

fn cascade(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to_table: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(ForeignKeyAction::Cascade)
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
                    .table(OrganizationProfiles::Table)
                    .col(pk_uuid(OrganizationProfiles::OrganizationId))
                    .col(text_null(OrganizationProfiles::Description))
                    .col(string_len(OrganizationProfiles::DefaultLocale, 35))
                    .col(string_len_null(OrganizationProfiles::Website, 500))
                    .col(integer_null(OrganizationProfiles::YearFounded))
                    .col(text(OrganizationProfiles::Languages))
                    .col(text(OrganizationProfiles::Neighborhoods))
                    .col(timestamp_with_time_zone(OrganizationProfiles::UpdatedAt))
                    .foreign_key(&mut cascade(
                        OrganizationProfiles::Table,
                        OrganizationProfiles::OrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrganizationContacts::Table)
                    .col(pk_uuid(OrganizationContacts::Id))
                    .col(uuid(OrganizationContacts::OrganizationId))
                    .col(string_len(OrganizationContacts::Kind, 16))
                    .col(string_len(OrganizationContacts::Value, 500))
                    .col(string_len_null(OrganizationContacts::Label, 200))
                    .col(string_len(OrganizationContacts::Visibility, 16))
                    .col(timestamp_with_time_zone(OrganizationContacts::CreatedAt))
                    .foreign_key(&mut cascade(
                        OrganizationContacts::Table,
                        OrganizationContacts::OrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_organization_contacts_org",
                OrganizationContacts::Table,
                vec![OrganizationContacts::OrganizationId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Translations::Table)
                    .col(pk_uuid(Translations::Id))
                    .col(uuid(Translations::RecordId))
                    .col(string_len(Translations::Field, 32))
                    .col(string_len(Translations::Locale, 35))
                    .col(text(Translations::Text))
                    .col(timestamp_with_time_zone(Translations::CreatedAt))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_translations_record_field_locale",
                    Translations::Table,
                    vec![
                        Translations::RecordId.into_iden(),
                        Translations::Field.into_iden(),
                        Translations::Locale.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TaxonomyTerms::Table)
                    .col(pk_uuid(TaxonomyTerms::Id))
                    .col(uuid_null(TaxonomyTerms::ParentId))
                    .col(string_len_uniq(TaxonomyTerms::Code, 64))
                    .col(string_len(TaxonomyTerms::Name, 200))
                    .col(text(TaxonomyTerms::Description))
                    .col(timestamp_with_time_zone(TaxonomyTerms::CreatedAt))
                    .col(timestamp_with_time_zone(TaxonomyTerms::UpdatedAt))
                    .foreign_key(
                        &mut ForeignKey::create()
                            .from(TaxonomyTerms::Table, TaxonomyTerms::ParentId)
                            .to(TaxonomyTerms::Table, TaxonomyTerms::Id)
                            .on_delete(ForeignKeyAction::Restrict)
                            .take(),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Services::Table)
                    .col(pk_uuid(Services::Id))
                    .col(uuid(Services::OrganizationId))
                    .col(string_len(Services::Name, 200))
                    .col(text(Services::Description))
                    .col(string_len(Services::DefaultLocale, 35))
                    .col(string_len(Services::Status, 24))
                    .col(text_null(Services::Eligibility))
                    .col(integer_null(Services::MinimumAge))
                    .col(integer_null(Services::MaximumAge))
                    .col(string_len(Services::Cost, 16))
                    .col(text_null(Services::CostDescription))
                    .col(text_null(Services::HowToApply))
                    .col(boolean(Services::AcceptingReferrals))
                    .col(integer(Services::ResponseWindowDays))
                    .col(timestamp_with_time_zone_null(Services::LastVerifiedAt))
                    .col(uuid_null(Services::LastVerifiedBy))
                    .col(text(Services::SearchDocument))
                    .col(timestamp_with_time_zone(Services::CreatedAt))
                    .col(timestamp_with_time_zone(Services::UpdatedAt))
                    .foreign_key(&mut cascade(
                        Services::Table,
                        Services::OrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                    ))
                    .foreign_key(
                        &mut ForeignKey::create()
                            .from(Services::Table, Services::LastVerifiedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull)
                            .take(),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_services_org",
                Services::Table,
                vec![Services::OrganizationId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ServiceCategories::Table)
                    .col(uuid(ServiceCategories::ServiceId))
                    .col(uuid(ServiceCategories::TermId))
                    .primary_key(
                        Index::create()
                            .col(ServiceCategories::ServiceId)
                            .col(ServiceCategories::TermId),
                    )
                    .foreign_key(&mut cascade(
                        ServiceCategories::Table,
                        ServiceCategories::ServiceId,
                        Services::Table,
                        Services::Id,
                    ))
                    .foreign_key(&mut cascade(
                        ServiceCategories::Table,
                        ServiceCategories::TermId,
                        TaxonomyTerms::Table,
                        TaxonomyTerms::Id,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_service_categories_term",
                ServiceCategories::Table,
                vec![ServiceCategories::TermId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ServiceLanguages::Table)
                    .col(uuid(ServiceLanguages::ServiceId))
                    .col(string_len(ServiceLanguages::Tag, 35))
                    .primary_key(
                        Index::create()
                            .col(ServiceLanguages::ServiceId)
                            .col(ServiceLanguages::Tag),
                    )
                    .foreign_key(&mut cascade(
                        ServiceLanguages::Table,
                        ServiceLanguages::ServiceId,
                        Services::Table,
                        Services::Id,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ServiceHours::Table)
                    .col(pk_uuid(ServiceHours::Id))
                    .col(uuid(ServiceHours::ServiceId))
                    .col(integer(ServiceHours::Weekday))
                    .col(string_len(ServiceHours::OpensAt, 5))
                    .col(string_len(ServiceHours::ClosesAt, 5))
                    .foreign_key(&mut cascade(
                        ServiceHours::Table,
                        ServiceHours::ServiceId,
                        Services::Table,
                        Services::Id,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_service_hours_service",
                ServiceHours::Table,
                vec![ServiceHours::ServiceId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ServiceExceptions::Table)
                    .col(pk_uuid(ServiceExceptions::Id))
                    .col(uuid(ServiceExceptions::ServiceId))
                    .col(date(ServiceExceptions::Date))
                    .col(string_len_null(ServiceExceptions::OpensAt, 5))
                    .col(string_len_null(ServiceExceptions::ClosesAt, 5))
                    .col(string_len_null(ServiceExceptions::Note, 200))
                    .foreign_key(&mut cascade(
                        ServiceExceptions::Table,
                        ServiceExceptions::ServiceId,
                        Services::Table,
                        Services::Id,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_service_exceptions_service_date",
                ServiceExceptions::Table,
                vec![
                    ServiceExceptions::ServiceId.into_iden(),
                    ServiceExceptions::Date.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Locations::Table)
                    .col(pk_uuid(Locations::Id))
                    .col(uuid(Locations::ServiceId))
                    .col(string_len_null(Locations::Name, 200))
                    .col(string_len_null(Locations::Address, 500))
                    .col(string_len_null(Locations::City, 200))
                    .col(string_len_null(Locations::StateProvince, 100))
                    .col(string_len_null(Locations::PostalCode, 20))
                    .col(string_len_null(Locations::Country, 2))
                    .col(string_len_null(Locations::Neighborhood, 200))
                    .col(double_null(Locations::Latitude))
                    .col(double_null(Locations::Longitude))
                    .col(text_null(Locations::Accessibility))
                    .col(boolean(Locations::Remote))
                    .col(string_len_null(Locations::ContactRoute, 500))
                    .col(string_len(Locations::Visibility, 16))
                    .col(timestamp_with_time_zone(Locations::CreatedAt))
                    .foreign_key(&mut cascade(
                        Locations::Table,
                        Locations::ServiceId,
                        Services::Table,
                        Services::Id,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_locations_service",
                Locations::Table,
                vec![Locations::ServiceId.into_iden()],
            ))
            .await?;
        if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
            // Full-text search on PostgreSQL uses this expression; SQLite
            // matches words in the same column without an index.
            manager
                .get_connection()
                .execute_unprepared(
                    "CREATE INDEX ix_services_search ON services USING GIN (to_tsvector('simple', search_document))",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Locations::Table.into_iden(),
            ServiceExceptions::Table.into_iden(),
            ServiceHours::Table.into_iden(),
            ServiceLanguages::Table.into_iden(),
            ServiceCategories::Table.into_iden(),
            Services::Table.into_iden(),
            TaxonomyTerms::Table.into_iden(),
            Translations::Table.into_iden(),
            OrganizationContacts::Table.into_iden(),
            OrganizationProfiles::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
