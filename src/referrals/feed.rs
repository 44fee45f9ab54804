//! The in-process feed of referral changes behind the `referralChanges`
//! subscription. Publishing never blocks; a subscriber that falls behind
//! skips what it missed (it can catch up with `referrals(filter: {updatedSince})`).
//! One process serves one feed: several instances behind a load balancer
//! would need a shared bus.

use tokio::sync::broadcast;
use uuid::Uuid;

/// How many changes a slow subscriber may lag behind before skipping.
const CAPACITY: usize = 1024;

/// What happened to a referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// It was sent.
    Sent,
    /// Its status changed.
    StatusChanged,
}

/// One change, with the two organizations that may hear of it.
#[derive(Clone, Copy, Debug)]
pub struct ReferralChange {
    /// The referral.
    pub referral_id: Uuid,
    /// The referring organization.
    pub referring_organization_id: Uuid,
    /// The receiving organization.
    pub receiving_organization_id: Uuid,
    /// What happened.
    pub kind: ChangeKind,
}

impl ReferralChange {
    /// The change `kind` of `row`.
    pub fn of(row: &entity::referral::Model, kind: ChangeKind) -> Self {
        ReferralChange {
            referral_id: row.id,
            referring_organization_id: row.referring_organization_id,
            receiving_organization_id: row.receiving_organization_id,
            kind,
        }
    }
}

/// The feed (cheap to clone).
#[derive(Clone)]
pub struct ReferralFeed(broadcast::Sender<ReferralChange>);

impl Default for ReferralFeed {
    fn default() -> Self {
        ReferralFeed(broadcast::channel(CAPACITY).0)
    }
}

impl ReferralFeed {
    /// Tells current subscribers; nobody listening is fine.
    pub fn publish(&self, change: ReferralChange) {
        let _ = self.0.send(change);
    }

    /// A receiver of every change from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<ReferralChange> {
        self.0.subscribe()
    }
}
