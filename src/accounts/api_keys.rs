//! API keys: an organization's credentials for partner applications, made
//! and revoked by its admins, and revoked with the authority of the admin
//! who made them.

use super::organizations::organization;
use crate::audit::service::AuditEvent;
use crate::auth::password::Hashing;
use crate::auth::{Actor, api_key};
use crate::change::Change;
use crate::db::now;
use crate::domain::Name;
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy::{self, OrgAction};
use entity::api_key as api_key_entity;
use entity::enums::OrgRole;
use entity::membership;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

crate::pagination::keyed_by_creation!(api_key_entity::Model);

/// A new API key and its secret, which is shown only this once.
pub struct IssuedApiKey {
    /// The stored key (prefix, role, no secret).
    pub key: api_key_entity::Model,
    /// The whole key, for the `Authorization` header.
    pub secret: String,
}

/// Creates an API key acting as `role` (STAFF or VIEWER) for an organization.
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
pub async fn create_api_key(
    db: &DatabaseConnection,
    hashing: &Hashing,
    actor: &Actor,
    organization_id: Uuid,
    name: Name,
    role: OrgRole,
) -> AppResult<IssuedApiKey> {
    organization(db, organization_id).await?;
    policy::authorize(
        actor,
        policy::allows(actor, organization_id, OrgAction::ManageApiKeys),
        "manage this organization's API keys",
    )?;
    if role == OrgRole::Admin {
        return Err(AppError::bad_input(
            "input.role",
            "an API key acts as STAFF or VIEWER, never ADMIN",
        ));
    }
    let generated = api_key::generate();
    let secret_hash = hashing.hash(generated.secret.clone()).await?;
    let change = Change::begin(db, actor).await?;
    let key = api_key_entity::ActiveModel {
        id: Set(new_id()),
        organization_id: Set(organization_id),
        name: Set(name.as_str().to_owned()),
        role: Set(role),
        prefix: Set(generated.prefix),
        secret_hash: Set(secret_hash),
        created_by: Set(actor.user_id()),
        created_at: Set(now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(change.txn())
    .await?;
    let event = AuditEvent {
        organization_id: Some(organization_id),
        action: "api_key.created",
        record_type: "ApiKey",
        record_id: Some(key.id),
        details: Some(json!({ "name": key.name, "role": role, "prefix": key.prefix })),
    };
    let issued = IssuedApiKey {
        key,
        secret: generated.secret,
    };
    change.commit(event, issued).await
}

/// A page of an organization's API keys, revoked ones included.
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
pub async fn api_keys(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: Uuid,
    page: &PageRequest,
) -> AppResult<Page<api_key_entity::Model>> {
    policy::authorize(
        actor,
        policy::allows(actor, organization_id, OrgAction::ManageApiKeys),
        "manage this organization's API keys",
    )?;
    paginate(
        db,
        api_key_entity::Entity::find()
            .filter(api_key_entity::Column::OrganizationId.eq(organization_id)),
        api_key_entity::Column::CreatedAt,
        api_key_entity::Column::Id,
        page,
    )
    .await
}

/// One API key: visible to the organization's admins and to the key itself.
#[tracing::instrument(skip_all, fields(api_key = %id))]
pub async fn api_key(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<api_key_entity::Model> {
    let found = crate::db::find::<api_key_entity::Entity>(db, id).await?;
    policy::reveal(
        "may_see_api_key",
        policy::may_see_api_key(actor, found.id, found.organization_id),
    )?;
    Ok(found)
}

/// Revokes an API key; requests made with it fail from now on. Revoking a
/// revoked key changes nothing.
#[tracing::instrument(skip_all, fields(api_key = %id))]
pub async fn revoke_api_key(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> AppResult<api_key_entity::Model> {
    let found = crate::db::find::<api_key_entity::Entity>(db, id).await?;
    policy::reveal(
        "allows",
        policy::allows(actor, found.organization_id, OrgAction::ManageApiKeys),
    )?;
    if found.revoked_at.is_some() {
        return Ok(found);
    }
    let change = Change::begin(db, actor).await?;
    let mut active = found.clone().into_active_model();
    active.revoked_at = Set(Some(now()));
    let revoked = active.update(change.txn()).await?;
    change
        .commit(
            AuditEvent {
                organization_id: Some(found.organization_id),
                action: "api_key.revoked",
                record_type: "ApiKey",
                record_id: Some(found.id),
                details: Some(json!({ "prefix": found.prefix })),
            },
            revoked,
        )
        .await
}

/// Revokes the live API keys the member of `membership` made for its
/// organization, each with its audit entry in `change`: a key acts on the
/// authority of the admin who made it, and that authority has ended.
pub(super) async fn revoke_keys_made_by(
    change: &Change<'_>,
    membership: &membership::Model,
    reason: &str,
) -> AppResult<()> {
    let live = api_key_entity::Entity::find()
        .filter(api_key_entity::Column::OrganizationId.eq(membership.organization_id))
        .filter(api_key_entity::Column::CreatedBy.eq(membership.user_id))
        .filter(api_key_entity::Column::RevokedAt.is_null())
        .all(change.txn())
        .await?;
    let at = now();
    for key in live {
        let mut active = key.clone().into_active_model();
        active.revoked_at = Set(Some(at));
        active.update(change.txn()).await?;
        change
            .record(AuditEvent {
                organization_id: Some(key.organization_id),
                action: "api_key.revoked",
                record_type: "ApiKey",
                record_id: Some(key.id),
                details: Some(json!({ "prefix": key.prefix, "reason": reason })),
            })
            .await?;
    }
    Ok(())
}
