//! `/hsds/...`: the public directory as HSDS 3.0 JSON, for tools that sync
//! with Open Referral data. Read-only; anonymous; the endpoints and query
//! parameters of the HSDS 3.0 OpenAPI (lists paginated with `page` and
//! `per_page`), any other parameter refused rather than ignored, so that a
//! misspelt filter does not silently answer everything.

use super::query::{Endpoint, HsdsQuery};
use super::{export, locations, taxonomy};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

/// The HSDS version this API speaks.
pub const HSDS_VERSION: &str = "3.0";
/// Where the HSDS 3.0 OpenAPI this API follows is published.
pub const OPENAPI_URL: &str =
    "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json";
/// The profile: HSDS 3.0 itself, no extension of it.
pub const PROFILE_URL: &str = "https://docs.openreferral.org/en/3.0/";

/// The HSDS routes, under `/hsds`. Written out in full rather than nested, so
/// that the API root answers both `/hsds` and `/hsds/` (a nested `/` matches
/// only the former).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/hsds", get(root))
        .route("/hsds/", get(root))
        .route("/hsds/organizations", get(organizations))
        .route("/hsds/organizations/{id}", get(organization))
        .route("/hsds/services", get(services))
        .route("/hsds/services/{id}", get(service))
        .route("/hsds/service_at_locations", get(service_at_locations))
        .route("/hsds/service_at_locations/{id}", get(service_at_location))
        .route("/hsds/taxonomies", get(taxonomies))
        .route("/hsds/taxonomies/{id}", get(taxonomy_by_id))
        .route("/hsds/taxonomy_terms", get(taxonomy_terms))
        .route("/hsds/taxonomy_terms/{id}", get(taxonomy_term))
        .with_state(state)
}

type Params = Query<HashMap<String, String>>;

/// A path id that cannot be a UUID names nothing there is.
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

async fn root(Query(params): Params) -> Response {
    respond(HsdsQuery::parse(Endpoint::Plain, &params).map(|_| {
        json!({
            "version": HSDS_VERSION,
            "profile": PROFILE_URL,
            "openapi_url": OPENAPI_URL,
        })
    }))
}

async fn organizations(State(state): State<AppState>, Query(params): Params) -> Response {
    let result = async {
        let query = HsdsQuery::parse(Endpoint::Organizations, &params)?;
        export::organizations(&state.db, &query, zone(&state)).await
    };
    respond(result.await)
}

async fn organization(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(params): Params,
) -> Response {
    let result = async {
        let query = HsdsQuery::parse(Endpoint::Organization, &params)?;
        export::organization(&state.db, id(&raw)?, query.full_service, zone(&state)).await
    };
    respond(result.await)
}

async fn services(State(state): State<AppState>, Query(params): Params) -> Response {
    let result = async {
        let query = HsdsQuery::parse(Endpoint::Services, &params)?;
        export::services(&state.db, &query, zone(&state)).await
    };
    respond(result.await)
}

async fn service(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(params): Params,
) -> Response {
    let result = async {
        HsdsQuery::parse(Endpoint::Plain, &params)?;
        export::service(&state.db, id(&raw)?, zone(&state)).await
    };
    respond(result.await)
}

async fn service_at_locations(State(state): State<AppState>, Query(params): Params) -> Response {
    let result = async {
        let query = HsdsQuery::parse(Endpoint::ServiceAtLocations, &params)?;
        locations::service_at_locations(&state.db, &query, zone(&state)).await
    };
    respond(result.await)
}

async fn service_at_location(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(params): Params,
) -> Response {
    let result = async {
        HsdsQuery::parse(Endpoint::Plain, &params)?;
        locations::service_at_location(&state.db, id(&raw)?, zone(&state)).await
    };
    respond(result.await)
}

async fn taxonomies(Query(params): Params) -> Response {
    respond(HsdsQuery::parse(Endpoint::Taxonomies, &params).map(|q| taxonomy::taxonomies(&q)))
}

async fn taxonomy_by_id(Path(raw): Path<String>, Query(params): Params) -> Response {
    respond(
        HsdsQuery::parse(Endpoint::Plain, &params)
            .and_then(|_| id(&raw))
            .and_then(taxonomy::taxonomy),
    )
}

async fn taxonomy_terms(State(state): State<AppState>, Query(params): Params) -> Response {
    let result = async {
        let query = HsdsQuery::parse(Endpoint::TaxonomyTerms, &params)?;
        taxonomy::taxonomy_terms(&state.db, &query).await
    };
    respond(result.await)
}

async fn taxonomy_term(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(params): Params,
) -> Response {
    let result = async {
        HsdsQuery::parse(Endpoint::Plain, &params)?;
        taxonomy::taxonomy_term(&state.db, id(&raw)?).await
    };
    respond(result.await)
}
