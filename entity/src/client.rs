//! A person served by an organization. Least data: no field could hold immigration status, nationality, documents or case numbers.

use crate::enums::ContactChannel;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "clients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The owning organization: only its staff and admins see the record.
    pub organization_id: Uuid,
    /// A name chosen with the person: a first name or initials are enough.
    pub display_name: String,
    /// JSON array of BCP 47 tags.
    pub preferred_languages: String,
    pub contact_channel: Option<ContactChannel>,
    pub contact_value: Option<String>,
    pub birth_year: Option<i32>,
    pub needs_summary: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the person's details were erased (on request or by the retention sweep).
    pub erased_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
