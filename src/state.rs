//! What every request handler shares: the database, the authenticator and the
//! statement counter.

use crate::auth::Authenticator;
use crate::db::StatementCounter;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Shared, cheaply cloned application state.
#[derive(Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Resolves credentials into actors; issues tokens.
    pub auth: Arc<Authenticator>,
    /// SQL statements executed so far.
    pub statements: StatementCounter,
    /// The coalition's time zone, in which opening hours are kept.
    pub time_zone: chrono_tz::Tz,
    /// Changes of referrals, for subscribers.
    pub referral_feed: crate::referrals::feed::ReferralFeed,
    /// How long personal data is kept and how long a consent may last.
    pub privacy: crate::privacy::Privacy,
    /// The public URL and OCD jurisdiction that the public feeds name.
    pub publication: crate::publication::Publication,
}

/// Time zone of opening hours unless `COALITION_TIME_ZONE` says otherwise.
pub const DEFAULT_TIME_ZONE: chrono_tz::Tz = chrono_tz::America::New_York;
