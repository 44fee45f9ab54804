//! Command line and configuration. Every setting is a flag with an environment
//! variable of the same meaning; [`ServeArgs::settings`] validates them once at
//! start and names the offending setting in a one-line error.

use crate::auth::token::TokenService;
use crate::graphql::Limits;
use crate::graphql::limits::IntrospectionLimits;
use crate::privacy::Privacy;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use axum::http::HeaderValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use jsonwebtoken::Algorithm;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// SQLite file in the working directory: the zero-setup default.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://coalition.db";

/// A setting that cannot be used, with the setting's name in the message.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(pub String);

/// Coalition: the shared referral network, directory and public records of a
/// regional welcoming coalition, as a GraphQL service.
#[derive(Parser, Debug)]
#[command(name = "coalition", version)]
pub struct Cli {
    /// Log format: human-readable text or one JSON object per line.
    #[arg(
        long,
        env = "LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Log output formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP service (applies pending migrations first).
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations and exit.
    Migrate(DatabaseArgs),
    /// Print the GraphQL schema (SDL), as committed in schema.graphql.
    Schema(SchemaArgs),
    /// Mint an access token for an existing user, with the configured key.
    Token(TokenArgs),
    /// Load the demo coalition into the database (does nothing if it is there).
    SeedDemo(DatabaseArgs),
    /// Load an HSDS 3.0 dump of organizations and services; reports every record left out.
    ImportHsds(HsdsFileArgs),
    /// Write the public directory as an HSDS 3.0 dump.
    ExportHsds(HsdsFileArgs),
    /// Erase now every client whose retention period ran out (`serve` also does it every few hours).
    SweepRetention(SweepArgs),
}

/// Options of `sweep-retention`.
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Database settings.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Privacy settings.
    #[command(flatten)]
    pub privacy: PrivacyArgs,
}

