//! A PostgreSQL outage, as clients live it: the service reaches its database
//! through a TCP proxy this test controls, cuts it, and restores it. During
//! the outage every call answers `503 SERVICE_UNAVAILABLE` with `Retry-After`
//! within two seconds (never 401, which would log staff out), nothing is half
//! written, and the service recovers by itself once the database is back.
//! SQLite is a file in the process: it has no outage of this kind, so the test
//! runs when `TEST_DATABASE_URL` names a PostgreSQL server.

use crate::helpers::{AUDIENCE, ISSUER, ORG_A, TEST_SECRET, TestApp};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use coalition::auth::Authenticator;
use coalition::auth::token::TokenService;
use coalition::config::HttpSettings;
use coalition::graphql::Limits;
use http_body_util::BodyExt;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

/// A TCP proxy to the database that can be cut (open connections are dropped
/// and new ones refused) and restored.
struct Proxy {
    address: SocketAddr,
    up: watch::Sender<bool>,
}

impl Proxy {
    async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let (up, watch) = watch::channel(true);
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let mut state = watch.clone();
                if !*state.borrow() {
                    continue;
                }
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = state.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Proxy { address, up }
    }

    fn set(&self, up: bool) {
        self.up.send_replace(up);
    }
}

/// `host:port` of a `postgres://user@host:port/db` URL, and the URL with
/// them replaced by `address`.
fn through(url: &str, address: SocketAddr) -> (SocketAddr, String) {
    let (scheme, rest) = url.split_once("://").expect("scheme");
    let (authority, path) = rest.split_once('/').expect("database");
    let (user, host) = match authority.rsplit_once('@') {
        Some((user, host)) => (format!("{user}@"), host),
        None => (String::new(), authority),
    };
    let host = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    };
    let upstream = host
        .replace("localhost", "127.0.0.1")
        .parse()
        .expect("a numeric host:port");
    (upstream, format!("{scheme}://{user}{address}/{path}"))
}

async fn call(
    router: &Router,
    credential: Option<&str>,
    query: &str,
    variables: Value,
) -> (StatusCode, Option<String>, Value, Duration) {
    let mut request = Request::post("/graphql").header("content-type", "application/json");
    if let Some(credential) = credential {
        request = request.header("authorization", format!("Bearer {credential}"));
    }
    let started = Instant::now();
    let response = router
        .clone()
        .oneshot(
            request
                .body(Body::from(
                    json!({ "query": query, "variables": variables }).to_string(),
                ))
                .expect("request"),
        )
        .await
        .expect("response");
    let took = started.elapsed();
    let status = response.status();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, retry, body, took)
}

#[tokio::test]
async fn a_database_outage_answers_503_quickly_writes_nothing_and_recovers() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        return;
    }
    let app = TestApp::spawn().await;
    let (upstream, _) = through(&app.database_url, "127.0.0.1:1".parse().expect("address"));
    let proxy = Proxy::start(upstream).await;
    let (_, proxied) = through(&app.database_url, proxy.address);
    let tokens = TokenService::hs256(
        TEST_SECRET,
        ISSUER.into(),
        AUDIENCE.into(),
        Duration::from_secs(600),
    );
    let state = coalition::startup::state(&proxied, Authenticator::new(tokens))
        .await
        .expect("state through the proxy");
    let router = coalition::startup::router(state, &HttpSettings::default(), Limits::default());
    let staff = app.token_of("staff", ORG_A).await;
    let org = app.org_id(ORG_A).await;
    let read = "{ organizations(first: 1) { totalCount } }";
    let write = "mutation($org: ID!) { createClient(input: {organizationId: $org, displayName: \"During the outage\"}) { id } }";
    let clients = || async {
        entity::client::Entity::find()
            .count(&app.state.db)
            .await
            .expect("count")
    };

    let (status, _, body, _) = call(&router, Some(&staff), read, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let before = clients().await;

    proxy.set(false);
    for (credential, query, variables) in [
        (None, read, json!({})),
        (Some(staff.as_str()), read, json!({})),
        (Some(staff.as_str()), write, json!({ "org": org })),
    ] {
        let (status, retry, body, took) = call(&router, credential, query, variables).await;
        assert_eq!(status, 503, "{query}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE",
            "{body}"
        );
        assert!(retry.is_some(), "Retry-After is set");
        assert!(took < Duration::from_secs(2), "{query} took {took:?}");
    }
    let started = Instant::now();
    let ready = router
        .clone()
        .oneshot(
            Request::get("/readyz")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(ready.status(), 503);
    assert!(started.elapsed() < Duration::from_millis(1500));

    proxy.set(true);
    let restored = Instant::now();
    loop {
        let (status, _, body, _) = call(&router, Some(&staff), read, json!({})).await;
        if status == 200 {
            break;
        }
        assert!(
            restored.elapsed() < Duration::from_secs(2),
            "not recovered 2 s after the database came back: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        clients().await,
        before,
        "the refused write left nothing behind"
    );
    let (status, _, body, _) = call(&router, Some(&staff), write, json!({ "org": org })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(clients().await, before + 1);
}
