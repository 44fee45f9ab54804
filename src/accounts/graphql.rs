//! GraphQL types, queries and mutations of accounts. Resolvers parse input,
//! call [`super::service`] with the actor and map the result; nothing more.

use super::domain::Password;
use super::service;
use crate::auth::Principal;
use crate::auth::throttle::ClientAddress;
use crate::domain::{Email, Name, Slug};
use crate::error::AppError;
use crate::graphql::context::{actor, loaders, state};
use crate::ids;
use crate::pagination::{PageRequest, complexity};
use crate::{connection, mirror_enum};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{api_key, invitation, membership, user};
use uuid::Uuid;

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

pub use crate::graphql::organization::{Organization, load_organization};

// ---------------------------------------------------------------- User

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
        let roles = service::coalition_roles(&state(ctx)?.db, self.0.id).await?;
        Ok(roles.into_iter().map(Into::into).collect())
    }
}

// ---------------------------------------------------------------- Membership

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

// ---------------------------------------------------------------- Invitation

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

// ---------------------------------------------------------------- ApiKey

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

// ---------------------------------------------------------------- Viewer

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
        Ok(Some(User(service::user(&state(ctx)?.db, actor, id).await?)))
    }
    /// The API key, when the caller is one.
    async fn api_key(&self, ctx: &Context<'_>) -> Result<Option<ApiKey>> {
        let actor = actor(ctx)?;
        let Principal::ApiKey(key) = &actor.principal else {
            return Ok(None);
        };
        Ok(Some(ApiKey(
            service::api_key(&state(ctx)?.db, actor, key.key_id).await?,
        )))
    }
    /// The user's memberships: each organization and the role held there.
    async fn memberships(&self, ctx: &Context<'_>) -> Result<Vec<Membership>> {
        let found = service::own_memberships(&state(ctx)?.db, actor(ctx)?).await?;
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

// ---------------------------------------------------------------- queries

/// Queries of accounts.
#[derive(Default)]
pub struct AccountsQuery;

#[Object]
impl AccountsQuery {
    /// The caller of this request, with their memberships.
    async fn viewer(&self) -> Viewer {
        Viewer
    }
    /// All member organizations, in the order they joined. Public.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<OrganizationConnection> {
        let request = PageRequest::new(first, after, last, before)?;
        let found = service::organizations(&state(ctx)?.db, &request).await?;
        let ids: Vec<Uuid> = found.items.iter().map(|o| o.id).collect();
        crate::graphql::organization::prime_organizations(ctx, &ids).await?;
        Ok(OrganizationConnection::from_page(found, Organization))
    }
    /// One organization by its slug.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization's slug, e.g. `riverside-library`.")] slug: String,
    ) -> Result<Organization> {
        Ok(Organization(
            service::organization_by_slug(&state(ctx)?.db, &slug).await?,
        ))
    }
}

// ---------------------------------------------------------------- mutations

/// Credentials to log in with.
#[derive(InputObject)]
pub struct LoginInput {
    /// The account's email address.
    pub email: String,
    /// The account's password.
    pub password: String,
}

/// A fresh access token.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// When the token stops being accepted; log in again then.
    pub expires_at: DateTime<Utc>,
    /// The logged-in user.
    pub user: User,
}

/// A new member organization.
#[derive(InputObject)]
pub struct CreateOrganizationInput {
    /// Display name, 1 to 200 characters.
    pub name: String,
    /// Unique URL identifier: 2 to 64 lowercase letters, digits or inner hyphens.
    pub slug: String,
    /// What kind of organization it is.
    pub kind: OrganizationKind,
}

/// Whom to invite, where, in which role.
#[derive(InputObject)]
pub struct InviteMemberInput {
    /// The organization to join.
    pub organization_id: ID,
    /// The invitee's email address.
    pub email: String,
    /// The role the invitee will hold.
    pub role: MemberRole,
}

