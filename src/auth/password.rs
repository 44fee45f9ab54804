//! Argon2id hashing. Hashing is CPU work, so it runs on the blocking pool, and
//! each computation takes about 19 MiB, so at most a few run at once in the
//! process: a request that finds them all busy waits briefly for one, then
//! answers `RATE_LIMITED` instead of queueing without bound (96 concurrent
//! failed logins once raised the process to 2.4 GiB).

use crate::error::{AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a hash waits for a free slot before the request is refused.
const QUEUE_WAIT: Duration = Duration::from_millis(500);

/// The process's Argon2 work: at most a set number of hashes at once.
pub struct Hashing {
    slots: Arc<Semaphore>,
}

impl Default for Hashing {
    /// One slot per core, at least two.
    fn default() -> Self {
        Hashing::new(std::thread::available_parallelism().map_or(2, |n| n.get().max(2)))
    }
}

impl Hashing {
    /// At most `slots` hashes computed at once.
    pub fn new(slots: usize) -> Self {
        Hashing {
            slots: Arc::new(Semaphore::new(slots.max(1))),
        }
    }

    /// Hashes `secret` into a PHC string.
    pub async fn hash(&self, secret: String) -> AppResult<String> {
        self.blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(secret.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| AppError::Internal(format!("argon2 hash: {e}")))
        })
        .await
    }

    /// Whether `secret` matches the PHC string `phc`. A malformed stored hash
    /// is an internal error, not a mismatch, so it is noticed.
    pub async fn verify(&self, phc: String, secret: String) -> AppResult<bool> {
        self.blocking(move || {
            let parsed = PasswordHash::new(&phc)
                .map_err(|e| AppError::Internal(format!("stored hash unreadable: {e}")))?;
            Ok(Argon2::default()
                .verify_password(secret.as_bytes(), &parsed)
                .is_ok())
        })
        .await
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> AppResult<T> + Send + 'static,
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
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await
        .map_err(|e| AppError::Internal(format!("blocking task: {e}")))?
    }
}
