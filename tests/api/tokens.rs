//! Every way a credential can be wrong ends in the same `UNAUTHENTICATED`.

use crate::helpers::{AUDIENCE, ISSUER, ORG_A, TEST_SECRET, TestApp};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use coalition::auth::token::TokenService;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};
use std::time::Duration;

const VIEWER: &str = "{ viewer { kind user { email } } }";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn user_id(app: &TestApp, email: &str) -> String {
    let token = app.token(email).await;
    let claims = token.split('.').nth(1).expect("claims");
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).expect("b64")).expect("json");
    claims["sub"].as_str().expect("sub").to_owned()
}

fn claims(sub: &str) -> Value {
    json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": sub,
        "iat": now(), "nbf": now(), "exp": now() + 600, "jti": "test",
    })
}

fn hs256(claims: &Value, secret: &[u8]) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("sign")
}

async fn assert_refused(app: &TestApp, credential: &str, case: &str) {
    let answer = app.graphql(Some(credential), VIEWER, json!({})).await;
    assert_eq!(answer.status, 401, "{case}: {}", answer.body);
    assert_eq!(answer.error_code(), "UNAUTHENTICATED", "{case}");
    assert!(
        answer.body.get("data").is_none_or(Value::is_null),
        "{case} leaked data"
    );
}

#[tokio::test]
async fn a_valid_token_identifies_its_user() {
    let app = TestApp::spawn().await;
    let sub = user_id(&app, "coordinator@demo.test").await;
    let answer = app
        .graphql(Some(&hs256(&claims(&sub), TEST_SECRET)), VIEWER, json!({}))
        .await;
    assert_eq!(answer.data("viewer.kind"), "USER");
    assert_eq!(answer.data("viewer.user.email"), "coordinator@demo.test");
}

#[tokio::test]
async fn bad_tokens_are_all_unauthenticated() {
    let app = TestApp::spawn().await;
    let sub = user_id(&app, "coordinator@demo.test").await;
    let with = |patch: Value| {
        let mut c = claims(&sub);
        for (k, v) in patch.as_object().expect("object") {
            c[k] = v.clone();
        }
        hs256(&c, TEST_SECRET)
    };
    let cases = [
        (
            "expired",
            with(json!({ "exp": now() - 3600, "iat": now() - 7200, "nbf": now() - 7200 })),
        ),
        ("not yet valid", with(json!({ "nbf": now() + 3600 }))),
        ("wrong audience", with(json!({ "aud": "another-service" }))),
        ("wrong issuer", with(json!({ "iss": "someone-else" }))),
        (
            "unknown user",
            with(json!({ "sub": uuid::Uuid::now_v7().to_string() })),
        ),
        ("subject not a user id", with(json!({ "sub": "root" }))),
        (
            "signed with another secret",
            hs256(&claims(&sub), b"another-secret-of-at-least-32-bytes"),
        ),
    ];
    for (case, token) in cases {
        assert_refused(&app, &token, case).await;
    }

    let good = hs256(&claims(&sub), TEST_SECRET);
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    let mut forged: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).expect("b64")).expect("json");
    forged["sub"] = json!(user_id(&app, "admin@riverside-library.demo.test").await);
    parts[1] = URL_SAFE_NO_PAD.encode(forged.to_string());
    assert_refused(
        &app,
        &parts.join("."),
        "tampered claims, original signature",
    )
    .await;

    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims(&sub).to_string());
    assert_refused(&app, &format!("{header}.{body}."), "alg none").await;

    assert_refused(&app, "not-a-token", "garbage").await;
}

#[tokio::test]
async fn a_missing_claim_is_refused() {
    let app = TestApp::spawn().await;
    let sub = user_id(&app, "coordinator@demo.test").await;
    for claim in ["exp", "nbf", "iss", "aud", "sub"] {
        let mut c = claims(&sub);
        c.as_object_mut().expect("object").remove(claim);
        assert_refused(&app, &hs256(&c, TEST_SECRET), &format!("no {claim}")).await;
    }
}

fn public_key_service() -> TokenService {
    let pem = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ed25519-public.pem"
    ))
    .expect("pem");
    TokenService::public_key(
        &pem,
        Algorithm::EdDSA,
        ISSUER.into(),
        AUDIENCE.into(),
        Duration::from_secs(600),
    )
    .expect("public key")
}

