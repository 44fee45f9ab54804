//! One entry of the append-only audit log. No API updates or deletes these rows.

use crate::enums::ActorKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub actor_kind: ActorKind,
    pub actor_user_id: Option<Uuid>,
    pub actor_api_key_id: Option<Uuid>,
    /// The organization the actor acted for, which is the tenant that may read the entry.
    pub organization_id: Option<Uuid>,
    /// Dotted verb, e.g. `membership.role_changed`.
    pub action: String,
    pub record_type: String,
    pub record_id: Option<Uuid>,
    pub request_id: Option<String>,
    /// JSON object of non-personal facts about the change (e.g. the old and new role).
    pub details: Option<String>,
    /// For reads of personal data: the organization the reader acted for.
    pub actor_organization_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
