//! GraphQL types, queries and mutations of services. Resolvers parse input,
//! call the services with the actor and map the result; what a viewer sees
//! of a service follows [`crate::policy`].

/// Mutations: adding, replacing, verifying services.
pub mod mutations;
/// Queries: the search and the unverified entries.
pub mod queries;
/// The object types and enums.
pub mod types;

pub use mutations::ServicesMutation;
pub use queries::ServicesQuery;
pub use types::*;
