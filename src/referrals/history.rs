//! A referral's history: one event per step, naming who took it (a user, an
//! API key, or the system when neither).

use crate::auth::{Actor, Principal};
use crate::db::now;
use crate::error::AppResult;
use crate::ids::new_id;
use entity::enums::ReferralStatus;
use entity::referral_event;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use uuid::Uuid;

/// The user or the API key behind `actor`, as stored on history and notes.
pub(super) fn actor_ids(actor: &Actor) -> (Option<Uuid>, Option<Uuid>) {
    match &actor.principal {
        Principal::User(u) => (Some(u.user_id), None),
        Principal::ApiKey(k) => (None, Some(k.key_id)),
        _ => (None, None),
    }
}

/// One step to write into a referral's history.
pub(super) struct Step {
    pub referral_id: Uuid,
    pub organization_id: Option<Uuid>,
    pub from: Option<ReferralStatus>,
    pub to: ReferralStatus,
    pub reason: Option<String>,
    pub note: Option<String>,
}

/// Writes `step`, taken by `actor`, into the referral's history.
pub(super) async fn record_step(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    step: Step,
) -> AppResult<()> {
    let (user, key) = actor_ids(actor);
    referral_event::ActiveModel {
        id: Set(new_id()),
        referral_id: Set(step.referral_id),
        organization_id: Set(step.organization_id),
        actor_user_id: Set(user),
        actor_api_key_id: Set(key),
        from_status: Set(step.from),
        to_status: Set(step.to),
        reason: Set(step.reason),
        note: Set(step.note),
        created_at: Set(now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}
