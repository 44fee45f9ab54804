//! The HTTP surface: `/graphql` (GraphiQL, GET and POST queries, WebSocket
//! subscriptions), `/hsds/...` (the public directory as HSDS 3.0),
//! `/calendar/{slug}.ics` and `/ocd/{slug}.json` (a public body's meetings as
//! iCalendar and Open Civic Data), `/healthz`, `/readyz`, `/metrics`, and the
//! layers around them (request id, tracing, CORS, body limit, timeout, metrics).

use crate::auth::Actor;
use crate::config::HttpSettings;
use crate::directory::localize::PreferredLanguages;
use crate::error::AppError;
use crate::graphql::AppSchema;
use crate::loaders::Loaders;
use crate::referrals::service::ReadLog;
use crate::state::AppState;
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, GraphiQLSource};
use async_graphql::{Data, ServerError};
use async_graphql_axum::{GraphQLProtocol, GraphQLRequest, GraphQLResponse, GraphQLWebSocket};
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request, State, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderName, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::time::{Duration, Instant};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What the handlers share.
#[derive(Clone)]
struct Http {
    app: AppState,
    schema: AppSchema,
    timeout: Duration,
}

/// The service's router.
pub fn router(app: AppState, schema: AppSchema, settings: &HttpSettings) -> Router {
    // Installed before the first request, so that no request goes unrecorded.
    crate::metrics::handle();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(settings.cors_origins.clone()))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]);
    let hsds = crate::directory::hsds::http::router(app.clone());
    let calendar = crate::records::calendar::router(app.clone());
    let ocd = crate::records::ocd::router(app.clone());
    let http = Http {
        app,
        schema,
        timeout: settings.request_timeout,
    };
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(http)
        .nest_service("/hsds", hsds)
        .nest_service("/calendar", calendar)
        .nest_service("/ocd", ocd)
        .layer(middleware::from_fn(track))
        .layer(RequestBodyLimitLayer::new(settings.body_limit))
        .layer(cors)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            // Only the path: query strings of GET requests can carry variables.
            let request_id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

async fn graphql_post(
    State(http): State<Http>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    execute(&http, &headers, request.into_inner()).await
}

/// GET serves three things on one path, like most GraphQL servers: the
/// WebSocket endpoint, GraphiQL for browsers, and queries (never mutations).
async fn graphql_get(State(http): State<Http>, request: Request) -> Response {
    let headers = request.headers().clone();
    let is_upgrade = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if is_upgrade {
        return websocket(http, request).await;
    }
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html && request.uri().query().is_none() {
        return Html(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .subscription_endpoint("/graphql")
                .finish(),
        )
        .into_response();
    }
    let parsed =
        match GraphQLRequest::<async_graphql_axum::rejection::GraphQLRejection>::from_request(
            request,
            &(),
        )
        .await
        {
            Ok(parsed) => parsed.into_inner(),
            Err(rejection) => return rejection.into_response(),
        };
    let is_mutation = async_graphql::parser::parse_query(&parsed.query).is_ok_and(|doc| {
        doc.operations
            .iter()
            .any(|(_, op)| op.node.ty != async_graphql::parser::types::OperationType::Query)
    });
    if is_mutation {
        return error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            AppError::bad_input("query", "mutations must be sent with POST"),
        );
    }
    execute(&http, &headers, parsed).await
}

async fn execute(http: &Http, headers: &HeaderMap, request: async_graphql::Request) -> Response {
    let request_id = headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let actor = match http
        .app
        .auth
        .authenticate(&http.app.db, authorization, request_id)
        .await
    {
        Ok(actor) => actor,
        Err(error) => return error_response(StatusCode::UNAUTHORIZED, error),
    };
    let languages = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(PreferredLanguages::from_accept_language)
        .unwrap_or_default();
    let request = request
        .data(actor)
        .data(languages)
        .data(ReadLog::default())
        .data(Loaders::new(&http.app.db));
    match tokio::time::timeout(http.timeout, http.schema.execute(request)).await {
        Ok(response) => GraphQLResponse::from(response).into_response(),
        Err(_) => error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            AppError::ServiceUnavailable(format!(
                "the request took longer than {} seconds and was stopped",
                http.timeout.as_secs()
            )),
        ),
    }
}

async fn websocket(http: Http, request: Request) -> Response {
    let (mut parts, _body) = request.into_parts();
    let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &()).await {
        Ok(protocol) => protocol,
        Err(rejection) => return rejection.into_response(),
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let request_id = parts
        .headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            let app = http.app.clone();
            GraphQLWebSocket::new(stream, http.schema.clone(), protocol)
                .on_connection_init(move |payload| connection_init(app, payload, request_id))
                .serve()
        })
}

/// Authenticates a WebSocket connection from its `connection_init` payload:
/// `{"Authorization": "Bearer <token or key>"}` (or `{"token": "…"}`).
async fn connection_init(
    app: AppState,
    payload: serde_json::Value,
    request_id: Option<String>,
) -> async_graphql::Result<Data> {
    let header = payload
        .get("Authorization")
        .or_else(|| payload.get("authorization"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .or_else(|| {
            payload
                .get("token")
                .and_then(|v| v.as_str())
                .map(|t| format!("Bearer {t}"))
        });
    let actor: Actor = app
        .auth
        .authenticate(&app.db, header.as_deref(), request_id)
        .await
        .map_err(|e| async_graphql::Error::new(e.to_string()))?;
    let mut data = Data::default();
    data.insert(actor);
    data.insert(Loaders::new(&app.db));
    data.insert(ReadLog::default());
    Ok(data)
}

/// A GraphQL-shaped error body for failures outside the executor.
fn error_response(status: StatusCode, error: AppError) -> Response {
    let (message, extensions) = error.client_view();
    let mut server_error = ServerError::new(message, None);
    server_error.extensions = Some(extensions);
    metrics::counter!("graphql_errors_total", "code" => error.code()).increment(1);
    (
        status,
        Json(serde_json::json!({ "errors": [server_error] })),
    )
        .into_response()
}

async fn readyz(State(http): State<Http>) -> Response {
    match http.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

async fn metrics(State(http): State<Http>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::metrics::render(&http.app),
    )
        .into_response()
}

async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "path" => path.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "path" => path)
        .record(started.elapsed().as_secs_f64());
    response
}
