//! Failed logins per email address. After a few failures within a window, the
//! address is locked for a growing time, whether or not the account exists, so
//! guessing is slow and the lock tells nothing about existence.

use crate::error::{AppError, AppResult};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed within [`WINDOW`] before the address is locked.
pub const FREE_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);
const FIRST_LOCK: Duration = Duration::from_secs(30);
const LONGEST_LOCK: Duration = Duration::from_secs(15 * 60);
const TRACKED_LIMIT: usize = 100_000;

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    first_at: Instant,
    locked_until: Option<Instant>,
}

/// In-process bookkeeping of failed logins (per instance of the service).
#[derive(Default)]
pub struct LoginThrottle(Mutex<HashMap<String, Failures>>);

impl LoginThrottle {
    /// Refuses with `RATE_LIMITED` while `email` is locked.
    pub fn check(&self, email: &str) -> AppResult<()> {
        let now = Instant::now();
        let Ok(map) = self.0.lock() else {
            return Ok(());
        };
        match map.get(email).and_then(|f| f.locked_until) {
            Some(until) if until > now => Err(AppError::RateLimited {
                retry_after_secs: (until - now).as_secs().max(1),
            }),
            _ => Ok(()),
        }
    }

    /// Counts a failure; from the [`FREE_FAILURES`]th on, each locks the
    /// address twice as long as the one before.
    pub fn record_failure(&self, email: &str) {
        let now = Instant::now();
        let Ok(mut map) = self.0.lock() else {
            return;
        };
        if map.len() >= TRACKED_LIMIT {
            map.retain(|_, f| now.duration_since(f.first_at) < WINDOW);
        }
        let entry = map.entry(email.to_owned()).or_insert(Failures {
            count: 0,
            first_at: now,
            locked_until: None,
        });
        let locked = entry.locked_until.is_some_and(|until| until > now);
        if now.duration_since(entry.first_at) > WINDOW && !locked {
            *entry = Failures {
                count: 0,
                first_at: now,
                locked_until: None,
            };
        }
        entry.count += 1;
        if entry.count >= FREE_FAILURES {
            let doublings = (entry.count - FREE_FAILURES).min(10);
            let lock = (FIRST_LOCK * 2u32.pow(doublings)).min(LONGEST_LOCK);
            entry.locked_until = Some(now + lock);
        }
    }

    /// Forgets the failures of `email` after a successful login.
    pub fn record_success(&self, email: &str) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(email);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_locked_after_the_allowed_failures() {
        let throttle = LoginThrottle::default();
        for _ in 0..FREE_FAILURES - 1 {
            throttle.record_failure("a@example.org");
            assert!(throttle.check("a@example.org").is_ok());
        }
        throttle.record_failure("a@example.org");
        assert!(matches!(
            throttle.check("a@example.org"),
            Err(AppError::RateLimited { .. })
        ));
        assert!(throttle.check("b@example.org").is_ok());
    }

    #[test]
    fn a_success_clears_the_failures() {
        let throttle = LoginThrottle::default();
        for _ in 0..FREE_FAILURES - 1 {
            throttle.record_failure("a@example.org");
        }
        throttle.record_success("a@example.org");
        throttle.record_failure("a@example.org");
        assert!(throttle.check("a@example.org").is_ok());
    }
}
