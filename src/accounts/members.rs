//! Memberships: who belongs to an organization in which role, changing a
//! role and removing a member. An organization always keeps at least one
//! admin, and the API keys an admin made end with their authority.

use super::api_keys::revoke_keys_made_by;
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::Change;
use crate::db::now;
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy::{self, OrgAction};
use entity::enums::OrgRole;
use entity::{membership, organization};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

crate::pagination::keyed_by_creation!(membership::Model);

/// A page of an organization's memberships (members of it, coordinators).
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
pub async fn members(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: Uuid,
    page: &PageRequest,
) -> AppResult<Page<membership::Model>> {
    policy::authorize(
        actor,
        policy::allows(actor, organization_id, OrgAction::ReadMembers),
        "see this organization's members",
    )?;
    paginate(
        db,
        membership::Entity::find().filter(membership::Column::OrganizationId.eq(organization_id)),
        membership::Column::CreatedAt,
        membership::Column::Id,
        page,
    )
    .await
}

/// One membership, if the actor may see the organization's members.
#[tracing::instrument(skip_all, fields(membership = %id))]
pub async fn membership(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<membership::Model> {
    let found = crate::db::find::<membership::Entity>(db, id).await?;
    policy::reveal(
        "allows",
        policy::allows(actor, found.organization_id, OrgAction::ReadMembers),
    )?;
    Ok(found)
}

/// The memberships of the user behind `actor` (none for other actors).
#[tracing::instrument(skip_all)]
pub async fn own_memberships(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> AppResult<Vec<membership::Model>> {
    let Some(user_id) = actor.user_id() else {
        return Ok(Vec::new());
    };
    Ok(membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .all(db)
        .await?)
}

/// Changes a member's role. An organization always keeps at least one admin.
#[tracing::instrument(skip_all, fields(membership = %membership_id))]
pub async fn change_member_role(
    db: &DatabaseConnection,
    actor: &Actor,
    membership_id: Uuid,
    role: OrgRole,
) -> AppResult<membership::Model> {
    let current = managed_membership(db, actor, membership_id).await?;
    if current.role == role {
        return Ok(current);
    }
    let change = Change::begin(db, actor).await?;
    lock_organization(change.txn(), current.organization_id).await?;
    let mut active = current.clone().into_active_model();
    active.role = Set(role);
    active.updated_at = Set(now());
    let updated = active.update(change.txn()).await?;
    ensure_an_admin_remains(change.txn(), current.organization_id).await?;
    if current.role == OrgRole::Admin {
        revoke_keys_made_by(&change, &current, "their maker is no longer an admin").await?;
    }
    change
        .commit(
            AuditEvent {
                organization_id: Some(current.organization_id),
                action: "membership.role_changed",
                record_type: "Membership",
                record_id: Some(current.id),
                details: Some(json!({ "from": current.role, "to": role })),
            },
            updated,
        )
        .await
}

/// Removes a member from an organization. The last admin cannot be removed.
#[tracing::instrument(skip_all, fields(membership = %membership_id))]
pub async fn remove_member(
    db: &DatabaseConnection,
    actor: &Actor,
    membership_id: Uuid,
) -> AppResult<membership::Model> {
    let current = managed_membership(db, actor, membership_id).await?;
    let change = Change::begin(db, actor).await?;
    lock_organization(change.txn(), current.organization_id).await?;
    membership::Entity::delete_by_id(current.id)
        .exec(change.txn())
        .await?;
    ensure_an_admin_remains(change.txn(), current.organization_id).await?;
    revoke_keys_made_by(&change, &current, "their maker left the organization").await?;
    let event = AuditEvent {
        organization_id: Some(current.organization_id),
        action: "membership.removed",
        record_type: "Membership",
        record_id: Some(current.id),
        details: Some(json!({ "role": current.role })),
    };
    change.commit(event, current).await
}

/// A membership the actor may manage: hidden when the actor may not see the
/// organization's members, forbidden when it may see but not manage them.
async fn managed_membership(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<membership::Model> {
    let found = membership(db, actor, id).await?;
    policy::authorize(
        actor,
        policy::allows(actor, found.organization_id, OrgAction::ManageMembers),
        "manage this organization's members",
    )?;
    Ok(found)
}

/// Serialises membership changes of one organization on PostgreSQL (SQLite
/// already runs one writer at a time), so two admins demoting each other at
/// once cannot leave the organization without an admin.
async fn lock_organization(txn: &impl ConnectionTrait, organization_id: Uuid) -> AppResult<()> {
    crate::db::find_locked::<organization::Entity>(txn, organization_id).await?;
    Ok(())
}

/// Checked after the change, inside its transaction: failing rolls it back.
async fn ensure_an_admin_remains(
    txn: &impl ConnectionTrait,
    organization_id: Uuid,
) -> AppResult<()> {
    let admins = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .filter(membership::Column::Role.eq(OrgRole::Admin))
        .count(txn)
        .await?;
    if admins == 0 {
        return Err(AppError::Conflict(
            "an organization must keep at least one admin: make someone else admin first".into(),
        ));
    }
    Ok(())
}

/// Seats `user_id` in an organization with `role`; `CONFLICT` when the user
/// already belongs to it.
pub(super) async fn insert_membership(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    organization_id: Uuid,
    role: OrgRole,
) -> AppResult<membership::Model> {
    let at = now();
    membership::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user_id),
        organization_id: Set(organization_id),
        role: Set(role),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(conn)
    .await
    .map_err(|e| AppError::conflict_on_unique(e, "already a member of this organization"))
}
