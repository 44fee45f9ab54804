//! Queries of services: the search, with its own connection (rank and
//! distance on each edge), and the entries nobody confirmed lately.

use super::types::{CostKind, Service, ServiceConnection, ServiceStatus, prime_services};
use crate::accounts::graphql::OrganizationKind;
use crate::directory::graphql::preferred;
use crate::directory::localize::PreferredLanguages;
use crate::directory::services::search::{self, Near, SearchPageRequest, ServiceFilter};
use crate::directory::services::verification;
use crate::error::AppError;
use crate::graphql::context::{actor, state};
use crate::ids;
use crate::pagination::{PageRequest, complexity};
use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A page of search results, best first.
pub struct ServiceSearchConnection {
    edges: Vec<ServiceSearchEdge>,
    page_info: async_graphql::connection::PageInfo,
    total_count: u64,
}

/// A page of search results, best first.
#[Object]
impl ServiceSearchConnection {
    /// The results of this page, with cursors, rank and distance.
    async fn edges(&self) -> &[ServiceSearchEdge] {
        &self.edges
    }
    /// The services of this page.
    async fn nodes(&self) -> Vec<&Service> {
        self.edges.iter().map(|e| &e.node).collect()
    }
    /// Where this page lies.
    async fn page_info(&self) -> &async_graphql::connection::PageInfo {
        &self.page_info
    }
    /// How many services match.
    async fn total_count(&self) -> u64 {
        self.total_count
    }
}

/// One search result.
pub struct ServiceSearchEdge {
    cursor: String,
    node: Service,
    rank: f64,
    distance_km: Option<f64>,
}

/// One search result.
#[Object]
impl ServiceSearchEdge {
    /// Opaque position: pass it as `after` or `before`.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// The service.
    async fn node(&self) -> &Service {
        &self.node
    }
    /// Relevance to the words searched (higher is better; 0 without words).
    async fn rank(&self) -> f64 {
        self.rank
    }
    /// Kilometres to the nearest location the viewer may see, when searching near a point.
    async fn distance_km(&self) -> Option<f64> {
        self.distance_km
    }
}

/// A point and a radius to search around.
#[derive(InputObject)]
pub struct NearInput {
    /// Latitude in degrees.
    pub latitude: f64,
    /// Longitude in degrees.
    pub longitude: f64,
    /// Radius in kilometres (at most 500).
    pub radius_km: f64,
}

/// What to look for; every part given must hold.
#[derive(InputObject, Default)]
pub struct ServiceFilterInput {
    /// Words to find in service and organization names and descriptions (any language).
    pub text: Option<String>,
    /// Taxonomy codes; services filed under narrower terms match too.
    #[graphql(default)]
    pub categories: Vec<String>,
    /// Languages (BCP 47); a service offered in any of them matches.
    #[graphql(default)]
    pub languages: Vec<String>,
    /// Neighborhood of a location.
    pub neighborhood: Option<String>,
    /// Within a radius of a point; results are ordered by distance.
    pub near: Option<NearInput>,
    /// Any of these costs.
    #[graphql(default)]
    pub costs: Vec<CostKind>,
    /// Serves a person of this age.
    pub age: Option<i32>,
    /// Takes referrals now (true) or not (false).
    pub accepting_referrals: Option<bool>,
    /// Open right now.
    #[graphql(default)]
    pub open_now: bool,
    /// Open at this instant.
    pub open_at: Option<DateTime<Utc>>,
    /// Offered by organizations of any of these kinds.
    #[graphql(default)]
    pub organization_kinds: Vec<OrganizationKind>,
    /// Offered by this organization.
    pub organization_id: Option<ID>,
    /// Any of these statuses (members of the coalition; the public sees active services only).
    #[graphql(default)]
    pub statuses: Vec<ServiceStatus>,
}

impl ServiceFilterInput {
    fn parse(self) -> Result<ServiceFilter, AppError> {
        Ok(ServiceFilter {
            text: self.text,
            categories: self.categories,
            languages: self.languages,
            neighborhood: self.neighborhood,
            near: self.near.map(|n| Near {
                latitude: n.latitude,
                longitude: n.longitude,
                radius_km: n.radius_km,
            }),
            costs: self.costs.into_iter().map(Into::into).collect(),
            age: self.age,
            accepting_referrals: self.accepting_referrals,
            open_at: self.open_at.or(self.open_now.then(Utc::now)),
            organization_kinds: self
                .organization_kinds
                .into_iter()
                .map(Into::into)
                .collect(),
            organization_id: self
                .organization_id
                .map(|id| ids::decode_as(&id, "Organization", "filter.organizationId"))
                .transpose()?,
            statuses: self.statuses.into_iter().map(Into::into).collect(),
        })
    }
}

/// Queries of services.
#[derive(Default)]
pub struct ServicesQuery;

#[Object]
impl ServicesQuery {
    /// Finds services: ranked by relevance when `filter.text` is given, by
    /// distance with `filter.near`, else in the order they were added. The
    /// public sees active services and public locations only.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn services(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for.")] filter: Option<ServiceFilterInput>,
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
    ) -> Result<ServiceSearchConnection> {
        let state = state(ctx)?;
        let filter = filter.unwrap_or_default().parse()?;
        let request = SearchPageRequest::new(first, after, last, before)?;
        let found =
            search::search(&state.db, actor(ctx)?, &filter, state.time_zone, &request).await?;
        let rows: Vec<_> = found.hits.iter().map(|(_, h)| h.service.clone()).collect();
        prime_services(ctx, &rows).await?;
        let languages = Arc::new(preferred(ctx, locale, &PreferredLanguages::default()));
        let edges: Vec<ServiceSearchEdge> = found
            .hits
            .into_iter()
            .map(|(cursor, hit)| ServiceSearchEdge {
                cursor,
                node: Service::new(hit.service, languages.clone()),
                rank: hit.rank,
                distance_km: hit.distance_km,
            })
            .collect();
        Ok(ServiceSearchConnection {
            page_info: async_graphql::connection::PageInfo {
                has_previous_page: found.has_previous_page,
                has_next_page: found.has_next_page,
                start_cursor: edges.first().map(|e| e.cursor.clone()),
                end_cursor: edges.last().map(|e| e.cursor.clone()),
            },
            edges,
            total_count: found.total_count,
        })
    }

    /// Services whose entries nobody confirmed for `days` days (coordinators).
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn unverified_services(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Days without confirmation.")] days: i32,
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
        let found = verification::unverified_services(
            &state(ctx)?.db,
            actor(ctx)?,
            i64::from(days),
            &request,
        )
        .await?;
        prime_services(ctx, &found.items).await?;
        let languages = Arc::new(PreferredLanguages::default());
        Ok(ServiceConnection::from_page(found, |row| {
            Service::new(row, languages.clone())
        }))
    }
}
