//! A motion on an agenda item, or an amendment of another motion. Its result
//! is computed from its votes and never stored.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What it takes for a motion to pass.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum VotingRule {
    #[sea_orm(string_value = "majority_of_votes_cast")]
    MajorityOfVotesCast,
    #[sea_orm(string_value = "majority_of_seats")]
    MajorityOfSeats,
    #[sea_orm(string_value = "two_thirds")]
    TwoThirds,
}

/// How a motion left the floor without a vote.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Disposition {
    #[sea_orm(string_value = "tabled")]
    Tabled,
    #[sea_orm(string_value = "withdrawn")]
    Withdrawn,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "motions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub agenda_item_id: Uuid,
    /// The motion this one amends.
    pub amends_motion_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub mover_person_id: Uuid,
    pub seconder_person_id: Option<Uuid>,
    pub voting_rule: VotingRule,
    /// The body's voting seats when the motion was made: a later change of
    /// seats does not change a past result.
    pub seats_at_motion: i32,
    pub disposition: Option<Disposition>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
