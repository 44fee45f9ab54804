//! Organizations' directory profiles: description, website, languages,
//! neighborhoods served, year founded, contacts with their visibility, and
//! translations of their name and description.

/// GraphQL fields of an organization's profile.
pub mod graphql;
/// Reading and replacing profiles.
pub mod service;
