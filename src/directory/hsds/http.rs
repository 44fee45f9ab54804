//! `/hsds/...`: the public directory as HSDS 3.0 JSON, for tools that sync
//! with Open Referral data. Read-only; anonymous; paginated with `page` and
//! `per_page`; lists take `modified_after` (RFC 3339).

use super::export::{self, HsdsPageRequest};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

/// The HSDS routes, to be nested under `/hsds`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/organizations", get(organizations))
        .route("/organizations/{id}", get(organization))
        .route("/services", get(services))
        .route("/services/{id}", get(service))
        .route("/taxonomy_terms", get(taxonomy_terms))
        .with_state(state)
}

type Params = Query<HashMap<String, String>>;

fn number(params: &HashMap<String, String>, name: &str) -> AppResult<Option<u64>> {
    params
        .get(name)
        .map(|v| {
            v.parse()
                .map_err(|_| AppError::bad_input(name, "must be a whole number"))
        })
        .transpose()
}

fn paging(params: &HashMap<String, String>) -> AppResult<HsdsPageRequest> {
    HsdsPageRequest::new(number(params, "page")?, number(params, "per_page")?)
}

fn modified_after(params: &HashMap<String, String>) -> AppResult<Option<DateTime<Utc>>> {
    params
        .get("modified_after")
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|d| d.with_timezone(&Utc))
                .map_err(|_| {
                    AppError::bad_input(
                        "modified_after",
                        "must be an RFC 3339 date-time such as 2026-01-31T00:00:00Z",
                    )
                })
        })
        .transpose()
}

fn id(raw: &str) -> AppResult<Uuid> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

fn respond(result: AppResult<Value>) -> Response {
    match result {
        Ok(body) => Json(body).into_response(),
        Err(error) => {
            let status = match &error {
                AppError::NotFound => StatusCode::NOT_FOUND,
                AppError::BadInput { .. } => StatusCode::BAD_REQUEST,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            let (message, extensions) = error.client_view();
            (
                status,
                Json(json!({ "error": { "message": message, "details": extensions } })),
            )
                .into_response()
        }
    }
}

fn zone(state: &AppState) -> &'static str {
    state.time_zone.name()
}

async fn organizations(State(state): State<AppState>, Query(params): Params) -> Response {
    let result = async {
        export::organizations(&state.db, paging(&params)?, modified_after(&params)?).await
    };
    respond(result.await)
}

async fn organization(State(state): State<AppState>, Path(raw): Path<String>) -> Response {
    respond(async { export::organization(&state.db, id(&raw)?, zone(&state)).await }.await)
}

async fn services(State(state): State<AppState>, Query(params): Params) -> Response {
    let result = async {
        export::services(
            &state.db,
            paging(&params)?,
            modified_after(&params)?,
            zone(&state),
        )
        .await
    };
    respond(result.await)
}

async fn service(State(state): State<AppState>, Path(raw): Path<String>) -> Response {
    respond(async { export::service(&state.db, id(&raw)?, zone(&state)).await }.await)
}

async fn taxonomy_terms(State(state): State<AppState>, Query(params): Params) -> Response {
    respond(async { export::taxonomy_terms(&state.db, paging(&params)?).await }.await)
}
