//! Coalition-wide roles (coordinator, clerk): reading a user's and replacing
//! them (coordinators).

use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::Change;
use crate::db::now;
use crate::error::{AppError, AppResult};
use crate::policy::{self, CoalitionAction};
use entity::enums::CoalitionRoleKind;
use entity::{coalition_role, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

/// The coalition-wide roles of a user.
#[tracing::instrument(skip_all, fields(user = %user_id))]
pub async fn coalition_roles(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> AppResult<Vec<CoalitionRoleKind>> {
    Ok(coalition_role::Entity::find()
        .filter(coalition_role::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.role)
        .collect())
}

/// Replaces a user's coalition-wide roles (coordinators only). A coordinator
/// cannot withdraw their own coordinator role, so the coalition is never left
/// without one by accident.
#[tracing::instrument(skip_all, fields(user = %user_id))]
pub async fn set_coalition_roles(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: Uuid,
    roles: Vec<CoalitionRoleKind>,
) -> AppResult<Vec<CoalitionRoleKind>> {
    policy::authorize(
        actor,
        policy::allows_coalition(actor, CoalitionAction::ManageCoalitionRoles),
        "grant coalition roles",
    )?;
    crate::db::find::<user::Entity>(db, user_id).await?;
    if actor.user_id() == Some(user_id) && !roles.contains(&CoalitionRoleKind::Coordinator) {
        return Err(AppError::Conflict(
            "you cannot withdraw your own coordinator role".into(),
        ));
    }
    let mut roles = roles;
    roles.sort_by_key(|r| *r as u8);
    roles.dedup();
    let before = coalition_roles(db, user_id).await?;
    let change = Change::begin(db, actor).await?;
    coalition_role::Entity::delete_many()
        .filter(coalition_role::Column::UserId.eq(user_id))
        .exec(change.txn())
        .await?;
    for role in &roles {
        coalition_role::ActiveModel {
            user_id: Set(user_id),
            role: Set(*role),
            granted_at: Set(now()),
        }
        .insert(change.txn())
        .await?;
    }
    let event = AuditEvent {
        organization_id: None,
        action: "user.coalition_roles_changed",
        record_type: "User",
        record_id: Some(user_id),
        details: Some(json!({ "from": before, "to": roles })),
    };
    change.commit(event, roles).await
}
