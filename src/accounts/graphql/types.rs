//! The object types and enums of accounts: users, memberships, invitations,
//! API keys and the viewer. The organization type is shared with the
//! directory (see [`crate::graphql::organization`]).

use crate::accounts::coalition_roles::coalition_roles;
use crate::accounts::{api_keys, members, users};
use crate::auth::Principal;
use crate::error::AppError;
use crate::graphql::context::{actor, loaders, state};
use crate::graphql::organization::{Organization, load_organization};
use crate::ids;
use crate::{connection, mirror_enum};
use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{api_key, invitation, membership, user};

mirror_enum! {
    /// What kind of organization a coalition member is.
    OrganizationKind mirrors entity::enums::OrganizationKind {
        /// A public library (a hub of the coalition).
        Library,
        /// A legal-aid or immigration-law clinic.
        LegalAid,
        /// A refugee resettlement agency.
        ResettlementAgency,
        /// A clinic or hospital.
        HealthClinic,
        /// A government office (WIC, city services...).
        GovernmentOffice,
        /// A shelter.
        Shelter,
        /// A school system or ESL program.
        SchoolEsl,
        /// A church or other faith community.
        FaithCommunity,
        /// A cultural organization.
        CulturalOrganization,
        /// An employer or job-training program.
        EmployerTraining,
        /// A business.
        Business,
        /// Anything else.
        Other,
    }
}

mirror_enum! {
    /// A role inside one organization.
    MemberRole mirrors entity::enums::OrgRole {
        /// Manages the organization's members, invitations, API keys and audit log.
        Admin,
        /// Works the organization's records.
        Staff,
        /// Reads the organization's records.
        Viewer,
    }
}

mirror_enum! {
    /// A role across the whole coalition.
    CoalitionRole mirrors entity::enums::CoalitionRoleKind {
        /// Keeps the shared network healthy: creates organizations, reads every audit entry.
        Coordinator,
        /// Keeps the records of the commission and committees.
        Clerk,
    }
}

/// What kind of caller the viewer is.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewerKind {
    /// No credentials were sent.
    Anonymous,
    /// A logged-in user.
    User,
    /// An organization's API key.
    ApiKey,
}

/// Where an invitation stands.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvitationStatus {
    /// Waiting to be redeemed.
    Pending,
    /// Redeemed; the invitee is a member.
    Accepted,
    /// Withdrawn by an admin, or superseded by a newer invitation.
    Revoked,
    /// Not redeemed in time.
    Expired,
}

connection!(
    OrganizationConnection,
    OrganizationEdge,
    Organization,
    "organizations"
);
connection!(
    MembershipConnection,
    MembershipEdge,
    Membership,
    "memberships"
);
connection!(
    InvitationConnection,
    InvitationEdge,
    Invitation,
    "invitations"
);
connection!(ApiKeyConnection, ApiKeyEdge, ApiKey, "API keys");

/// A person who logs in: staff of a member organization, a coordinator or a
/// clerk. Visible to themselves, to people of the same organizations and to coordinators.
pub struct User(pub user::Model);

/// A person who logs in: staff of a member organization, a coordinator or a
/// clerk. Visible to themselves, to people of the same organizations and to coordinators.
#[Object]
impl User {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("User", self.0.id)
    }
    /// Email address, used to log in.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// Name shown to colleagues.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Coalition-wide roles the user holds.
    async fn coalition_roles(&self, ctx: &Context<'_>) -> Result<Vec<CoalitionRole>> {
        let roles = coalition_roles(&state(ctx)?.db, self.0.id).await?;
        Ok(roles.into_iter().map(Into::into).collect())
    }
}

/// A user's role in one organization.
pub struct Membership(pub membership::Model);

/// A user's role in one organization.
#[Object]
impl Membership {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Membership", self.0.id)
    }
    /// The role held.
    async fn role(&self) -> MemberRole {
        self.0.role.into()
    }
    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        load_organization(ctx, self.0.organization_id).await
    }
    /// The member.
    async fn user(&self, ctx: &Context<'_>) -> Result<User> {
        let found = loaders(ctx)?
            .accounts
            .users
            .load_one(self.0.user_id)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .ok_or_else(|| AppError::Internal("membership without user".into()))?;
        Ok(User(found))
    }
    /// When the user joined the organization.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the role last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// An invitation to join an organization with a role. Its token is shown only
