//! Bodies, people and their memberships, in the spirit of Popolo: who sits on
//! the advisory group, the welcoming committees and the commission, in which
//! post, for which term, representing which organization, and what they know
//! and which languages they speak. Every public function except those of
//! [`seating`] takes the request's actor and asks [`crate::policy`] before
//! reading or writing; every change goes through [`crate::change::Change`].

/// Bodies: creating, changing and finding them.
pub mod bodies;
/// A person's contact details and who sees which.
pub mod contacts;
/// The demo bodies and people.
pub mod demo;
/// Validated input values (language tags, expertise, time zones, seats, contacts).
pub mod domain;
/// GraphQL types, queries and mutations of bodies and people.
pub mod graphql;
/// Per-request loaders of people's lists and bodies' current members.
pub mod loaders;
/// Memberships: appointing, ending and correcting them, and who sees which.
pub mod memberships;
/// People's profiles: adding, changing and finding them, and who sees whom.
pub mod persons;
/// Finding people by language, expertise and body.
pub mod search;
/// Who sits on a body on a date, holdovers, rosters and vacancies.
pub mod seating;

// The lookups by id, as node resolution and other domains call them.
pub use bodies::body;
pub use memberships::membership;
pub use persons::person;
