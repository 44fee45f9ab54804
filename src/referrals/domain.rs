//! The lifecycle's vocabulary: the open statuses, the reasons a referral is
//! declined, cancelled or closed, the steps ([`Action`]) and the status each
//! step leads to ([`next_status`]).

use crate::error::{AppError, AppResult};
use crate::policy::ReferralSide;
use chrono::{DateTime, Utc};
use entity::enums::ReferralStatus;
use entity::referral;
use sea_orm::ActiveEnum;
use serde::Serialize;

/// Statuses in which a referral is still open.
pub const OPEN: [ReferralStatus; 4] = [
    ReferralStatus::Sent,
    ReferralStatus::Accepted,
    ReferralStatus::InProgress,
    ReferralStatus::OnHold,
];

/// Why a receiving organization declines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DeclineReason {
    NotEligible,
    NoCapacity,
    ServiceNotOffered,
    ClientUnreachable,
    Duplicate,
    Other,
}

/// How a referral ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    ServiceProvided,
    PartiallyProvided,
    ClientUnreachable,
    ClientDeclined,
    NotEligible,
    Other,
}

/// Why the referring organization cancels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CancelReason {
    ClientWithdrew,
    NoLongerNeeded,
    SentInError,
    Other,
}

/// The stored code of consent revocation as a cancellation reason.
pub const CONSENT_REVOKED: &str = "CONSENT_REVOKED";

/// The stored code of a client's erasure as a cancellation reason.
pub const CLIENT_ERASED: &str = "CLIENT_ERASED";

// The stored codes (history, audit details, `statusReason`) are spelled out
// rather than derived from the variant names, so renaming a variant cannot
// change what is stored.
impl DeclineReason {
    /// The stored code, e.g. `NO_CAPACITY`.
    pub fn code(self) -> &'static str {
        match self {
            DeclineReason::NotEligible => "NOT_ELIGIBLE",
            DeclineReason::NoCapacity => "NO_CAPACITY",
            DeclineReason::ServiceNotOffered => "SERVICE_NOT_OFFERED",
            DeclineReason::ClientUnreachable => "CLIENT_UNREACHABLE",
            DeclineReason::Duplicate => "DUPLICATE",
            DeclineReason::Other => "OTHER",
        }
    }
}

impl Outcome {
    /// The stored code, e.g. `SERVICE_PROVIDED`.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::ServiceProvided => "SERVICE_PROVIDED",
            Outcome::PartiallyProvided => "PARTIALLY_PROVIDED",
            Outcome::ClientUnreachable => "CLIENT_UNREACHABLE",
            Outcome::ClientDeclined => "CLIENT_DECLINED",
            Outcome::NotEligible => "NOT_ELIGIBLE",
            Outcome::Other => "OTHER",
        }
    }
}

impl CancelReason {
    /// The stored code, e.g. `CLIENT_WITHDREW`.
    pub fn code(self) -> &'static str {
        match self {
            CancelReason::ClientWithdrew => "CLIENT_WITHDREW",
            CancelReason::NoLongerNeeded => "NO_LONGER_NEEDED",
            CancelReason::SentInError => "SENT_IN_ERROR",
            CancelReason::Other => "OTHER",
        }
    }
}

/// A step of the lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Action {
    /// `SENT` → `ACCEPTED` (receiver).
    Accept,
    /// `SENT` → `DECLINED` (receiver).
    Decline(DeclineReason),
    /// `ACCEPTED` → `IN_PROGRESS` (receiver).
    Start,
    /// `ACCEPTED`/`IN_PROGRESS` → `ON_HOLD` (receiver).
    Hold,
    /// `ON_HOLD` → the status before the hold (receiver).
    Resume,
    /// `IN_PROGRESS` → `COMPLETED` (receiver).
    Complete(Outcome),
    /// Any open status → `CANCELLED` (sender).
    Cancel(CancelReason),
}

