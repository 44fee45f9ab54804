//! GraphQL view of the audit log (read-only by design: there is no mutation).

use super::service::{self, AuditFilter};
use crate::accounts::graphql::{Organization, User, load_user};
use crate::error::AppError;
use crate::graphql::connection::selects;
use crate::graphql::context::{actor, loaders, state};
use crate::graphql::loaders::prime;
use crate::ids;
use crate::pagination::{PageRequest, complexity};
use crate::{connection, mirror_enum};
use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::audit_entry;

mirror_enum! {
    /// Who performed an audited action.
    AuditActorKind mirrors entity::enums::ActorKind {
        /// A logged-in user.
        User,
        /// An organization's API key.
        ApiKey,
        /// The service itself (demo data, imports, operator commands).
        System,
    }
}

connection!(
    AuditEntryConnection,
    AuditEntryEdge,
    AuditEntry,
    "audit entries"
);

/// One change (or read of personal data), as recorded when it happened.
pub struct AuditEntry(pub audit_entry::Model);

/// One change (or read of personal data), as recorded when it happened.
#[Object]
impl AuditEntry {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("AuditEntry", self.0.id)
    }
    /// When it happened.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Who did it.
    async fn actor_kind(&self) -> AuditActorKind {
        self.0.actor_kind.into()
    }
    /// The user who did it, when a user did.
    async fn actor_user(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.0.actor_user_id).await
    }
    /// The API key that did it, when a key did.
    async fn actor_api_key_id(&self) -> Option<ID> {
        self.0.actor_api_key_id.map(|id| ids::encode("ApiKey", id))
    }
    /// The organization the actor acted for.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        let Some(id) = self.0.organization_id else {
            return Ok(None);
        };
        let found = loaders(ctx)?
            .accounts
            .organizations
            .load_one(id)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(found.map(Organization))
    }
    /// What was done, as a dotted verb such as `membership.role_changed`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The GraphQL type of the record concerned.
    async fn record_type(&self) -> &str {
        &self.0.record_type
    }
    /// Global id of the record concerned (it may since have been deleted).
    async fn record_id(&self) -> Option<ID> {
        self.0
            .record_id
            .map(|id| ids::encode(&self.0.record_type, id))
    }
    /// The request that made the change, to match service logs.
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// Non-personal facts about the change, as a JSON object (e.g. old and new role).
    async fn details(&self) -> Option<&str> {
        self.0.details.as_deref()
    }
}

/// Queries of the audit log.
#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Audit entries, oldest first: an organization's admins read their
    /// organization's entries, coordinators read all.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn audit_entries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only entries of this organization.")] organization_id: Option<ID>,
        #[graphql(desc = "Only entries about this record.")] record_id: Option<ID>,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<AuditEntryConnection> {
        let filter = AuditFilter {
            organization_id: organization_id
                .map(|id| ids::decode_as(&id, "Organization", "organizationId"))
                .transpose()?,
            record_id: record_id
                .map(|id| ids::decode(&id, "recordId").map(|(_, uuid)| uuid))
                .transpose()?,
        };
        let request = PageRequest::new(first, after, last, before)?;
        let found = service::list(&state(ctx)?.db, actor(ctx)?, filter, &request).await?;
        let loaders = loaders(ctx)?;
        if selects(ctx, "actorUser") {
            prime(
                &loaders.accounts.users,
                found.items.iter().filter_map(|e| e.actor_user_id),
            )
            .await?;
        }
        if selects(ctx, "organization") {
            prime(
                &loaders.accounts.organizations,
                found.items.iter().filter_map(|e| e.organization_id),
            )
            .await?;
        }
        Ok(AuditEntryConnection::from_page(found, AuditEntry))
    }
}
