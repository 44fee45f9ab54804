//! Queries of the referral network: the inbox and outbox, the network's
//! statistics, an organization's clients and its people's reads of personal
//! data.

use super::enums::{ReferralDirection, ReferralStatus, Urgency};
use super::prime::{prime_disclosures, prime_referrals};
use super::types::{
    CategoryCount, Client, ClientConnection, Disclosure, DisclosureConnection, OrganizationCount,
    Referral, ReferralConnection, ReferralStatistics, StatusCount, reads,
};
use crate::graphql::context::{actor, state};
use crate::ids;
use crate::pagination::{PageRequest, complexity};
use crate::referrals::listing::{self, ReferralFilter};
use crate::referrals::{clients, disclosures, statistics};
use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};

/// Filters of the inbox and outbox.
#[derive(InputObject, Default)]
pub struct ReferralFilterInput {
    /// Received, sent, or both (`ALL` when omitted).
    pub direction: Option<ReferralDirection>,
    /// Any of these statuses.
    #[graphql(default)]
    pub statuses: Vec<ReferralStatus>,
    /// To this service.
    pub service_id: Option<ID>,
    /// Only those assigned to the viewer.
    #[graphql(default)]
    pub assigned_to_me: bool,
    /// Any of these urgencies.
    #[graphql(default)]
    pub urgencies: Vec<Urgency>,
    /// Changed after this instant (for polling).
    pub updated_since: Option<DateTime<Utc>>,
}

/// Queries of the referral network.
#[derive(Default)]
pub struct ReferralsQuery;

#[Object]
impl ReferralsQuery {
    /// The referrals of the viewer's organizations, oldest first (stable while new ones arrive).
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn referrals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which referrals.")] filter: Option<ReferralFilterInput>,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<ReferralConnection> {
        let filter = filter.unwrap_or_default();
        let parsed = ReferralFilter {
            direction: filter.direction.unwrap_or(ReferralDirection::All).into(),
            statuses: filter.statuses.into_iter().map(Into::into).collect(),
            service_id: filter
                .service_id
                .map(|id| ids::decode_as(&id, "Service", "filter.serviceId"))
                .transpose()?,
            assigned_to_me: filter.assigned_to_me,
            urgencies: filter.urgencies.into_iter().map(Into::into).collect(),
            updated_since: filter.updated_since,
        };
        let request = PageRequest::new(first, after, last, before)?;
        let found = listing::referrals(&state(ctx)?.db, actor(ctx)?, &parsed, &request).await?;
        prime_referrals(ctx, &found.items).await?;
        Ok(ReferralConnection::from_page(found, Referral))
    }

    /// The network's health between two instants (coordinators): counts by
    /// status, category and organization, median times to accept and complete.
    async fn referral_statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Start of the period (referrals sent from then on).")] from: DateTime<Utc>,
        #[graphql(desc = "End of the period (exclusive).")] to: DateTime<Utc>,
    ) -> Result<ReferralStatistics> {
        let db = &state(ctx)?.db;
        let stats = statistics::network_statistics(db, actor(ctx)?, from, to).await?;
        let names = statistics::term_names(db, stats.by_category.keys().copied().collect()).await?;
        Ok(ReferralStatistics {
            total: stats.total,
            by_status: stats
                .by_status
                .iter()
                .map(|(status, count)| StatusCount {
                    status: (*status).into(),
                    count: *count,
                })
                .collect(),
            by_category: stats
                .by_category
                .iter()
                .filter_map(|(id, count)| {
                    names.get(id).map(|(code, name)| CategoryCount {
                        code: code.clone(),
                        name: name.clone(),
                        count: *count,
                    })
                })
                .collect(),
            by_organization: stats
                .by_organization
                .iter()
                .map(|(id, (sent, received))| OrganizationCount {
                    organization_id: *id,
                    sent: *sent,
                    received: *received,
                })
                .collect(),
            median_hours_to_accept: stats.median_hours_to_accept,
            median_hours_to_complete: stats.median_hours_to_complete,
        })
    }

    /// An organization's clients (its staff and admins).
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn clients(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization.")] organization_id: ID,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<ClientConnection> {
        let org = ids::decode_as(&organization_id, "Organization", "organizationId")?;
        let request = PageRequest::new(first, after, last, before)?;
        let found =
            clients::clients(&state(ctx)?.db, actor(ctx)?, reads(ctx)?, org, &request).await?;
        Ok(ClientConnection::from_page(found, Client))
    }

    /// The reads of personal data made by the people and API keys acting for
    /// an organization, oldest first (`last` gives the latest), for its
    /// admins: which client (by opaque id only), which parts, when, through
    /// which referral.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn personal_data_reads(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization whose people read.")] organization_id: ID,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<DisclosureConnection> {
        let org = ids::decode_as(&organization_id, "Organization", "organizationId")?;
        let request = PageRequest::new(first, after, last, before)?;
        let found =
            disclosures::personal_data_reads(&state(ctx)?.db, actor(ctx)?, org, &request).await?;
        prime_disclosures(ctx, &found.items).await?;
        Ok(DisclosureConnection::from_page(found, Disclosure))
    }
}
