//! The directory: who can help with what, where, in which language, for whom
//! (organizations' profiles, their services, the taxonomy), and who sits on the
//! advisory group, committees and commission (bodies, people, memberships).

/// Bodies, people and their memberships over time.
pub mod people;
