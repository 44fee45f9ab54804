//! Where a service is delivered (HSDS `location` with `service_at_location`).

use sea_orm::entity::prelude::*;

use crate::enums::LocationVisibility;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "locations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub service_id: Uuid,
    pub name: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub state_province: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    pub neighborhood: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub accessibility: Option<String>,
    /// Delivered remotely or by phone rather than at an address.
    pub remote: bool,
    /// How to reach the service here; the only thing shown of a confidential location.
    pub contact_route: Option<String>,
    pub visibility: LocationVisibility,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
