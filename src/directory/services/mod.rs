//! Services: what the coalition's organizations offer, where, when, in which
//! languages, for whom (modelled on Open Referral HSDS 3.0).

/// What a client sends for a service, and its validation.
pub mod draft;
/// GraphQL types, queries and mutations of services.
pub mod graphql;
/// Finding services: text, filters, distance, opening hours.
pub mod search;
/// The text a service is found by, kept current.
pub mod search_text;
/// Adding, replacing and reading services.
pub mod service;
/// Confirming entries and finding the unconfirmed ones.
pub mod verification;
