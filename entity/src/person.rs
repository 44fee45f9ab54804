//! A person of the directory: a member of a body, a staff liaison, a
//! community stakeholder. Not an account; one may be linked to a user, who
//! then edits the profile themselves.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub pronouns: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub bio: Option<String>,
    #[sea_orm(unique)]
    pub user_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
    #[sea_orm(has_many = "super::person_language::Entity")]
    PersonLanguage,
    #[sea_orm(has_many = "super::person_expertise::Entity")]
    PersonExpertise,
    #[sea_orm(has_many = "super::person_contact::Entity")]
    PersonContact,
    #[sea_orm(has_many = "super::body_membership::Entity")]
    BodyMembership,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::person_language::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PersonLanguage.def()
    }
}

impl Related<super::person_expertise::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PersonExpertise.def()
    }
}

impl Related<super::person_contact::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PersonContact.def()
    }
}

impl Related<super::body_membership::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::BodyMembership.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
