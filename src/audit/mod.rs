//! The audit log: one entry per change, written in the change's transaction,
//! readable by an organization's admins (their entries) and coordinators (all),
//! and never changed or deleted through any API.

/// GraphQL types and queries of the audit log.
pub mod graphql;
/// Reads of clients' details noted during a request.
pub mod reads;
/// Recording and reading entries.
pub mod service;
