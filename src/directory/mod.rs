//! The directory: who can help with what, where, in which language, for whom
//! (organizations' profiles, their services, the taxonomy), and who sits on the
//! advisory group, committees and commission (bodies, people, memberships).

/// The demo directory.
pub mod demo;
/// Input values of the directory's services (clock times).
pub mod domain;
/// GraphQL types shared by the directory's parts (localized texts, contacts).
pub mod graphql;
/// Open Referral HSDS 3.0 export and import.
pub mod hsds;
/// Per-request loaders of services, profiles and taxonomy terms.
pub mod loaders;
/// Texts in several languages and the choice among them.
pub mod localize;
/// Bodies, people and their memberships over time.
pub mod people;
/// Organizations' directory profiles.
pub mod profiles;
/// Services, their search and verification.
pub mod services;
/// The service taxonomy.
pub mod taxonomy;