/// Options of `import-hsds` and `export-hsds`.
#[derive(Args, Debug)]
pub struct HsdsFileArgs {
    /// The JSON file to read or write.
    pub file: PathBuf,
    /// IANA time zone opening hours are kept in (named in exported schedules).
    #[arg(long, env = "COALITION_TIME_ZONE", default_value = "America/New_York")]
    pub time_zone: String,
    /// Database settings.
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Where the database is.
#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// `sqlite://FILE` (created if missing) or `postgres://USER@HOST:PORT/DB` (must exist).
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

/// A secret setting: it never prints, so `Debug` of the settings (a log line,
/// a panic message) cannot leak it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// How access tokens are signed and verified.
#[derive(Args, Debug, Clone)]
pub struct JwtArgs {
    /// HS256 signing secret, at least 32 bytes. Required unless a public key is set or --demo.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,
    /// PEM public key of the coalition's identity provider; tokens are then verified, not issued.
    #[arg(long, env = "JWT_PUBLIC_KEY_FILE")]
    pub jwt_public_key_file: Option<PathBuf>,
    /// Algorithm of the public key.
    #[arg(long, env = "JWT_ALGORITHM", value_parser = ["RS256", "ES256", "EdDSA"])]
    pub jwt_algorithm: Option<String>,
    /// `iss` claim issued and required.
    #[arg(long, env = "JWT_ISSUER", default_value = "coalition")]
    pub jwt_issuer: String,
    /// `aud` claim issued and required.
    #[arg(long, env = "JWT_AUDIENCE", default_value = "coalition-api")]
    pub jwt_audience: String,
    /// Lifetime of issued access tokens, in seconds (60 to 86400).
    #[arg(long, env = "TOKEN_TTL_SECONDS", default_value_t = 1800)]
    pub token_ttl_seconds: u64,
}

impl JwtArgs {
    /// The token service these settings describe. With none of secret and
    /// public key, `demo` makes a random secret (tokens then die with the process).
    pub fn token_service(&self, demo: bool) -> Result<TokenService, ConfigError> {
        if !(60..=86_400).contains(&self.token_ttl_seconds) {
            return Err(ConfigError(
                "TOKEN_TTL_SECONDS must be between 60 and 86400".into(),
            ));
        }
        let ttl = Duration::from_secs(self.token_ttl_seconds);
        let (issuer, audience) = (self.jwt_issuer.clone(), self.jwt_audience.clone());
        let service = match (&self.jwt_secret, &self.jwt_public_key_file) {
            (Some(_), Some(_)) => {
                return Err(ConfigError(
                    "JWT_SECRET and JWT_PUBLIC_KEY_FILE exclude each other: set one".into(),
                ));
            }
            (Some(secret), None) => {
                if secret.expose().len() < 32 {
                    return Err(ConfigError("JWT_SECRET must be at least 32 bytes".into()));
                }
                TokenService::hs256(secret.expose().as_bytes(), issuer, audience, ttl)
            }
            (None, Some(path)) => {
                let algorithm = match self.jwt_algorithm.as_deref() {
                    Some("RS256") => Algorithm::RS256,
                    Some("ES256") => Algorithm::ES256,
                    Some("EdDSA") => Algorithm::EdDSA,
                    _ => {
                        return Err(ConfigError(
                            "JWT_ALGORITHM (RS256, ES256 or EdDSA) is required with JWT_PUBLIC_KEY_FILE".into(),
                        ));
                    }
                };
                let pem = std::fs::read(path).map_err(|e| {
                    ConfigError(format!(
                        "JWT_PUBLIC_KEY_FILE {} cannot be read: {e}",
                        path.display()
                    ))
                })?;
                TokenService::public_key(&pem, algorithm, issuer, audience, ttl)
                    .map_err(|e| ConfigError(format!("JWT_PUBLIC_KEY_FILE: {e}")))?
            }
            (None, None) if demo => {
                let mut secret = [0u8; 32];
                OsRng.fill_bytes(&mut secret);
                TokenService::hs256(&secret, issuer, audience, ttl)
            }
            (None, None) => {
                return Err(ConfigError(
                    "JWT_SECRET (at least 32 bytes) or JWT_PUBLIC_KEY_FILE is required; --demo makes its own".into(),
                ));
            }
        };
        service
            .self_check()
            .map_err(|e| ConfigError(format!("the JWT key fails a sign-and-verify check: {e}")))?;
        Ok(service)
    }
}

/// Options of `serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long = "bind", env = "BIND_ADDR", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Database settings.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Token settings.
    #[command(flatten)]
    pub jwt: JwtArgs,
    /// Load demo data, print the demo accounts, and make a signing key if none is set.
    #[arg(long, env = "COALITION_DEMO")]
    pub demo: bool,
    /// Origins allowed to call the API from a browser, comma-separated (none: same origin only).
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,
    /// Longest a request may run before it is answered SERVICE_UNAVAILABLE, in seconds.
    #[arg(long, env = "REQUEST_TIMEOUT_SECONDS", default_value_t = 30)]
    pub request_timeout_seconds: u64,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "REQUEST_BODY_LIMIT_BYTES", default_value_t = 1_048_576)]
    pub request_body_limit_bytes: usize,
    /// Deepest GraphQL selection accepted (introspection, under `__schema` and `__type`, has its own budget).
    #[arg(long, env = "GRAPHQL_MAX_DEPTH", default_value_t = 12)]
    pub graphql_max_depth: usize,
    /// Highest GraphQL query complexity accepted (a connection costs its page size times its node; introspection aside).
    #[arg(long, env = "GRAPHQL_MAX_COMPLEXITY", default_value_t = 5_000)]
    pub graphql_max_complexity: usize,
    /// Most fields one document may select once its fragments are expanded (`__typename` included; introspection aside).
    #[arg(long, env = "GRAPHQL_MAX_SELECTIONS", default_value_t = 2_000)]
    pub graphql_max_selections: usize,
    /// Most mutation fields one request may run (`login` and `acceptInvitation` once each at most).
    #[arg(long, env = "GRAPHQL_MAX_MUTATIONS", default_value_t = 10)]
    pub graphql_max_mutations: usize,
    /// Most operations one batched request (a JSON array) may hold; their mutations count together.
    #[arg(long, env = "GRAPHQL_MAX_BATCH", default_value_t = 10)]
    pub graphql_max_batch: usize,
    /// Whether the schema answers introspection queries (the schema is published anyway).
    #[arg(long, env = "GRAPHQL_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub graphql_introspection: bool,
    /// Whether errors suggest similar field names ("Did you mean ...?"); default: on with --demo only.
    #[arg(long, env = "GRAPHQL_FIELD_SUGGESTIONS", action = clap::ArgAction::Set)]
    pub graphql_field_suggestions: Option<bool>,
    /// Whether a browser opening /graphql gets GraphiQL; default: on with --demo only.
    #[arg(long, env = "GRAPHIQL", action = clap::ArgAction::Set)]
    pub graphiql: Option<bool>,
    /// Most password or API-key hashes computed at once (each takes about 19 MiB); default: one per core, at least 2.
    #[arg(long, env = "MAX_CONCURRENT_PASSWORD_CHECKS")]
    pub max_concurrent_password_checks: Option<usize>,
    /// Take the client's address from the last `X-Forwarded-For` entry (set it only behind a proxy that appends it).
    #[arg(long, env = "TRUST_FORWARDED_FOR", default_value_t = false, action = clap::ArgAction::Set)]
    pub trust_forwarded_for: bool,
    /// IANA time zone of the coalition, in which opening hours are kept (e.g. America/Chicago).
    #[arg(long, env = "COALITION_TIME_ZONE", default_value = "America/New_York")]
    pub time_zone: String,
    /// Address the public reaches the service at, for the links of the public feeds (default: http:// and the bind address).
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Open Civic Data jurisdiction id of the coalition, named by every exported event and vote event.
    #[arg(long, env = "OCD_JURISDICTION", default_value = crate::publication::DEFAULT_JURISDICTION)]
    pub ocd_jurisdiction: String,
    /// Privacy settings.
    #[command(flatten)]
    pub privacy: PrivacyArgs,
}

