//! Coalition: a multi-tenant GraphQL service for a regional welcoming
//! coalition: libraries and partner agencies sharing a referral network, a
//! directory and the records of their commission and committees.
//!
//! Everything lives in this library so that the binary (`main.rs`), the
//! integration tests and the benchmarks use the same code.

/// Organizations, users, memberships, invitations, API keys, login.
pub mod accounts;
/// The append-only audit log.
pub mod audit;
/// Credentials to actors: tokens, API keys, passwords, login throttling.
pub mod auth;
/// The one skeleton every change goes through: transaction, idempotency key, audit entry.
pub mod change;
/// Conditional GETs (`ETag`, `Last-Modified`, 304) for the public feeds.
pub mod conditional;
/// Command line, settings and their validation.
pub mod config;
/// Opening and migrating the database; the storage clock.
pub mod db;
/// The demo coalition.
pub mod demo;
/// Organizations' profiles, services, taxonomy; bodies, people and memberships.
pub mod directory;
/// Values every domain parses at the edge: emails, names, slugs, language tags, texts.
pub mod domain;
/// The one error type and its client-facing codes.
pub mod error;
/// The GraphQL schema, its conventions and limits.
pub mod graphql;
/// Routes and HTTP layers.
pub mod http;
/// Opaque global ids.
pub mod ids;
/// Prometheus metrics.
pub mod metrics;
/// Keyset pagination.
pub mod pagination;
/// Who may do what to which record.
pub mod policy;
/// Privacy settings: retention of personal data, the longest consent of a shelter.
pub mod privacy;
/// The public base URL and the OCD jurisdiction that the public feeds name.
pub mod publication;
/// Meetings, agendas, attendance, motions and votes, minutes and action items of bodies.
pub mod records;
/// Clients, consents and referrals between organizations.
pub mod referrals;
/// Building and running the service.
pub mod startup;
/// Shared application state.
pub mod state;
/// Logging setup.
pub mod telemetry;
