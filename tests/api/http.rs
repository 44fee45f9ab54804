//! The HTTP surface: probes, metrics, GraphiQL, GET queries, limits, WebSockets.

use crate::helpers::{ORG_A, TestApp};
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request};
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

/// POSTs `body` to `/graphql` with `content-type: application/json` and the
/// given `accept` (none when `None`): status, `content-type` and JSON body.
async fn post_accepting(app: &TestApp, accept: Option<&str>, body: &str) -> (u16, String, Value) {
    let mut request = Request::post("/graphql").header("content-type", "application/json");
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let (status, headers, body) = app
        .request(request.body(Body::from(body.to_owned())).expect("req"))
        .await;
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}"));
    (status.as_u16(), content_type, body)
}

const TYPENAME: &str = r#"{"query": "{ __typename }"}"#;
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

#[tokio::test]
async fn the_answer_comes_in_the_media_type_the_client_accepts() {
    let app = TestApp::spawn().await;
    for (accept, expected) in [
        (None, "application/json"),
        (Some("*/*"), "application/json"),
        (Some("application/json"), "application/json"),
        (Some(GRAPHQL_RESPONSE), GRAPHQL_RESPONSE),
        (
            Some("application/graphql-response+json, application/json;q=0.9"),
            GRAPHQL_RESPONSE,
        ),
        (
            Some("application/graphql-response+json;q=0.1, application/json"),
            "application/json",
        ),
    ] {
        let (status, content_type, body) = post_accepting(&app, accept, TYPENAME).await;
        assert_eq!(status, 200, "{accept:?}: {body}");
        assert!(
            content_type.starts_with(expected) && content_type.contains("charset=utf-8"),
            "{accept:?}: {content_type}"
        );
        assert_eq!(body["data"]["__typename"], "Query");
    }
    let (status, content_type, body) = post_accepting(&app, Some("text/html"), TYPENAME).await;
    assert_eq!(status, 406, "{body}");
    assert!(content_type.contains("json"));
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn request_errors_are_400_without_data_when_the_client_asks_for_graphql_response_json() {
    let app = TestApp::spawn().await;
    for (what, body) in [
        ("a document that does not parse", json!({ "query": "{" })),
        (
            "a document that does not validate",
            json!({ "query": "{ noSuchField }" }),
        ),
        (
            "a variable that does not coerce",
            json!({ "query": "query Q($id: ID!) { __typename }", "variables": { "id": null } }),
        ),
    ] {
        let body = body.to_string();
        let (status, content_type, answer) =
            post_accepting(&app, Some(GRAPHQL_RESPONSE), &body).await;
        assert_eq!(status, 400, "{what}: {answer}");
        assert!(content_type.starts_with(GRAPHQL_RESPONSE), "{what}");
        assert!(
            answer.get("data").is_none(),
            "{what}: no data entry: {answer}"
        );
        assert_eq!(
            answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{what}"
        );
        // Clients of application/json read errors from a 200, as they always did.
        let (status, content_type, answer) =
            post_accepting(&app, Some("application/json"), &body).await;
        assert_eq!(status, 200, "{what}: {answer}");
        assert!(content_type.starts_with("application/json"), "{what}");
        assert!(
            answer.get("data").is_none(),
            "{what}: no data entry: {answer}"
        );
        assert!(answer["errors"][0]["message"].is_string(), "{what}");
    }
}

#[tokio::test]
async fn a_field_error_is_a_2xx_with_its_data_entry_even_when_data_is_null() {
    let app = TestApp::spawn().await;
    // `node` is non-null: its error nulls `data`, but execution did begin.
    let body = json!({ "query": "{ node(id: \"%%%\") { id } }" });
    let (status, _, answer) = post_accepting(&app, Some(GRAPHQL_RESPONSE), &body.to_string()).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.get("data").is_some_and(Value::is_null), "{answer}");
    assert!(answer["errors"][0]["path"].is_array(), "{answer}");
}