/// How long personal data is kept and how long a consent may last.
#[derive(Args, Debug, Clone, Copy)]
pub struct PrivacyArgs {
    /// Days a client's record is kept after their last referral closed (or after the record last changed, without referrals) before the retention sweep erases it; default 7 years, after HUD's HMIS practice.
    #[arg(long, env = "CLIENT_RETENTION_DAYS", default_value_t = Privacy::default().client_retention_days)]
    pub client_retention_days: u32,
    /// Longest a consent recorded by a shelter may last, in days (shelters' consents must expire, as VAWA asks).
    #[arg(long, env = "SHELTER_CONSENT_MAX_DAYS", default_value_t = Privacy::default().shelter_consent_max_days)]
    pub shelter_consent_max_days: u32,
}

impl PrivacyArgs {
    /// Validates the settings.
    pub fn settings(self) -> Result<Privacy, ConfigError> {
        if self.client_retention_days < 30 {
            return Err(ConfigError(
                "CLIENT_RETENTION_DAYS must be at least 30".into(),
            ));
        }
        if !(1..=3660).contains(&self.shelter_consent_max_days) {
            return Err(ConfigError(
                "SHELTER_CONSENT_MAX_DAYS must be between 1 and 3660".into(),
            ));
        }
        Ok(Privacy {
            client_retention_days: self.client_retention_days,
            shelter_consent_max_days: self.shelter_consent_max_days,
        })
    }
}

/// Reads an IANA time zone name, naming `COALITION_TIME_ZONE` when it is unknown.
pub fn time_zone(name: &str) -> Result<chrono_tz::Tz, ConfigError> {
    name.parse().map_err(|_| {
        ConfigError(format!(
            "COALITION_TIME_ZONE: {name:?} is not an IANA time zone such as America/New_York"
        ))
    })
}

