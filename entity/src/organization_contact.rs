//! A contact detail of an organization, with its visibility.

use sea_orm::entity::prelude::*;

use crate::enums::{ContactKind, ContactVisibility};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "organization_contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub kind: ContactKind,
    pub value: String,
    pub label: Option<String>,
    pub visibility: ContactVisibility,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
