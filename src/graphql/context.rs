//! What a resolver needs from the request context, and the loaders each
//! request gets. The HTTP layer always puts
//! these in; a missing one is a bug, reported as `INTERNAL`, never a panic.

use crate::accounts::loaders::AccountLoaders;
use crate::auth::Actor;
use crate::directory::loaders::DirectoryLoaders;
use crate::directory::people::loaders::PeopleLoaders;
use crate::error::{AppError, AppResult};
use crate::records::loaders::RecordsLoaders;
use crate::referrals::loaders::ReferralLoaders;
use crate::state::AppState;
use async_graphql::Context;
use sea_orm::DatabaseConnection;

/// The loaders of one request (or one WebSocket connection): each domain's own.
pub struct Loaders {
    /// Organizations and users.
    pub accounts: AccountLoaders,
    /// Services, profiles, taxonomy terms.
    pub directory: DirectoryLoaders,
    /// People and bodies of the directory, and their lists.
    pub people: PeopleLoaders,
    /// Clients, consents, referral history and notes.
    pub referrals: ReferralLoaders,
    /// Meetings and what was recorded at them.
    pub records: RecordsLoaders,
}

impl Loaders {
    /// Fresh loaders over `db`.
    pub fn new(db: &DatabaseConnection) -> Self {
        Loaders {
            accounts: AccountLoaders::new(db),
            directory: DirectoryLoaders::new(db),
            people: PeopleLoaders::new(db),
            referrals: ReferralLoaders::new(db),
            records: RecordsLoaders::new(db),
        }
    }
}

/// The shared state.
pub fn state<'a>(ctx: &Context<'a>) -> AppResult<&'a AppState> {
    ctx.data::<AppState>()
        .map_err(|_| AppError::Internal("schema built without state".into()))
}

/// The request's actor.
pub fn actor<'a>(ctx: &Context<'a>) -> AppResult<&'a Actor> {
    ctx.data::<Actor>()
        .map_err(|_| AppError::Internal("request without an actor".into()))
}

/// The request's loaders.
pub fn loaders<'a>(ctx: &Context<'a>) -> AppResult<&'a Loaders> {
    ctx.data::<Loaders>()
        .map_err(|_| AppError::Internal("request without loaders".into()))
}
