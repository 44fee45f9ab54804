//! One member's vote in a motion's roll call.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A member's answer in a roll call.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum VoteChoice {
    #[sea_orm(string_value = "yes")]
    Yes,
    #[sea_orm(string_value = "no")]
    No,
    #[sea_orm(string_value = "abstain")]
    Abstain,
    #[sea_orm(string_value = "recused")]
    Recused,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "votes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub motion_id: Uuid,
    pub person_id: Uuid,
    /// The membership that gave the seat on the meeting date.
    pub membership_id: Uuid,
    pub choice: VoteChoice,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
