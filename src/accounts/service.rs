//! The rules of accounts. Every function takes the request's [`Actor`], asks
//! [`crate::policy`] before reading or writing, and writes changes and their
//! audit entries in one transaction.

use super::domain::Password;
use crate::audit::service::{self as audit, AuditEvent};
use crate::auth::password::Hashing;
use crate::auth::throttle::ClientAddress;
use crate::auth::token::IssuedToken;
use crate::auth::{Actor, Authenticator, Principal, UserPrincipal, api_key};
use crate::db::now;
use crate::domain::{Email, Name, Slug};
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy::{self, CoalitionAction, OrgAction};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Duration;
use entity::enums::{CoalitionRoleKind, OrgRole, OrganizationKind};
use entity::{
    api_key as api_key_entity, coalition_role, invitation, membership, organization, user,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QuerySelect, TransactionSession,
    TransactionTrait,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use uuid::Uuid;

/// How long an invitation can be redeemed.
pub const INVITATION_DAYS: i64 = 7;

crate::pagination::keyed_by_creation!(
    organization::Model,
    membership::Model,
    invitation::Model,
    api_key_entity::Model,
    user::Model
);

// ---------------------------------------------------------------- organizations

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
pub async fn create_organization<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    input: NewOrganization,
) -> AppResult<organization::Model> {
    policy::authorize(
        actor,
        policy::allows_coalition(actor, CoalitionAction::CreateOrganization),
        "create organizations",
    )?;
    let txn = db.begin().await?;
    let at = now();
    let org = organization::ActiveModel {
        id: Set(input.id.unwrap_or_else(new_id)),
        name: Set(input.name.as_str().to_owned()),
        slug: Set(input.slug.as_str().to_owned()),
        kind: Set(input.kind),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        AppError::conflict_on_unique(e, "an organization with this slug already exists")
    })?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(org.id),
            action: "organization.created",
            record_type: "Organization",
            record_id: Some(org.id),
            details: Some(json!({ "slug": org.slug, "kind": org.kind })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(org)
}

