//! The directory profile of an organization (1:1 with `organizations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "organization_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: Uuid,
    pub description: Option<String>,
    /// BCP 47 tag of the language `description` is written in.
    pub default_locale: String,
    pub website: Option<String>,
    pub year_founded: Option<i32>,
    /// JSON array of BCP 47 tags.
    pub languages: String,
    /// JSON array of neighborhood names.
    pub neighborhoods: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