/// HTTP settings of a running service.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    /// Browser origins allowed (CORS).
    pub cors_origins: Vec<HeaderValue>,
    /// Request timeout.
    pub request_timeout: Duration,
    /// Body size limit in bytes.
    pub body_limit: usize,
    /// Whether browsers get GraphiQL at `/graphql`.
    pub graphiql: bool,
    /// Whether the client's address is the last `X-Forwarded-For` entry
    /// rather than the peer of the connection.
    pub trust_forwarded_for: bool,
    /// Most operations one batched request may hold.
    pub max_batch: usize,
}

impl Default for HttpSettings {
    /// The settings of `serve --demo` (GraphiQL on), as tests use them.
    fn default() -> Self {
        HttpSettings {
            cors_origins: Vec::new(),
            request_timeout: Duration::from_secs(30),
            body_limit: 1_048_576,
            graphiql: true,
            trust_forwarded_for: false,
            max_batch: 10,
        }
    }
}

/// Validated settings of `serve`.
pub struct ServeSettings {
    /// Listen address.
    pub bind: SocketAddr,
    /// Whether tokens are signed with a key made at start (`--demo` without a
    /// configured key): they stop working when the process ends.
    pub random_key: bool,
    /// Database URL.
    pub database_url: String,
    /// Whether to load and print demo data.
    pub demo: bool,
    /// Token service.
    pub tokens: TokenService,
    /// HTTP settings.
    pub http: HttpSettings,
    /// GraphQL limits.
    pub limits: Limits,
    /// The coalition's time zone.
    pub time_zone: chrono_tz::Tz,
    /// Most password and API-key hashes computed at once.
    pub password_checks: usize,
    /// Retention and consent limits.
    pub privacy: Privacy,
    /// The public URL and OCD jurisdiction of the public feeds.
    pub publication: crate::publication::Publication,
}

