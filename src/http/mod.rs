//! The HTTP surface: `/graphql` (GraphiQL, GET and POST queries, WebSocket
//! subscriptions), `/hsds/...` (the public directory as HSDS 3.0),
//! `/calendar/{slug}.ics` and `/ocd/{slug}.json` (a public body's meetings as
//! iCalendar and Open Civic Data), `/minutes/{id}.txt` (published minutes),
//! `/healthz`, `/readyz`, `/metrics`, and the
//! layers around them (request id, tracing, CORS, body limit, timeout, metrics,
//! GraphQL-shaped error bodies).

/// GraphQL-shaped bodies for every error answered outside the executor.
pub mod errors;
/// GraphiQL's page and its embedded assets.
pub mod graphiql;
/// Media types: `Accept`, `Content-Type`, and a GraphQL response as HTTP.
pub mod media;
/// Reading GraphQL requests (POST bodies, batches, GET) and a batch's budget.
pub mod request;
/// WebSocket subscriptions, whose credential is checked again on every event.
pub mod websocket;

use crate::audit::reads::ReadLog;
use crate::auth::throttle::ClientAddress;
use crate::conditional;
use crate::config::HttpSettings;
use crate::directory::localize::PreferredLanguages;
use crate::error::AppError;
use crate::graphql::AppSchema;
use crate::graphql::context::Loaders;
use crate::graphql::operations::{Operation, OperationNote};
use crate::state::AppState;
use axum::Router;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use errors::{error_response, error_response_with};
use media::Media;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Instrument;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What the handlers share.
#[derive(Clone)]
struct Http {
    app: AppState,
    schema: AppSchema,
    timeout: Duration,
    graphiql: bool,
    trust_forwarded_for: bool,
    batch: request::BatchLimits,
}

/// The service's router. `max_mutations` is the schema's budget of mutation
/// fields per request, which the operations of a batch share.
pub fn router(
    app: AppState,
    schema: AppSchema,
    settings: &HttpSettings,
    max_mutations: usize,
) -> Router {
    // Installed before the first request, so that no request goes unrecorded.
    crate::metrics::handle();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(settings.cors_origins.clone()))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]);
    let hsds = crate::directory::hsds::http::router(app.clone());
    let calendar = crate::records::calendar::router(app.clone());
    let ocd = crate::records::ocd::router(app.clone());
    let minutes = crate::records::minutes_text::router(app.clone());
    let http = Http {
        app,
        schema,
        timeout: settings.request_timeout,
        graphiql: settings.graphiql,
        trust_forwarded_for: settings.trust_forwarded_for,
        batch: request::BatchLimits {
            max_operations: settings.max_batch,
            max_mutations,
        },
    };
    let graphiql = if settings.graphiql {
        graphiql::router()
    } else {
        Router::new()
    };
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .merge(graphiql)
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(http)
        // `nest`, not `nest_service`: the routes keep their full template
        // (`/ocd/{file}`) as the `MatchedPath` that metrics label them by.
        .merge(hsds.layer(middleware::from_fn(conditional::layer)))
        .nest(
            "/calendar",
            calendar.layer(middleware::from_fn(conditional::layer)),
        )
        .nest("/ocd", ocd.layer(middleware::from_fn(conditional::layer)))
        .nest(
            "/minutes",
            minutes.layer(middleware::from_fn(conditional::layer)),
        )
        .layer(middleware::from_fn(track))
        .layer(RequestBodyLimitLayer::new(settings.body_limit))
        .layer(middleware::from_fn(errors::json_errors))
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

/// Who is calling, read once from the request's head.
struct Caller {
    /// The one `Authorization` value, if any.
    authorization: Option<String>,
    request_id: Option<String>,
    address: ClientAddress,
    languages: PreferredLanguages,
    /// Where the operations run are noted for the request's log line.
    operations: RanOperations,
}