#[tokio::test]
async fn with_a_public_key_only_tokens_of_the_identity_provider_are_accepted() {
    let app = TestApp::spawn_with(public_key_service()).await;
    let answer = app
        .graphql(
            None,
            "{ organizations(first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(answer.data("organizations.totalCount"), 6);
    let email = "coordinator@demo.test";
    let user = coalition::accounts::user_by_email(
        &app.state.db,
        &coalition::domain::Email::parse(email, "e").expect("email"),
    )
    .await
    .expect("user");
    let private = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ed25519-private.pem"
    ))
    .expect("pem");
    let signed = encode(
        &Header::new(Algorithm::EdDSA),
        &claims(&user.id.to_string()),
        &EncodingKey::from_ed_pem(&private).expect("key"),
    )
    .expect("sign");
    let answer = app.graphql(Some(&signed), VIEWER, json!({})).await;
    assert_eq!(answer.data("viewer.user.email"), email);

    // The classic confusion attack: an HS256 token keyed with the public key.
    let public = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ed25519-public.pem"
    ))
    .expect("pem");
    assert_refused(
        &app,
        &hs256(&claims(&user.id.to_string()), &public),
        "HS256 against a public key",
    )
    .await;
    assert_refused(
        &app,
        &hs256(&claims(&user.id.to_string()), TEST_SECRET),
        "HS256 with a secret",
    )
    .await;

    let login = app
        .graphql(
            None,
            "mutation { login(input: {email: \"coordinator@demo.test\", password: \"welcome-together-2026\"}) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(
        login.error_code(),
        "SERVICE_UNAVAILABLE",
        "login is the identity provider's job"
    );
}

#[tokio::test]
async fn a_revoked_api_key_is_unauthenticated_and_a_live_one_works() {
    let app = TestApp::spawn().await;
    let (key_id, secret) = app.api_key(ORG_A, "STAFF").await;
    let answer = app
        .graphql(
            Some(&secret),
            "{ viewer { kind apiKey { name role organization { slug } } } }",
            json!({}),
        )
        .await;
    assert_eq!(answer.data("viewer.kind"), "API_KEY");
    assert_eq!(answer.data("viewer.apiKey.organization.slug"), ORG_A);
    assert_eq!(answer.data("viewer.apiKey.role"), "STAFF");

    let admin = app.token_of("admin", ORG_A).await;
    let revoked = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { revokeApiKey(input: {apiKeyId: $id}) { revokedAt } }",
            json!({ "id": key_id }),
        )
        .await;
    assert!(revoked.data("revokeApiKey.revokedAt").is_string());
    assert_refused(&app, &secret, "revoked key").await;

    let mut mangled = secret.clone();
    mangled.push('x');
    assert_refused(&app, &mangled, "key with a wrong secret").await;
}

#[tokio::test]
async fn a_request_without_credentials_is_anonymous() {
    let app = TestApp::spawn().await;
    let answer = app.graphql(None, VIEWER, json!({})).await;
    assert_eq!(answer.data("viewer.kind"), "ANONYMOUS");
    assert!(answer.data("viewer.user").is_null());
}

#[tokio::test]
async fn identity_provider_tokens_with_an_audience_list_and_fractional_times_are_accepted() {
    let app = TestApp::spawn().await;
    let sub = user_id(&app, "coordinator@demo.test").await;
    let at = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
    let token = hs256(
        &json!({
            "iss": ISSUER, "aud": ["another-api", AUDIENCE], "sub": sub,
            "iat": at, "nbf": at - 0.5, "exp": at + 600.25,
        }),
        TEST_SECRET,
    );
    let answer = app.graphql(Some(&token), VIEWER, json!({})).await;
    assert_eq!(answer.data("viewer.user.email"), "coordinator@demo.test");

    let elsewhere = hs256(
        &json!({
            "iss": ISSUER, "aud": ["another-api"], "sub": sub,
            "nbf": at, "exp": at + 600.25,
        }),
        TEST_SECRET,
    );
    assert_refused(&app, &elsewhere, "audience list without ours").await;
    let expired = hs256(
        &json!({
            "iss": ISSUER, "aud": [AUDIENCE], "sub": sub,
            "nbf": at - 7200.5, "exp": at - 3600.5,
        }),
        TEST_SECRET,
    );
    assert_refused(&app, &expired, "fractional expiry in the past").await;
}
