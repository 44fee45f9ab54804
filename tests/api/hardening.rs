//! What an attacker or an outage tries: documents that expand without end,
//! mass writes through aliases, floods of password checks, text that breaks
//! the database, ambiguous credentials, errors that are not GraphQL-shaped,
//! and the operator's switches.

use crate::helpers::{ORG_A, ORG_B, TestApp};
use axum::body::Body;
use axum::http::Request;
use coalition::config::HttpSettings;
use coalition::graphql::Limits;
use serde_json::{Value, json};
use tower::ServiceExt;

const PASSWORD: &str = coalition::demo::DEMO_PASSWORD;

fn fragment_bomb(levels: usize, fan_out: usize) -> String {
    let mut query = String::from("{ ...L0 }");
    for level in 0..levels {
        let spreads = format!("...L{} ", level + 1).repeat(fan_out);
        query.push_str(&format!(" fragment L{level} on Query {{ {spreads}}}"));
    }
    query.push_str(&format!(" fragment L{levels} on Query {{ __typename }}"));
    query
}

#[tokio::test]
async fn a_small_document_of_nested_fragments_is_refused_before_it_runs() {
    let app = TestApp::spawn().await;
    let bomb = fragment_bomb(10, 10);
    assert!(bomb.len() < 1_000, "the document itself is small");
    let answer = app.graphql(None, &bomb, json!({})).await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT", "{}", answer.body);
    assert!(
        answer.message().contains("10000000000 fields"),
        "{}",
        answer.message()
    );
    let healthy = app.graphql(None, "{ __typename }", json!({})).await;
    assert_eq!(healthy.data("__typename"), "Query");
}

#[tokio::test]
async fn typename_is_not_free() {
    let app = TestApp::spawn().await;
    let aliases: String = (0..3_000).map(|i| format!("t{i}: __typename ")).collect();
    let answer = app
        .graphql(None, &format!("{{ {aliases} }}"), json!({}))
        .await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT", "{}", answer.body);
}

#[tokio::test]
async fn one_request_checks_one_password() {
    let app = TestApp::spawn().await;
    let logins: String = (0..200)
        .map(|i| {
            format!(
                "l{i}: login(input: {{email: \"staff@riverside-library.demo.test\", password: \"guess-{i}\"}}) {{ token }} "
            )
        })
        .collect();
    let answer = app
        .graphql(None, &format!("mutation {{ {logins} }}"), json!({}))
        .await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT", "{}", answer.body);
    let twice = app
        .graphql(
            None,
            "mutation($p: String!) { a: login(input: {email: \"staff@riverside-library.demo.test\", password: $p}) { token } b: login(input: {email: \"admin@riverside-library.demo.test\", password: $p}) { token } }",
            json!({ "p": PASSWORD }),
        )
        .await;
    assert_eq!(twice.error_code(), "BAD_USER_INPUT", "{}", twice.body);
    let once = app
        .graphql(
            None,
            "mutation($p: String!) { login(input: {email: \"staff@riverside-library.demo.test\", password: $p}) { token } }",
            json!({ "p": PASSWORD }),
        )
        .await;
    assert!(once.data("login.token").is_string());
}

async fn client_count(app: &TestApp) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    entity::client::Entity::find()
        .count(&app.state.db)
        .await
        .expect("count")
}

#[tokio::test]
async fn aliased_mass_writes_are_refused_whole() {
    let app = TestApp::spawn().await;
    let staff = app.token_of("staff", ORG_A).await;
    let before = client_count(&app).await;
    let creates = |n: usize| -> String {
        (0..n)
            .map(|i| {
                format!(
                    "c{i}: createClient(input: {{organizationId: $org, displayName: \"P{i}\"}}) {{ id }} "
                )
            })
            .collect()
    };
    for (count, refusal) in [(2_000, "fields"), (11, "mutations")] {
        let answer = app
            .graphql(
                Some(&staff),
                &format!("mutation($org: ID!) {{ {} }}", creates(count)),
                json!({ "org": app.org_id(ORG_A).await }),
            )
            .await;
        assert_eq!(answer.error_code(), "BAD_USER_INPUT", "{}", answer.body);
        assert!(answer.message().contains(refusal), "{}", answer.message());
    }
    assert_eq!(client_count(&app).await, before, "nothing was written");

    app.graphql(
        Some(&staff),
        &format!("mutation($org: ID!) {{ {} }}", creates(3)),
        json!({ "org": app.org_id(ORG_A).await }),
    )
    .await
    .data("c2.id");
    assert_eq!(client_count(&app).await, before + 3);
}