#[tokio::test]
async fn a_post_whose_body_is_not_declared_json_is_415() {
    let app = TestApp::spawn().await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/json; charset=iso-8859-1"),
    ] {
        let mut request = Request::post("/graphql");
        if let Some(value) = content_type {
            request = request.header("content-type", value);
        }
        let (status, _, body) = app
            .request(request.body(Body::from(TYPENAME)).expect("req"))
            .await;
        assert_eq!(status, 415, "{content_type:?}: {body}");
        let body: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    }
    let (status, _, _) = post_accepting(&app, None, TYPENAME).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn request_parameters_of_the_wrong_shape_are_400_naming_the_parameter() {
    let app = TestApp::spawn().await;
    for (body, field) in [
        ("{ \"not a JSON", "body"),
        ("", "body"),
        ("7", "body"),
        (r#"{"notquery": "{ __typename }"}"#, "body.query"),
        (r#"{"query": 7}"#, "body.query"),
        (
            r#"{"query": "{ __typename }", "operationName": {}}"#,
            "body.operationName",
        ),
        (
            r#"{"query": "{ __typename }", "variables": "x"}"#,
            "body.variables",
        ),
        (
            r#"{"query": "{ __typename }", "extensions": [1]}"#,
            "body.extensions",
        ),
    ] {
        for accept in [None, Some(GRAPHQL_RESPONSE)] {
            let (status, _, answer) = post_accepting(&app, accept, body).await;
            assert_eq!(status, 400, "{body}: {answer}");
            assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
            assert_eq!(answer["errors"][0]["extensions"]["field"], field, "{body}");
            assert!(answer.get("data").is_none());
        }
    }
    let nulls = r#"{"query": "{ __typename }", "operationName": null, "variables": null, "extensions": null}"#;
    let (status, _, answer) = post_accepting(&app, Some(GRAPHQL_RESPONSE), nulls).await;
    assert_eq!(
        (status, &answer["data"]["__typename"]),
        (200, &json!("Query"))
    );
}

#[tokio::test]
async fn get_queries_take_variables_and_a_mutation_over_get_is_405_allowing_post() {
    let app = TestApp::spawn().await;
    let (status, headers, body) = app
        .request(
            Request::get("/graphql?query=query%20T(%24name%3AString!)%7B__type(name%3A%24name)%7Bname%7D%7D&variables=%7B%22name%22%3A%22Query%22%7D")
                .header("accept", GRAPHQL_RESPONSE)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with(GRAPHQL_RESPONSE)
    );
    let body: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["data"]["__type"]["name"], "Query");

    let (status, headers, _) = app
        .request(
            Request::get("/graphql?query=mutation%20%7B__typename%7D")
                .header("accept", GRAPHQL_RESPONSE)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(status, 405);
    assert_eq!(headers["allow"], "POST");
}

#[tokio::test]
async fn a_batch_runs_its_operations_in_order_and_answers_an_array() {
    let app = TestApp::spawn().await;
    let batch = json!([
        { "query": "{ organizations(first: 1) { totalCount } }" },
        { "query": "query Who { viewer { kind } }", "operationName": "Who" },
        { "query": "{ nope }" },
    ]);
    let (status, content_type, answer) =
        post_accepting(&app, Some(GRAPHQL_RESPONSE), &batch.to_string()).await;
    assert_eq!(status, 200, "{answer}");
    assert!(content_type.starts_with(GRAPHQL_RESPONSE));
    let answers = answer.as_array().expect("an array");
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0]["data"]["organizations"]["totalCount"], 6);
    assert_eq!(answers[1]["data"]["viewer"]["kind"], "ANONYMOUS");
    assert!(
        answers[2].get("data").is_none(),
        "a request error in a batch has no data"
    );
    assert_eq!(
        answers[2]["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
}

#[tokio::test]
async fn a_batch_over_the_cap_or_empty_gets_a_coded_error_and_runs_nothing() {
    let app = TestApp::spawn().await;
    let eleven: Vec<Value> = (0..11)
        .map(|_| json!({ "query": "{ __typename }" }))
        .collect();
    let (status, _, answer) = post_accepting(&app, None, &json!(eleven).to_string()).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let message = answer["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("at most 10 operations"), "{message}");

    let (status, _, answer) = post_accepting(&app, None, "[]").await;
    assert_eq!(status, 400);
    assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");

    let settings = HttpSettings {
        max_batch: 2,
        ..HttpSettings::default()
    };
    let router = coalition::startup::router(app.state.clone(), &settings, Limits::default());
    let three = json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }, { "query": "{ __typename }" }]);
    let response = router
        .oneshot(
            Request::post("/graphql")
                .header("content-type", "application/json")
                .body(Body::from(three.to_string()))
                .expect("req"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), 400, "GRAPHQL_MAX_BATCH is honoured");
}

#[tokio::test]
async fn a_batch_cannot_multiply_the_mutation_budget() {
    let app = TestApp::spawn().await;
    let aliases = |n: usize| -> String {
        let fields: String = (0..n).map(|i| format!("m{i}: __typename ")).collect();
        format!("mutation {{ {fields}}}")
    };
    let within = json!([{ "query": aliases(5) }, { "query": aliases(5) }]);
    let (status, _, answer) = post_accepting(&app, None, &within.to_string()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer[1]["data"]["m4"], "Mutation");

    let over = json!([{ "query": aliases(5) }, { "query": aliases(6) }]);
    let (status, _, answer) = post_accepting(&app, None, &over.to_string()).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert!(
        answer["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("11 mutations")),
        "{answer}"
    );

    let login = "mutation { login(input: {email: \"a@b.co\", password: \"x\"}) { token } }";
    let twice = json!([{ "query": login }, { "query": login }]);
    let (status, _, answer) = post_accepting(&app, None, &twice.to_string()).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("login")),
        "{answer}"
    );
}

