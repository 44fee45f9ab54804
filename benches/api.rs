//! A small load driver for the GraphQL API, in process (no network noise):
//! it seeds the demo coalition plus extra members, then runs each scenario a
//! fixed number of times and prints throughput and latency percentiles.
//!
//! Run with `cargo bench --bench api` (SQLite in a temp dir), or set
//! `BENCH_DATABASE_URL` to an empty PostgreSQL database to measure there.

use axum::body::Body;
use axum::http::Request;
use coalition::accounts;
use coalition::auth::Actor;
use coalition::auth::token::TokenService;
use coalition::config::HttpSettings;
use coalition::domain::{Email, Name};
use coalition::graphql::Limits;
use coalition::{demo, startup};
use entity::enums::OrgRole;
use http_body_util::BodyExt;
use serde_json::json;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const ITERATIONS: usize = 300;
const EXTRA_MEMBERS: usize = 100;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let tokens = TokenService::hs256(
        b"benchmark-secret-of-at-least-32-bytes",
        "coalition".into(),
        "coalition-api".into(),
        Duration::from_secs(3600),
    );
    let state = startup::state(&url, coalition::auth::Authenticator::new(tokens))
        .await
        .expect("database");
    demo::seed(&state.db).await.expect("demo");
    let org = accounts::organization_by_slug(&state.db, "riverside-library")
        .await
        .expect("org");
    let hash = state
        .auth
        .hashing
        .hash("benchmark-password".into())
        .await
        .expect("hash");
    for i in 0..EXTRA_MEMBERS {
        accounts::create_user(
            &state.db,
            &Actor::system(),
            Email::parse(&format!("bench{i}@riverside-library.demo.test"), "email").expect("email"),
            Name::parse("Bench Member", "name").expect("name"),
            hash.clone(),
            &[(org.id, OrgRole::Staff)],
            &[],
        )
        .await
        .expect("member");
    }
    let admin = accounts::user_by_email(
        &state.db,
        &Email::parse("admin@riverside-library.demo.test", "email").expect("email"),
    )
    .await
    .expect("admin");
    let token = state
        .auth
        .tokens
        .issue(admin.id, None)
        .expect("token")
        .token;
    let router = startup::router(state.clone(), &HttpSettings::default(), Limits::default());

    let scenarios = [
        (
            "viewer (token auth + 3 lookups)",
            "{ viewer { kind user { email } memberships { role } } }",
        ),
        (
            "members page of 100 with users and organization",
            "{ organization(slug: \"riverside-library\") { members(first: 100) { totalCount nodes { role user { email displayName } organization { name } } } } }",
        ),
        (
            "held meetings page of 20, everything nested",
            "{ meetings(filter: {statuses: [HELD]}, first: 20) { nodes { title localStartsAt body { name } quorum { met } agenda { title documents { url } } attendance { status person { name } } motions { result tally { yes no } votes { choice person { name } } } minutes { status text } actionItems { description } } } }",
        ),
        (
            "organizations page (anonymous)",
            "{ organizations(first: 20) { totalCount nodes { id name slug kind } } }",
        ),
    ];
    println!(
        "{ITERATIONS} requests per scenario on {}",
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    for (name, query) in scenarios {
        let body = json!({ "query": query }).to_string();
        let mut latencies = Vec::with_capacity(ITERATIONS);
        let statements = state.statements.get();
        let started = Instant::now();
        for _ in 0..ITERATIONS {
            let request = Request::post("/graphql")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::from(body.clone()))
                .expect("request");
            let t = Instant::now();
            let response = router.clone().oneshot(request).await.expect("response");
            let bytes = response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            latencies.push(t.elapsed());
            assert!(
                !bytes.windows(8).any(|w| w == b"\"errors\""),
                "{name} failed: {}",
                String::from_utf8_lossy(&bytes)
            );
        }
        let total = started.elapsed();
        latencies.sort();
        let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize];
        println!(
            "{name:<52} {:>8.0} req/s   p50 {:>8.2?}   p95 {:>8.2?}   p99 {:>8.2?}   {:.1} SQL/request",
            ITERATIONS as f64 / total.as_secs_f64(),
            pct(0.50),
            pct(0.95),
            pct(0.99),
            (state.statements.get() - statements) as f64 / ITERATIONS as f64,
        );
    }
}
