//! The coalition's service taxonomy: nested terms that services are filed under.

/// GraphQL types, queries and mutations of the taxonomy.
pub mod graphql;
/// Reading and managing terms.
pub mod service;
