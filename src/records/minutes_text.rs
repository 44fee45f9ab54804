//! `GET /minutes/{id}.txt`: the text of published minutes (their last
//! revision), the address the Open Civic Data export links each minutes
//! document to. Read without credentials, as the public reads them: drafts
//! and approved minutes not yet published are not found, like minutes of a
//! body whose records are not public.

use super::calendar::{failure, public_reader};
use super::minutes;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// The path of the minutes' text under the public URL.
pub fn path(minutes_id: Uuid) -> String {
    format!("/minutes/{minutes_id}.txt")
}

/// The text of the minutes as `actor` may read it: the last revision.
#[tracing::instrument(skip_all, fields(minutes_id = %minutes_id))]
pub async fn text(db: &impl ConnectionTrait, actor: &Actor, minutes_id: Uuid) -> AppResult<String> {
    minutes::minutes(db, actor, minutes_id).await?;
    minutes::revisions_of(db, minutes_id)
        .await?
        .pop()
        .map(|last| last.text)
        .ok_or(AppError::NotFound)
}

/// The route, to be nested under `/minutes`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/{file}", get(document))
        .with_state(state)
}

async fn document(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(id) = file
        .strip_suffix(".txt")
        .and_then(|id| Uuid::parse_str(id).ok())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match text(&state.db, &public_reader(&headers), id).await {
        Ok(text) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response(),
        Err(error) => failure(error),
    }
}
