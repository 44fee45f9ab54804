//! Invitations: an admin invites an address to join with a role, and the
//! invitee redeems the token once, with a new account or their existing one.

use super::domain::Password;
use super::members::insert_membership;
use super::organizations::organization;
use super::tokens::{digest, random_token};
use crate::audit::service::AuditEvent;
use crate::auth::password::Hashing;
use crate::auth::{Actor, Principal, UserPrincipal};
use crate::change::Change;
use crate::db::now;
use crate::domain::{Email, Name};
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy::{self, OrgAction};
use chrono::Duration;
use entity::enums::OrgRole;
use entity::{invitation, membership, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

/// How long an invitation can be redeemed.
pub const INVITATION_DAYS: i64 = 7;

crate::pagination::keyed_by_creation!(invitation::Model);

/// An invitation and its token, which is shown only this once.
pub struct IssuedInvitation {
    /// The stored invitation.
    pub invitation: invitation::Model,
    /// The secret the invitee redeems.
    pub token: String,
}

/// Invites `email` to join an organization with `role`. A pending invitation
/// for the same address and organization is superseded (revoked).
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
pub async fn invite(
    db: &DatabaseConnection,
    actor: &Actor,
    organization_id: Uuid,
    email: Email,
    role: OrgRole,
) -> AppResult<IssuedInvitation> {
    organization(db, organization_id).await?;
    policy::authorize(
        actor,
        policy::allows(actor, organization_id, OrgAction::ManageMembers),
        "invite people to this organization",
    )?;
    let already_member = membership::Entity::find()
        .inner_join(user::Entity)
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .filter(user::Column::Email.eq(email.as_str()))
        .count(db)
        .await?
        > 0;
    if already_member {
        return Err(AppError::Conflict(
            "this person is already a member of the organization".into(),
        ));
    }
    let token = random_token();
    let at = now();
    let change = Change::begin(db, actor).await?;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::RevokedAt, Expr::value(at))
        .filter(invitation::Column::OrganizationId.eq(organization_id))
        .filter(invitation::Column::Email.eq(email.as_str()))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(change.txn())
        .await?;
    let created = invitation::ActiveModel {
        id: Set(new_id()),
        organization_id: Set(organization_id),
        email: Set(email.as_str().to_owned()),
        role: Set(role),
        token_digest: Set(digest(&token)),
        invited_by: Set(actor.user_id()),
        created_at: Set(at),
        expires_at: Set(at + Duration::days(INVITATION_DAYS)),
        accepted_at: Set(None),
        accepted_by: Set(None),
        revoked_at: Set(None),
    }
    .insert(change.txn())
    .await?;
    let event = AuditEvent {
        organization_id: Some(organization_id),
        action: "invitation.created",
        record_type: "Invitation",
        record_id: Some(created.id),
        details: Some(json!({ "role": role })),
    };
    let issued = IssuedInvitation {
        invitation: created,
        token,
    };
    change.commit(event, issued).await
}

/// A page of an organization's invitations, newest last (admins, coordinators).
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
pub async fn invitations(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: Uuid,
    page: &PageRequest,
) -> AppResult<Page<invitation::Model>> {
    policy::authorize(
        actor,
        policy::allows(actor, organization_id, OrgAction::ManageMembers),
        "see this organization's invitations",
    )?;
    paginate(
        db,
        invitation::Entity::find().filter(invitation::Column::OrganizationId.eq(organization_id)),
        invitation::Column::CreatedAt,
        invitation::Column::Id,
        page,
    )
    .await
}

/// One invitation, if the actor manages the organization's members.
#[tracing::instrument(skip_all, fields(invitation = %id))]
pub async fn invitation(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<invitation::Model> {
    let found = crate::db::find::<invitation::Entity>(db, id).await?;
    policy::reveal(
        "allows",
        policy::allows(actor, found.organization_id, OrgAction::ManageMembers),
    )?;
    Ok(found)
}

/// Withdraws a pending invitation.
#[tracing::instrument(skip_all, fields(invitation = %id))]
pub async fn revoke_invitation(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> AppResult<invitation::Model> {
    let found = invitation(db, actor, id).await?;
    if found.accepted_at.is_some() {
        return Err(AppError::Conflict(
            "the invitation has already been redeemed".into(),
        ));
    }
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
                action: "invitation.revoked",
                record_type: "Invitation",
                record_id: Some(found.id),
                details: None,
            },
            revoked,
        )
        .await
}

