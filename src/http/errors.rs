//! Errors answered outside the GraphQL executor. Every one is a GraphQL-shaped
//! JSON body (`{"errors": [{"message", "extensions": {"code"}}]}`) with the
//! HTTP status its code calls for, so a client reads one shape whatever layer
//! refused it: an unreadable body, a refused credential, an unknown path, a
//! body too large, an outage.

use crate::error::AppError;
use async_graphql::ServerError;
use axum::Json;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The HTTP status that goes with an error's code.
pub fn status_of(error: &AppError) -> StatusCode {
    match error.code() {
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "BAD_USER_INPUT" => StatusCode::BAD_REQUEST,
        "CONFLICT" => StatusCode::CONFLICT,
        "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
        "SERVICE_UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Seconds a client should wait before trying again, for the codes that ask
/// for a retry.
pub fn retry_after(error: &AppError) -> Option<u64> {
    match error {
        AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
        _ if error.code() == "SERVICE_UNAVAILABLE" => Some(1),
        _ => None,
    }
}

/// The error with the status its code calls for.
pub fn error_response(error: AppError) -> Response {
    error_response_with(status_of(&error), error)
}

/// The error with an explicit status (e.g. 405 for a mutation sent with GET).
pub fn error_response_with(status: StatusCode, error: AppError) -> Response {
    let (message, extensions) = error.client_view();
    let mut server_error = ServerError::new(message, None);
    server_error.extensions = Some(extensions);
    metrics::counter!("graphql_errors_total", "code" => error.code()).increment(1);
    let mut response = (
        status,
        Json(serde_json::json!({ "errors": [server_error] })),
    )
        .into_response();
    if let Some(seconds) = retry_after(&error) {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The answer to a body that could not be read: too large (a body without
/// `Content-Length` is cut off while it is read), or broken off.
pub fn body_unread(error: axum::Error) -> Response {
    let inner = error.into_inner();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(inner.as_ref());
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return payload_too_large();
        }
        source = e.source();
    }
    error_response(AppError::bad_input(
        "body",
        format!("the request body could not be read: {inner}"),
    ))
}

pub fn payload_too_large() -> Response {
    error_response_with(
        StatusCode::PAYLOAD_TOO_LARGE,
        AppError::bad_input(
            "body",
            "the request body is larger than the service accepts",
        ),
    )
}

/// Gives every error response that is not JSON yet (an unknown path, a method
/// a route does not take, a body over the limit, a feed that does not exist)
/// the GraphQL-shaped body of its status, keeping its headers (`Allow`,
/// `Retry-After`, ...).
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let error = match status {
        StatusCode::UNAUTHORIZED => AppError::Unauthenticated,
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::TOO_MANY_REQUESTS => AppError::RateLimited {
            retry_after_secs: 1,
        },
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => {
            AppError::ServiceUnavailable("the service cannot answer now; try again shortly".into())
        }
        StatusCode::PAYLOAD_TOO_LARGE => AppError::bad_input(
            "body",
            "the request body is larger than the service accepts",
        ),
        StatusCode::METHOD_NOT_ALLOWED => AppError::bad_input(
            "method",
            "this path does not take that method (see the Allow header)",
        ),
        status if status.is_client_error() => AppError::bad_input(
            "request",
            format!(
                "the request was refused: {}",
                status.canonical_reason().unwrap_or("bad request")
            ),
        ),
        _ => AppError::Internal(format!("HTTP {status} without a body")),
    };
    let (mut parts, _) = response.into_parts();
    let rebuilt = error_response_with(status, error);
    parts.headers.remove(header::CONTENT_LENGTH);
    let (new_parts, body) = rebuilt.into_parts();
    for (name, value) in new_parts.headers.iter() {
        if name == header::CONTENT_TYPE || !parts.headers.contains_key(name) {
            parts.headers.insert(name.clone(), value.clone());
        }
    }
    Response::from_parts(parts, Body::new(body))
}
