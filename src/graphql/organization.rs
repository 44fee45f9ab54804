//! The organization: the tenant every domain hangs off. Its type lives with
//! the schema root because each domain adds fields to it (accounts: members,
//! invitations, API keys; directory: profile, contacts, services).

use crate::accounts::graphql::{
    ApiKey, ApiKeyConnection, Invitation, InvitationConnection, MemberRole, Membership,
    MembershipConnection, OrganizationKind,
};
use crate::accounts::{api_keys, invitations, members};
use crate::directory::graphql::{Contact, LocalizedText, localized, preferred};
use crate::directory::localize::PreferredLanguages;
use crate::directory::profiles::service as profiles;
use crate::directory::services::graphql::{Service, ServiceConnection, prime_services};
use crate::directory::services::service as services;
use crate::error::AppError;
use crate::graphql::connection::selects;
use crate::graphql::context::{actor, loaders, state};
use crate::graphql::loaders::{prime, record_of};
use crate::ids;
use crate::pagination::{PageRequest, complexity};
use crate::policy;
use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::organization;
use std::sync::Arc;

/// A member organization of the coalition: a library or a partner agency.
pub struct Organization(pub organization::Model);

/// A member organization of the coalition: a library or a partner agency.
#[Object]
impl Organization {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Organization", self.0.id)
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Unique, URL-friendly identifier.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// What kind of organization this is.
    async fn kind(&self) -> OrganizationKind {
        self.0.kind.into()
    }
    /// Most days a consent recorded by this organization may last (its admins' limit; a shelter's is never above the coalition's maximum for shelters); null when consents may be open-ended.
    async fn consent_max_days(&self, ctx: &Context<'_>) -> Result<Option<i64>> {
        let shelters = state(ctx)?.privacy.shelter_consent_max_days;
        Ok(policy::longest_consent(&self.0, shelters))
    }
    /// When the organization joined the coalition.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the organization's record last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The viewer's role here, if the viewer belongs to this organization.
    async fn viewer_role(&self, ctx: &Context<'_>) -> Result<Option<MemberRole>> {
        Ok(actor(ctx)?.role_in(self.0.id).map(Into::into))
    }
    /// Who belongs to the organization (its members and coordinators may see this).
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn members(
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
    ) -> Result<MembershipConnection> {
        let request = PageRequest::new(first, after, last, before)?;
        let found = members::members(&state(ctx)?.db, actor(ctx)?, self.0.id, &request).await?;
        let loaders = loaders(ctx)?;
        if selects(ctx, "user") {
            prime(
                &loaders.accounts.users,
                found.items.iter().map(|m| m.user_id),
            )
            .await?;
        }
        if selects(ctx, "organization") {
            prime(&loaders.accounts.organizations, [self.0.id]).await?;
        }
        Ok(MembershipConnection::from_page(found, Membership))
    }
    /// Invitations sent to join the organization (its admins and coordinators may see this).
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn invitations(
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
    ) -> Result<InvitationConnection> {
        let request = PageRequest::new(first, after, last, before)?;
        let found =
            invitations::invitations(&state(ctx)?.db, actor(ctx)?, self.0.id, &request).await?;
        Ok(InvitationConnection::from_page(found, Invitation))
    }
    /// The organization's API keys, revoked ones included (its admins may see this).
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn api_keys(
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
    ) -> Result<ApiKeyConnection> {
        let request = PageRequest::new(first, after, last, before)?;
        let found = api_keys::api_keys(&state(ctx)?.db, actor(ctx)?, self.0.id, &request).await?;
        if selects(ctx, "createdBy") {
            prime(
                &loaders(ctx)?.accounts.users,
                found.items.iter().filter_map(|k| k.created_by),
            )
            .await?;
        }
        Ok(ApiKeyConnection::from_page(found, ApiKey))
    }
    /// The organization's name in the best available language.
    async fn localized_name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Preferred language (BCP 47); defaults to Accept-Language.")]
        locale: Option<String>,
    ) -> Result<LocalizedText> {
        let profile = self.profile(ctx).await?;
        let default_locale = profile.as_ref().map_or("en", |p| p.default_locale.as_str());
        let languages = preferred(ctx, locale, &PreferredLanguages::default());
        let text = localized(
            ctx,
            self.0.id,
            "name",
            (default_locale, Some(&self.0.name)),
            &languages,
        )
        .await?;
        text.ok_or_else(|| AppError::Internal("organization without a name".into()).into())
    }
    /// What the organization does, in the best available language.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Preferred language (BCP 47); defaults to Accept-Language.")]
        locale: Option<String>,
    ) -> Result<Option<LocalizedText>> {
        let Some(profile) = self.profile(ctx).await? else {
            return Ok(None);
        };
        let languages = preferred(ctx, locale, &PreferredLanguages::default());
        localized(
            ctx,
            self.0.id,
            "description",
            (&profile.default_locale, profile.description.as_deref()),
            &languages,
        )
        .await
    }
    /// Web site.
    async fn website(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.profile(ctx).await?.and_then(|p| p.website))
    }
    /// Year founded.
    async fn year_founded(&self, ctx: &Context<'_>) -> Result<Option<i32>> {
        Ok(self.profile(ctx).await?.and_then(|p| p.year_founded))
    }
    /// Languages spoken by the organization's staff (BCP 47).
    async fn languages(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(self
            .profile(ctx)
            .await?
            .map(|p| profiles::decode(p).languages)
            .unwrap_or_default())
    }
    /// Neighborhoods the organization serves.
    async fn neighborhoods(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(self
            .profile(ctx)
            .await?
            .map(|p| profiles::decode(p).neighborhoods)
            .unwrap_or_default())
    }
    /// Contact details the viewer may see (`COALITION` ones for members only).
    async fn contacts(&self, ctx: &Context<'_>) -> Result<Vec<Contact>> {
        let actor = actor(ctx)?;
        let mut found = loaders(ctx)?
            .directory
            .contacts
            .load_one(self.0.id)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .unwrap_or_default();
        found.retain(|c| policy::may_see_contact(actor, c.visibility));
        found.sort_by_key(|c| (c.created_at, c.id));
        Ok(found.into_iter().map(Contact::from).collect())
    }
    /// The organization's services the viewer may see (the public: active ones).
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn services(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language to answer in (BCP 47); defaults to Accept-Language.")]
        locale: Option<String>,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<ServiceConnection> {
        let request = PageRequest::new(first, after, last, before)?;
        let found =
            services::organization_services(&state(ctx)?.db, actor(ctx)?, self.0.id, &request)
                .await?;
        prime_services(ctx, &found.items).await?;
        let languages = Arc::new(preferred(ctx, locale, &PreferredLanguages::default()));
        Ok(ServiceConnection::from_page(found, |row| {
            Service::new(row, languages.clone())
        }))
    }
}