/// A new invitation with its token.
#[derive(SimpleObject)]
pub struct InviteMemberPayload {
    /// The invitation.
    pub invitation: Invitation,
    /// The secret to hand to the invitee (shown only now). They redeem it with `acceptInvitation`.
    pub token: String,
}

/// Redeeming an invitation.
#[derive(InputObject)]
pub struct AcceptInvitationInput {
    /// The invitation token.
    pub token: String,
    /// Name for a new account; not needed when the address already has one.
    pub display_name: Option<String>,
    /// A password of at least 12 characters for a new account, or the current password of an existing one.
    pub password: String,
}

/// A role change.
#[derive(InputObject)]
pub struct ChangeMemberRoleInput {
    /// The membership to change.
    pub membership_id: ID,
    /// The new role.
    pub role: MemberRole,
}

/// Removing a member.
#[derive(InputObject)]
pub struct RemoveMemberInput {
    /// The membership to end.
    pub membership_id: ID,
}

/// The result of removing a member.
#[derive(SimpleObject)]
pub struct RemoveMemberPayload {
    /// Id of the membership that ended.
    pub removed_membership_id: ID,
}

/// Withdrawing an invitation.
#[derive(InputObject)]
pub struct RevokeInvitationInput {
    /// The invitation to withdraw.
    pub invitation_id: ID,
}

/// A new API key.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// The organization the key acts for.
    pub organization_id: ID,
    /// What the key is for, 1 to 200 characters.
    pub name: String,
    /// `STAFF` or `VIEWER`.
    pub role: MemberRole,
}

/// A new API key and its secret.
#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    /// The key.
    pub api_key: ApiKey,
    /// The whole key, shown only now: send it as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// Revoking an API key.
#[derive(InputObject)]
pub struct RevokeApiKeyInput {
    /// The key to revoke.
    pub api_key_id: ID,
}

/// Setting a user's coalition-wide roles.
#[derive(InputObject)]
pub struct SetCoalitionRolesInput {
    /// The user.
    pub user_id: ID,
    /// The complete set of roles the user should hold.
    pub roles: Vec<CoalitionRole>,
}

/// Mutations of accounts.
#[derive(Default)]
pub struct AccountsMutation;