#[tokio::test]
async fn a_flood_of_password_checks_is_answered_without_piling_up() {
    let app = TestApp::spawn().await;
    let attempts = (0..200).map(|i| {
        let app = &app;
        async move {
            let ip = format!("2001:db8:{i:x}::1");
            app.graphql_from(
                &ip,
                None,
                "mutation { login(input: {email: \"staff@riverside-library.demo.test\", password: \"wrong-password\"}) { token } }",
                json!({}),
            )
            .await
        }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let mut limited = 0;
    for answer in &answers {
        match answer.error_code() {
            "UNAUTHENTICATED" => {}
            "RATE_LIMITED" => {
                limited += 1;
                assert_eq!(answer.status, 429, "{}", answer.body);
            }
            other => panic!("{other}: {}", answer.body),
        }
    }
    assert!(
        limited > 0,
        "past the concurrent password checks, requests are refused instead of queued"
    );
}

#[tokio::test]
async fn failed_logins_from_one_address_do_not_lock_the_account_elsewhere() {
    let app = TestApp::spawn().await;
    let login = "mutation($p: String!) { login(input: {email: \"staff@riverside-library.demo.test\", password: $p}) { token } }";
    for _ in 0..coalition::auth::throttle::FREE_FAILURES {
        let answer = app
            .graphql_from("203.0.113.66", None, login, json!({ "p": "guess" }))
            .await;
        assert_eq!(answer.error_code(), "UNAUTHENTICATED");
    }
    let attacker = app
        .graphql_from("203.0.113.66", None, login, json!({ "p": PASSWORD }))
        .await;
    assert_eq!(attacker.error_code(), "RATE_LIMITED", "{}", attacker.body);
    let caseworker = app
        .graphql_from("198.51.100.20", None, login, json!({ "p": PASSWORD }))
        .await;
    assert!(
        caseworker.data("login.token").is_string(),
        "the caseworker logs in from her own address"
    );
}

#[tokio::test]
async fn control_characters_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let staff = app.token_of("staff", ORG_A).await;
    let org = app.org_id(ORG_A).await;
    let before = client_count(&app).await;
    let create = "mutation($input: CreateClientInput!) { createClient(input: $input) { id } }";
    let answer = app
        .graphql(
            Some(&staff),
            create,
            json!({ "input": { "organizationId": org, "displayName": "Amina\u{0}K." } }),
        )
        .await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT", "{}", answer.body);
    assert_eq!(
        answer.body["errors"][0]["extensions"]["field"],
        "input.displayName"
    );
    let literal = app
        .graphql(
            Some(&staff),
            "mutation($org: ID!) { createClient(input: {organizationId: $org, displayName: \"A\\u001bK\"}) { id } }",
            json!({ "org": org }),
        )
        .await;
    assert_eq!(literal.error_code(), "BAD_USER_INPUT", "{}", literal.body);
    assert_eq!(
        literal.body["errors"][0]["extensions"]["field"],
        "input.displayName"
    );
    let search = app
        .graphql(
            None,
            "query($t: String) { services(filter: {text: $t}) { totalCount } }",
            json!({ "t": "legal\u{0}aid" }),
        )
        .await;
    assert_eq!(search.error_code(), "BAD_USER_INPUT", "{}", search.body);
    assert_eq!(search.body["errors"][0]["extensions"]["field"], "t");
    let overridden = app
        .graphql(
            Some(&staff),
            create,
            json!({ "input": { "organizationId": org, "displayName": "Amina \u{202e}K." } }),
        )
        .await;
    assert_eq!(
        overridden.error_code(),
        "BAD_USER_INPUT",
        "{}",
        overridden.body
    );
    let notes = app
        .graphql(
            Some(&staff),
            create,
            json!({ "input": { "organizationId": org, "displayName": "Amina K.",
                    "needsSummary": "Line one\nLine two\twith a tab" } }),
        )
        .await;
    assert!(
        notes.data("createClient.id").is_string(),
        "new lines and tabs are text"
    );
    assert_eq!(client_count(&app).await, before + 1);
}

#[tokio::test]
async fn dates_outside_a_sane_range_are_refused() {
    let app = TestApp::spawn().await;
    for from in ["9999-01-01T00:00:00Z", "1066-10-14T09:00:00Z"] {
        let answer = app
            .graphql(
                None,
                "query($f: DateTime) { meetings(filter: {from: $f}) { totalCount } }",
                json!({ "f": from }),
            )
            .await;
        assert_eq!(
            answer.error_code(),
            "BAD_USER_INPUT",
            "{from}: {}",
            answer.body
        );
        assert_eq!(answer.body["errors"][0]["extensions"]["field"], "f");
    }
    let literal = app
        .graphql(
            None,
            "{ actionItems(filter: {dueBy: \"9999-12-31\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(literal.error_code(), "BAD_USER_INPUT", "{}", literal.body);
    assert_eq!(
        literal.body["errors"][0]["extensions"]["field"],
        "filter.dueBy"
    );
    let sane = app
        .graphql(
            None,
            "{ meetings(filter: {from: \"2026-01-01T00:00:00Z\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(sane.data("meetings.totalCount").is_number());
}

#[tokio::test]
async fn two_authorization_headers_are_refused() {
    let app = TestApp::spawn().await;
    let staff = app.token_of("staff", ORG_A).await;
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {staff}"))
        .header("authorization", "Bearer coal_0123456789abcdef_x")
        .body(Body::from(
            json!({ "query": "{ viewer { kind } }" }).to_string(),
        ))
        .expect("request");
    let (status, _, body) = app.request(request).await;
    assert_eq!(status, 400);
    let body: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert!(body.get("data").is_none());
}

async fn raw(app: &TestApp, request: Request<Body>) -> (u16, Value) {
    let (status, headers, body) = app.request(request).await;
    assert!(
        headers["content-type"]
            .to_str()
            .is_ok_and(|v| v.contains("json")),
        "{status}: {headers:?}"
    );
    let body: Value =
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON ({status}): {body}"));
    (status.as_u16(), body)
}

#[tokio::test]
async fn every_http_error_is_a_graphql_shaped_body_with_a_code() {
    let app = TestApp::spawn().await;
    let post = |body: &'static str| {
        Request::post("/graphql")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .expect("request")
    };
    let cases = [
        (post("{\"query\": "), 400, "BAD_USER_INPUT"),
        (post("[]"), 400, "BAD_USER_INPUT"),
        (
            Request::post("/graphql")
                .body(Body::from("{\"query\": \"{ __typename }\"}"))
                .expect("request"),
            415,
            "BAD_USER_INPUT",
        ),
        (
            Request::post("/graphql")
                .header("content-type", "application/json")
                .header("accept", "text/plain")
                .body(Body::from("{\"query\": \"{ __typename }\"}"))
                .expect("request"),
            406,
            "BAD_USER_INPUT",
        ),
        (
            Request::get("/nowhere")
                .body(Body::empty())
                .expect("request"),
            404,
            "NOT_FOUND",
        ),
        (
            Request::delete("/graphql")
                .body(Body::empty())
                .expect("request"),
            405,
            "BAD_USER_INPUT",
        ),
        (
            Request::get("/calendar/no-such-body.ics")
                .body(Body::empty())
                .expect("request"),
            404,
            "NOT_FOUND",
        ),
        (
            Request::post("/graphql")
                .header("content-type", "application/json")
                .body(Body::from("x".repeat(2 * 1024 * 1024)))
                .expect("request"),
            413,
            "BAD_USER_INPUT",
        ),
    ];
    for (request, status, code) in cases {
        let what = format!("{} {}", request.method(), request.uri());
        let (got, body) = raw(&app, request).await;
        assert_eq!(got, status, "{what}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{what}");
        let message = body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(
            !message.contains("InvalidRequest")
                && !message.contains("Error(")
                && !message.contains("Unsupported"),
            "{what}: no library debug strings: {message}"
        );
    }
}

#[tokio::test]
async fn operators_can_switch_off_introspection_suggestions_and_graphiql() {
    let app = TestApp::spawn().await;
    let closed = Limits {
        introspection: false,
        field_suggestions: false,
        ..Limits::default()
    };
    let settings = HttpSettings {
        graphiql: false,
        ..HttpSettings::default()
    };
    let router = coalition::startup::router(app.state.clone(), &settings, closed);
    let ask = |query: &str| {
        Request::post("/graphql")
            .header("content-type", "application/json")
            .body(Body::from(json!({ "query": query }).to_string()))
            .expect("request")
    };
    let body = |response: axum::response::Response| async move {
        use http_body_util::BodyExt;
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        serde_json::from_slice::<Value>(&bytes).expect("json")
    };
    let schema = body(
        router
            .clone()
            .oneshot(ask("{ __schema { types { name } } }"))
            .await
            .expect("response"),
    )
    .await;
    assert!(schema["errors"][0]["message"].is_string(), "{schema}");
    let typo = body(
        router
            .clone()
            .oneshot(ask("{ organisations { totalCount } }"))
            .await
            .expect("response"),
    )
    .await;
    let message = typo["errors"][0]["message"].as_str().unwrap_or("");
    assert!(!message.contains("Did you mean"), "{message}");
    let page = router
        .clone()
        .oneshot(
            Request::get("/graphql")
                .header("accept", "text/html")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_ne!(
        page.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/html; charset=utf-8"),
        "no GraphiQL page"
    );

    let open = app
        .graphql(None, "{ organisations { totalCount } }", json!({}))
        .await;
    assert!(open.message().contains("Did you mean"), "{}", open.body);
}

#[tokio::test]
async fn an_error_on_a_non_null_field_nulls_its_nearest_nullable_parent() {
    let app = TestApp::spawn().await;
    let staff = app.token_of("staff", ORG_A).await;
    let answer = app
        .graphql(
            Some(&staff),
            "query($org: ID!) { nodes(ids: [$org]) { id ... on Organization { members(first: 5) { totalCount } } } }",
            json!({ "org": app.org_id(ORG_B).await }),
        )
        .await;
    assert_eq!(answer.error_code(), "FORBIDDEN", "{}", answer.body);
    assert_eq!(
        answer.body["errors"][0]["path"],
        json!(["nodes", 0, "members"])
    );
    assert_eq!(
        answer.body["data"],
        json!({ "nodes": [null] }),
        "the null of the non-null `members` reaches the nullable list item: {}",
        answer.body
    );
    let root = app
        .graphql(
            Some(&staff),
            "query($slug: String!) { organization(slug: $slug) { id members(first: 5) { totalCount } } }",
            json!({ "slug": ORG_B }),
        )
        .await;
    assert_eq!(root.error_code(), "FORBIDDEN");
    assert_eq!(
        root.body["data"],
        Value::Null,
        "`organization` is non-null too: the null reaches `data`"
    );
}

#[tokio::test]
async fn a_request_past_its_time_limit_is_stopped_not_left_running() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let app = TestApp::spawn().await;
    let staff = app.token_of("staff", ORG_A).await;
    let settings = HttpSettings {
        request_timeout: std::time::Duration::from_millis(300),
        ..HttpSettings::default()
    };
    let router = coalition::startup::router(app.state.clone(), &settings, Limits::default());
    let before = client_count(&app).await;
    // Another writer holds the clients table, so the request waits past its limit.
    let holder = app.state.db.begin().await.expect("begin");
    let hold = if coalition::db::is_postgres(&app.state.db) {
        "LOCK TABLE clients IN SHARE MODE"
    } else {
        "UPDATE organizations SET name = name"
    };
    holder.execute_unprepared(hold).await.expect("hold");
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {staff}"))
        .body(Body::from(
            json!({
                "query": "mutation($org: ID!) { createClient(input: {organizationId: $org, displayName: \"Late\"}) { id } }",
                "variables": { "org": app.org_id(ORG_A).await },
            })
            .to_string(),
        ))
        .expect("request");
    let started = std::time::Instant::now();
    let response = router.oneshot(request).await.expect("response");
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    holder.rollback().await.expect("release");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        client_count(&app).await,
        before,
        "the stopped request wrote nothing, then or later"
    );
}
