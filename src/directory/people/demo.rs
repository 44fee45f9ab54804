//! The demo bodies and people.

use crate::error::AppResult;
use sea_orm::DatabaseConnection;

/// Loads the demo bodies and people unless they are already there.
pub async fn seed(_db: &DatabaseConnection) -> AppResult<()> {
    Ok(())
}
