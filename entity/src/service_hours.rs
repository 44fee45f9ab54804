//! Regular weekly opening hours of a service, in the coalition's time zone.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "service_hours")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub service_id: Uuid,
    /// ISO weekday: 1 is Monday, 7 is Sunday.
    pub weekday: i32,
    /// `HH:MM`, inclusive.
    pub opens_at: String,
    /// `HH:MM`, exclusive; after `opens_at` (hours past midnight are a second row).
    pub closes_at: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
