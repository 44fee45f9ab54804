//! Access tokens: JWTs signed with HS256 and a shared secret, or verified with
//! a configured public key (RS256, ES256, EdDSA) when the coalition runs its
//! own identity provider. Validation is built for one algorithm, never from the
//! token's header, and requires `exp`, `nbf`, `iss`, `aud` and `sub`.
//! Tokens of identity providers may carry `aud` as a list and times with a
//! fraction of a second (RFC 7519 allows both), so the time claims are read
//! as numbers and checked here rather than by `jsonwebtoken`, which reads them
//! as whole seconds only.

use crate::error::{AppError, AppResult};
use chrono::{DateTime, SubsecRound, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;

/// Seconds of clock skew tolerated between issuer and verifier.
const LEEWAY_SECONDS: u64 = 30;

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Subject: the user's id.
    pub sub: String,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Not before, seconds since the epoch.
    pub nbf: i64,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Unique token id.
    pub jti: String,
}

/// What verification needs of a token's claims; `aud` and `iss` are checked
/// by `jsonwebtoken` itself, in any of the shapes RFC 7519 allows.
#[derive(Debug, Deserialize)]
pub struct VerifiedClaims {
    /// Subject: the user's id.
    pub sub: String,
    /// Expiry, seconds since the epoch (a fraction allowed).
    pub exp: f64,
    /// Not before, seconds since the epoch (a fraction allowed).
    pub nbf: f64,
}

impl VerifiedClaims {
    /// When the token stops being accepted, leeway included.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        let millis = (self.exp + LEEWAY_SECONDS as f64) * 1000.0;
        millis
            .is_finite()
            .then(|| DateTime::from_timestamp_millis(millis as i64))
            .flatten()
    }
}

/// A token handed to a client.
pub struct IssuedToken {
    /// The signed JWT.
    pub token: String,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// Signs (when it holds a signing key) and verifies access tokens.
pub struct TokenService {
    algorithm: Algorithm,
    encoding: Option<EncodingKey>,
    decoding: DecodingKey,
    issuer: String,
    audience: String,
    ttl: Duration,
}

impl std::fmt::Debug for TokenService {
    // Keys are secrets: never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenService")
            .field("algorithm", &self.algorithm)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("can_issue", &self.can_issue())
            .finish_non_exhaustive()
    }
}

impl TokenService {
    /// HS256 with a shared secret: this service both signs and verifies.
    pub fn hs256(secret: &[u8], issuer: String, audience: String, ttl: Duration) -> Self {
        TokenService {
            algorithm: Algorithm::HS256,
            encoding: Some(EncodingKey::from_secret(secret)),
            decoding: DecodingKey::from_secret(secret),
            issuer,
            audience,
            ttl,
        }
    }

    /// Verification only, with a PEM public key for `algorithm` (RS256, ES256
    /// or EdDSA). Tokens come from the coalition's identity provider.
    pub fn public_key(
        pem: &[u8],
        algorithm: Algorithm,
        issuer: String,
        audience: String,
        ttl: Duration,
    ) -> Result<Self, String> {
        let decoding = match algorithm {
            Algorithm::RS256 => DecodingKey::from_rsa_pem(pem),
            Algorithm::ES256 => DecodingKey::from_ec_pem(pem),
            Algorithm::EdDSA => DecodingKey::from_ed_pem(pem),
            other => return Err(format!("{other:?} is not a supported public-key algorithm")),
        }
        .map_err(|e| format!("cannot read the public key: {e}"))?;
        Ok(TokenService {
            algorithm,
            encoding: None,
            decoding,
            issuer,
            audience,
            ttl,
        })
    }

    /// Whether this service can sign tokens itself (false with a public key).
    pub fn can_issue(&self) -> bool {
        self.encoding.is_some()
    }

    /// Signs a token for `user_id`, valid for the configured lifetime (or `ttl`).
    pub fn issue(&self, user_id: Uuid, ttl: Option<Duration>) -> AppResult<IssuedToken> {
        let key = self.encoding.as_ref().ok_or_else(|| {
            AppError::ServiceUnavailable(
                "this service verifies tokens from the coalition's identity provider and does not issue them".into(),
            )
        })?;
        let now = Utc::now();
        let ttl = chrono::Duration::from_std(ttl.unwrap_or(self.ttl))
            .map_err(|e| AppError::Internal(format!("token lifetime: {e}")))?;
        let expires_at = (now + ttl).trunc_subsecs(0);
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id.to_string(),
            exp: expires_at.timestamp(),
            nbf: now.timestamp(),
            iat: now.timestamp(),
            jti: Uuid::now_v7().to_string(),
        };
        let token = encode(&Header::new(self.algorithm), &claims, key)
            .map_err(|e| AppError::Internal(format!("signing token: {e}")))?;
        Ok(IssuedToken { token, expires_at })
    }

    /// Checks signature, algorithm, issuer, audience and time claims. The error
    /// is a reason for the debug log, never for the client.
    pub fn verify(&self, token: &str) -> Result<VerifiedClaims, String> {
        let mut validation = Validation::new(self.algorithm);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["iss", "aud", "sub"]);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let claims = decode::<VerifiedClaims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| format!("token rejected: {e}"))?;
        let now = Utc::now().timestamp_millis() as f64 / 1000.0;
        let leeway = LEEWAY_SECONDS as f64;
        if !claims.exp.is_finite() || claims.exp + leeway < now {
            return Err("token rejected: expired".into());
        }
        if !claims.nbf.is_finite() || claims.nbf - leeway > now {
            return Err("token rejected: not valid yet".into());
        }
        Ok(claims)
    }

    /// Signs and verifies one token, so a broken key setup stops the service at
    /// start instead of failing every login.
    pub fn self_check(&self) -> Result<(), String> {
        if !self.can_issue() {
            return Ok(());
        }
        let issued = self
            .issue(Uuid::nil(), None)
            .map_err(|e| format!("cannot sign a token: {e}"))?;
        self.verify(&issued.token).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service() -> TokenService {
        TokenService::hs256(
            b"0123456789abcdef0123456789abcdef",
            "coalition".into(),
            "coalition".into(),
            Duration::from_secs(60),
        )
    }

    #[test]
    fn an_issued_token_verifies_and_names_its_user() {
        let user = Uuid::now_v7();
        let issued = service().issue(user, None).unwrap();
        assert_eq!(
            service().verify(&issued.token).unwrap().sub,
            user.to_string()
        );
        assert!(service().self_check().is_ok());
    }

    #[test]
    fn a_token_for_another_audience_is_rejected() {
        let other = TokenService::hs256(
            b"0123456789abcdef0123456789abcdef",
            "coalition".into(),
            "elsewhere".into(),
            Duration::from_secs(60),
        );
        let issued = other.issue(Uuid::now_v7(), None).unwrap();
        assert!(service().verify(&issued.token).is_err());
    }
}
