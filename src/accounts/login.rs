//! Logging in with an email and a password, which issues an access token.

use super::tokens::random_token;
use crate::audit::service::AuditEvent;
use crate::auth::password::Hashing;
use crate::auth::throttle::ClientAddress;
use crate::auth::token::IssuedToken;
use crate::auth::{Actor, Authenticator, Principal, UserPrincipal};
use crate::change::Change;
use crate::error::{AppError, AppResult};
use entity::user;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::sync::OnceLock;

/// Checks an email and password and issues an access token. Failures say
/// nothing about whether the address has an account, cost the same time
/// either way, and lock the client's address for that account (and, after
/// many, for every account) after repeated attempts.
#[tracing::instrument(skip_all)]
pub async fn login(
    db: &DatabaseConnection,
    auth: &Authenticator,
    email: &str,
    secret: &str,
    from: ClientAddress,
    request_id: Option<String>,
) -> AppResult<(user::Model, IssuedToken)> {
    if !auth.tokens.can_issue() {
        return Err(AppError::ServiceUnavailable(
            "log in with the coalition's identity provider; this service only verifies its tokens"
                .into(),
        ));
    }
    let email = email.trim().to_lowercase();
    auth.throttle.check(from, &email)?;
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let stored = match &account {
        Some(a) => a.password_hash.clone(),
        None => dummy_hash(&auth.hashing).await?,
    };
    let matches = auth.hashing.verify(stored, secret.to_owned()).await?;
    let Some(account) = account.filter(|_| matches) else {
        auth.throttle.record_failure(from, &email);
        return Err(AppError::Unauthenticated);
    };
    auth.throttle.record_success(from, &email);
    let issued = auth.tokens.issue(account.id, None)?;
    let actor = Actor {
        principal: Principal::User(UserPrincipal {
            user_id: account.id,
            memberships: Vec::new(),
            coalition_roles: Vec::new(),
        }),
        request_id,
    };
    let change = Change::begin(db, &actor).await?;
    let event = AuditEvent {
        organization_id: None,
        action: "session.login",
        record_type: "User",
        record_id: Some(account.id),
        details: None,
    };
    change.commit(event, (account, issued)).await
}

/// A hash of a password nobody has, verified when the address is unknown so
/// that an unknown address takes as long as a wrong password.
async fn dummy_hash(hashing: &Hashing) -> AppResult<String> {
    static HASH: OnceLock<String> = OnceLock::new();
    if let Some(hash) = HASH.get() {
        return Ok(hash.clone());
    }
    let hash = hashing.hash(random_token()).await?;
    Ok(HASH.get_or_init(|| hash).clone())
}
