//! Whether a member (or a guest, by name) attended a meeting. Members without
//! a row have not been recorded yet.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// How someone attended.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum AttendanceStatus {
    #[sea_orm(string_value = "present")]
    Present,
    #[sea_orm(string_value = "remote")]
    Remote,
    #[sea_orm(string_value = "late")]
    Late,
    #[sea_orm(string_value = "excused")]
    Excused,
    #[sea_orm(string_value = "absent")]
    Absent,
}

impl AttendanceStatus {
    /// Whether the person took part: in the room, remotely, or arrived late.
    pub fn took_part(self) -> bool {
        matches!(self, Self::Present | Self::Remote | Self::Late)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendance_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_id: Uuid,
    /// The member; null for a guest.
    pub person_id: Option<Uuid>,
    /// The membership that seated the member on the meeting date.
    pub membership_id: Option<Uuid>,
    /// A guest's name; null for a member.
    pub guest_name: Option<String>,
    pub status: AttendanceStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
