//! The test harness: each test gets its own freshly migrated database (a
//! SQLite file, or a new PostgreSQL database when `TEST_DATABASE_URL` points at
//! a server), the demo coalition, and the app in process.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use coalition::accounts;
use coalition::auth::token::TokenService;
use coalition::auth::{Actor, Authenticator};
use coalition::config::HttpSettings;
use coalition::domain::{Email, Name};
use coalition::graphql::Limits;
use coalition::state::AppState;
use coalition::{demo, ids, startup};
use entity::enums::{CoalitionRoleKind, OrgRole};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::sync::OnceCell;
use tower::ServiceExt;

/// The HS256 secret of test apps.
pub const TEST_SECRET: &[u8] = b"test-secret-of-at-least-32-bytes!!";
/// `iss` of test tokens.
pub const ISSUER: &str = "coalition";
/// `aud` of test tokens.
pub const AUDIENCE: &str = "coalition-api";
/// Org A of the permission matrix.
pub const ORG_A: &str = "riverside-library";
/// Org B of the permission matrix.
pub const ORG_B: &str = "community-legal-aid";

/// A running app over its own database.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    /// The database's URL.
    pub database_url: String,
    postgres_database: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

/// One GraphQL answer: HTTP status and body.
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

impl Answer {
    /// `data` at a dotted path (`viewer.user.email`), panicking with the whole body if errors came back.
    pub fn data(&self, path: &str) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        let mut value = &self.body["data"];
        for key in path.split('.').filter(|k| !k.is_empty()) {
            value = match key.parse::<usize>() {
                Ok(index) => &value[index],
                Err(_) => &value[key],
            };
        }
        value
    }

    /// The `extensions.code` of the first error, if any.
    pub fn code(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["code"].as_str()
    }

    /// The first error's code, panicking if the request succeeded.
    pub fn error_code(&self) -> &str {
        self.code()
            .unwrap_or_else(|| panic!("expected an error, got {}", self.body))
    }

    /// The first error's message.
    pub fn message(&self) -> &str {
        self.body["errors"][0]["message"].as_str().unwrap_or("")
    }
}

impl TestApp {
    /// A fresh app with the demo coalition, tokens signed with [`TEST_SECRET`].
    pub async fn spawn() -> Self {
        let tokens = TokenService::hs256(
            TEST_SECRET,
            ISSUER.into(),
            AUDIENCE.into(),
            Duration::from_secs(600),
        );
        Self::spawn_with(tokens).await
    }

    /// A fresh app with the demo coalition and the given token service.
    pub async fn spawn_with(tokens: TokenService) -> Self {
        Self::build(tokens, true).await
    }

    /// A fresh app over an empty directory (migrated, default taxonomy, no demo data).
    pub async fn spawn_empty() -> Self {
        let tokens = TokenService::hs256(
            TEST_SECRET,
            ISSUER.into(),
            AUDIENCE.into(),
            Duration::from_secs(600),
        );
        Self::build(tokens, false).await
    }

    async fn build(tokens: TokenService, with_demo: bool) -> Self {
        init_logs();
        let (url, postgres_database, dir) = match std::env::var("TEST_DATABASE_URL") {
            Ok(server) if !server.is_empty() => {
                let (url, name) = fresh_postgres_database(&server).await;
                (url, Some(name), None)
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                (url, None, Some(dir))
            }
        };
        let state = startup::state(&url, Authenticator::new(tokens))
            .await
            .expect("database");
        if with_demo {
            demo::seed(&state.db).await.expect("demo data");
        }
        let router = startup::router(state.clone(), &HttpSettings::default(), Limits::default());
        TestApp {
            state,
            router,
            database_url: url,
            postgres_database,
            _dir: dir,
        }
    }

