//! Accounts and tenancy: organizations, users, memberships and their roles,
//! invitations, API keys, coalition roles, and logging in.

/// Validated input values (emails, slugs, names, passwords).
pub mod domain;
/// GraphQL types, queries and mutations of accounts.
pub mod graphql;
/// Rules of accounts, called with the request's actor.
pub mod service;
