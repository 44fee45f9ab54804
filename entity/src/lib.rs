//! sea-orm entities of the Coalition database: one module per table.
//!
//! These are storage shapes only. The GraphQL API exposes its own types, so a
//! column can change without breaking a published field.

/// API keys that partner applications use instead of a user's token.
pub mod api_key;
/// The append-only audit log.
pub mod audit_entry;
/// Coalition-wide roles held by a user (coordinator, clerk).
pub mod coalition_role;
/// Invitations to join an organization, redeemed once.
pub mod invitation;
/// A user's role in one organization.
pub mod membership;
/// Member organizations of the coalition (the tenants).
pub mod organization;
/// People who log in.
pub mod user;

/// Directory: bodies (advisory group, committees, commission).
pub mod body;
/// Directory: a person's seat on a body for a term.
pub mod body_membership;
/// Directory: people who sit on bodies.
pub mod person;
/// Directory: a person's contact details.
pub mod person_contact;
/// Directory: areas a person knows.
pub mod person_expertise;
/// Directory: languages a person speaks.
pub mod person_language;

/// Enumerations stored as short strings, shared by several tables.
pub mod enums;
