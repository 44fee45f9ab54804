//! Member organizations: registering one (coordinators) and reading them
//! (public).

use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::Change;
use crate::db::now;
use crate::domain::{Name, Slug};
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy::{self, CoalitionAction};
use entity::enums::OrganizationKind;
use entity::organization;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

crate::pagination::keyed_by_creation!(organization::Model);

/// A new organization, validated.
pub struct NewOrganization {
    /// Keep this id (imports); a new one when `None`.
    pub id: Option<Uuid>,
    /// Display name.
    pub name: Name,
    /// Unique URL identifier.
    pub slug: Slug,
    /// What kind of organization it is.
    pub kind: OrganizationKind,
}

/// Registers a member organization (coordinators only).
#[tracing::instrument(skip_all)]
pub async fn create_organization(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewOrganization,
) -> AppResult<organization::Model> {
    let change = Change::begin(db, actor).await?;
    let (org, event) = add_organization(change.txn(), actor, input).await?;
    change.commit(event, org).await
}

/// The work of [`create_organization`] inside a change that records many
/// (an import): the organization, and the audit entry to record for it.
#[tracing::instrument(skip_all)]
pub async fn add_organization(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    input: NewOrganization,
) -> AppResult<(organization::Model, AuditEvent<'static>)> {
    policy::authorize(
        actor,
        policy::allows_coalition(actor, CoalitionAction::CreateOrganization),
        "create organizations",
    )?;
    let at = now();
    let org = organization::ActiveModel {
        id: Set(input.id.unwrap_or_else(new_id)),
        name: Set(input.name.as_str().to_owned()),
        slug: Set(input.slug.as_str().to_owned()),
        kind: Set(input.kind),
        created_at: Set(at),
        updated_at: Set(at),
        consent_max_days: Set(None),
    }
    .insert(txn)
    .await
    .map_err(|e| {
        AppError::conflict_on_unique(e, "an organization with this slug already exists")
    })?;
    let event = AuditEvent {
        organization_id: Some(org.id),
        action: "organization.created",
        record_type: "Organization",
        record_id: Some(org.id),
        details: Some(json!({ "slug": org.slug, "kind": org.kind })),
    };
    Ok((org, event))
}

/// An organization by id. Organizations are public: anyone may read them.
#[tracing::instrument(skip_all, fields(organization = %id))]
pub async fn organization(db: &impl ConnectionTrait, id: Uuid) -> AppResult<organization::Model> {
    crate::db::find::<organization::Entity>(db, id).await
}

/// An organization by slug.
#[tracing::instrument(skip_all)]
pub async fn organization_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> AppResult<organization::Model> {
    organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// A page of all organizations, in the order they joined.
#[tracing::instrument(skip_all)]
pub async fn organizations(
    db: &impl ConnectionTrait,
    page: &PageRequest,
) -> AppResult<Page<organization::Model>> {
    paginate(
        db,
        organization::Entity::find(),
        organization::Column::CreatedAt,
        organization::Column::Id,
        page,
    )
    .await
}