/// What redeeming an invitation asks of the invitee.
pub struct Redemption {
    /// The invitation token.
    pub token: String,
    /// Name for a new account (ignored when the address already has one).
    pub display_name: Option<Name>,
    /// The new account's password, or the current password of an existing account.
    pub password: Password,
}

/// Redeems an invitation, once: creates the account (or, for an address that
/// already has one, checks its password) and the membership.
#[tracing::instrument(skip_all)]
pub async fn accept_invitation(
    db: &DatabaseConnection,
    hashing: &Hashing,
    redemption: Redemption,
) -> AppResult<user::Model> {
    let found = invitation::Entity::find()
        .filter(invitation::Column::TokenDigest.eq(digest(&redemption.token)))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let at = now();
    if found.accepted_at.is_some() {
        return Err(AppError::Conflict(
            "this invitation has already been redeemed".into(),
        ));
    }
    if found.revoked_at.is_some() {
        return Err(AppError::Conflict(
            "this invitation has been withdrawn".into(),
        ));
    }
    if found.expires_at <= at {
        return Err(AppError::Conflict(
            "this invitation has expired: ask for a new one".into(),
        ));
    }
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(found.email.as_str()))
        .one(db)
        .await?;
    let new_hash = match &existing {
        Some(account) => {
            let matches = hashing
                .verify(
                    account.password_hash.clone(),
                    redemption.password.expose().to_owned(),
                )
                .await?;
            if !matches {
                return Err(AppError::bad_input(
                    "input.password",
                    "this address already has an account: give its current password",
                ));
            }
            None
        }
        None => {
            if redemption.display_name.is_none() {
                return Err(AppError::bad_input(
                    "input.displayName",
                    "is required to create an account",
                ));
            }
            Some(
                hashing
                    .hash(redemption.password.expose().to_owned())
                    .await?,
            )
        }
    };

    // The invitee makes this change, as the member they are about to become;
    // a new account's id is chosen now so the change can name its actor.
    let account_id = existing.as_ref().map_or_else(new_id, |a| a.id);
    let invitee = Actor {
        principal: Principal::User(UserPrincipal {
            user_id: account_id,
            memberships: vec![(found.organization_id, found.role)],
            coalition_roles: Vec::new(),
        }),
        request_id: None,
    };
    let change = Change::begin(db, &invitee).await?;
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(at))
        .filter(invitation::Column::Id.eq(found.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(change.txn())
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::Conflict(
            "this invitation has already been redeemed".into(),
        ));
    }
    let account = match (existing, new_hash, redemption.display_name) {
        (Some(account), _, _) => account,
        (None, Some(hash), Some(name)) => user::ActiveModel {
            id: Set(account_id),
            email: Set(found.email.clone()),
            display_name: Set(name.as_str().to_owned()),
            password_hash: Set(hash),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(change.txn())
        .await
        .map_err(|e| {
            AppError::conflict_on_unique(e, "an account with this address was just created")
        })?,
        _ => {
            return Err(AppError::Internal(
                "invitation redemption without a password hash".into(),
            ));
        }
    };
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedBy, Expr::value(account.id))
        .filter(invitation::Column::Id.eq(found.id))
        .exec(change.txn())
        .await?;
    let joined = insert_membership(change.txn(), account.id, found.organization_id, found.role)
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => {
                AppError::Conflict("you are already a member of this organization".into())
            }
            other => other,
        })?;
    let event = AuditEvent {
        organization_id: Some(found.organization_id),
        action: "invitation.accepted",
        record_type: "Membership",
        record_id: Some(joined.id),
        details: Some(json!({ "invitation": found.id, "role": found.role })),
    };
    change.commit(event, account).await
}
