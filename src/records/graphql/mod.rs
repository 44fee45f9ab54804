//! GraphQL types, queries and mutations of the records. Resolvers parse
//! input, call the services with the actor and map the result; every object
//! carries the actor's reach into its body's records, and nested fields show
//! only what [`crate::policy`] lets that reach read.

/// The mutations' inputs, one per mutation.
pub mod inputs;
/// Mutations: the clerk's meeting cycle.
pub mod mutations;
/// Priming the loaders for what a meeting's selection reads.
pub mod prime;
/// Queries: meetings, action items, voting records.
pub mod queries;
/// The object types and enums.
pub mod types;

pub use mutations::RecordsMutation;
pub use queries::RecordsQuery;
