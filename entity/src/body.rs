//! A body of the coalition or the city: the advisory group, a committee, a
//! neighborhood welcoming committee, the commission. People sit on it through
//! [`super::body_membership`].

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What kind of body it is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum BodyKind {
    /// Community stakeholders who share information across agencies.
    #[sea_orm(string_value = "advisory_group")]
    AdvisoryGroup,
    /// A working committee of the coalition.
    #[sea_orm(string_value = "committee")]
    Committee,
    /// A neighborhood welcoming committee, usually run by a library.
    #[sea_orm(string_value = "welcoming_committee")]
    WelcomingCommittee,
    /// A public commission that meets, votes and keeps minutes.
    #[sea_orm(string_value = "commission")]
    Commission,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bodies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub kind: BodyKind,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub owning_organization_id: Option<Uuid>,
    pub seats: i32,
    pub appointing_authority: String,
    pub records_public: bool,
    pub holdovers_allowed: bool,
    /// IANA time zone name, e.g. `America/New_York`.
    pub time_zone: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OwningOrganizationId",
        to = "super::organization::Column::Id"
    )]
    OwningOrganization,
    #[sea_orm(has_many = "super::body_membership::Entity")]
    BodyMembership,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OwningOrganization.def()
    }
}

impl Related<super::body_membership::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::BodyMembership.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
