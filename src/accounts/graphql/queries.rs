//! Queries of accounts: the viewer and the member organizations.

use super::types::{OrganizationConnection, Viewer};
use crate::accounts::organizations;
use crate::graphql::context::state;
use crate::graphql::organization::{Organization, prime_organizations};
use crate::pagination::{PageRequest, complexity};
use async_graphql::{Context, Object, Result};
use uuid::Uuid;

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
        let found = organizations::organizations(&state(ctx)?.db, &request).await?;
        let ids: Vec<Uuid> = found.items.iter().map(|o| o.id).collect();
        prime_organizations(ctx, &ids).await?;
        Ok(OrganizationConnection::from_page(found, Organization))
    }
    /// One organization by its slug.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization's slug, e.g. `riverside-library`.")] slug: String,
    ) -> Result<Organization> {
        Ok(Organization(
            organizations::organization_by_slug(&state(ctx)?.db, &slug).await?,
        ))
    }
}
