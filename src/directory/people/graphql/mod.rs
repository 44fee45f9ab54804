//! GraphQL types, queries and mutations of bodies, people and memberships.
//! Resolvers parse input, call the services with the actor and map the
//! result; nested lists come from the request's loaders.

/// Mutations: bodies, people, contacts, appointments.
pub mod mutations;
/// Queries: bodies and the people search.
pub mod queries;
/// The object types and enums.
pub mod types;

pub use mutations::PeopleMutation;
pub use queries::PeopleQuery;
pub use types::{Body, BodyMembership, BodyPost, Person};
