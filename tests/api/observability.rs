//! What operators read: `/metrics` by route template and GraphQL operation,
//! the build and the open subscription sockets, and one log line per request
//! that names no secret.

use crate::helpers::{ORG_A, TestApp};
use axum::body::Body;
use axum::http::Request;
use coalition::directory::people::demo::{COMMISSION, LINKED_USER};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

async fn metrics(app: &TestApp) -> String {
    let (status, _, body) = app
        .request(Request::get("/metrics").body(Body::empty()).expect("req"))
        .await;
    assert_eq!(status, 200);
    body
}

/// The value of the first sample whose line starts with `series`.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn metrics_label_the_feeds_by_their_route_templates() {
    let app = TestApp::spawn().await;
    for path in [
        format!("/ocd/{COMMISSION}.json"),
        format!("/calendar/{COMMISSION}.ics"),
        "/hsds/services".to_owned(),
    ] {
        let (status, _, _) = app
            .request(
                Request::get(path.as_str())
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(status, 200, "{path}");
    }
    let body = metrics(&app).await;
    for template in ["/ocd/{file}", "/calendar/{file}", "/hsds/services"] {
        assert!(
            body.contains(&format!("path=\"{template}\"")),
            "{template} missing from:\n{body}"
        );
    }
    assert!(
        !body.contains(COMMISSION),
        "no slug becomes a label:\n{body}"
    );
    assert!(
        body.contains("coalition_build_info{version=\"0.1.0\"} 1"),
        "{body}"
    );
}

#[tokio::test]
async fn graphql_requests_are_counted_by_operation_with_excess_names_folded() {
    let app = TestApp::spawn().await;
    let token = app.token_of("staff", ORG_A).await;
    app.graphql(
        Some(&token),
        "query ObservedViewer { __typename }",
        json!({}),
    )
    .await;
    app.graphql(None, "{ __typename }", json!({})).await;
    let limit = coalition::metrics::MAX_OPERATION_NAMES;
    for n in 0..=limit {
        app.graphql(None, &format!("query Flood{n} {{ __typename }}"), json!({}))
            .await;
    }
    let body = metrics(&app).await;
    assert!(
        body.contains("graphql_requests_total{operation=\"ObservedViewer\",type=\"query\"}"),
        "{body}"
    );
    assert!(
        body.contains("graphql_requests_total{operation=\"anonymous\",type=\"query\"}"),
        "{body}"
    );
    assert!(
        body.contains("graphql_requests_total{operation=\"other\",type=\"query\"}"),
        "names past the first {limit} are folded:\n{body}"
    );
    let named = body
        .lines()
        .filter(|l| l.starts_with("graphql_requests_total{"))
        .count();
    assert!(named <= limit + 2 * 3, "{named} series:\n{body}");
    assert!(
        body.contains("graphql_request_duration_seconds_bucket{operation=\"ObservedViewer\""),
        "{body}"
    );
}

async fn open_socket(
    addr: std::net::SocketAddr,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
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
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    socket
        .send(Message::text(init.to_string()))
        .await
        .expect("send");
    let ack = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next()).await;
    assert!(
        matches!(ack, Ok(Some(Ok(Message::Text(ref t)))) if t.contains("connection_ack")),
        "{ack:?}"
    );
    socket
}

#[tokio::test]
async fn the_open_subscription_sockets_gauge_rises_and_falls() {
    let app = TestApp::spawn().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let token = app.token_of("staff", ORG_A).await;
    let gauge = "graphql_subscription_sockets_open ";
    let socket = open_socket(addr, &token).await;
    let open = sample(&metrics(&app).await, gauge).expect("the gauge");
    assert!(open >= 1.0, "{open}");
    drop(socket);
    let mut closed = open;
    for _ in 0..50 {
        closed = sample(&metrics(&app).await, gauge).expect("the gauge");
        if closed < open {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(closed < open, "{closed} after {open}");
}

/// Sends one HTTP/1.1 request and reads the whole answer.
fn http(addr: &str, head: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "{head}\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

#[test]
fn every_request_is_one_json_log_line_without_the_token() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("c.db").display());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_coalition"))
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", url)
        .env_remove("JWT_SECRET")
        .env_remove("RUST_LOG")
        .env("LOG_FORMAT", "json")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("serve says it is serving")
            .expect("line");
        if let Some(rest) = line
            .split("http://")
            .nth(1)
            .filter(|_| line.contains("serving"))
        {
            break rest.split('/').next().expect("address").to_owned();
        }
    };
    let login = json!({
        "query": "mutation LogIn($input: LoginInput!) { login(input: $input) { token } }",
        "variables": { "input": { "email": LINKED_USER, "password": coalition::demo::DEMO_PASSWORD } },
    });
    let answer = http(
        &addr,
        "POST /graphql?trace=secret-in-query HTTP/1.1",
        &login.to_string(),
    );
    let token = answer
        .split("\"token\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("a token: {answer}"))
        .to_owned();
    let query = json!({ "query": "query WhoAmI { __typename }", "operationName": "WhoAmI" });
    http(
        &addr,
        &format!(
            "POST /graphql HTTP/1.1\r\nAuthorization: Bearer {token}\r\nX-Request-Id: observed-request-1"
        ),
        &query.to_string(),
    );
    http(&addr, "GET /healthz HTTP/1.1", "");
    let mut output = Vec::new();
    for line in lines {
        let line = line.expect("line");
        let done = line.contains("/healthz");
        output.push(line);
        if done {
            break;
        }
    }
    child.kill().expect("stop");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("stderr");
    child.wait().expect("stopped");
    let output = output.join("\n");
    let records: Vec<Value> = output
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let line = records
        .iter()
        .find(|r| r["request_id"] == "observed-request-1" && r["message"] == "request")
        .unwrap_or_else(|| panic!("no line for the request:\n{output}"));
    assert_eq!(line["method"], "POST", "{line}");
    assert_eq!(line["path"], "/graphql", "{line}");
    assert_eq!(line["status"], 200, "{line}");
    assert!(line["duration_ms"].as_f64().is_some(), "{line}");
    assert_eq!(line["operation_name"], "WhoAmI", "{line}");
    assert_eq!(line["operation_type"], "query", "{line}");
    assert_eq!(line["level"], "INFO", "{line}");
    let login_line = records
        .iter()
        .find(|r| r["operation_name"] == "LogIn")
        .unwrap_or_else(|| panic!("no line for the login:\n{output}"));
    assert_eq!(login_line["operation_type"], "mutation", "{login_line}");
    assert_eq!(login_line["path"], "/graphql", "the query string stays out");
    for secret in [
        token.as_str(),
        coalition::demo::DEMO_PASSWORD,
        LINKED_USER,
        "secret-in-query",
    ] {
        assert!(
            !output.contains(secret) && !stderr.contains(secret),
            "{secret} was logged:\n{output}\n{stderr}"
        );
    }
}
