//! The network's health for coordinators: counts of referrals by status,
//! service category and organization, and median times to accept and to
//! complete, over a date range. Nothing in it identifies a person.

use super::domain::effective_status;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::policy;
use chrono::{DateTime, Utc};
use entity::enums::ReferralStatus;
use entity::{referral, referral_event, service_category, taxonomy_term};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Counts and timings of the referrals sent in a period.
#[derive(Debug, Default)]
pub struct NetworkStatistics {
    /// Referrals sent in the period.
    pub total: u64,
    /// Per status (as of now), in lifecycle order, statuses with none left out.
    pub by_status: Vec<(ReferralStatus, u64)>,
    /// Per taxonomy term of the receiving service (a referral counts once per term).
    pub by_category: BTreeMap<Uuid, u64>,
    /// `(sent, received)` per organization.
    pub by_organization: BTreeMap<Uuid, (u64, u64)>,
    /// Median hours from sending to acceptance, among accepted referrals.
    pub median_hours_to_accept: Option<f64>,
    /// Median hours from sending to completion, among completed referrals.
    pub median_hours_to_complete: Option<f64>,
}

const LIFECYCLE: [ReferralStatus; 8] = [
    ReferralStatus::Sent,
    ReferralStatus::Accepted,
    ReferralStatus::Declined,
    ReferralStatus::InProgress,
    ReferralStatus::OnHold,
    ReferralStatus::Completed,
    ReferralStatus::Cancelled,
    ReferralStatus::Expired,
];

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// Statistics of the referrals sent between `from` and `to` (coordinators).
#[tracing::instrument(skip_all)]
pub async fn network_statistics(
    db: &impl ConnectionTrait,
    actor: &Actor,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<NetworkStatistics> {
    policy::authorize(
        actor,
        policy::may_read_network_statistics(actor),
        "read the network's statistics",
    )?;
    if to <= from {
        return Err(AppError::bad_input("to", "must be after from"));
    }
    let rows = referral::Entity::find()
        .filter(referral::Column::CreatedAt.gte(from))
        .filter(referral::Column::CreatedAt.lt(to))
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut first_at: HashMap<(Uuid, ReferralStatus), DateTime<Utc>> = HashMap::new();
    for event in referral_event::Entity::find()
        .filter(referral_event::Column::ReferralId.is_in(ids.clone()))
        .filter(
            referral_event::Column::ToStatus
                .is_in([ReferralStatus::Accepted, ReferralStatus::Completed]),
        )
        .all(db)
        .await?
    {
        let at = first_at
            .entry((event.referral_id, event.to_status))
            .or_insert(event.created_at);
        if event.created_at < *at {
            *at = event.created_at;
        }
    }
    let mut terms_of: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for link in service_category::Entity::find()
        .filter(service_category::Column::ServiceId.is_in(rows.iter().map(|r| r.service_id)))
        .all(db)
        .await?
    {
        terms_of
            .entry(link.service_id)
            .or_default()
            .push(link.term_id);
    }
    let now = Utc::now();
    let mut stats = NetworkStatistics {
        total: rows.len() as u64,
        ..Default::default()
    };
    let (mut accept_hours, mut complete_hours) = (Vec::new(), Vec::new());
    let mut by_status: HashMap<ReferralStatus, u64> = HashMap::new();
    for row in &rows {
        *by_status.entry(effective_status(row, now)).or_default() += 1;
        for term in terms_of.get(&row.service_id).into_iter().flatten() {
            *stats.by_category.entry(*term).or_default() += 1;
        }
        stats
            .by_organization
            .entry(row.referring_organization_id)
            .or_default()
            .0 += 1;
        stats
            .by_organization
            .entry(row.receiving_organization_id)
            .or_default()
            .1 += 1;
        let hours = |at: &DateTime<Utc>| (*at - row.created_at).num_seconds() as f64 / 3600.0;
        if let Some(at) = first_at.get(&(row.id, ReferralStatus::Accepted)) {
            accept_hours.push(hours(at));
        }
        if let Some(at) = first_at.get(&(row.id, ReferralStatus::Completed)) {
            complete_hours.push(hours(at));
        }
    }
    stats.by_status = LIFECYCLE
        .iter()
        .filter_map(|status| by_status.get(status).map(|count| (*status, *count)))
        .collect();
    stats.median_hours_to_accept = median(accept_hours);
    stats.median_hours_to_complete = median(complete_hours);
    Ok(stats)
}

/// The names of taxonomy terms, for labelling category counts.
#[tracing::instrument(skip_all)]
pub async fn term_names(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> AppResult<HashMap<Uuid, (String, String)>> {
    Ok(taxonomy_term::Entity::find()
        .filter(taxonomy_term::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, (t.code, t.name)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(vec![5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(Vec::new()), None);
    }
}
