//! API keys look like `coal_<16 hex prefix>_<43 char secret>`. The prefix is
//! stored in clear to find the key and to show it in lists; the whole key is
//! stored only as an Argon2id hash.

use crate::error::AppResult;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Duration;
use entity::api_key;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, IntoActiveModel};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use uuid::Uuid;

const MARKER: &str = "coal_";
const PREFIX_HEX_LEN: usize = 16;
/// How stale `last_used_at` may get before a request refreshes it; one write
/// per key per interval instead of one per request.
const TOUCH_INTERVAL_MINUTES: i64 = 5;
const CACHE_LIMIT: usize = 10_000;

/// A freshly generated key: the full secret (shown once) and its prefix.
pub struct NewKey {
    /// The whole key, to hand to the client once.
    pub secret: String,
    /// The part stored in clear.
    pub prefix: String,
}

/// Generates a new random key with 256 bits of secret.
pub fn generate() -> NewKey {
    let mut prefix_bytes = [0u8; PREFIX_HEX_LEN / 2];
    let mut secret_bytes = [0u8; 32];
    OsRng.fill_bytes(&mut prefix_bytes);
    OsRng.fill_bytes(&mut secret_bytes);
    let prefix: String = prefix_bytes.iter().map(|b| format!("{b:02x}")).collect();
    let secret = format!("{MARKER}{prefix}_{}", URL_SAFE_NO_PAD.encode(secret_bytes));
    NewKey { secret, prefix }
}

/// Whether a bearer credential is shaped like an API key (else it is a token).
pub fn looks_like_key(credential: &str) -> bool {
    credential.starts_with(MARKER)
}

/// The lookup prefix of a key, if the key is well formed.
pub fn prefix_of(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(MARKER)?;
    let (prefix, secret) = rest.split_once('_')?;
    (prefix.len() == PREFIX_HEX_LEN
        && prefix.bytes().all(|b| b.is_ascii_hexdigit())
        && !secret.is_empty())
    .then_some(prefix)
}

/// Digests of keys already verified against their Argon2 hash in this process.
#[derive(Default)]
pub struct VerifiedKeys(Mutex<HashMap<[u8; 32], Uuid>>);

impl VerifiedKeys {
    /// Whether `key` was verified before as the key `id`.
    pub fn contains(&self, key: &str, id: Uuid) -> bool {
        let digest = digest(key);
        self.0
            .lock()
            .map(|map| map.get(&digest) == Some(&id))
            .unwrap_or(false)
    }

    /// Remembers that `key` is the key `id`.
    pub fn insert(&self, key: &str, id: Uuid) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= CACHE_LIMIT {
                map.clear();
            }
            map.insert(digest(key), id);
        }
    }
}

fn digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// Records that the key was used, at most once per interval.
#[tracing::instrument(skip_all)]
pub async fn touch(db: &DatabaseConnection, row: &api_key::Model) -> AppResult<()> {
    let now = crate::db::now();
    let stale = row
        .last_used_at
        .is_none_or(|at| now - at > Duration::minutes(TOUCH_INTERVAL_MINUTES));
    if stale {
        let mut active = row.clone().into_active_model();
        active.last_used_at = Set(Some(now));
        active.update(db).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_is_recognised_and_yields_its_prefix() {
        let key = generate();
        assert!(looks_like_key(&key.secret));
        assert_eq!(prefix_of(&key.secret), Some(key.prefix.as_str()));
    }

    #[test]
    fn a_key_with_a_mangled_prefix_has_no_prefix() {
        assert_eq!(prefix_of("coal_nothex!!nothex!!_abc"), None);
        assert_eq!(prefix_of("coal_0123456789abcdef_"), None);
    }
}