impl ServeArgs {
    /// Validates every setting.
    pub fn settings(self) -> Result<ServeSettings, ConfigError> {
        let tokens = self.jwt.token_service(self.demo)?;
        let random_key = self.jwt.jwt_secret.is_none() && self.jwt.jwt_public_key_file.is_none();
        let cors_origins = self
            .cors_allowed_origins
            .iter()
            .filter(|o| !o.trim().is_empty())
            .map(|origin| {
                let origin = origin.trim();
                let valid = (origin.starts_with("https://") || origin.starts_with("http://"))
                    && !origin.ends_with('/');
                valid
                    .then(|| HeaderValue::from_str(origin).ok())
                    .flatten()
                    .ok_or_else(|| {
                        ConfigError(format!(
                            "CORS_ALLOWED_ORIGINS: {origin:?} is not an origin like https://library.example.org"
                        ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if self.request_timeout_seconds == 0 {
            return Err(ConfigError(
                "REQUEST_TIMEOUT_SECONDS must be at least 1".into(),
            ));
        }
        if self.request_body_limit_bytes < 1024 {
            return Err(ConfigError(
                "REQUEST_BODY_LIMIT_BYTES must be at least 1024".into(),
            ));
        }
        if self.graphql_max_depth < 4 {
            return Err(ConfigError("GRAPHQL_MAX_DEPTH must be at least 4".into()));
        }
        if self.graphql_max_complexity < 100 {
            return Err(ConfigError(
                "GRAPHQL_MAX_COMPLEXITY must be at least 100".into(),
            ));
        }
        if self.graphql_max_selections < 100 {
            return Err(ConfigError(
                "GRAPHQL_MAX_SELECTIONS must be at least 100".into(),
            ));
        }
        if self.graphql_max_mutations == 0 {
            return Err(ConfigError(
                "GRAPHQL_MAX_MUTATIONS must be at least 1".into(),
            ));
        }
        if !(1..=100).contains(&self.graphql_max_batch) {
            return Err(ConfigError(
                "GRAPHQL_MAX_BATCH must be between 1 and 100".into(),
            ));
        }
        let password_checks = match self.max_concurrent_password_checks {
            Some(0) => {
                return Err(ConfigError(
                    "MAX_CONCURRENT_PASSWORD_CHECKS must be at least 1".into(),
                ));
            }
            Some(n) => n,
            None => crate::auth::password::default_slots(),
        };
        check_database_url(&self.database.database_url)?;
        let time_zone = time_zone(&self.time_zone)?;
        let publication = crate::publication::Publication::parse(
            self.public_url.as_deref(),
            &self.ocd_jurisdiction,
            self.bind,
        )
        .map_err(ConfigError)?;
        Ok(ServeSettings {
            publication,
            time_zone,
            bind: self.bind,
            random_key,
            database_url: self.database.database_url,
            demo: self.demo,
            tokens,
            http: HttpSettings {
                cors_origins,
                request_timeout: Duration::from_secs(self.request_timeout_seconds),
                body_limit: self.request_body_limit_bytes,
                graphiql: self.graphiql.unwrap_or(self.demo),
                trust_forwarded_for: self.trust_forwarded_for,
                max_batch: self.graphql_max_batch,
            },
            limits: Limits {
                max_depth: self.graphql_max_depth,
                max_complexity: self.graphql_max_complexity,
                max_selections: self.graphql_max_selections,
                max_mutations: self.graphql_max_mutations,
                introspection_budget: IntrospectionLimits::default(),
                introspection: self.graphql_introspection,
                field_suggestions: self.graphql_field_suggestions.unwrap_or(self.demo),
            },
            password_checks,
            privacy: self.privacy.settings()?,
        })
    }
}

/// Rejects URLs of databases the service does not speak.
pub fn check_database_url(url: &str) -> Result<(), ConfigError> {
    if url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://")
    {
        Ok(())
    } else {
        Err(ConfigError(
            "DATABASE_URL must start with sqlite: or postgres://".into(),
        ))
    }
}

/// Options of `schema`.
#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// Write the SDL to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Options of `token`.
#[derive(Args, Debug)]
pub struct TokenArgs {
    /// Email address of the user the token is for.
    #[arg(long)]
    pub email: String,
    /// Lifetime in seconds (defaults to TOKEN_TTL_SECONDS).
    #[arg(long)]
    pub ttl: Option<u64>,
    /// Database settings.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Token settings.
    #[command(flatten)]
    pub jwt: JwtArgs,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(secret: Option<&str>) -> JwtArgs {
        JwtArgs {
            jwt_secret: secret.map(|s| Secret(s.to_owned())),
            jwt_public_key_file: None,
            jwt_algorithm: None,
            jwt_issuer: "coalition".into(),
            jwt_audience: "coalition-api".into(),
            token_ttl_seconds: 1800,
        }
    }

    #[test]
    fn a_short_secret_is_refused_naming_jwt_secret() {
        let err = jwt(Some("too-short")).token_service(false).unwrap_err();
        assert!(err.to_string().contains("JWT_SECRET"));
    }

    #[test]
    fn the_signing_secret_never_prints() {
        let printed = format!("{:?}", jwt(Some("a-very-secret-signing-key-of-32-bytes!")));
        assert!(!printed.contains("a-very-secret"), "{printed}");
        assert!(printed.contains("redacted"));
    }

    #[test]
    fn serving_without_a_key_is_refused_unless_demo() {
        assert!(jwt(None).token_service(false).is_err());
        assert!(jwt(None).token_service(true).is_ok());
    }

    #[test]
    fn a_public_key_without_an_algorithm_is_refused() {
        let mut args = jwt(None);
        args.jwt_public_key_file = Some("/nonexistent.pem".into());
        let err = args.token_service(false).unwrap_err();
        assert!(err.to_string().contains("JWT_ALGORITHM"));
    }

    #[test]
    fn an_unknown_time_zone_is_refused_naming_the_setting() {
        assert!(time_zone("Europe/Paris").is_ok());
        assert!(
            time_zone("Mars/Olympus")
                .unwrap_err()
                .to_string()
                .contains("COALITION_TIME_ZONE")
        );
    }

    #[test]
    fn an_unknown_database_scheme_is_refused() {
        assert!(check_database_url("mysql://x").is_err());
        assert!(check_database_url("postgres://postgres@127.0.0.1/coalition").is_ok());
    }
}