impl Caller {
    /// Reads the caller from the head of a request. Several `Authorization`
    /// headers are refused (a proxy and a client could each add one and
    /// disagree on which counts); one that is not visible ASCII is not a
    /// credential.
    fn of(http: &Http, request: &Request) -> Result<Caller, AppError> {
        let headers = request.headers();
        let mut values = headers.get_all(header::AUTHORIZATION).iter();
        let first = values.next();
        if values.next().is_some() {
            return Err(AppError::bad_input(
                "Authorization",
                "send one Authorization header, not several",
            ));
        }
        let authorization = first
            .map(|v| v.to_str().map(str::to_owned))
            .transpose()
            .map_err(|_| AppError::Unauthenticated)?;
        let forwarded = http
            .trust_forwarded_for
            .then(|| last_forwarded_for(headers))
            .flatten();
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        Ok(Caller {
            authorization,
            request_id: headers
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            address: ClientAddress(forwarded.or(peer)),
            languages: headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(PreferredLanguages::from_accept_language)
                .unwrap_or_default(),
            operations: request
                .extensions()
                .get::<RanOperations>()
                .cloned()
                .unwrap_or_default(),
        })
    }
}

/// The address the nearest proxy saw: the last `X-Forwarded-For` entry.
fn last_forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|entry| entry.trim().parse().ok())
}

/// POST takes one JSON GraphQL request, or a batch of them (a JSON array, up
/// to `GRAPHQL_MAX_BATCH`), with `Content-Type: application/json`.
async fn graphql_post(State(http): State<Http>, request: Request) -> Response {
    let Some(media) = Media::negotiate(request.headers()) else {
        return media::not_acceptable();
    };
    media.finish(graphql_post_in(&http, media, request).await)
}

async fn graphql_post_in(http: &Http, media: Media, request: Request) -> Response {
    if !media::is_json_body(request.headers()) {
        return media::unsupported_media_type();
    }
    let caller = match Caller::of(http, &request) {
        Ok(caller) => caller,
        Err(error) => return error_response(error),
    };
    // The body limit layer bounds what is read here.
    let body = match axum::body::to_bytes(request.into_body(), usize::MAX).await {
        Ok(body) => body,
        Err(error) => return errors::body_unread(error),
    };
    match request::from_body(&body) {
        Ok(request::Body::Single(one)) => match execute(http, caller, vec![*one]).await {
            Ok(mut responses) => media.single(responses.remove(0)),
            Err(refused) => refused,
        },
        Ok(request::Body::Batch(many)) => {
            if let Err(error) = request::check_batch(&many, http.batch) {
                return error_response(error);
            }
            match execute(http, caller, many).await {
                Ok(responses) => media.batch(responses),
                Err(refused) => refused,
            }
        }
        Err(error) => error_response(error),
    }
}

/// GET serves three things on one path, like most GraphQL servers: the
/// WebSocket endpoint, GraphiQL for browsers, and queries (never mutations).
async fn graphql_get(State(http): State<Http>, request: Request) -> Response {
    let headers = request.headers();
    let is_upgrade = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if is_upgrade {
        return websocket::upgrade(http.app.clone(), http.schema.clone(), request).await;
    }
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if http.graphiql && wants_html && request.uri().query().is_none() {
        return graphiql::page();
    }
    let Some(media) = Media::negotiate(request.headers()) else {
        return media::not_acceptable();
    };
    media.finish(graphql_get_in(&http, media, request).await)
}

async fn graphql_get_in(http: &Http, media: Media, request: Request) -> Response {
    let caller = match Caller::of(http, &request) {
        Ok(caller) => caller,
        Err(error) => return error_response(error),
    };
    let parsed = match request::from_query_string(request.uri().query()) {
        Ok(parsed) => parsed,
        Err(error) => return error_response(error),
    };
    if request::asks_more_than_a_query(&parsed) {
        let mut refused = error_response_with(
            StatusCode::METHOD_NOT_ALLOWED,
            AppError::bad_input("query", "mutations must be sent with POST"),
        );
        refused
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return refused;
    }
    match execute(http, caller, vec![parsed]).await {
        Ok(mut responses) => media.single(responses.remove(0)),
        Err(refused) => refused,
    }
}

