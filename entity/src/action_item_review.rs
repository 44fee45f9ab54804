//! A review of an action item at a later meeting: what was reported, and the
//! status and due date it left the item with.

use super::action_item::ActionItemStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action_item_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub action_item_id: Uuid,
    pub meeting_id: Uuid,
    pub status: ActionItemStatus,
    pub due_on: Date,
    #[sea_orm(column_type = "Text")]
    pub update: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
