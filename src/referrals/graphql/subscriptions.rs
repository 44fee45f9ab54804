//! Subscriptions of the referral network: the changes to the referrals of
//! the subscriber's organizations, each read again as the subscriber.

use super::types::Referral;
use crate::auth::session::{Session, SessionEnd};
use crate::graphql::context::{actor, state};
use crate::policy;
use crate::referrals::feed::ChangeKind;
use crate::referrals::listing;
use async_graphql::{Context, Object, Result, Subscription};
use futures_util::Stream;

/// What happened to a referral, for subscribers.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferralChangeKind {
    /// A new referral was sent.
    Sent,
    /// A referral's status changed.
    StatusChanged,
}

/// A change to a referral the subscriber may see, with the referral as the
/// subscriber sees it now.
pub struct ReferralUpdate {
    kind: ReferralChangeKind,
    referral: Referral,
}

/// A change to a referral the subscriber may see, with the referral as the
/// subscriber sees it now.
#[Object]
impl ReferralUpdate {
    /// What happened.
    async fn kind(&self) -> ReferralChangeKind {
        self.kind
    }
    /// The referral, read for the subscriber (the privacy rules apply).
    async fn referral(&self) -> &Referral {
        &self.referral
    }
}

/// Subscriptions of the referral network.
#[derive(Default)]
pub struct ReferralsSubscription;

#[Subscription]
impl ReferralsSubscription {
    /// Every new referral and every status change of the referrals of the
    /// subscriber's organizations (over `graphql-transport-ws`, authenticated in
    /// `connection_init`). Nothing is delivered about a referral the subscriber
    /// may not read.
    async fn referral_changes(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = ReferralUpdate>> {
        let state = state(ctx)?.clone();
        let actor = actor(ctx)?.clone();
        let session = ctx.data_opt::<Session>().cloned();
        policy::authorize(
            &actor,
            policy::may_follow_referrals(&actor),
            "follow referrals",
        )?;
        let receiver = state.referral_feed.subscribe();
        Ok(futures_util::stream::unfold(
            (receiver, state, actor, session),
            |(mut receiver, state, mut actor, session)| async move {
                loop {
                    let change = match receiver.recv().await {
                        Ok(change) => change,
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    };
                    if !policy::may_see_referral(
                        &actor,
                        change.referring_organization_id,
                        change.receiving_organization_id,
                    ) {
                        continue;
                    }
                    // The credential may have ended since the socket opened
                    // (key revoked, member removed, token expired): check it
                    // again before reading anything for it.
                    if let Some(session) = &session {
                        match session.actor(&state.auth, &state.db).await {
                            Some(current) if policy::may_follow_referrals(&current) => {
                                actor = current
                            }
                            Some(_) => {
                                session.end(SessionEnd::Refused);
                                return None;
                            }
                            None => return None,
                        }
                    }
                    // Read again as the subscriber: the policy decides what it sees.
                    let Ok(row) = listing::referral(&state.db, &actor, change.referral_id).await
                    else {
                        continue;
                    };
                    let kind = match change.kind {
                        ChangeKind::Sent => ReferralChangeKind::Sent,
                        ChangeKind::StatusChanged => ReferralChangeKind::StatusChanged,
                    };
                    return Some((
                        ReferralUpdate {
                            kind,
                            referral: Referral(row),
                        },
                        (receiver, state, actor, session),
                    ));
                }
            },
        ))
    }
}