/// The organization `id` through the request's loader; a referenced
/// organization that is missing is a bug (`INTERNAL`).
pub async fn load_organization(ctx: &Context<'_>, id: uuid::Uuid) -> Result<Organization> {
    let found = record_of(&loaders(ctx)?.accounts.organizations, id, "organization").await?;
    Ok(Organization(found))
}

impl Organization {
    async fn profile(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<entity::organization_profile::Model>> {
        Ok(loaders(ctx)?
            .directory
            .profiles
            .load_one(self.0.id)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?)
    }
}

/// Loads what a page of organizations will need in one query per kind, so the
/// statement count does not depend on the page size.
pub async fn prime_organizations(ctx: &Context<'_>, ids: &[uuid::Uuid]) -> Result<()> {
    let loaders = loaders(ctx)?;
    if [
        "description",
        "localizedName",
        "website",
        "yearFounded",
        "languages",
        "neighborhoods",
    ]
    .iter()
    .any(|f| selects(ctx, f))
    {
        prime(&loaders.directory.profiles, ids.iter().copied()).await?;
    }
    if selects(ctx, "description") || selects(ctx, "localizedName") {
        prime(&loaders.directory.translations, ids.iter().copied()).await?;
    }
    if selects(ctx, "contacts") {
        prime(&loaders.directory.contacts, ids.iter().copied()).await?;
    }
    Ok(())
}
