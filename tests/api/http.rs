//! The HTTP surface: probes, metrics, GraphiQL, GET queries, limits, WebSockets.

use crate::helpers::{ORG_A, TestApp};
use axum::body::Body;
use axum::http::{HeaderValue, Request};
use coalition::config::HttpSettings;
use coalition::graphql::Limits;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tower::ServiceExt;

#[tokio::test]
async fn probes_answer_and_echo_a_request_id() {
    let app = TestApp::spawn().await;
    let (status, headers, body) = app
        .request(Request::get("/healthz").body(Body::empty()).expect("req"))
        .await;
    assert_eq!((status.as_u16(), body.as_str()), (200, "ok"));
    assert!(
        headers.contains_key("x-request-id"),
        "a request id is made when none is sent"
    );
    let (status, headers, _) = app
        .request(
            Request::get("/readyz")
                .header("x-request-id", "probe-7")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-request-id"], "probe-7");
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.state.db.clone().close().await.expect("close");
    let (status, _, _) = app
        .request(Request::get("/readyz").body(Body::empty()).expect("req"))
        .await;
    assert_eq!(status, 503);
}

#[tokio::test]
async fn metrics_are_exported_in_prometheus_text() {
    let app = TestApp::spawn().await;
    app.graphql(None, "{ nope }", json!({})).await;
    let (status, _, body) = app
        .request(Request::get("/metrics").body(Body::empty()).expect("req"))
        .await;
    assert_eq!(status, 200);
    for name in [
        "http_requests_total",
        "http_request_duration_seconds_bucket",
        "graphql_errors_total",
        "db_pool_connections",
        "db_statements_total",
    ] {
        assert!(body.contains(name), "{name} missing from:\n{body}");
    }
}

#[tokio::test]
async fn a_browser_gets_graphiql_and_a_client_can_query_with_get() {
    let app = TestApp::spawn().await;
    let (status, _, body) = app
        .request(
            Request::get("/graphql")
                .header("accept", "text/html")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(body.to_lowercase().contains("graphiql"));

    let (status, _, body) = app
        .request(
            Request::get("/graphql?query=%7Borganizations(first%3A2)%7BtotalCount%7D%7D")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let body: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["data"]["organizations"]["totalCount"], 6);
}

#[tokio::test]
async fn a_mutation_sent_with_get_is_refused() {
    let app = TestApp::spawn().await;
    let query = "mutation%20%7Blogin(input%3A%7Bemail%3A%22a%40b.co%22%2Cpassword%3A%22x%22%7D)%7Btoken%7D%7D";
    let (status, _, body) = app
        .request(
            Request::get(format!("/graphql?query={query}"))
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(status, 405);
    let body: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let app = TestApp::spawn().await;
    let padding = "x".repeat(2 * 1024 * 1024);
    let body =
        json!({ "query": "{ viewer { kind } }", "variables": { "padding": padding } }).to_string();
    let (status, _, _) = app
        .request(
            Request::post("/graphql")
                .header("content-type", "application/json")
                .header("content-length", body.len())
                .body(Body::from(body))
                .expect("req"),
        )
        .await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn queries_too_deep_or_too_complex_are_refused_before_running() {
    let app = TestApp::spawn().await;
    let admin = app.token_of("admin", ORG_A).await;
    let deep = "{ viewer { memberships { organization { members(first: 1) { edges { node { organization { members(first: 1) { edges { node { organization { members(first: 1) { totalCount } } } } } } } } } } } } }";
    let answer = app.graphql(Some(&admin), deep, json!({})).await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT", "{}", answer.body);
    let statements = app.statements();
    let costly = "{ organizations(first: 100) { nodes { members(first: 100) { nodes { user { email } organization { name } } } } } }";
    let answer = app.graphql(Some(&admin), costly, json!({})).await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT", "{}", answer.body);
    assert!(
        app.statements() - statements <= 3,
        "refused before resolving: only authentication ran"
    );
}

#[tokio::test]
async fn malformed_input_gets_a_coded_error_not_a_crash() {
    let app = TestApp::spawn().await;
    for (query, variables) in [
        (
            "{ organizations(first: \"ten\") { totalCount } }",
            json!({}),
        ),
        ("{ node(id: \"%%%\") { id } }", json!({})),
        ("query($id: ID!) { node(id: $id) { id } }", json!({})),
        ("{ organization(slug: \"nowhere\") { id } }", json!({})),
        ("{", json!({})),
    ] {
        let answer = app.graphql(None, query, variables).await;
        assert!(
            matches!(answer.code(), Some("BAD_USER_INPUT" | "NOT_FOUND")),
            "{query}: {}",
            answer.body
        );
    }
}

async fn websocket(addr: std::net::SocketAddr, payload: Value) -> Option<Value> {
    let mut request = format!("ws://{addr}/graphql")
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": payload }).to_string(),
        ))
        .await
        .expect("send");
    match tokio::time::timeout(std::time::Duration::from_secs(10), socket.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str(&text).ok(),
        _ => None,
    }
}

#[tokio::test]
async fn websocket_connections_authenticate_in_connection_init() {
    let app = TestApp::spawn().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await });

    let token = app.token_of("staff", ORG_A).await;
    let ack = websocket(addr, json!({ "Authorization": format!("Bearer {token}") })).await;
    assert_eq!(
        ack.as_ref().map(|m| m["type"].clone()),
        Some(json!("connection_ack"))
    );
    let anonymous = websocket(addr, json!({})).await;
    assert_ne!(
        anonymous.map(|m| m["type"].clone()),
        Some(json!("connection_ack")),
        "a socket without a credential is refused"
    );
    let refused = websocket(
        addr,
        json!({ "Authorization": "Bearer forged.token.value" }),
    )
    .await;
    assert_ne!(
        refused.map(|m| m["type"].clone()),
        Some(json!("connection_ack")),
        "a bad token closes the connection"
    );
}

#[tokio::test]
async fn browsers_may_call_only_from_allowed_origins() {
    let app = TestApp::spawn().await;
    let settings = HttpSettings {
        cors_origins: vec![HeaderValue::from_static("https://library.example.org")],
        ..HttpSettings::default()
    };
    let router = coalition::startup::router(app.state.clone(), &settings, Limits::default());
    let preflight = |origin: &'static str| {
        Request::options("/graphql")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .body(Body::empty())
            .expect("req")
    };
    let allowed = router
        .clone()
        .oneshot(preflight("https://library.example.org"))
        .await
        .expect("response");
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes()),
        Some(&b"https://library.example.org"[..])
    );
    let other = router
        .oneshot(preflight("https://evil.example.com"))
        .await
        .expect("response");
    assert!(other.headers().get("access-control-allow-origin").is_none());
}