#[Object]
impl AccountsMutation {
    /// Exchanges an email and password for a short-lived access token. Failures
    /// never tell whether the address has an account; repeated failures lock
    /// the address for a while (`RATE_LIMITED`).
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Credentials.")] input: LoginInput,
    ) -> Result<LoginPayload> {
        let state = state(ctx)?;
        let request_id = actor(ctx)?.request_id.clone();
        let from = ctx.data_opt::<ClientAddress>().copied().unwrap_or_default();
        let (account, issued) = service::login(
            &state.db,
            &state.auth,
            &input.email,
            &input.password,
            from,
            request_id,
        )
        .await?;
        Ok(LoginPayload {
            token: issued.token,
            expires_at: issued.expires_at,
            user: User(account),
        })
    }

    /// Registers a member organization (coordinators).
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization.")] input: CreateOrganizationInput,
    ) -> Result<Organization> {
        let parsed = service::NewOrganization {
            id: None,
            name: Name::parse(&input.name, "input.name")?,
            slug: Slug::parse(&input.slug, "input.slug")?,
            kind: input.kind.into(),
        };
        Ok(Organization(
            service::create_organization(&state(ctx)?.db, actor(ctx)?, parsed).await?,
        ))
    }

    /// Invites someone to join an organization (its admins, coordinators).
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whom to invite.")] input: InviteMemberInput,
    ) -> Result<InviteMemberPayload> {
        let org = ids::decode_as(
            &input.organization_id,
            "Organization",
            "input.organizationId",
        )?;
        let email = Email::parse(&input.email, "input.email")?;
        let issued =
            service::invite(&state(ctx)?.db, actor(ctx)?, org, email, input.role.into()).await?;
        Ok(InviteMemberPayload {
            invitation: Invitation(issued.invitation),
            token: issued.token,
        })
    }

    /// Redeems an invitation (no login needed) and logs the invitee in.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token and the invitee's credentials.")] input: AcceptInvitationInput,
    ) -> Result<LoginPayload> {
        let state = state(ctx)?;
        let redemption = service::Redemption {
            token: input.token,
            display_name: input
                .display_name
                .as_deref()
                .map(|n| Name::parse(n, "input.displayName"))
                .transpose()?,
            password: Password::parse(&input.password, "input.password")?,
        };
        let account =
            service::accept_invitation(&state.db, &state.auth.hashing, redemption).await?;
        let issued = state.auth.tokens.issue(account.id, None)?;
        Ok(LoginPayload {
            token: issued.token,
            expires_at: issued.expires_at,
            user: User(account),
        })
    }

    /// Changes a member's role (the organization's admins, coordinators). The
    /// last admin cannot be demoted (`CONFLICT`).
    async fn change_member_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership and its new role.")] input: ChangeMemberRoleInput,
    ) -> Result<Membership> {
        let id = ids::decode_as(&input.membership_id, "Membership", "input.membershipId")?;
        let changed =
            service::change_member_role(&state(ctx)?.db, actor(ctx)?, id, input.role.into())
                .await?;
        Ok(Membership(changed))
    }

    /// Removes a member (the organization's admins, coordinators). The last
    /// admin cannot be removed (`CONFLICT`).
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership to end.")] input: RemoveMemberInput,
    ) -> Result<RemoveMemberPayload> {
        let id = ids::decode_as(&input.membership_id, "Membership", "input.membershipId")?;
        let removed = service::remove_member(&state(ctx)?.db, actor(ctx)?, id).await?;
        Ok(RemoveMemberPayload {
            removed_membership_id: ids::encode("Membership", removed.id),
        })
    }

    /// Withdraws a pending invitation (the organization's admins, coordinators).
    async fn revoke_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation.")] input: RevokeInvitationInput,
    ) -> Result<Invitation> {
        let id = ids::decode_as(&input.invitation_id, "Invitation", "input.invitationId")?;
        Ok(Invitation(
            service::revoke_invitation(&state(ctx)?.db, actor(ctx)?, id).await?,
        ))
    }

    /// Creates an API key for a partner application (the organization's
    /// admins). The secret is in the payload and never shown again.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key's organization, name and role.")] input: CreateApiKeyInput,
    ) -> Result<CreateApiKeyPayload> {
        let org = ids::decode_as(
            &input.organization_id,
            "Organization",
            "input.organizationId",
        )?;
        let name = Name::parse(&input.name, "input.name")?;
        let issued = service::create_api_key(
            &state(ctx)?.db,
            &state(ctx)?.auth.hashing,
            actor(ctx)?,
            org,
            name,
            input.role.into(),
        )
        .await?;
        Ok(CreateApiKeyPayload {
            api_key: ApiKey(issued.key),
            secret: issued.secret,
        })
    }

    /// Revokes an API key (the organization's admins). Revoking twice is harmless.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key.")] input: RevokeApiKeyInput,
    ) -> Result<ApiKey> {
        let id = ids::decode_as(&input.api_key_id, "ApiKey", "input.apiKeyId")?;
        Ok(ApiKey(
            service::revoke_api_key(&state(ctx)?.db, actor(ctx)?, id).await?,
        ))
    }

    /// Replaces a user's coalition-wide roles (coordinators).
    async fn set_coalition_roles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user and their complete set of roles.")]
        input: SetCoalitionRolesInput,
    ) -> Result<User> {
        let id = ids::decode_as(&input.user_id, "User", "input.userId")?;
        let state = state(ctx)?;
        let actor = actor(ctx)?;
        let roles = input.roles.into_iter().map(Into::into).collect();
        service::set_coalition_roles(&state.db, actor, id, roles).await?;
        Ok(User(service::user(&state.db, actor, id).await?))
    }
}
