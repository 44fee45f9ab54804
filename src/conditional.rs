//! Conditional GETs for the public feeds (iCalendar, Open Civic Data, HSDS),
//! so that calendar apps and sync tools can poll cheaply (RFC 9110 §13).
//!
//! [`layer`] wraps a feed's router: every successful GET gets a strong `ETag`
//! (a hash of its body, so it changes exactly when the bytes do) and
//! `Cache-Control: no-cache` (caches revalidate rather than guess), and is
//! answered `304 Not Modified` without a body when the client's
//! `If-None-Match` names that tag, or, without `If-None-Match`, when the
//! `Last-Modified` the handler set (see [`last_modified`], only where the
//! newest record is known exactly) is not after `If-Modified-Since`.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// Largest body given an `ETag`; a larger one is sent as it is.
const MAX_TAGGED_BODY: usize = 64 * 1024 * 1024;

/// The `Last-Modified` header of a feed whose newest record changed at `at`.
pub fn last_modified(at: DateTime<Utc>) -> (header::HeaderName, HeaderValue) {
    let text = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    (
        header::LAST_MODIFIED,
        HeaderValue::from_str(&text).expect("an HTTP date is a valid header value"),
    )
}

/// The middleware: tags successful GET and HEAD answers and answers 304 when
/// the client's copy is current.
pub async fn layer(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return next.run(request).await;
    }
    let conditions = request.headers().clone();
    let mut request = request;
    // A HEAD is answered from the GET's body, so that its tag is the GET's.
    *request.method_mut() = Method::GET;
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_TAGGED_BODY).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(error = %error, "a feed's body could not be read");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let tag = etag(&bytes);
    parts.headers.insert(header::ETAG, tag.clone());
    if !parts.headers.contains_key(header::CACHE_CONTROL) {
        parts
            .headers
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    if is_current(&conditions, &tag, parts.headers.get(header::LAST_MODIFIED)) {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        for name in [
            header::ETAG,
            header::LAST_MODIFIED,
            header::CACHE_CONTROL,
            header::VARY,
        ] {
            if let Some(value) = parts.headers.get(&name) {
                not_modified.headers_mut().insert(name, value.clone());
            }
        }
        return not_modified;
    }
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(bytes)
    };
    Response::from_parts(parts, body)
}

/// A strong tag: the first 128 bits of the body's SHA-256, in hex.
fn etag(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&format!("\"{hex}\"")).expect("hex is a valid header value")
}

/// Whether the client's copy is current: `If-None-Match` decides when it is
/// sent (weak comparison, `*` matches), else `If-Modified-Since` against
/// `Last-Modified` (to the second, as HTTP dates go).
fn is_current(conditions: &HeaderMap, tag: &HeaderValue, modified: Option<&HeaderValue>) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let ours = opaque(tag.to_str().unwrap_or(""));
    let mut matches = conditions
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(opaque)
        .peekable();
    if matches.peek().is_some() {
        return matches.any(|theirs| theirs == "*" || theirs == ours);
    }
    let since = conditions
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(http_date);
    let modified = modified.and_then(|v| v.to_str().ok()).and_then(http_date);
    matches!((since, modified), (Some(since), Some(modified)) if modified <= since)
}

fn http_date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(text.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn the_tag_is_strong_and_changes_with_the_body() {
        let a = etag(b"BEGIN:VCALENDAR");
        assert!(a.to_str().unwrap().starts_with('"'));
        assert_eq!(a, etag(b"BEGIN:VCALENDAR"));
        assert_ne!(a, etag(b"BEGIN:VCALENDAR "));
    }

    #[test]
    fn if_none_match_decides_before_if_modified_since() {
        let tag = etag(b"x");
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap();
        let (_, modified) = last_modified(at);
        let listed = format!("\"other\", W/{}", tag.to_str().unwrap());
        assert!(is_current(
            &headers(&[(header::IF_NONE_MATCH, &listed)]),
            &tag,
            None
        ));
        assert!(is_current(
            &headers(&[(header::IF_NONE_MATCH, "*")]),
            &tag,
            None
        ));
        let stale_tag_fresh_date = headers(&[
            (header::IF_NONE_MATCH, "\"other\""),
            (header::IF_MODIFIED_SINCE, "Sun, 01 Mar 2026 09:30:00 GMT"),
        ]);
        assert!(!is_current(&stale_tag_fresh_date, &tag, Some(&modified)));
    }

    #[test]
    fn if_modified_since_compares_to_the_second() {
        let tag = etag(b"x");
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap();
        let (_, modified) = last_modified(at);
        assert_eq!(modified, "Sun, 01 Mar 2026 09:30:00 GMT");
        let since = |date: &str| headers(&[(header::IF_MODIFIED_SINCE, date)]);
        assert!(is_current(
            &since("Sun, 01 Mar 2026 09:30:00 GMT"),
            &tag,
            Some(&modified)
        ));
        assert!(!is_current(
            &since("Sun, 01 Mar 2026 09:29:59 GMT"),
            &tag,
            Some(&modified)
        ));
        assert!(!is_current(&since("not a date"), &tag, Some(&modified)));
        assert!(!is_current(
            &since("Sun, 01 Mar 2026 09:30:00 GMT"),
            &tag,
            None
        ));
    }
}