impl Action {
    pub(super) fn name(&self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Decline(_) => "decline",
            Action::Start => "start",
            Action::Hold => "hold",
            Action::Resume => "resume",
            Action::Complete(_) => "complete",
            Action::Cancel(_) => "cancel",
        }
    }

    pub(super) fn side(&self) -> ReferralSide {
        match self {
            Action::Cancel(_) => ReferralSide::Sender,
            _ => ReferralSide::Receiver,
        }
    }

    pub(super) fn reason(&self) -> Option<String> {
        match self {
            Action::Decline(r) => Some(r.code().to_owned()),
            Action::Complete(o) => Some(o.code().to_owned()),
            Action::Cancel(c) => Some(c.code().to_owned()),
            _ => None,
        }
    }
}

/// The status a referral is in now: a `SENT` referral past its response
/// window is `EXPIRED` even before the sweep writes it down.
pub fn effective_status(row: &referral::Model, at: DateTime<Utc>) -> ReferralStatus {
    if row.status == ReferralStatus::Sent && at > row.respond_by {
        ReferralStatus::Expired
    } else {
        row.status
    }
}

/// A status as messages and audit details name it, e.g. `IN_PROGRESS`.
pub(super) fn status_name(status: ReferralStatus) -> String {
    status.to_value().to_uppercase()
}

/// The status `action` leads to from `current`, or the `CONFLICT` naming the current status.
pub fn next_status(
    current: ReferralStatus,
    action: Action,
    before_hold: Option<ReferralStatus>,
) -> AppResult<ReferralStatus> {
    use ReferralStatus::*;
    let next = match (action, current) {
        (Action::Accept, Sent) => Some(Accepted),
        (Action::Decline(_), Sent) => Some(Declined),
        (Action::Start, Accepted) => Some(InProgress),
        (Action::Hold, Accepted | InProgress) => Some(OnHold),
        (Action::Resume, OnHold) => Some(before_hold.unwrap_or(Accepted)),
        (Action::Complete(_), InProgress) => Some(Completed),
        (Action::Cancel(_), Sent | Accepted | InProgress | OnHold) => Some(Cancelled),
        _ => None,
    };
    next.ok_or_else(|| {
        AppError::Conflict(format!(
            "cannot {} a referral that is {}",
            action.name(),
            status_name(current)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_stored_as_screaming_snake_case() {
        assert_eq!(DeclineReason::NoCapacity.code(), "NO_CAPACITY");
        assert_eq!(Outcome::ServiceProvided.code(), "SERVICE_PROVIDED");
        assert_eq!(CancelReason::SentInError.code(), "SENT_IN_ERROR");
        assert_eq!(status_name(ReferralStatus::InProgress), "IN_PROGRESS");
    }

    #[test]
    fn only_the_lifecycle_s_arrows_are_allowed() {
        use ReferralStatus::*;
        let all = [
            Sent, Accepted, Declined, InProgress, OnHold, Completed, Cancelled, Expired,
        ];
        let actions = [
            Action::Accept,
            Action::Decline(DeclineReason::Other),
            Action::Start,
            Action::Hold,
            Action::Resume,
            Action::Complete(Outcome::Other),
            Action::Cancel(CancelReason::Other),
        ];
        let mut allowed = Vec::new();
        for from in all {
            for action in actions {
                if let Ok(to) = next_status(from, action, Some(InProgress)) {
                    allowed.push((from, action.name(), to));
                }
            }
        }
        assert_eq!(
            allowed,
            vec![
                (Sent, "accept", Accepted),
                (Sent, "decline", Declined),
                (Sent, "cancel", Cancelled),
                (Accepted, "start", InProgress),
                (Accepted, "hold", OnHold),
                (Accepted, "cancel", Cancelled),
                (InProgress, "hold", OnHold),
                (InProgress, "complete", Completed),
                (InProgress, "cancel", Cancelled),
                (OnHold, "resume", InProgress),
                (OnHold, "cancel", Cancelled),
            ]
        );
        let err = next_status(Completed, Action::Accept, None).unwrap_err();
        assert!(
            err.to_string().contains("COMPLETED"),
            "the conflict names the current state: {err}"
        );
    }
}
