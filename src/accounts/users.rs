//! User accounts: reading one (themselves, colleagues, coordinators) and
//! creating one directly (operators and demo data; the API creates accounts
//! only through invitations).

use super::members::insert_membership;
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::Change;
use crate::db::now;
use crate::domain::{Email, Name};
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::policy::{self, CoalitionAction};
use entity::enums::{CoalitionRoleKind, OrgRole};
use entity::{coalition_role, membership, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

crate::pagination::keyed_by_creation!(user::Model);

/// A user account, if the actor may see it (themselves, colleagues, coordinators).
#[tracing::instrument(skip_all, fields(user = %id))]
pub async fn user(db: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> AppResult<user::Model> {
    let found = crate::db::find::<user::Entity>(db, id).await?;
    let orgs: Vec<Uuid> = membership::Entity::find()
        .filter(membership::Column::UserId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.organization_id)
        .collect();
    policy::reveal("may_see_user", policy::may_see_user(actor, id, &orgs))?;
    Ok(found)
}

/// Creates an account with a password and memberships, for operators and demo
/// data (the API creates accounts only through invitations).
#[tracing::instrument(skip_all)]
pub async fn create_user(
    db: &DatabaseConnection,
    actor: &Actor,
    email: Email,
    display_name: Name,
    password_hash: String,
    memberships: &[(Uuid, OrgRole)],
    roles: &[CoalitionRoleKind],
) -> AppResult<user::Model> {
    policy::authorize(
        actor,
        policy::allows_coalition(actor, CoalitionAction::ManageCoalitionRoles),
        "create accounts directly",
    )?;
    let at = now();
    let change = Change::begin(db, actor).await?;
    let account = user::ActiveModel {
        id: Set(new_id()),
        email: Set(email.as_str().to_owned()),
        display_name: Set(display_name.as_str().to_owned()),
        password_hash: Set(password_hash),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(change.txn())
    .await
    .map_err(|e| AppError::conflict_on_unique(e, "an account with this address already exists"))?;
    for (org, role) in memberships {
        insert_membership(change.txn(), account.id, *org, *role).await?;
    }
    for role in roles {
        coalition_role::ActiveModel {
            user_id: Set(account.id),
            role: Set(*role),
            granted_at: Set(at),
        }
        .insert(change.txn())
        .await?;
    }
    let event = AuditEvent {
        organization_id: memberships.first().map(|(org, _)| *org),
        action: "user.created",
        record_type: "User",
        record_id: Some(account.id),
        details: None,
    };
    change.commit(event, account).await
}

/// The account with this address, for operators (the `token` command).
#[tracing::instrument(skip_all)]
pub async fn user_by_email(db: &impl ConnectionTrait, email: &Email) -> AppResult<user::Model> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}
