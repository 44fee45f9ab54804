//! GraphiQL served by the binary: a page that loads only this origin's
//! assets, cacheable for good, and nothing of it when GraphiQL is off.

use crate::helpers::TestApp;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use coalition::config::HttpSettings;
use coalition::graphql::Limits;
use http_body_util::BodyExt;
use tower::ServiceExt;

fn browser_get(path: &str) -> Request<Body> {
    Request::get(path)
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .body(Body::empty())
        .expect("request")
}

/// The `src` and `href` values of the page, in order.
fn linked(page: &str) -> Vec<String> {
    ["src=\"", "href=\""]
        .iter()
        .flat_map(|attribute| {
            page.split(attribute)
                .skip(1)
                .filter_map(|rest| rest.split('"').next())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

async fn send(router: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response = router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn a_browser_gets_a_graphiql_page_that_loads_only_this_origins_assets() {
    let app = TestApp::spawn().await;
    let (status, headers, page) = app.request(browser_get("/graphql")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(header(&headers, "content-type").starts_with("text/html"));
    assert!(
        header(&headers, "content-security-policy").contains("script-src 'self'"),
        "{headers:?}"
    );
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the page names another host:\n{page}"
    );
    let assets = linked(&page);
    assert_eq!(assets.len(), 5, "{page}");
    for asset in &assets {
        assert!(asset.starts_with("/graphiql/"), "{asset} in:\n{page}");
    }
    assert!(assets.iter().any(|a| a.ends_with(".min.css")), "{assets:?}");
    assert!(
        assets
            .iter()
            .any(|a| a.contains("graphiql-") && a.ends_with(".min.js")),
        "{assets:?}"
    );
}

#[tokio::test]
async fn graphiqls_assets_answer_with_their_types_and_stay_cached() {
    let app = TestApp::spawn().await;
    let (_, _, page) = app.request(browser_get("/graphql")).await;
    for asset in linked(&page) {
        let (status, headers, body) = app
            .request(Request::get(&asset).body(Body::empty()).expect("request"))
            .await;
        assert_eq!(status, StatusCode::OK, "{asset}");
        let expected = if asset.ends_with(".css") {
            "text/css"
        } else {
            "text/javascript"
        };
        assert!(
            header(&headers, "content-type").starts_with(expected),
            "{asset}: {headers:?}"
        );
        assert!(!body.is_empty(), "{asset} is empty");
        assert!(
            header(&headers, "cache-control").contains("immutable"),
            "{asset}: {headers:?}"
        );
        let etag = header(&headers, "etag");
        assert!(!etag.is_empty(), "{asset} has no ETag");

        let (status, _, body) = app
            .request(
                Request::get(&asset)
                    .header("if-none-match", etag)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{asset}");
        assert!(body.is_empty());
    }
}

#[tokio::test]
async fn an_unknown_graphiql_asset_is_not_found() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .get_json("/graphiql/graphiql-0000000000000000.min.js")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{body}"
    );
}

#[tokio::test]
async fn with_graphiql_off_neither_its_page_nor_its_assets_are_served() {
    let app = TestApp::spawn().await;
    let (_, _, page) = app.request(browser_get("/graphql")).await;
    let assets = linked(&page);
    let settings = HttpSettings {
        graphiql: false,
        ..HttpSettings::default()
    };
    let router = coalition::startup::router(app.state.clone(), &settings, Limits::default());

    let (status, headers, body) = send(&router, browser_get("/graphql")).await;
    assert_ne!(status, StatusCode::OK, "{body}");
    assert!(
        !header(&headers, "content-type").starts_with("text/html"),
        "{headers:?}"
    );
    assert!(!body.to_lowercase().contains("graphiql"), "{body}");
    assert!(!assets.is_empty());
    for asset in assets {
        let request = Request::get(&asset).body(Body::empty()).expect("request");
        let (status, _, _) = send(&router, request).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{asset}");
    }
}
