//! Bodies, people and their memberships, in the spirit of Popolo: who sits on
//! the advisory group, the welcoming committees and the commission, in which
//! post, for which term, representing which organization, and what they know
//! and which languages they speak.

/// The demo bodies and people.
pub mod demo;
/// Validated input values (language tags, expertise, time zones, seats, contacts).
pub mod domain;
/// GraphQL types, queries and mutations of bodies and people.
pub mod graphql;
/// Per-request loaders of people's lists and bodies' current members.
pub mod loaders;
/// Rules of bodies, people and memberships, called with the request's actor.
pub mod service;
