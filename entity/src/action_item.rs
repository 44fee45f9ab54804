//! Something a body decided should be done, by a person or an organization,
//! followed until done through reviews at later meetings.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Where an action item stands.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ActionItemStatus {
    #[sea_orm(string_value = "open")]
    Open,
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    #[sea_orm(string_value = "done")]
    Done,
    #[sea_orm(string_value = "dropped")]
    Dropped,
}

impl ActionItemStatus {
    /// Whether work on the item is still expected.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Open | Self::InProgress)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub body_id: Uuid,
    /// The meeting that created it.
    pub meeting_id: Uuid,
    pub agenda_item_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub assignee_person_id: Option<Uuid>,
    pub assignee_organization_id: Option<Uuid>,
    pub due_on: Date,
    pub status: ActionItemStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