/// when it is created.
pub struct Invitation(pub invitation::Model);

/// An invitation to join an organization with a role. Its token is shown only
/// when it is created.
#[Object]
impl Invitation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Invitation", self.0.id)
    }
    /// The invited address.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// The role the invitee will hold.
    async fn role(&self) -> MemberRole {
        self.0.role.into()
    }
    /// The organization to join.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        load_organization(ctx, self.0.organization_id).await
    }
    /// Where the invitation stands.
    async fn status(&self) -> InvitationStatus {
        if self.0.accepted_at.is_some() {
            InvitationStatus::Accepted
        } else if self.0.revoked_at.is_some() {
            InvitationStatus::Revoked
        } else if self.0.expires_at <= Utc::now() {
            InvitationStatus::Expired
        } else {
            InvitationStatus::Pending
        }
    }
    /// When it was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Until when it can be redeemed.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
}

/// An organization's API key for a partner application. Only its prefix is
/// ever shown after creation.
pub struct ApiKey(pub api_key::Model);

/// An organization's API key for a partner application. Only its prefix is
/// ever shown after creation.
#[Object]
impl ApiKey {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("ApiKey", self.0.id)
    }
    /// What the key is for, e.g. "case management sync".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The first characters of the key (`coal_<prefix>_…`), to recognise it.
    async fn prefix(&self) -> String {
        format!("coal_{}", self.0.prefix)
    }
    /// The role the key acts with.
    async fn role(&self) -> MemberRole {
        self.0.role.into()
    }
    /// The organization the key acts for.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        load_organization(ctx, self.0.organization_id).await
    }
    /// When the key was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the key was last used (updated at most every few minutes).
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
    /// When the key was revoked; requests with a revoked key are refused.
    /// Keys are revoked by an admin, or when the admin who made them is
    /// removed from the organization or stops being its admin.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    /// The admin who made the key (absent for keys made by the service itself).
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.0.created_by).await
    }
}

/// The user `id` (when there is one) through the request's loader.
pub async fn load_user(ctx: &Context<'_>, id: Option<uuid::Uuid>) -> Result<Option<User>> {
    let Some(id) = id else {
        return Ok(None);
    };
    let found = loaders(ctx)?
        .accounts
        .users
        .load_one(id)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(found.map(User))
}

/// The caller of this request.
pub struct Viewer;

/// The caller of this request.
#[Object]
impl Viewer {
    /// What kind of caller this is.
    async fn kind(&self, ctx: &Context<'_>) -> Result<ViewerKind> {
        Ok(match actor(ctx)?.principal {
            Principal::User(_) => ViewerKind::User,
            Principal::ApiKey(_) => ViewerKind::ApiKey,
            Principal::Anonymous | Principal::System => ViewerKind::Anonymous,
        })
    }
    /// The logged-in user, when the caller is one.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let actor = actor(ctx)?;
        let Some(id) = actor.user_id() else {
            return Ok(None);
        };
        Ok(Some(User(users::user(&state(ctx)?.db, actor, id).await?)))
    }
    /// The API key, when the caller is one.
    async fn api_key(&self, ctx: &Context<'_>) -> Result<Option<ApiKey>> {
        let actor = actor(ctx)?;
        let Principal::ApiKey(key) = &actor.principal else {
            return Ok(None);
        };
        Ok(Some(ApiKey(
            api_keys::api_key(&state(ctx)?.db, actor, key.key_id).await?,
        )))
    }
    /// The user's memberships: each organization and the role held there.
    async fn memberships(&self, ctx: &Context<'_>) -> Result<Vec<Membership>> {
        let found = members::own_memberships(&state(ctx)?.db, actor(ctx)?).await?;
        Ok(found.into_iter().map(Membership).collect())
    }
    /// Coalition-wide roles of the user.
    async fn coalition_roles(&self, ctx: &Context<'_>) -> Result<Vec<CoalitionRole>> {
        Ok(match &actor(ctx)?.principal {
            Principal::User(u) => u.coalition_roles.iter().copied().map(Into::into).collect(),
            _ => Vec::new(),
        })
    }
}
