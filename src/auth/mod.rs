//! Who is calling: turning a bearer credential into the request's [`Actor`].
//!
//! A request carries `Authorization: Bearer <token or API key>` (or nothing).
//! Every refusal answers the same `UNAUTHENTICATED`; the reason is logged at
//! debug level only, so the answer is no oracle for an attacker.

/// Format, generation and verification of API keys.
pub mod api_key;
/// Argon2id hashing of passwords and API key secrets.
pub mod password;
/// The credential of a long-lived connection, checked again before each use.
pub mod session;
/// Slowing down repeated failed logins.
pub mod throttle;
/// Issuing and verifying signed access tokens (JWT).
pub mod token;

use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use entity::enums::{CoalitionRoleKind, OrgRole};
use entity::{api_key as api_key_entity, coalition_role, membership, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

/// The caller of one request, resolved once and passed to every service call.
#[derive(Clone, Debug)]
pub struct Actor {
    /// Who the caller is.
    pub principal: Principal,
    /// The request id (`x-request-id`), written into audit entries.
    pub request_id: Option<String>,
}

/// The identity behind a request.
#[derive(Clone, Debug)]
pub enum Principal {
    /// No credentials: the public.
    Anonymous,
    /// A logged-in user.
    User(UserPrincipal),
    /// A partner application using an organization's API key.
    ApiKey(ApiKeyPrincipal),
    /// The service itself (demo seeding, imports, operator commands).
    System,
}

/// A user with the roles they hold at the time of the request.
#[derive(Clone, Debug)]
pub struct UserPrincipal {
    /// The user's id.
    pub user_id: Uuid,
    /// `(organization id, role)` for each organization the user belongs to.
    pub memberships: Vec<(Uuid, OrgRole)>,
    /// Coalition-wide roles.
    pub coalition_roles: Vec<CoalitionRoleKind>,
}

/// An API key, acting with one role for one organization.
#[derive(Clone, Debug)]
pub struct ApiKeyPrincipal {
    /// The key's id.
    pub key_id: Uuid,
    /// The organization the key belongs to.
    pub organization_id: Uuid,
    /// The role the key acts with there.
    pub role: OrgRole,
}

impl Actor {
    /// An anonymous caller.
    pub fn anonymous(request_id: Option<String>) -> Self {
        Actor {
            principal: Principal::Anonymous,
            request_id,
        }
    }

    /// The service itself, for work no person asked for through the API.
    pub fn system() -> Self {
        Actor {
            principal: Principal::System,
            request_id: None,
        }
    }

    /// Whether the caller gave no credentials.
    pub fn is_anonymous(&self) -> bool {
        matches!(self.principal, Principal::Anonymous)
    }

    /// The user behind the request, if it is a user.
    pub fn user_id(&self) -> Option<Uuid> {
        match &self.principal {
            Principal::User(u) => Some(u.user_id),
            _ => None,
        }
    }

    /// The role the caller holds in `organization_id`, if any.
    pub fn role_in(&self, organization_id: Uuid) -> Option<OrgRole> {
        match &self.principal {
            Principal::User(u) => u
                .memberships
                .iter()
                .find(|(org, _)| *org == organization_id)
                .map(|(_, role)| *role),
            Principal::ApiKey(k) if k.organization_id == organization_id => Some(k.role),
            _ => None,
        }
    }

    /// The organizations the caller acts for, with the role in each.
    pub fn organizations(&self) -> Vec<(Uuid, OrgRole)> {
        match &self.principal {
            Principal::User(u) => u.memberships.clone(),
            Principal::ApiKey(k) => vec![(k.organization_id, k.role)],
            _ => Vec::new(),
        }
    }

    /// Whether the caller holds the coalition-wide role `role`.
    pub fn has_coalition_role(&self, role: CoalitionRoleKind) -> bool {
        match &self.principal {
            Principal::User(u) => u.coalition_roles.contains(&role),
            Principal::System => true,
            _ => false,
        }
    }

    /// Whether the caller is a coalition coordinator (or the system).
    pub fn is_coordinator(&self) -> bool {
        self.has_coalition_role(CoalitionRoleKind::Coordinator)
    }
}

/// Resolves bearer credentials into actors. Holds the token keys and a cache of
/// API keys whose hash was already verified, so each key pays Argon2 once per process.
pub struct Authenticator {
    /// Signs and verifies access tokens.
    pub tokens: token::TokenService,
    /// Failed-login bookkeeping.
    pub throttle: throttle::LoginThrottle,
    /// The bounded Argon2 work of passwords and API keys.
    pub hashing: password::Hashing,
    verified_keys: api_key::VerifiedKeys,
}

impl Authenticator {
    /// An authenticator over the given token service, hashing with one slot
    /// per core.
    pub fn new(tokens: token::TokenService) -> Self {
        Self::with_hashing(tokens, password::Hashing::default())
    }

    /// An authenticator that computes at most `hashing`'s hashes at once.
    pub fn with_hashing(tokens: token::TokenService, hashing: password::Hashing) -> Self {
        Authenticator {
            tokens,
            throttle: throttle::LoginThrottle::default(),
            hashing,
            verified_keys: api_key::VerifiedKeys::default(),
        }
    }

    /// The actor for a request whose `Authorization` header value is `header`.
    pub async fn authenticate(
        &self,
        db: &DatabaseConnection,
        header: Option<&str>,
        request_id: Option<String>,
    ) -> AppResult<Actor> {
        Ok(self.authenticate_expiring(db, header, request_id).await?.0)
    }

    /// Like [`Authenticator::authenticate`], with when the credential stops
    /// being accepted (a token's expiry; API keys and the anonymous have none).
    pub async fn authenticate_expiring(
        &self,
        db: &DatabaseConnection,
        header: Option<&str>,
        request_id: Option<String>,
    ) -> AppResult<(Actor, Option<DateTime<Utc>>)> {
        let Some(header) = header else {
            return Ok((Actor::anonymous(request_id), None));
        };
        let credential = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| refuse("authorization header is not a bearer credential"))?;
        let (principal, expires_at) = if api_key::looks_like_key(credential) {
            (self.api_key_principal(db, credential).await?, None)
        } else {
            let claims = self
                .tokens
                .verify(credential)
                .map_err(|reason| refuse(&reason))?;
            let principal = Principal::User(load_user_principal(db, &claims.sub).await?);
            (principal, claims.expires_at())
        };
        Ok((
            Actor {
                principal,
                request_id,
            },
            expires_at,
        ))
    }

    async fn api_key_principal(&self, db: &DatabaseConnection, key: &str) -> AppResult<Principal> {
        let prefix = api_key::prefix_of(key).ok_or_else(|| refuse("malformed API key"))?;
        let row = api_key_entity::Entity::find()
            .filter(api_key_entity::Column::Prefix.eq(prefix))
            .one(db)
            .await?
            .ok_or_else(|| refuse("unknown API key prefix"))?;
        if row.revoked_at.is_some() {
            return Err(refuse("revoked API key"));
        }
        if !self.verified_keys.contains(key, row.id) {
            if !self
                .hashing
                .verify(row.secret_hash.clone(), key.to_owned())
                .await?
            {
                return Err(refuse("API key secret does not match"));
            }
            self.verified_keys.insert(key, row.id);
        }
        api_key::touch(db, &row).await?;
        Ok(Principal::ApiKey(ApiKeyPrincipal {
            key_id: row.id,
            organization_id: row.organization_id,
            role: row.role,
        }))
    }
}

/// Loads a user and their roles for a token subject (the user's id).
#[tracing::instrument(skip_all)]
pub async fn load_user_principal(
    db: &DatabaseConnection,
    subject: &str,
) -> AppResult<UserPrincipal> {
    let user_id = Uuid::parse_str(subject).map_err(|_| refuse("token subject is not a user id"))?;
    let user = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(|| refuse("token subject is not a known user"))?;
    let memberships = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user.id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.organization_id, m.role))
        .collect();
    let coalition_roles = coalition_role::Entity::find()
        .filter(coalition_role::Column::UserId.eq(user.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.role)
        .collect();
    Ok(UserPrincipal {
        user_id: user.id,
        memberships,
        coalition_roles,
    })
}

fn refuse(reason: &str) -> AppError {
    tracing::debug!(reason, "credential refused");
    AppError::Unauthenticated
}
