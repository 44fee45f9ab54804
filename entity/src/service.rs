//! A service an organization offers (HSDS `service`).

use sea_orm::entity::prelude::*;

use crate::enums::{CostKind, ServiceStatus};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "services")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub description: String,
    /// BCP 47 tag of the language the texts of this row are written in.
    pub default_locale: String,
    pub status: ServiceStatus,
    pub eligibility: Option<String>,
    pub minimum_age: Option<i32>,
    pub maximum_age: Option<i32>,
    pub cost: CostKind,
    pub cost_description: Option<String>,
    pub how_to_apply: Option<String>,
    pub accepting_referrals: bool,
    /// Days a receiving organization has to answer a referral.
    pub response_window_days: i32,
    pub last_verified_at: Option<DateTimeUtc>,
    pub last_verified_by: Option<Uuid>,
    /// Lowercased names and descriptions (all languages) of the service and its organization, for search.
    pub search_document: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
