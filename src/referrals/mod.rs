//! The referral network: clients of an organization, their consents, and
//! closed-loop referrals to partners' services, with history and notes.

/// Demo clients, consents and referrals.
pub mod demo;
/// The in-process feed of referral changes (subscriptions).
pub mod feed;
/// GraphQL types, queries and mutations of referrals.
pub mod graphql;
/// Per-request loaders of clients, consents, referral history and notes.
pub mod loaders;
/// Rules of clients, consents and referrals.
pub mod service;
/// Counts and timings of referrals for coordinators.
pub mod statistics;
