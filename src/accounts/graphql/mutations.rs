//! Mutations of accounts: logging in, organizations, invitations, members,
//! API keys and coalition roles. Resolvers parse input, call the services
//! with the actor and map the result; nothing more.

use super::types::{
    ApiKey, CoalitionRole, Invitation, MemberRole, Membership, OrganizationKind, User,
};
use crate::accounts::domain::Password;
use crate::accounts::organizations::{self, NewOrganization};
use crate::accounts::{api_keys, coalition_roles, invitations, login, members, users};
use crate::auth::throttle::ClientAddress;
use crate::domain::{Email, Name, Slug};
use crate::graphql::context::{actor, state};
use crate::graphql::organization::Organization;
use crate::ids;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

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
        let (account, issued) = login::login(
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
        let parsed = NewOrganization {
            id: None,
            name: Name::parse(&input.name, "input.name")?,
            slug: Slug::parse(&input.slug, "input.slug")?,
            kind: input.kind.into(),
        };
        Ok(Organization(
            organizations::create_organization(&state(ctx)?.db, actor(ctx)?, parsed).await?,
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
            invitations::invite(&state(ctx)?.db, actor(ctx)?, org, email, input.role.into())
                .await?;
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
        let redemption = invitations::Redemption {
            token: input.token,
            display_name: input
                .display_name
                .as_deref()
                .map(|n| Name::parse(n, "input.displayName"))
                .transpose()?,
            password: Password::parse(&input.password, "input.password")?,
        };
        let account =
            invitations::accept_invitation(&state.db, &state.auth.hashing, redemption).await?;
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
            members::change_member_role(&state(ctx)?.db, actor(ctx)?, id, input.role.into())
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
        let removed = members::remove_member(&state(ctx)?.db, actor(ctx)?, id).await?;
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
            invitations::revoke_invitation(&state(ctx)?.db, actor(ctx)?, id).await?,
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
        let issued = api_keys::create_api_key(
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
            api_keys::revoke_api_key(&state(ctx)?.db, actor(ctx)?, id).await?,
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
        coalition_roles::set_coalition_roles(&state.db, actor, id, roles).await?;
        Ok(User(users::user(&state.db, actor, id).await?))
    }
}
