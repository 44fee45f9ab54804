//! GraphQL over HTTP's media types: which one a client accepts, whether a
//! POST body is JSON, and how a GraphQL response becomes an HTTP response in
//! the negotiated type. Every answer of `/graphql` (results, refusals,
//! batches) goes through [`Media::finish`], so one rule decides its type.
//!
//! Under `application/graphql-response+json` the status says what happened:
//! a request error (the document does not parse or validate, a variable does
//! not coerce, a limit refuses it; nothing ran) is 400 and has no `data`
//! entry. Under `application/json`, for clients written before that media
//! type, such a response is 200, as the GraphQL over HTTP specification asks.

use super::errors::error_response_with;
use crate::error::AppError;
use async_graphql::{ServerError, Value};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A response media type of `/graphql`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    /// `application/json`: for no `Accept`, `*/*`, `application/*`, or when asked.
    Json,
    /// `application/graphql-response+json`, when the client asks for it.
    GraphqlResponse,
}

const JSON: &str = "application/json; charset=utf-8";
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json; charset=utf-8";

impl Media {
    /// The type to answer in: the acceptable one with the highest `q`, the
    /// first listed on a tie; `application/json` without `Accept`. `None`
    /// when the client accepts neither (answer [`not_acceptable`]).
    pub fn negotiate(headers: &HeaderMap) -> Option<Media> {
        let mut values = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .peekable();
        if values.peek().is_none() {
            return Some(Media::Json);
        }
        let mut best: Option<(f32, Media)> = None;
        for range in values.flat_map(|v| v.split(',')) {
            let mut parts = range.split(';').map(str::trim);
            let kind = parts.next().unwrap_or("").to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let media = match kind.as_str() {
                "application/graphql-response+json" => Media::GraphqlResponse,
                "application/json" | "application/*" | "*/*" => Media::Json,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(top, _)| q > top) {
                best = Some((q, media));
            }
        }
        best.map(|(_, media)| media)
    }

    /// The `Content-Type` of answers in this type.
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Media::Json => JSON,
            Media::GraphqlResponse => GRAPHQL_RESPONSE,
        })
    }

    /// Gives a JSON answer of `/graphql` (a result or any refusal) this
    /// type's `Content-Type`; other answers (GraphiQL, a WebSocket upgrade)
    /// are left as they are.
    pub fn finish(self, mut response: Response) -> Response {
        let is_json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("json"));
        if is_json {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, self.content_type());
        }
        response
    }

    /// One GraphQL response as HTTP: 503 (with `Retry-After`) when an error
    /// is `SERVICE_UNAVAILABLE`, 429 when nothing ran because of a
    /// `RATE_LIMITED` error, 400 for a request error under
    /// `application/graphql-response+json`, else 200. A request error has no
    /// `data` entry.
    pub fn single(self, response: async_graphql::Response) -> Response {
        let status = self.status(&response);
        let mut answer = (status.0, axum::Json(body(&response))).into_response();
        if let Some(seconds) = status.1 {
            answer
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        extend_headers(&mut answer, &response);
        self.finish(answer)
    }

    /// The responses of a batch, in order, as one JSON array: 200, each
    /// element shaped as [`Media::single`] shapes its body.
    pub fn batch(self, responses: Vec<async_graphql::Response>) -> Response {
        let bodies: Vec<serde_json::Value> = responses.iter().map(body).collect();
        let mut answer = axum::Json(bodies).into_response();
        for response in &responses {
            extend_headers(&mut answer, response);
        }
        self.finish(answer)
    }

    fn status(self, response: &async_graphql::Response) -> (StatusCode, Option<u64>) {
        let nothing_ran = response.data == Value::Null;
        // Under graphql-response+json, data that is there means 2xx.
        let may_fail = nothing_ran || self == Media::Json;
        if may_fail
            && response
                .errors
                .iter()
                .any(|e| code(e) == "SERVICE_UNAVAILABLE")
        {
            return (StatusCode::SERVICE_UNAVAILABLE, Some(1));
        }
        if let Some(first) = response.errors.first()
            && nothing_ran
            && code(first) == "RATE_LIMITED"
        {
            let seconds = match extension(first, "retryAfterSeconds") {
                Some(Value::Number(n)) => n.as_u64().unwrap_or(1),
                _ => 1,
            };
            return (StatusCode::TOO_MANY_REQUESTS, Some(seconds));
        }
        // A forgotten persisted query is no bad request: Apollo clients send
        // the hash alone first and the query on this answer, which Apollo
        // Server gives with 200.
        let query_forgotten = response
            .errors
            .iter()
            .any(|e| code(e) == "PERSISTED_QUERY_NOT_FOUND");
        if self == Media::GraphqlResponse && is_request_error(response) && !query_forgotten {
            return (StatusCode::BAD_REQUEST, None);
        }
        (StatusCode::OK, None)
    }
}