/// Authenticates the caller once, then runs the requests one after another
/// on a task of their own under the request timeout (a batch shares it): the
/// timer fires even while the execution keeps a worker busy, and the task is
/// aborted when the time is up or the client goes away (dropping this future
/// drops the handle, which aborts it). Each request gets its own loaders and
/// read log.
async fn execute(
    http: &Http,
    caller: Caller,
    requests: Vec<async_graphql::Request>,
) -> Result<Vec<async_graphql::Response>, Response> {
    let actor = http
        .app
        .auth
        .authenticate(
            &http.app.db,
            caller.authorization.as_deref(),
            caller.request_id,
        )
        .await
        .map_err(error_response)?;
    let db = http.app.db.clone();
    let notes: Vec<OperationNote> = requests.iter().map(|_| OperationNote::default()).collect();
    let requests: Vec<_> = requests
        .into_iter()
        .zip(notes.iter().cloned())
        .map(|(request, note)| {
            request
                .data(note)
                .data(actor.clone())
                .data(caller.languages.clone())
                .data(caller.address)
                .data(ReadLog::default())
                .data(Loaders::new(&db))
        })
        .collect();
    let schema = http.schema.clone();
    let ran = caller.operations;
    let task = tokio_util::task::AbortOnDropHandle::new(tokio::spawn(
        async move {
            let mut responses = Vec::with_capacity(requests.len());
            for (request, note) in requests.into_iter().zip(notes) {
                let started = Instant::now();
                responses.push(schema.execute(request).await);
                let operation = note.get();
                crate::metrics::record_operation(
                    operation.name.as_deref(),
                    operation.kind,
                    started.elapsed().as_secs_f64(),
                );
                ran.push(operation);
            }
            responses
        }
        .instrument(tracing::Span::current()),
    ));
    match tokio::time::timeout(http.timeout, task).await {
        Ok(Ok(responses)) => Ok(responses),
        Ok(Err(failure)) => Err(error_response(AppError::Internal(format!(
            "the execution of a request failed: {failure}"
        )))),
        Err(_) => Err(error_response(AppError::ServiceUnavailable(format!(
            "the request took longer than {} seconds and was stopped",
            http.timeout.as_secs()
        )))),
    }
}

/// How long `/readyz` waits for the database before it answers "not ready".
const READY_WAIT: Duration = Duration::from_millis(900);

async fn readyz(State(http): State<Http>) -> Response {
    match tokio::time::timeout(READY_WAIT, http.app.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "database unreachable");
            error_response(AppError::ServiceUnavailable("database unreachable".into()))
        }
        Err(_) => {
            tracing::warn!("database did not answer a ping in time");
            error_response(AppError::ServiceUnavailable(
                "database did not answer in time".into(),
            ))
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

/// The GraphQL operations a request ran, noted by [`execute`] for the
/// request's log line.
#[derive(Clone, Default)]
struct RanOperations(Arc<Mutex<Vec<Operation>>>);

impl RanOperations {
    fn push(&self, operation: Operation) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(operation);
    }

    /// The names and the types, comma-separated in the batch's order (empty
    /// for no GraphQL request); a name unfit for a log is `other`.
    fn summary(&self) -> (String, String) {
        let ran = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let names = ran
            .iter()
            .map(|op| match op.name.as_deref() {
                None => "anonymous",
                Some(name) => crate::metrics::safe_operation_name(name).unwrap_or("other"),
            })
            .collect::<Vec<_>>()
            .join(",");
        let kinds = ran
            .iter()
            .map(|op| op.kind.unwrap_or("unknown"))
            .collect::<Vec<_>>()
            .join(",");
        (names, kinds)
    }
}

/// Counts each request by route template and logs one line for it at `info`:
/// method, path (never the query string, which can carry variables), status,
/// duration, the GraphQL operations' names and types, and the request id.
/// Never a header, a variable or the query text.
async fn track(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let path = request.uri().path().to_owned();
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let ran = RanOperations::default();
    request.extensions_mut().insert(ran.clone());
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    metrics::counter!("http_requests_total", "method" => method.clone(), "path" => route.clone(), "status" => status.to_string())
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method.clone(), "path" => route)
        .record(elapsed.as_secs_f64());
    let (operation_name, operation_type) = ran.summary();
    tracing::info!(
        method,
        path,
        status,
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        operation_name,
        operation_type,
        request_id,
        "request"
    );
    response
}
