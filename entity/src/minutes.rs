//! A meeting's minutes (number 0) or a correction of them (1, 2, ...), with
//! where each stands in the approval workflow. The text lives in revisions.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Where minutes stand.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MinutesStatus {
    #[sea_orm(string_value = "draft")]
    Draft,
    #[sea_orm(string_value = "approved")]
    Approved,
    #[sea_orm(string_value = "published")]
    Published,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "minutes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_id: Uuid,
    /// 0 for the minutes, 1.. for corrections in order.
    pub number: i32,
    /// The minutes a correction amends.
    pub corrects_minutes_id: Option<Uuid>,
    pub status: MinutesStatus,
    /// The passed motion, at a later meeting of the body, that approved them.
    pub approved_by_motion_id: Option<Uuid>,
    pub approved_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
