//! A meeting of a body: when and where it meets, whether it was held, and
//! whether its agenda is out.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What kind of meeting it is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum MeetingKind {
    #[sea_orm(string_value = "regular")]
    Regular,
    #[sea_orm(string_value = "special")]
    Special,
    #[sea_orm(string_value = "community_dialogue")]
    CommunityDialogue,
    #[sea_orm(string_value = "workshop")]
    Workshop,
}

/// Where a meeting stands.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MeetingStatus {
    #[sea_orm(string_value = "scheduled")]
    Scheduled,
    #[sea_orm(string_value = "held")]
    Held,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    #[sea_orm(string_value = "postponed")]
    Postponed,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub body_id: Uuid,
    pub kind: MeetingKind,
    pub title: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    /// The body's IANA time zone when the meeting was scheduled: local times
    /// of past meetings stay right if the body later moves.
    pub time_zone: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub location: Option<String>,
    pub remote_url: Option<String>,
    pub status: MeetingStatus,
    /// Why it was cancelled or postponed.
    #[sea_orm(column_type = "Text", nullable)]
    pub status_note: Option<String>,
    /// The meeting a postponed one moved to.
    #[sea_orm(unique)]
    pub rescheduled_to_id: Option<Uuid>,
    pub agenda_published_at: Option<DateTimeUtc>,
    /// Bumped on every change calendar subscribers should see (RFC 5545 SEQUENCE).
    pub sequence: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