/// A request error: nothing was executed. Field errors carry the path of
/// their field; errors raised before execution (parsing, validation,
/// variables, limits) carry none.
fn is_request_error(response: &async_graphql::Response) -> bool {
    response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// The JSON body of one response, without `data` for a request error (as
/// the GraphQL specification says: execution never began).
fn body(response: &async_graphql::Response) -> serde_json::Value {
    let mut body = serde_json::to_value(response).unwrap_or_default();
    if is_request_error(response)
        && let Some(object) = body.as_object_mut()
    {
        object.remove("data");
    }
    body
}

fn extend_headers(answer: &mut Response, response: &async_graphql::Response) {
    if response.is_ok()
        && let Some(value) = response.cache_control.value()
        && let Ok(value) = HeaderValue::from_str(&value)
    {
        answer.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    answer.headers_mut().extend(response.http_headers.clone());
}

fn extension(error: &ServerError, name: &str) -> Option<Value> {
    error.extensions.as_ref().and_then(|e| e.get(name)).cloned()
}

fn code(error: &ServerError) -> String {
    match extension(error, "code") {
        Some(Value::String(code)) => code,
        _ => String::new(),
    }
}

/// Whether a POST body is declared JSON (`application/json`, in UTF-8 if a
/// charset is named).
pub fn is_json_body(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.split(';').map(str::trim);
    let kind = parts.next().unwrap_or("");
    kind.eq_ignore_ascii_case("application/json")
        && parts.all(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            !name.trim().eq_ignore_ascii_case("charset")
                || value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        })
}

/// 406: the client accepts neither JSON media type.
pub fn not_acceptable() -> Response {
    error_response_with(
        StatusCode::NOT_ACCEPTABLE,
        AppError::bad_input(
            "Accept",
            "this endpoint answers application/graphql-response+json or application/json",
        ),
    )
}

/// 415: a POST whose body is not declared JSON.
pub fn unsupported_media_type() -> Response {
    error_response_with(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        AppError::bad_input(
            "Content-Type",
            "send the GraphQL request as JSON, with Content-Type: application/json",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> Option<Media> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        Media::negotiate(&headers)
    }

    #[test]
    fn no_accept_header_means_json() {
        assert_eq!(Media::negotiate(&HeaderMap::new()), Some(Media::Json));
    }

    #[test]
    fn the_highest_quality_wins_and_the_first_listed_breaks_a_tie() {
        assert_eq!(
            accept("application/graphql-response+json, application/json;q=0.9"),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            accept("application/graphql-response+json;q=0.5, application/json"),
            Some(Media::Json)
        );
        assert_eq!(
            accept("application/json, application/graphql-response+json"),
            Some(Media::Json)
        );
        assert_eq!(
            accept("text/html,application/xhtml+xml,*/*;q=0.8"),
            Some(Media::Json)
        );
    }

    #[test]
    fn a_client_that_accepts_neither_type_is_told_so() {
        assert_eq!(accept("text/html"), None);
        assert_eq!(accept("application/json;q=0"), None);
    }

    #[test]
    fn a_body_is_json_only_when_declared_so_in_utf_8() {
        let declared = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
            is_json_body(&headers)
        };
        assert!(declared("application/json"));
        assert!(declared("Application/JSON; charset=UTF-8"));
        assert!(!declared("application/json; charset=latin1"));
        assert!(!declared("text/plain"));
        assert!(!declared("application/x-www-form-urlencoded"));
        assert!(!is_json_body(&HeaderMap::new()));
    }
}
