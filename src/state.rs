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
}
