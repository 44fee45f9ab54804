//! Accounts and tenancy: organizations, users, memberships and their roles,
//! invitations, API keys, coalition roles, and logging in. Every function
//! takes the request's [`crate::auth::Actor`], asks [`crate::policy`] before
//! reading or writing, and makes its changes through [`crate::change`].

/// API keys: making, listing, revoking; revoked with their maker's authority.
pub mod api_keys;
/// Coalition-wide roles (coordinator, clerk).
pub mod coalition_roles;
/// Account values: passwords.
pub mod domain;
/// GraphQL types, queries and mutations of accounts.
pub mod graphql;
/// Invitations: inviting, withdrawing, redeeming.
pub mod invitations;
/// Per-request loaders of organizations and users.
pub mod loaders;
/// Logging in with a password.
pub mod login;
/// Memberships and roles; an organization keeps at least one admin.
pub mod members;
/// Member organizations.
pub mod organizations;
/// Random tokens and their stored digests.
pub mod tokens;
/// User accounts.
pub mod users;

// What other domains, the `node` lookup, the commands and the demo call.
pub use api_keys::api_key;
pub use invitations::invitation;
pub use members::membership;
pub use organizations::{NewOrganization, create_organization, organization, organization_by_slug};
pub use users::{create_user, user, user_by_email};
