//! Failed logins, counted per client address and account pair and per client
//! address. After a few failures the pair is locked for a growing time, so
//! guessing one person's password from one place is slow; many failures from
//! one address, whatever the accounts, lock that address, so spraying
//! passwords across accounts is slow too. No lock is per account alone:
//! failures from an attacker's address never lock out the caseworker logging
//! in from her own. Locks answer alike whether the account exists.

use crate::error::{AppError, AppResult};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures of one address and account within [`WINDOW`] before the pair is locked.
pub const FREE_FAILURES: u32 = 5;
/// Failures from one address within [`WINDOW`], any accounts, before the address is locked.
pub const FREE_FAILURES_PER_ADDRESS: u32 = 30;
const WINDOW: Duration = Duration::from_secs(15 * 60);
const FIRST_LOCK: Duration = Duration::from_secs(30);
const LONGEST_LOCK: Duration = Duration::from_secs(15 * 60);
const TRACKED_LIMIT: usize = 100_000;

/// Where a request comes from: the peer of its connection, or the last
/// `X-Forwarded-For` entry behind a trusted proxy. `None` when unknown (all
/// such requests share one count).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ClientAddress(pub Option<IpAddr>);

impl ClientAddress {
    /// The address as counted: IPv6 clients by their /64 network, which one
    /// household or one attacker holds whole.
    fn network(self) -> Option<IpAddr> {
        self.0.map(|ip| match ip.to_canonical() {
            IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
            v4 => v4,
        })
    }
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    first_at: Instant,
    locked_until: Option<Instant>,
}

/// Failure counts under one kind of key, with the lock each count earns.
struct Ledger<K> {
    entries: Mutex<HashMap<K, Failures>>,
    free: u32,
}

impl<K: Eq + Hash> Ledger<K> {
    fn new(free: u32) -> Self {
        Ledger {
            entries: Mutex::new(HashMap::new()),
            free,
        }
    }

    fn locked_for(&self, key: &K, now: Instant) -> Option<Duration> {
        let entries = self.entries.lock().ok()?;
        let until = entries.get(key)?.locked_until?;
        (until > now).then(|| until - now)
    }

    /// Counts a failure; from the `free`th on, each locks the key twice as
    /// long as the one before.
    fn fail(&self, key: K, now: Instant) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= TRACKED_LIMIT {
            entries.retain(|_, f| now.duration_since(f.first_at) < WINDOW);
        }
        let entry = entries.entry(key).or_insert(Failures {
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
        if entry.count >= self.free {
            let doublings = (entry.count - self.free).min(10);
            let lock = (FIRST_LOCK * 2u32.pow(doublings)).min(LONGEST_LOCK);
            entry.locked_until = Some(now + lock);
        }
    }

    fn forget(&self, key: &K) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
    }
}

/// In-process bookkeeping of failed logins (per instance of the service).
pub struct LoginThrottle {
    pairs: Ledger<(Option<IpAddr>, String)>,
    addresses: Ledger<Option<IpAddr>>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            pairs: Ledger::new(FREE_FAILURES),
            addresses: Ledger::new(FREE_FAILURES_PER_ADDRESS),
        }
    }
}

impl LoginThrottle {
    /// Refuses with `RATE_LIMITED` while this address, or this address for
    /// this account, is locked.
    pub fn check(&self, from: ClientAddress, email: &str) -> AppResult<()> {
        let now = Instant::now();
        let network = from.network();
        let locked = [
            self.pairs.locked_for(&(network, email.to_owned()), now),
            self.addresses.locked_for(&network, now),
        ]
        .into_iter()
        .flatten()
        .max();
        match locked {
            Some(wait) => Err(AppError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            }),
            None => Ok(()),
        }
    }

    /// Counts a failed login from `from` for `email`.
    pub fn record_failure(&self, from: ClientAddress, email: &str) {
        let now = Instant::now();
        let network = from.network();
        self.pairs.fail((network, email.to_owned()), now);
        self.addresses.fail(network, now);
    }

    /// Forgets the failures of this address for `email` after a successful login.
    pub fn record_success(&self, from: ClientAddress, email: &str) {
        self.pairs.forget(&(from.network(), email.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ip: &str) -> ClientAddress {
        ClientAddress(Some(ip.parse().unwrap()))
    }

    #[test]
    fn an_address_is_locked_for_an_account_after_the_allowed_failures() {
        let throttle = LoginThrottle::default();
        let attacker = at("203.0.113.9");
        for _ in 0..FREE_FAILURES - 1 {
            throttle.record_failure(attacker, "a@example.org");
            assert!(throttle.check(attacker, "a@example.org").is_ok());
        }
        throttle.record_failure(attacker, "a@example.org");
        assert!(matches!(
            throttle.check(attacker, "a@example.org"),
            Err(AppError::RateLimited { .. })
        ));
        assert!(throttle.check(attacker, "b@example.org").is_ok());
        assert!(
            throttle.check(at("198.51.100.7"), "a@example.org").is_ok(),
            "the account owner elsewhere is not locked out"
        );
    }

    #[test]
    fn spraying_many_accounts_from_one_address_locks_the_address() {
        let throttle = LoginThrottle::default();
        let attacker = at("203.0.113.9");
        for i in 0..FREE_FAILURES_PER_ADDRESS {
            throttle.record_failure(attacker, &format!("user{i}@example.org"));
        }
        assert!(throttle.check(attacker, "fresh@example.org").is_err());
        assert!(
            throttle
                .check(at("198.51.100.7"), "fresh@example.org")
                .is_ok()
        );
    }

    #[test]
    fn an_ipv6_network_counts_as_one_address() {
        let throttle = LoginThrottle::default();
        for i in 0..FREE_FAILURES {
            throttle.record_failure(at(&format!("2001:db8::{i}")), "a@example.org");
        }
        assert!(
            throttle
                .check(at("2001:db8::ffff"), "a@example.org")
                .is_err()
        );
        assert!(throttle.check(at("2001:db8:1::1"), "a@example.org").is_ok());
    }

    #[test]
    fn a_success_clears_the_failures_of_the_pair() {
        let throttle = LoginThrottle::default();
        let here = at("192.0.2.1");
        for _ in 0..FREE_FAILURES - 1 {
            throttle.record_failure(here, "a@example.org");
        }
        throttle.record_success(here, "a@example.org");
        throttle.record_failure(here, "a@example.org");
        assert!(throttle.check(here, "a@example.org").is_ok());
    }
}
