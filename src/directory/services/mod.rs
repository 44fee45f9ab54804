//! Services: what the coalition's organizations offer, where, when, in which
//! languages, for whom (modelled on Open Referral HSDS 3.0).

/// GraphQL types, queries and mutations of services.
pub mod graphql;
/// Finding services: text, filters, distance, opening hours.
pub mod search;
/// Creating, changing, verifying and reading services.
pub mod service;