const COMMISSION_ICS: &str = "/calendar/commission-on-immigrant-and-refugee-affairs.ics";

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, HeaderMap, String) {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let (status, headers, body) = app.request(request.body(Body::empty()).expect("req")).await;
    (status.as_u16(), headers, body)
}

#[tokio::test]
async fn the_calendar_answers_304_to_a_client_whose_copy_is_current() {
    let app = TestApp::spawn().await;
    let (status, headers, body) = get_with(&app, COMMISSION_ICS, &[]).await;
    assert_eq!(status, 200);
    let etag = headers["etag"].to_str().expect("etag").to_owned();
    assert!(
        etag.starts_with('"') && !etag.starts_with("W/"),
        "a strong tag: {etag}"
    );
    let modified = headers["last-modified"].to_str().expect("date").to_owned();
    assert!(modified.ends_with(" GMT"), "{modified}");
    assert_eq!(headers["cache-control"], "no-cache");

    let (status, headers, body_304) =
        get_with(&app, COMMISSION_ICS, &[("if-none-match", &etag)]).await;
    assert_eq!(status, 304);
    assert!(body_304.is_empty());
    assert_eq!(headers["etag"].to_str().unwrap(), etag);
    let (status, _, _) = get_with(&app, COMMISSION_ICS, &[("if-modified-since", &modified)]).await;
    assert_eq!(status, 304, "not modified since its own Last-Modified");
    let (status, _, _) = get_with(
        &app,
        COMMISSION_ICS,
        &[("if-modified-since", "Thu, 01 Jan 2015 00:00:00 GMT")],
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = get_with(
        &app,
        COMMISSION_ICS,
        &[
            ("if-none-match", "\"stale\""),
            ("if-modified-since", &modified),
        ],
    )
    .await;
    assert_eq!(status, 200, "If-None-Match decides when both are sent");

    let (status, headers, head_body) = app
        .request(
            Request::head(COMMISSION_ICS)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["etag"].to_str().unwrap(),
        etag,
        "HEAD tags like GET"
    );
    assert!(head_body.is_empty());

    // A change to a meeting changes the tag and the date.
    use entity::meeting;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let later = chrono::Utc::now() + chrono::Duration::days(1);
    meeting::Entity::update_many()
        .col_expr(meeting::Column::StatusNote, Expr::value("Room changed."))
        .col_expr(meeting::Column::UpdatedAt, Expr::value(later))
        .filter(meeting::Column::Id.is_not_null())
        .exec(&app.state.db)
        .await
        .expect("update");
    let (status, headers, changed) =
        get_with(&app, COMMISSION_ICS, &[("if-none-match", &etag)]).await;
    assert_eq!(status, 200);
    assert_ne!(changed, body);
    assert_ne!(headers["etag"].to_str().unwrap(), etag);
    let (status, _, _) = get_with(&app, COMMISSION_ICS, &[("if-modified-since", &modified)]).await;
    assert_eq!(status, 200, "modified since");
}

#[tokio::test]
async fn open_civic_data_and_hsds_answer_304_to_a_matching_tag() {
    let app = TestApp::spawn().await;
    for path in [
        "/ocd/commission-on-immigrant-and-refugee-affairs.json",
        "/hsds/services",
        "/hsds/organizations?per_page=2",
        "/hsds/taxonomy_terms",
    ] {
        let (status, headers, _) = get_with(&app, path, &[]).await;
        assert_eq!(status, 200, "{path}");
        let etag = headers["etag"].to_str().expect("etag").to_owned();
        let (status, _, body) = get_with(&app, path, &[("if-none-match", &etag)]).await;
        assert_eq!((status, body.as_str()), (304, ""), "{path}");
        let (status, _, _) = get_with(&app, path, &[("if-none-match", "\"other\", *")]).await;
        assert_eq!(status, 304, "{path}: `*` matches any current copy");
        let (status, _, _) = get_with(&app, path, &[("if-none-match", "\"other\"")]).await;
        assert_eq!(status, 200, "{path}");
    }
    let (status, headers, _) = get_with(
        &app,
        "/calendar/no-such-body.ics",
        &[("if-none-match", "*")],
    )
    .await;
    assert_eq!(status, 404, "only a feed that exists is tagged");
    assert!(headers.get("etag").is_none());
}
