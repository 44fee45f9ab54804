//! The referral network: clients of an organization, their consents, and
//! closed-loop referrals to partners' services, with history and notes.
//!
//! Services take the request's [`crate::auth::Actor`], ask [`crate::policy`]
//! first, and make every change through [`crate::change::Change`], which
//! writes the change, its history event and its audit entry together. The
//! reads that decide a change run on the connection, not in the change: on
//! SQLite a transaction that has read cannot wait for another writer, so the
//! change's first statement (after the idempotency look-up, when a key is
//! sent) is its write, and of two concurrent steps one succeeds and the
//! other gets `CONFLICT` rather than a busy database.

/// Cancelling open referrals when their consent or client goes.
mod cancellation;
/// Clients, and links between two records of the same person.
pub mod clients;
/// Consents: recording, revoking (which cancels open referrals), reading.
pub mod consents;
/// Demo clients, consents and referrals.
pub mod demo;
/// The accounting of disclosures: who read which parts of a person's record.
pub mod disclosures;
/// The lifecycle's vocabulary: statuses, steps, reasons, outcomes, `next_status`.
pub mod domain;
/// Erasing a client's details on both sides of their referrals.
pub mod erasure;
/// The in-process feed of referral changes (subscriptions).
pub mod feed;
/// GraphQL types, queries, mutations and subscriptions of referrals.
pub mod graphql;
/// Writing a referral's history.
mod history;
/// Sending referrals, their steps, assignment and expiry.
pub mod lifecycle;
/// Reading one referral, and the inbox and outbox with their filters.
pub mod listing;
/// Per-request loaders of clients, consents, referral history and notes.
pub mod loaders;
/// Notes on referrals.
pub mod notes;
/// Erasing clients whose retention period ran out.
pub mod retention;
/// Counts and timings of referrals for coordinators.
pub mod statistics;

pub use clients::client;
pub use consents::consent;
pub use lifecycle::expire_overdue;
pub use listing::referral;
