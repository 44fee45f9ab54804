//! GraphQL types, queries and mutations of accounts. Resolvers parse input,
//! call the services with the actor and map the result; nothing more.

/// Mutations: logging in, organizations, invitations, members, API keys.
pub mod mutations;
/// Queries: the viewer and the organizations.
pub mod queries;
/// The object types and enums.
pub mod types;

pub use crate::graphql::organization::{Organization, load_organization};
pub use mutations::AccountsMutation;
pub use queries::AccountsQuery;
pub use types::*;