    /// Sends a raw HTTP request to the app.
    pub async fn request(&self, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("response");
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

    /// POSTs a GraphQL request, with `Authorization: Bearer <credential>` when given.
    pub async fn graphql(&self, credential: Option<&str>, query: &str, variables: Value) -> Answer {
        self.graphql_with_headers(credential, query, variables, &[])
            .await
    }

    /// Like [`TestApp::graphql`], with extra headers.
    pub async fn graphql_with_headers(
        &self,
        credential: Option<&str>,
        query: &str,
        variables: Value,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut builder = Request::post("/graphql").header("content-type", "application/json");
        if let Some(credential) = credential {
            builder = builder.header("authorization", format!("Bearer {credential}"));
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let body = json!({ "query": query, "variables": variables }).to_string();
        let (status, _, text) = self
            .request(builder.body(Body::from(body)).expect("request"))
            .await;
        let body =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
        Answer { status, body }
    }

    /// Like [`TestApp::graphql`], as if sent from the client address `ip`.
    pub async fn graphql_from(
        &self,
        ip: &str,
        credential: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Answer {
        let mut builder = Request::post("/graphql").header("content-type", "application/json");
        if let Some(credential) = credential {
            builder = builder.header("authorization", format!("Bearer {credential}"));
        }
        let body = json!({ "query": query, "variables": variables }).to_string();
        let mut request = builder.body(Body::from(body)).expect("request");
        let peer = std::net::SocketAddr::new(ip.parse().expect("address"), 40000);
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        let (status, _, text) = self.request(request).await;
        let body =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
        Answer { status, body }
    }

    /// A fresh access token for the user with this email.
    pub async fn token(&self, email: &str) -> String {
        let email = Email::parse(email, "email").expect("email");
        let user = accounts::user_by_email(&self.state.db, &email)
            .await
            .expect("user exists");
        self.state
            .auth
            .tokens
            .issue(user.id, None)
            .expect("token")
            .token
    }

    /// Token of a demo account: `admin`/`staff` of an org slug.
    pub async fn token_of(&self, role: &str, slug: &str) -> String {
        self.token(&format!("{role}@{slug}.demo.test")).await
    }

    /// Creates a user with a role in an organization, returns a token for them.
    pub async fn add_member(&self, email: &str, slug: &str, role: OrgRole) -> String {
        let org = accounts::organization_by_slug(&self.state.db, slug)
            .await
            .expect("org");
        let hash = self
            .state
            .auth
            .hashing
            .hash("a-long-test-password".into())
            .await
            .expect("hash");
        accounts::create_user(
            &self.state.db,
            &Actor::system(),
            Email::parse(email, "email").expect("email"),
            Name::parse("Test Member", "name").expect("name"),
            hash,
            &[(org.id, role)],
            &[] as &[CoalitionRoleKind],
        )
        .await
        .expect("user");
        self.token(email).await
    }

    /// The global id of an organization.
    pub async fn org_id(&self, slug: &str) -> String {
        let org = accounts::organization_by_slug(&self.state.db, slug)
            .await
            .expect("org");
        ids::encode("Organization", org.id).0
    }

    /// Creates an API key for org A by its admin; returns (key id, secret).
    pub async fn api_key(&self, slug: &str, role: &str) -> (String, String) {
        let admin = self.token_of("admin", slug).await;
        let answer = self
            .graphql(
                Some(&admin),
                "mutation($org: ID!, $role: MemberRole!) { createApiKey(input: {organizationId: $org, name: \"sync\", role: $role}) { apiKey { id } secret } }",
                json!({ "org": self.org_id(slug).await, "role": role }),
            )
            .await;
        (
            answer
                .data("createApiKey.apiKey.id")
                .as_str()
                .expect("id")
                .to_owned(),
            answer
                .data("createApiKey.secret")
                .as_str()
                .expect("secret")
                .to_owned(),
        )
    }

    /// GETs a path and parses the JSON answer.
    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let (status, _, body) = self
            .request(Request::get(path).body(Body::empty()).expect("request"))
            .await;
        let json =
            serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON ({status}): {body}"));
        (status, json)
    }

    /// SQL statements executed so far by this app.
    pub fn statements(&self) -> u64 {
        self.state.statements.get()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let Some(name) = self.postgres_database.take() else {
            return;
        };
        let Ok(server) = std::env::var("TEST_DATABASE_URL") else {
            return;
        };
        // Drop runs inside the test's runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(admin) = Database::connect(server).await {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// Migrated once per test process, then copied for each test.
static TEMPLATE: OnceCell<String> = OnceCell::const_new();

async fn fresh_postgres_database(server: &str) -> (String, String) {
    let template = TEMPLATE
        .get_or_init(|| async {
            let name = format!("coalition_tpl_{}", uuid::Uuid::now_v7().simple());
            let admin = Database::connect(server)
                .await
                .expect("TEST_DATABASE_URL reachable");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create template");
            admin.close().await.expect("close");
            let (db, _) = coalition::db::connect(&with_database(server, &name))
                .await
                .expect("template");
            coalition::db::migrate(&db).await.expect("migrate template");
            db.close().await.expect("close template");
            name
        })
        .await;
    let name = format!("coalition_test_{}", uuid::Uuid::now_v7().simple());
    let admin = Database::connect(server).await.expect("server");
    admin
        .execute_unprepared(&format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
        ))
        .await
        .expect("create test database");
    admin.close().await.expect("close");
    (with_database(server, &name), name)
}

fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (server, String::new()),
    };
    let base = match base.rfind('/') {
        Some(i) if base[..i].contains("://") && i > base.find("://").unwrap_or(0) + 2 => &base[..i],
        _ => base,
    };
    format!("{base}/{name}{query}")
}

fn init_logs() {
    if std::env::var("TEST_LOG").is_ok() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("debug,sqlx=warn")
            .try_init();
    }
}
