//! Apollo automatic persisted queries: an unknown hash answers
//! `PersistedQueryNotFound` as Apollo clients expect; once registered with
//! its query, the hash alone runs it, within the same limits as any query.

use crate::helpers::{Answer, TestApp};
use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn hash(query: &str) -> String {
    format!("{:x}", Sha256::digest(query.as_bytes()))
}

async fn post(app: &TestApp, body: Value) -> Answer {
    post_accepting(app, body, "application/json").await
}

async fn post_accepting(app: &TestApp, body: Value, accept: &str) -> Answer {
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", accept)
        .body(Body::from(body.to_string()))
        .expect("request");
    let (status, _, text) = app.request(request).await;
    let body =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    Answer { status, body }
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

#[tokio::test]
async fn an_unknown_hash_answers_persisted_query_not_found_then_runs_once_registered() {
    let app = TestApp::spawn().await;
    let query = "query Bodies { bodies(first: 5) { totalCount } }";
    let only_hash = json!({ "operationName": "Bodies", "extensions": persisted(&hash(query)) });

    let unknown = post(&app, only_hash.clone()).await;
    assert_eq!(unknown.status, 200, "{}", unknown.body);
    assert_eq!(
        unknown.message(),
        "PersistedQueryNotFound",
        "{}",
        unknown.body
    );
    assert_eq!(unknown.code(), Some("PERSISTED_QUERY_NOT_FOUND"));
    let apollo = post_accepting(
        &app,
        only_hash.clone(),
        "application/graphql-response+json,application/json;q=0.9",
    )
    .await;
    assert_eq!(
        (apollo.status.as_u16(), apollo.message()),
        (200, "PersistedQueryNotFound"),
        "what Apollo Client sends and Apollo Server answers: {}",
        apollo.body
    );

    let registered = post(
        &app,
        json!({ "query": query, "operationName": "Bodies", "extensions": persisted(&hash(query)) }),
    )
    .await;
    let total = registered.data("bodies.totalCount").clone();
    assert!(total.is_u64(), "{}", registered.body);

    let by_hash = post(&app, only_hash).await;
    assert_eq!(by_hash.data("bodies.totalCount"), &total);
}

#[tokio::test]
async fn a_hash_that_does_not_match_its_query_is_refused() {
    let app = TestApp::spawn().await;
    let answer = post(
        &app,
        json!({ "query": "{ __typename }", "extensions": persisted(&hash("{ viewer { kind } }")) }),
    )
    .await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT");
    assert!(
        answer.message().contains("does not match"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn a_persisted_query_is_held_to_the_limits_of_any_query() {
    let app = TestApp::spawn().await;
    let aliases: String = (0..2_001).map(|i| format!("a{i}: __typename ")).collect();
    let query = format!("{{ {aliases} }}");
    let register = json!({ "query": query, "extensions": persisted(&hash(&query)) });
    let answer = post(&app, register).await;
    assert!(answer.message().contains("2001 fields"), "{}", answer.body);
    // It was not kept either.
    let answer = post(&app, json!({ "extensions": persisted(&hash(&query)) })).await;
    assert_eq!(answer.code(), Some("PERSISTED_QUERY_NOT_FOUND"));
}
