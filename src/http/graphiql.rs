//! GraphiQL, served by the binary itself: the page at `/graphql` (for a
//! browser) and its assets under `/graphiql/`, embedded at build time (see
//! `build.rs`), so that it works where no CDN can be reached.
//!
//! Each asset's name carries a hash of its bytes, so browsers may keep it for
//! a year without asking again: a new build that changes a file changes its
//! name, and the page (never cached without revalidation) names the new one.

use super::errors::error_response;
use crate::error::AppError;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The embedded files: GraphiQL's and React's production bundles from the
/// npm packages pinned in `graphiql/package-lock.json`, and our start-up
/// script.
const FILES: [(&str, &str, &[u8]); 5] = [
    (
        "react.production.min.js",
        JAVASCRIPT,
        include_bytes!(concat!(
            env!("OUT_DIR"),
            "/graphiql/react.production.min.js"
        )),
    ),
    (
        "react-dom.production.min.js",
        JAVASCRIPT,
        include_bytes!(concat!(
            env!("OUT_DIR"),
            "/graphiql/react-dom.production.min.js"
        )),
    ),
    (
        "graphiql.min.js",
        JAVASCRIPT,
        include_bytes!(concat!(env!("OUT_DIR"), "/graphiql/graphiql.min.js")),
    ),
    (
        "graphiql.min.css",
        CSS,
        include_bytes!(concat!(env!("OUT_DIR"), "/graphiql/graphiql.min.css")),
    ),
    (
        "init.js",
        JAVASCRIPT,
        include_bytes!("../../graphiql/init.js"),
    ),
];

/// The page, whose `{file name}` placeholders become the assets' paths.
const PAGE_TEMPLATE: &str = include_str!("../../graphiql/page.html");

/// Everything the page loads comes from this origin; styles may be inline
/// because GraphiQL sets them on its elements, and fonts are data URLs in its
/// stylesheet. The WebSocket of subscriptions is this origin's too.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     font-src 'self' data:; img-src 'self' data:; connect-src 'self'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// One embedded file, under its content-hashed name.
struct Asset {
    /// The name under `/graphiql/`, e.g. `graphiql-0123456789abcdef.min.js`.
    name: String,
    content_type: &'static str,
    body: &'static [u8],
    /// The hash, quoted, compared with `If-None-Match`.
    etag: String,
    etag_header: HeaderValue,
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(file, content_type, body)| {
            let digest = Sha256::digest(body);
            let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
            let name = match file.split_once('.') {
                Some((stem, rest)) => format!("{stem}-{hash}.{rest}"),
                None => format!("{file}-{hash}"),
            };
            let etag = format!("\"{hash}\"");
            Asset {
                name,
                content_type,
                body,
                etag_header: HeaderValue::from_str(&etag)
                    .expect("hex digits in quotes are a valid header value"),
                etag,
            }
        })
        .collect()
});

static PAGE: LazyLock<String> = LazyLock::new(|| {
    FILES
        .iter()
        .zip(ASSETS.iter())
        .fold(PAGE_TEMPLATE.to_owned(), |page, ((file, _, _), asset)| {
            page.replace(&format!("{{{file}}}"), &format!("/graphiql/{}", asset.name))
        })
});

/// The routes of the assets, merged only when GraphiQL is on.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/graphiql/{name}", get(asset))
}

/// The GraphiQL page. `Vary: Accept` because `/graphql` answers GraphQL to
/// anything but a browser.
pub fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::VARY, "Accept"),
            (header::CONTENT_SECURITY_POLICY, PAGE_POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        PAGE.as_str(),
    )
        .into_response()
}

async fn asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return error_response(AppError::NotFound);
    };
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|t| t.trim() == asset.etag || t.trim() == "*")
        });
    let common = [
        (header::ETAG, asset.etag_header.clone()),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ),
    ];
    if cached {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        asset.body,
    )
        .into_response()
}
