//! The records of bodies: meetings, agenda items and their documents,
//! attendance, motions and roll-call votes, minutes with their revisions, and
//! action items with their reviews. Records are history: nothing here is
//! deleted once a meeting's minutes are published.

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
}

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum BodyMemberships {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
    BodyId,
    Kind,
    Title,
    StartsAt,
    EndsAt,
    TimeZone,
    Location,
    RemoteUrl,
    Status,
    StatusNote,
    RescheduledToId,
    AgendaPublishedAt,
    Sequence,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AgendaItems {
    Table,
    Id,
    MeetingId,
    Position,
    Title,
    Description,
    Kind,
    PresenterPersonId,
    PresenterName,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AgendaDocuments {
    Table,
    Id,
    AgendaItemId,
    Position,
    Title,
    Url,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AttendanceRecords {
    Table,
    Id,
    MeetingId,
    PersonId,
    MembershipId,
    GuestName,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Motions {
    Table,
    Id,
    MeetingId,
    AgendaItemId,
    AmendsMotionId,
    Text,
    MoverPersonId,
    SeconderPersonId,
    VotingRule,
    SeatsAtMotion,
    Disposition,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Votes {
    Table,
    Id,
    MotionId,
    PersonId,
    MembershipId,
    Choice,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Minutes {
    Table,
    Id,
    MeetingId,
    Number,
    CorrectsMinutesId,
    Status,
    ApprovedByMotionId,
    ApprovedAt,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MinutesRevisions {
    Table,
    Id,
    MinutesId,
    Number,
    Text,
    AuthorUserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ActionItems {
    Table,
    Id,
    BodyId,
    MeetingId,
    AgendaItemId,
    Description,
    AssigneePersonId,
    AssigneeOrganizationId,
    DueOn,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ActionItemReviews {
    Table,
    Id,
    ActionItemId,
    MeetingId,
    Status,
    DueOn,
    Update,
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
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        manager
            .create_table(
                Table::create()
                    .table(Meetings::Table)
                    .col(pk_uuid(Meetings::Id))
                    .col(uuid(Meetings::BodyId))
                    .col(string_len(Meetings::Kind, 32))
                    .col(string_len(Meetings::Title, 200))
                    .col(timestamp_with_time_zone(Meetings::StartsAt))
                    .col(timestamp_with_time_zone(Meetings::EndsAt))
                    .col(string_len(Meetings::TimeZone, 64))
                    .col(text_null(Meetings::Location))
                    .col(string_len_null(Meetings::RemoteUrl, 500))
                    .col(string_len(Meetings::Status, 16))
                    .col(text_null(Meetings::StatusNote))
                    .col(uuid_null(Meetings::RescheduledToId).unique_key())
                    .col(timestamp_with_time_zone_null(Meetings::AgendaPublishedAt))
                    .col(integer(Meetings::Sequence))
                    .col(timestamp_with_time_zone(Meetings::CreatedAt))
                    .col(timestamp_with_time_zone(Meetings::UpdatedAt))
                    .foreign_key(&mut fk(
                        Meetings::Table,
                        Meetings::BodyId,
                        Bodies::Table,
                        Bodies::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Meetings::Table,
                        Meetings::RescheduledToId,
                        Meetings::Table,
                        Meetings::Id,
                        Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_meetings_body_starts",
                Meetings::Table,
                vec![Meetings::BodyId, Meetings::StartsAt],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_meetings_starts",
                Meetings::Table,
                vec![Meetings::StartsAt, Meetings::Id],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgendaItems::Table)
                    .col(pk_uuid(AgendaItems::Id))
                    .col(uuid(AgendaItems::MeetingId))
                    .col(integer(AgendaItems::Position))
                    .col(string_len(AgendaItems::Title, 300))
                    .col(text(AgendaItems::Description))
                    .col(string_len(AgendaItems::Kind, 16))
                    .col(uuid_null(AgendaItems::PresenterPersonId))
                    .col(string_len_null(AgendaItems::PresenterName, 200))
                    .col(timestamp_with_time_zone(AgendaItems::CreatedAt))
                    .col(timestamp_with_time_zone(AgendaItems::UpdatedAt))
                    .foreign_key(&mut fk(
                        AgendaItems::Table,
                        AgendaItems::MeetingId,
                        Meetings::Table,
                        Meetings::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        AgendaItems::Table,
                        AgendaItems::PresenterPersonId,
                        People::Table,
                        People::Id,
                        Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_agenda_items_meeting",
                AgendaItems::Table,
                vec![AgendaItems::MeetingId, AgendaItems::Position],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgendaDocuments::Table)
                    .col(pk_uuid(AgendaDocuments::Id))
                    .col(uuid(AgendaDocuments::AgendaItemId))
                    .col(integer(AgendaDocuments::Position))
                    .col(string_len(AgendaDocuments::Title, 300))
                    .col(string_len(AgendaDocuments::Url, 1000))
                    .col(timestamp_with_time_zone(AgendaDocuments::CreatedAt))
                    // Documents are part of the item: they go when it goes.
                    .foreign_key(&mut fk(
                        AgendaDocuments::Table,
                        AgendaDocuments::AgendaItemId,
                        AgendaItems::Table,
                        AgendaItems::Id,
                        Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_agenda_documents_item",
                AgendaDocuments::Table,
                vec![AgendaDocuments::AgendaItemId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AttendanceRecords::Table)
                    .col(pk_uuid(AttendanceRecords::Id))
                    .col(uuid(AttendanceRecords::MeetingId))
                    .col(uuid_null(AttendanceRecords::PersonId))
                    .col(uuid_null(AttendanceRecords::MembershipId))
                    .col(string_len_null(AttendanceRecords::GuestName, 200))
                    .col(string_len(AttendanceRecords::Status, 16))
                    .col(timestamp_with_time_zone(AttendanceRecords::CreatedAt))
                    .col(timestamp_with_time_zone(AttendanceRecords::UpdatedAt))
                    .foreign_key(&mut fk(
                        AttendanceRecords::Table,
                        AttendanceRecords::MeetingId,
                        Meetings::Table,
                        Meetings::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        AttendanceRecords::Table,
                        AttendanceRecords::PersonId,
                        People::Table,
                        People::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        AttendanceRecords::Table,
                        AttendanceRecords::MembershipId,
                        BodyMemberships::Table,
                        BodyMemberships::Id,
                        Restrict,
                    ))
                    .take(),
            )
            .await?;
        // One line per member per meeting; guests (no person) are not limited.
        manager
            .create_index(
                index(
                    "ux_attendance_meeting_person",
                    AttendanceRecords::Table,
                    vec![AttendanceRecords::MeetingId, AttendanceRecords::PersonId],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_attendance_person",
                AttendanceRecords::Table,
                vec![AttendanceRecords::PersonId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Motions::Table)
                    .col(pk_uuid(Motions::Id))
                    .col(uuid(Motions::MeetingId))
                    .col(uuid(Motions::AgendaItemId))
                    .col(uuid_null(Motions::AmendsMotionId))
                    .col(text(Motions::Text))
                    .col(uuid(Motions::MoverPersonId))
                    .col(uuid_null(Motions::SeconderPersonId))
                    .col(string_len(Motions::VotingRule, 32))
                    .col(integer(Motions::SeatsAtMotion))
                    .col(string_len_null(Motions::Disposition, 16))
                    .col(timestamp_with_time_zone(Motions::CreatedAt))
                    .col(timestamp_with_time_zone(Motions::UpdatedAt))
                    .foreign_key(&mut fk(
                        Motions::Table,
                        Motions::MeetingId,
                        Meetings::Table,
                        Meetings::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Motions::Table,
                        Motions::AgendaItemId,
                        AgendaItems::Table,
                        AgendaItems::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Motions::Table,
                        Motions::AmendsMotionId,
                        Motions::Table,
                        Motions::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Motions::Table,
                        Motions::MoverPersonId,
                        People::Table,
                        People::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Motions::Table,
                        Motions::SeconderPersonId,
                        People::Table,
                        People::Id,
                        Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_motions_meeting",
                Motions::Table,
                vec![Motions::MeetingId, Motions::CreatedAt],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Votes::Table)
                    .col(pk_uuid(Votes::Id))
                    .col(uuid(Votes::MotionId))
                    .col(uuid(Votes::PersonId))
                    .col(uuid(Votes::MembershipId))
                    .col(string_len(Votes::Choice, 16))
                    .col(timestamp_with_time_zone(Votes::CreatedAt))
                    .foreign_key(&mut fk(
                        Votes::Table,
                        Votes::MotionId,
                        Motions::Table,
                        Motions::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Votes::Table,
                        Votes::PersonId,
                        People::Table,
                        People::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Votes::Table,
                        Votes::MembershipId,
                        BodyMemberships::Table,
                        BodyMemberships::Id,
                        Restrict,
                    ))
                    .take(),
            )
            .await?;
        // Nobody votes twice on a motion, even under concurrent requests.
        manager
            .create_index(
                index(
                    "ux_votes_motion_person",
                    Votes::Table,
                    vec![Votes::MotionId, Votes::PersonId],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_votes_person",
                Votes::Table,
                vec![Votes::PersonId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Minutes::Table)
                    .col(pk_uuid(Minutes::Id))
                    .col(uuid(Minutes::MeetingId))
                    .col(integer(Minutes::Number))
                    .col(uuid_null(Minutes::CorrectsMinutesId))
                    .col(string_len(Minutes::Status, 16))
                    .col(uuid_null(Minutes::ApprovedByMotionId))
                    .col(timestamp_with_time_zone_null(Minutes::ApprovedAt))
                    .col(timestamp_with_time_zone_null(Minutes::PublishedAt))
                    .col(timestamp_with_time_zone(Minutes::CreatedAt))
                    .col(timestamp_with_time_zone(Minutes::UpdatedAt))
                    .foreign_key(&mut fk(
                        Minutes::Table,
                        Minutes::MeetingId,
                        Meetings::Table,
                        Meetings::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Minutes::Table,
                        Minutes::CorrectsMinutesId,
                        Minutes::Table,
                        Minutes::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Minutes::Table,
                        Minutes::ApprovedByMotionId,
                        Motions::Table,
                        Motions::Id,
                        Restrict,
                    ))
                    .take(),
            )
            .await?;
        // Number 0 is a meeting's minutes, 1.. its corrections in order: one
        // of each, even under concurrent requests.
        manager
            .create_index(
                index(
                    "ux_minutes_meeting_number",
                    Minutes::Table,
                    vec![Minutes::MeetingId, Minutes::Number],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MinutesRevisions::Table)
                    .col(pk_uuid(MinutesRevisions::Id))
                    .col(uuid(MinutesRevisions::MinutesId))
                    .col(integer(MinutesRevisions::Number))
                    .col(text(MinutesRevisions::Text))
                    .col(uuid_null(MinutesRevisions::AuthorUserId))
                    .col(timestamp_with_time_zone(MinutesRevisions::CreatedAt))
                    .foreign_key(&mut fk(
                        MinutesRevisions::Table,
                        MinutesRevisions::MinutesId,
                        Minutes::Table,
                        Minutes::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        MinutesRevisions::Table,
                        MinutesRevisions::AuthorUserId,
                        Users::Table,
                        Users::Id,
                        SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_minutes_revisions_number",
                    MinutesRevisions::Table,
                    vec![MinutesRevisions::MinutesId, MinutesRevisions::Number],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ActionItems::Table)
                    .col(pk_uuid(ActionItems::Id))
                    .col(uuid(ActionItems::BodyId))
                    .col(uuid(ActionItems::MeetingId))
                    .col(uuid_null(ActionItems::AgendaItemId))
                    .col(text(ActionItems::Description))
                    .col(uuid_null(ActionItems::AssigneePersonId))
                    .col(uuid_null(ActionItems::AssigneeOrganizationId))
                    .col(date(ActionItems::DueOn))
                    .col(string_len(ActionItems::Status, 16))
                    .col(timestamp_with_time_zone(ActionItems::CreatedAt))
                    .col(timestamp_with_time_zone(ActionItems::UpdatedAt))
                    .foreign_key(&mut fk(
                        ActionItems::Table,
                        ActionItems::BodyId,
                        Bodies::Table,
                        Bodies::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ActionItems::Table,
                        ActionItems::MeetingId,
                        Meetings::Table,
                        Meetings::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ActionItems::Table,
                        ActionItems::AgendaItemId,
                        AgendaItems::Table,
                        AgendaItems::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ActionItems::Table,
                        ActionItems::AssigneePersonId,
                        People::Table,
                        People::Id,
                        Restrict,
                    ))
                    // An item assigned to a departed organization stays on the record.
                    .foreign_key(&mut fk(
                        ActionItems::Table,
                        ActionItems::AssigneeOrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                        SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_action_items_status_due",
                ActionItems::Table,
                vec![ActionItems::Status, ActionItems::DueOn],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_action_items_meeting",
                ActionItems::Table,
                vec![ActionItems::MeetingId],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_action_items_person",
                ActionItems::Table,
                vec![ActionItems::AssigneePersonId],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_action_items_organization",
                ActionItems::Table,
                vec![ActionItems::AssigneeOrganizationId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ActionItemReviews::Table)
                    .col(pk_uuid(ActionItemReviews::Id))
                    .col(uuid(ActionItemReviews::ActionItemId))
                    .col(uuid(ActionItemReviews::MeetingId))
                    .col(string_len(ActionItemReviews::Status, 16))
                    .col(date(ActionItemReviews::DueOn))
                    .col(text(ActionItemReviews::Update))
                    .col(timestamp_with_time_zone(ActionItemReviews::CreatedAt))
                    .foreign_key(&mut fk(
                        ActionItemReviews::Table,
                        ActionItemReviews::ActionItemId,
                        ActionItems::Table,
                        ActionItems::Id,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ActionItemReviews::Table,
                        ActionItemReviews::MeetingId,
                        Meetings::Table,
                        Meetings::Id,
                        Restrict,
                    ))
                    .take(),
            )
            .await?;
        // An item is reviewed once per meeting.
        manager
            .create_index(
                index(
                    "ux_action_item_reviews_meeting",
                    ActionItemReviews::Table,
                    vec![
                        ActionItemReviews::ActionItemId,
                        ActionItemReviews::MeetingId,
                    ],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_action_item_reviews_meeting",
                ActionItemReviews::Table,
                vec![ActionItemReviews::MeetingId],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ActionItemReviews::Table.into_iden(),
            ActionItems::Table.into_iden(),
            MinutesRevisions::Table.into_iden(),
            Minutes::Table.into_iden(),
            Votes::Table.into_iden(),
            Motions::Table.into_iden(),
            AttendanceRecords::Table.into_iden(),
            AgendaDocuments::Table.into_iden(),
            AgendaItems::Table.into_iden(),
            Meetings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
