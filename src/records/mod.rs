//! The records of the commission, the advisory group and the committees:
//! meetings, their agendas, attendance and quorum, motions with roll-call
//! votes, minutes with their revisions and corrections, and the action items
//! decided at meetings and reviewed at later ones. What the public may read
//! follows Legistar and Open Civic Data; who may read and keep what is
//! decided by [`crate::policy::records_access`].

/// The actor's reach into a body's records.
pub mod access;
/// Action items and their reviews.
pub mod action_items;
/// Agenda items and their documents.
pub mod agenda;
/// Attendance and quorum.
pub mod attendance;
/// `/calendar/{slug}.ics`: a public body's meetings as an iCalendar feed.
pub mod calendar;
/// The commission's demo records.
pub mod demo;
/// Validated input values: meeting times.
pub mod domain;
/// GraphQL types, queries and mutations of the records.
pub mod graphql;
/// Per-request loaders of what meetings show.
pub mod loaders;
/// Meetings: scheduling, agenda publication, held, cancelled, postponed.
pub mod meetings;
/// Minutes, revisions, approval, publication, corrections.
pub mod minutes;
/// `/minutes/{id}.txt`: the text of published minutes, for the public.
pub mod minutes_text;
/// Motions, amendments, roll-call votes and results.
pub mod motions;
/// `/ocd/{slug}.json`: a public body's records as Open Civic Data.
pub mod ocd;
/// A person's voting record and attendance rate.
pub mod reports;
