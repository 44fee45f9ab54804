//! Accounts and tenancy: organizations, users, memberships and their roles,
//! invitations, API keys, coalition roles, and logging in.

/// Account values: passwords.
pub mod domain;
/// GraphQL types, queries and mutations of accounts.
pub mod graphql;
/// Per-request loaders of organizations and users.
pub mod loaders;
/// Rules of accounts, called with the request's actor.
pub mod service;
