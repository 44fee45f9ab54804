//! A person's seat (or non-voting place) on a body for a term. Rows are
//! history: a successor gets a new row pointing at the one it replaces, and
//! the old row only gains `ended_on`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The post a person holds on a body.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Post {
    #[sea_orm(string_value = "chair")]
    Chair,
    #[sea_orm(string_value = "vice_chair")]
    ViceChair,
    #[sea_orm(string_value = "member")]
    Member,
    #[sea_orm(string_value = "ex_officio")]
    ExOfficio,
    #[sea_orm(string_value = "staff_liaison")]
    StaffLiaison,
    #[sea_orm(string_value = "secretary")]
    Secretary,
}

impl Post {
    /// Whether the post takes one of the body's voting seats; ex officio
    /// members and staff liaisons sit beside the seats.
    pub fn holds_seat(self) -> bool {
        !matches!(self, Post::ExOfficio | Post::StaffLiaison)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "body_memberships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub body_id: Uuid,
    pub person_id: Uuid,
    pub post: Post,
    /// The organization the person represents, if any.
    pub organization_id: Option<Uuid>,
    pub start_date: Date,
    /// Scheduled end of the term.
    pub end_date: Option<Date>,
    /// When the person actually left the seat (resigned, removed, replaced).
    pub ended_on: Option<Date>,
    pub appointed_by: String,
    #[sea_orm(unique)]
    pub replaces_membership_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::body::Entity",
        from = "Column::BodyId",
        to = "super::body::Column::Id"
    )]
    Body,
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id"
    )]
    Person,
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id"
    )]
    Organization,
}

impl Related<super::body::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Body.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
