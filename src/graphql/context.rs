//! What a resolver needs from the request context. The HTTP layer always puts
//! these in; a missing one is a bug, reported as `INTERNAL`, never a panic.

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::loaders::Loaders;
use crate::state::AppState;
use async_graphql::Context;

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
