//! Argon2id hashing. Hashing is CPU work, so it runs on the blocking pool, and
//! each computation works in about 19 MiB, so at most a few run at once in the
//! process: a request that finds them all busy waits briefly for one, then
//! answers `RATE_LIMITED` instead of queueing without bound (96 concurrent
//! failed logins once raised the process to 2.4 GiB).
//!
//! Each slot keeps its working memory for the next hash instead of asking the
//! allocator anew: glibc serves a freed 19 MiB block again from the arena of
//! the thread that freed it, and with a blocking pool of many threads the
//! process kept one such block per thread (750 MiB under a login flood with
//! only two hashes at a time).

use crate::error::{AppError, AppResult};
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a hash waits for a free slot before the request is refused.
const QUEUE_WAIT: Duration = Duration::from_millis(500);

/// The process's Argon2 work: at most a set number of hashes at once, each
/// in memory kept for the next.
pub struct Hashing {
    slots: Arc<Semaphore>,
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
}

/// The default number of slots: one per core, at least two.
pub fn default_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().max(2))
}

impl Default for Hashing {
    /// [`default_slots`] slots.
    fn default() -> Self {
        Hashing::new(default_slots())
    }
}

impl Hashing {
    /// At most `slots` hashes computed at once.
    pub fn new(slots: usize) -> Self {
        Hashing {
            slots: Arc::new(Semaphore::new(slots.max(1))),
            memory: Arc::default(),
        }
    }

    /// Hashes `secret` into a PHC string (Argon2id, default parameters).
    pub async fn hash(&self, secret: String) -> AppResult<String> {
        self.blocking(move |memory| {
            let failed =
                |e: &dyn std::fmt::Display| AppError::Internal(format!("argon2 hash: {e}"));
            let params = Params::default();
            let salt = SaltString::generate(&mut OsRng);
            let mut salt_bytes = [0u8; 64];
            let raw_salt = salt.decode_b64(&mut salt_bytes).map_err(|e| failed(&e))?;
            let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
            compute(
                Algorithm::Argon2id,
                Version::V0x13,
                params.clone(),
                &secret,
                raw_salt,
                &mut out,
                memory,
            )
            .map_err(|e| failed(&e))?;
            let phc = PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params).map_err(|e| failed(&e))?,
                salt: Some(salt.as_salt()),
                hash: Some(Output::new(&out).map_err(|e| failed(&e))?),
            };
            Ok(phc.to_string())
        })
        .await
    }

    /// Whether `secret` matches the PHC string `phc` (compared in constant
    /// time). A malformed stored hash is an internal error, not a mismatch,
    /// so it is noticed.
    pub async fn verify(&self, phc: String, secret: String) -> AppResult<bool> {
        self.blocking(move |memory| {
            let unreadable = |e: &dyn std::fmt::Display| {
                AppError::Internal(format!("stored hash unreadable: {e}"))
            };
            let parsed = PasswordHash::new(&phc).map_err(|e| unreadable(&e))?;
            let algorithm = Algorithm::try_from(parsed.algorithm).map_err(|e| unreadable(&e))?;
            let version = parsed
                .version
                .map(Version::try_from)
                .transpose()
                .map_err(|e| unreadable(&e))?
                .unwrap_or_default();
            let params = Params::try_from(&parsed).map_err(|e| unreadable(&e))?;
            let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
                return Err(unreadable(&"no salt or no hash"));
            };
            let mut salt_bytes = [0u8; 64];
            let raw_salt = salt
                .decode_b64(&mut salt_bytes)
                .map_err(|e| unreadable(&e))?;
            let mut out = vec![0u8; expected.len()];
            compute(
                algorithm, version, params, &secret, raw_salt, &mut out, memory,
            )
            .map_err(|e| unreadable(&e))?;
            let computed = Output::new(&out).map_err(|e| unreadable(&e))?;
            Ok(computed == expected)
        })
        .await
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Vec<Block>) -> AppResult<T> + Send + 'static,
    ) -> AppResult<T> {
        let permit =
            match tokio::time::timeout(QUEUE_WAIT, self.slots.clone().acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                _ => {
                    metrics::counter!("password_checks_refused_total").increment(1);
                    return Err(AppError::RateLimited {
                        retry_after_secs: 1,
                    });
                }
            };
        // The permit travels with the work: a request that goes away while its
        // hash runs does not free the slot before the memory is.
        let pool = self.memory.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut memory = pool
                .lock()
                .ok()
                .and_then(|mut m| m.pop())
                .unwrap_or_default();
            let outcome = f(&mut memory);
            if let Ok(mut kept) = pool.lock() {
                kept.push(memory);
            }
            outcome
        })
        .await
        .map_err(|e| AppError::Internal(format!("blocking task: {e}")))?
    }
}

/// Runs Argon2 in `memory`, grown to what `params` need (once per slot for
/// the service's own parameters).
fn compute(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    secret: &str,
    salt: &[u8],
    out: &mut [u8],
    memory: &mut Vec<Block>,
) -> argon2::Result<()> {
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        secret.as_bytes(),
        salt,
        out,
        &mut memory[..blocks],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_secret_and_no_other() {
        let hashing = Hashing::new(1);
        let phc = hashing.hash("correct horse".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(
            hashing
                .verify(phc.clone(), "correct horse".into())
                .await
                .unwrap()
        );
        assert!(!hashing.verify(phc, "wrong horse".into()).await.unwrap());
    }

    #[tokio::test]
    async fn hashes_made_by_the_argon2_crate_itself_still_verify() {
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let phc = Argon2::default()
            .hash_password(b"an older password", &salt)
            .unwrap()
            .to_string();
        let hashing = Hashing::new(1);
        assert!(
            hashing
                .verify(phc, "an older password".into())
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_is_an_error_not_a_mismatch() {
        let hashing = Hashing::new(1);
        assert!(
            hashing
                .verify("not a hash".into(), "x".into())
                .await
                .is_err()
        );
    }
}
