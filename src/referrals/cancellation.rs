//! Cancelling a client's open referrals when what they rest on goes: the
//! consent is revoked, or the client is erased.

use super::domain::status_name;
use super::history::{Step, record_step};
use crate::audit::service::AuditEvent;
use crate::change::Change;
use crate::db::now;
use crate::error::AppResult;
use entity::enums::ReferralStatus;
use entity::referral;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::json;
use uuid::Uuid;

/// Cancels the `open` referrals of client-owning organization `owner` within
/// `change`, with the stored `reason` (`CONSENT_REVOKED`, `CLIENT_ERASED`):
/// each gets its history step and an audit entry whose details add `cause`.
/// Returns them as cancelled.
pub(super) async fn cancel_all(
    change: &Change<'_>,
    owner: Uuid,
    open: &[referral::Model],
    reason: &str,
    cause: serde_json::Value,
) -> AppResult<Vec<referral::Model>> {
    let at = now();
    let mut cancelled = Vec::with_capacity(open.len());
    for row in open {
        let mut active: referral::ActiveModel = row.clone().into();
        active.status = Set(ReferralStatus::Cancelled);
        active.status_reason = Set(Some(reason.into()));
        active.version = Set(row.version + 1);
        active.updated_at = Set(at);
        cancelled.push(active.update(change.txn()).await?);
        let step = Step {
            referral_id: row.id,
            organization_id: Some(owner),
            from: Some(row.status),
            to: ReferralStatus::Cancelled,
            reason: Some(reason.into()),
            note: None,
        };
        record_step(change.txn(), change.actor(), step).await?;
        let mut details = json!({
            "from": status_name(row.status),
            "to": status_name(ReferralStatus::Cancelled),
            "reason": reason,
        });
        if let (Some(details), Some(cause)) = (details.as_object_mut(), cause.as_object()) {
            details.extend(cause.clone());
        }
        change
            .record(AuditEvent {
                organization_id: Some(owner),
                action: "referral.status_changed",
                record_type: "Referral",
                record_id: Some(row.id),
                details: Some(details),
            })
            .await?;
    }
    Ok(cancelled)
}
