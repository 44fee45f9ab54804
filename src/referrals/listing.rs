//! Reading referrals: one referral for the members of either party, and the
//! inbox and outbox of the actor's organizations with their filters.

use crate::auth::Actor;
use crate::db;
use crate::error::AppResult;
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy;
use chrono::{DateTime, Utc};
use entity::enums::{ReferralStatus, Urgency};
use entity::referral;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

crate::pagination::keyed_by_creation!(referral::Model);

/// One referral, for members of either party.
#[tracing::instrument(skip_all, fields(referral = %id))]
pub async fn referral(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<referral::Model> {
    let found = db::find::<referral::Entity>(db, id).await?;
    policy::reveal(
        "may_see_referral",
        policy::may_see_referral(
            actor,
            found.referring_organization_id,
            found.receiving_organization_id,
        ),
    )?;
    Ok(found)
}

/// Which side of its organizations' referrals to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Referrals received.
    Inbox,
    /// Referrals sent.
    Outbox,
    /// Both.
    All,
}

/// Filters of the inbox and outbox.
#[derive(Clone, Debug)]
pub struct ReferralFilter {
    /// Inbox, outbox or both.
    pub direction: Direction,
    /// Any of these (stored) statuses.
    pub statuses: Vec<ReferralStatus>,
    /// To this service.
    pub service_id: Option<Uuid>,
    /// Assigned to the viewer.
    pub assigned_to_me: bool,
    /// Any of these urgencies.
    pub urgencies: Vec<Urgency>,
    /// Changed after this instant.
    pub updated_since: Option<DateTime<Utc>>,
}

/// The referrals of the actor's organizations, oldest first.
#[tracing::instrument(skip_all)]
pub async fn referrals(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ReferralFilter,
    page: &PageRequest,
) -> AppResult<Page<referral::Model>> {
    policy::authorize(actor, policy::may_list_referrals(actor), "read referrals")?;
    let orgs: Vec<Uuid> = actor
        .organizations()
        .into_iter()
        .map(|(org, _)| org)
        .collect();
    let scope = match filter.direction {
        Direction::Inbox => {
            Condition::all().add(referral::Column::ReceivingOrganizationId.is_in(orgs.clone()))
        }
        Direction::Outbox => {
            Condition::all().add(referral::Column::ReferringOrganizationId.is_in(orgs.clone()))
        }
        Direction::All => Condition::any()
            .add(referral::Column::ReceivingOrganizationId.is_in(orgs.clone()))
            .add(referral::Column::ReferringOrganizationId.is_in(orgs.clone())),
    };
    let mut select = referral::Entity::find().filter(scope);
    if !filter.statuses.is_empty() {
        select = select.filter(referral::Column::Status.is_in(filter.statuses.clone()));
    }
    if let Some(service) = filter.service_id {
        select = select.filter(referral::Column::ServiceId.eq(service));
    }
    if filter.assigned_to_me {
        select =
            select.filter(referral::Column::AssigneeUserId.eq(actor.user_id().unwrap_or_default()));
    }
    if !filter.urgencies.is_empty() {
        select = select.filter(referral::Column::Urgency.is_in(filter.urgencies.clone()));
    }
    if let Some(since) = filter.updated_since {
        select = select.filter(referral::Column::UpdatedAt.gt(since));
    }
    paginate(
        db,
        select,
        referral::Column::CreatedAt,
        referral::Column::Id,
        page,
    )
    .await
}
