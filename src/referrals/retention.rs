//! The retention sweep: a client's record is erased (as [`super::erasure`]
//! does on request) once the retention period has run since their last
//! referral closed, or since the record last changed when they have none.
//! A client with a referral still open is kept.

use super::domain::{OPEN, effective_status};
use super::erasure::{Cause, erase_in};
use crate::auth::Actor;
use crate::change::Change;
use crate::error::AppResult;
use chrono::{DateTime, Duration, Utc};
use entity::enums::ReferralStatus;
use entity::{client, referral};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// Clients considered per round, so a large backlog is swept in bounded steps.
const BATCH: u64 = 200;

/// When a referral stopped being open, as of `at`; `None` while it is open.
fn closed_at(row: &referral::Model, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match effective_status(row, at) {
        status if OPEN.contains(&status) => None,
        // Expired by the clock before the expiry sweep wrote it down.
        ReferralStatus::Expired if row.status == ReferralStatus::Sent => Some(row.respond_by),
        _ => Some(row.updated_at),
    }
}

/// Erases, as of `at`, every client whose retention period of
/// `retention_days` has run out; each erasure is its own change, audited as
/// `client.erased` with cause `retention`. Returns the ids erased.
#[tracing::instrument(skip_all, fields(retention_days))]
pub async fn sweep_retention(
    db: &DatabaseConnection,
    retention_days: u32,
    at: DateTime<Utc>,
) -> AppResult<Vec<Uuid>> {
    let cutoff = at - Duration::days(i64::from(retention_days));
    let system = Actor::system();
    let mut erased = Vec::new();
    let mut after: Option<(DateTime<Utc>, Uuid)> = None;
    loop {
        // Only a record unchanged since the cutoff can be due: erasing or
        // correcting it moves `updated_at`.
        let mut candidates = client::Entity::find()
            .filter(client::Column::ErasedAt.is_null())
            .filter(client::Column::UpdatedAt.lt(cutoff))
            .order_by_asc(client::Column::CreatedAt)
            .order_by_asc(client::Column::Id)
            .limit(BATCH);
        if let Some((created, id)) = after {
            candidates = candidates.filter(
                sea_orm::Condition::any()
                    .add(client::Column::CreatedAt.gt(created))
                    .add(
                        sea_orm::Condition::all()
                            .add(client::Column::CreatedAt.eq(created))
                            .add(client::Column::Id.gt(id)),
                    ),
            );
        }
        let batch = candidates.all(db).await?;
        let Some(last) = batch.last() else {
            return Ok(erased);
        };
        after = Some((last.created_at, last.id));
        let mut referrals: HashMap<Uuid, Vec<referral::Model>> = HashMap::new();
        for row in referral::Entity::find()
            .filter(referral::Column::ClientId.is_in(batch.iter().map(|c| c.id)))
            .all(db)
            .await?
        {
            referrals.entry(row.client_id).or_default().push(row);
        }
        for found in &batch {
            let rows = referrals.remove(&found.id).unwrap_or_default();
            let closings: Option<Vec<DateTime<Utc>>> =
                rows.iter().map(|r| closed_at(r, at)).collect();
            let due = closings.is_some_and(|c| c.into_iter().all(|closed| closed < cutoff));
            if !due {
                continue;
            }
            let change = Change::begin(db, &system).await?;
            let (client, _) = erase_in(change, found, Cause::Retention).await?;
            if client.erased_at.is_some() {
                erased.push(client.id);
            }
        }
    }
}