/// An organization by id. Organizations are public: anyone may read them.
pub async fn organization(db: &impl ConnectionTrait, id: Uuid) -> AppResult<organization::Model> {
    organization::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// An organization by slug.
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

// ---------------------------------------------------------------- members

/// A page of an organization's memberships (members of it, coordinators).
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
pub async fn membership(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<membership::Model> {
    let found = membership::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "allows",
        policy::allows(actor, found.organization_id, OrgAction::ReadMembers),
    )?;
    Ok(found)
}

/// The memberships of the user behind `actor` (none for other actors).
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
    let txn = db.begin().await?;
    lock_organization(&txn, current.organization_id).await?;
    let mut active = current.clone().into_active_model();
    active.role = Set(role);
    active.updated_at = Set(now());
    let updated = active.update(&txn).await?;
    ensure_an_admin_remains(&txn, current.organization_id).await?;
    if current.role == OrgRole::Admin {
        revoke_keys_made_by(&txn, actor, &current, "their maker is no longer an admin").await?;
    }
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(current.organization_id),
            action: "membership.role_changed",
            record_type: "Membership",
            record_id: Some(current.id),
            details: Some(json!({ "from": current.role, "to": role })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Removes a member from an organization. The last admin cannot be removed.
pub async fn remove_member(
    db: &DatabaseConnection,
    actor: &Actor,
    membership_id: Uuid,
) -> AppResult<membership::Model> {
    let current = managed_membership(db, actor, membership_id).await?;
    let txn = db.begin().await?;
    lock_organization(&txn, current.organization_id).await?;
    membership::Entity::delete_by_id(current.id)
        .exec(&txn)
        .await?;
    ensure_an_admin_remains(&txn, current.organization_id).await?;
    revoke_keys_made_by(&txn, actor, &current, "their maker left the organization").await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(current.organization_id),
            action: "membership.removed",
            record_type: "Membership",
            record_id: Some(current.id),
            details: Some(json!({ "role": current.role })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(current)
}

/// Revokes the live API keys the member of `membership` made for its
/// organization, each with its audit entry: a key acts on the authority of
/// the admin who made it, and that authority has ended.
async fn revoke_keys_made_by(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    membership: &membership::Model,
    reason: &str,
) -> AppResult<()> {
    let live = api_key_entity::Entity::find()
        .filter(api_key_entity::Column::OrganizationId.eq(membership.organization_id))
        .filter(api_key_entity::Column::CreatedBy.eq(membership.user_id))
        .filter(api_key_entity::Column::RevokedAt.is_null())
        .all(txn)
        .await?;
    let at = now();
    for key in live {
        let mut active = key.clone().into_active_model();
        active.revoked_at = Set(Some(at));
        active.update(txn).await?;
        audit::record(
            txn,
            actor,
            AuditEvent {
                organization_id: Some(key.organization_id),
                action: "api_key.revoked",
                record_type: "ApiKey",
                record_id: Some(key.id),
                details: Some(json!({ "prefix": key.prefix, "reason": reason })),
            },
        )
        .await?;
    }
    Ok(())
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
    organization::Entity::find_by_id(organization_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
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

// ---------------------------------------------------------------- invitations

/// An invitation and its token, which is shown only this once.
pub struct IssuedInvitation {
    /// The stored invitation.
    pub invitation: invitation::Model,
    /// The secret the invitee redeems.
    pub token: String,
}

/// Invites `email` to join an organization with `role`. A pending invitation
/// for the same address and organization is superseded (revoked).
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
    let txn = db.begin().await?;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::RevokedAt, Expr::value(at))
        .filter(invitation::Column::OrganizationId.eq(organization_id))
        .filter(invitation::Column::Email.eq(email.as_str()))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(&txn)
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
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(organization_id),
            action: "invitation.created",
            record_type: "Invitation",
            record_id: Some(created.id),
            details: Some(json!({ "role": role })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(IssuedInvitation {
        invitation: created,
        token,
    })
}

/// A page of an organization's invitations, newest last (admins, coordinators).
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
pub async fn invitation(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<invitation::Model> {
    let found = invitation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "allows",
        policy::allows(actor, found.organization_id, OrgAction::ManageMembers),
    )?;
    Ok(found)
}

/// Withdraws a pending invitation.
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
    let txn = db.begin().await?;
    let mut active = found.clone().into_active_model();
    active.revoked_at = Set(Some(now()));
    let revoked = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(found.organization_id),
            action: "invitation.revoked",
            record_type: "Invitation",
            record_id: Some(found.id),
            details: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(revoked)
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

    let txn = db.begin().await?;
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(at))
        .filter(invitation::Column::Id.eq(found.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::Conflict(
            "this invitation has already been redeemed".into(),
        ));
    }
    let account = match (existing, new_hash, redemption.display_name) {
        (Some(account), _, _) => account,
        (None, Some(hash), Some(name)) => user::ActiveModel {
            id: Set(new_id()),
            email: Set(found.email.clone()),
            display_name: Set(name.as_str().to_owned()),
            password_hash: Set(hash),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
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
        .exec(&txn)
        .await?;
    let joined = insert_membership(&txn, account.id, found.organization_id, found.role)
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => {
                AppError::Conflict("you are already a member of this organization".into())
            }
            other => other,
        })?;
    let invitee = Actor {
        principal: Principal::User(UserPrincipal {
            user_id: account.id,
            memberships: vec![(found.organization_id, found.role)],
            coalition_roles: Vec::new(),
        }),
        request_id: None,
    };
    audit::record(
        &txn,
        &invitee,
        AuditEvent {
            organization_id: Some(found.organization_id),
            action: "invitation.accepted",
            record_type: "Membership",
            record_id: Some(joined.id),
            details: Some(json!({ "invitation": found.id, "role": found.role })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(account)
}

async fn insert_membership(
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

// ---------------------------------------------------------------- API keys

/// A new API key and its secret, which is shown only this once.
pub struct IssuedApiKey {
    /// The stored key (prefix, role, no secret).
    pub key: api_key_entity::Model,
    /// The whole key, for the `Authorization` header.
    pub secret: String,
}

/// Creates an API key acting as `role` (STAFF or VIEWER) for an organization.
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
    let txn = db.begin().await?;
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
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(organization_id),
            action: "api_key.created",
            record_type: "ApiKey",
            record_id: Some(key.id),
            details: Some(json!({ "name": key.name, "role": role, "prefix": key.prefix })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(IssuedApiKey {
        key,
        secret: generated.secret,
    })
}

/// A page of an organization's API keys, revoked ones included.
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
pub async fn api_key(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<api_key_entity::Model> {
    let found = api_key_entity::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let is_self = matches!(&actor.principal, Principal::ApiKey(k) if k.key_id == id);
    policy::reveal(
        "may_see_api_key",
        is_self || policy::allows(actor, found.organization_id, OrgAction::ManageApiKeys),
    )?;
    Ok(found)
}

/// Revokes an API key; requests made with it fail from now on. Revoking a
/// revoked key changes nothing.
pub async fn revoke_api_key(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> AppResult<api_key_entity::Model> {
    let found = api_key_entity::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "allows",
        policy::allows(actor, found.organization_id, OrgAction::ManageApiKeys),
    )?;
    if found.revoked_at.is_some() {
        return Ok(found);
    }
    let txn = db.begin().await?;
    let mut active = found.clone().into_active_model();
    active.revoked_at = Set(Some(now()));
    let revoked = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(found.organization_id),
            action: "api_key.revoked",
            record_type: "ApiKey",
            record_id: Some(found.id),
            details: Some(json!({ "prefix": found.prefix })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(revoked)
}

// ---------------------------------------------------------------- users and sessions

/// A user account, if the actor may see it (themselves, colleagues, coordinators).
pub async fn user(db: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> AppResult<user::Model> {
    let found = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
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

/// Checks an email and password and issues an access token. Failures say
/// nothing about whether the address has an account, cost the same time
/// either way, and lock the client's address for that account (and, after
/// many, for every account) after repeated attempts.
pub async fn login(
    db: &DatabaseConnection,
    auth: &Authenticator,
    email: &str,
    secret: &str,
    from: ClientAddress,
    request_id: Option<String>,
) -> AppResult<(user::Model, IssuedToken)> {
    if !auth.tokens.can_issue() {
        return Err(AppError::ServiceUnavailable(
            "log in with the coalition's identity provider; this service only verifies its tokens"
                .into(),
        ));
    }
    let email = email.trim().to_lowercase();
    auth.throttle.check(from, &email)?;
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let stored = match &account {
        Some(a) => a.password_hash.clone(),
        None => dummy_hash(&auth.hashing).await?,
    };
    let matches = auth.hashing.verify(stored, secret.to_owned()).await?;
    let Some(account) = account.filter(|_| matches) else {
        auth.throttle.record_failure(from, &email);
        return Err(AppError::Unauthenticated);
    };
    auth.throttle.record_success(from, &email);
    let issued = auth.tokens.issue(account.id, None)?;
    let actor = Actor {
        principal: Principal::User(UserPrincipal {
            user_id: account.id,
            memberships: Vec::new(),
            coalition_roles: Vec::new(),
        }),
        request_id,
    };
    let txn = db.begin().await?;
    audit::record(
        &txn,
        &actor,
        AuditEvent {
            organization_id: None,
            action: "session.login",
            record_type: "User",
            record_id: Some(account.id),
            details: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok((account, issued))
}

/// A hash of a password nobody has, verified when the address is unknown so
/// that an unknown address takes as long as a wrong password.
async fn dummy_hash(hashing: &Hashing) -> AppResult<String> {
    static HASH: OnceLock<String> = OnceLock::new();
    if let Some(hash) = HASH.get() {
        return Ok(hash.clone());
    }
    let hash = hashing.hash(random_token()).await?;
    Ok(HASH.get_or_init(|| hash).clone())
}

/// The coalition-wide roles of a user.
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
    user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if actor.user_id() == Some(user_id) && !roles.contains(&CoalitionRoleKind::Coordinator) {
        return Err(AppError::Conflict(
            "you cannot withdraw your own coordinator role".into(),
        ));
    }
    let mut roles = roles;
    roles.sort_by_key(|r| *r as u8);
    roles.dedup();
    let before = coalition_roles(db, user_id).await?;
    let txn = db.begin().await?;
    coalition_role::Entity::delete_many()
        .filter(coalition_role::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    for role in &roles {
        coalition_role::ActiveModel {
            user_id: Set(user_id),
            role: Set(*role),
            granted_at: Set(now()),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: None,
            action: "user.coalition_roles_changed",
            record_type: "User",
            record_id: Some(user_id),
            details: Some(json!({ "from": before, "to": roles })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(roles)
}

/// Creates an account with a password and memberships, for operators and demo
/// data (the API creates accounts only through invitations).
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
    let txn = db.begin().await?;
    let account = user::ActiveModel {
        id: Set(new_id()),
        email: Set(email.as_str().to_owned()),
        display_name: Set(display_name.as_str().to_owned()),
        password_hash: Set(password_hash),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::conflict_on_unique(e, "an account with this address already exists"))?;
    for (org, role) in memberships {
        insert_membership(&txn, account.id, *org, *role).await?;
    }
    for role in roles {
        coalition_role::ActiveModel {
            user_id: Set(account.id),
            role: Set(*role),
            granted_at: Set(at),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: memberships.first().map(|(org, _)| *org),
            action: "user.created",
            record_type: "User",
            record_id: Some(account.id),
            details: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(account)
}

/// The account with this address, for operators (the `token` command).
pub async fn user_by_email(db: &impl ConnectionTrait, email: &Email) -> AppResult<user::Model> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

fn random_token() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
