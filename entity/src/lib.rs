//! sea-orm entities of the Coalition database: one module per table.
//!
//! These are storage shapes only. The GraphQL API exposes its own types, so a
//! column can change without breaking a published field.

/// API keys that partner applications use instead of a user's token.
pub mod api_key;
/// The append-only audit log.
pub mod audit_entry;
/// Coalition-wide roles held by a user (coordinator, clerk).
pub mod coalition_role;
/// Invitations to join an organization, redeemed once.
pub mod invitation;
/// A user's role in one organization.
pub mod membership;
/// Member organizations of the coalition (the tenants).
pub mod organization;
/// People who log in.
pub mod user;

/// Directory: where services are delivered.
pub mod location;
/// Directory: an organization's contact details.
pub mod organization_contact;
/// Directory: an organization's profile.
pub mod organization_profile;
/// Directory: services.
pub mod service;
/// Directory: a service's taxonomy terms.
pub mod service_category;
/// Directory: a service's holidays and special hours.
pub mod service_exception;
/// Directory: a service's weekly hours.
pub mod service_hours;
/// Directory: a service's languages.
pub mod service_language;
/// Directory: the service taxonomy.
pub mod taxonomy_term;
/// Directory: translations of organization and service texts.
pub mod translation;

/// Directory: bodies (advisory group, committees, commission).
pub mod body;
/// Directory: a person's seat on a body for a term.
pub mod body_membership;
/// Referrals: people served by an organization.
pub mod client;
/// Referrals: links between two records of the same person.
pub mod client_link;
/// Referrals: consents to share a client's details.
pub mod consent;
/// Referrals: organizations and services a consent covers.
pub mod consent_recipient;
/// Mutations already done under an idempotency key.
pub mod idempotency_key;
/// Directory: people who sit on bodies.
pub mod person;
/// Directory: a person's contact details.
pub mod person_contact;
/// Directory: areas a person knows.
pub mod person_expertise;
/// Directory: languages a person speaks.
pub mod person_language;
/// Referrals: referrals between organizations.
pub mod referral;
/// Referrals: each step of a referral.
pub mod referral_event;
/// Referrals: notes on referrals.
pub mod referral_note;

/// Records: action items decided at meetings.
pub mod action_item;
/// Records: reviews of action items at later meetings.
pub mod action_item_review;
/// Records: documents attached to agenda items.
pub mod agenda_document;
/// Records: items on a meeting's agenda.
pub mod agenda_item;
/// Records: who attended a meeting.
pub mod attendance_record;
/// Records: meetings of bodies.
pub mod meeting;
/// Records: minutes of meetings and their corrections.
pub mod minutes;
/// Records: saved texts of minutes.
pub mod minutes_revision;
/// Records: motions and amendments.
pub mod motion;
/// Records: roll-call votes on motions.
pub mod vote;

/// Enumerations stored as short strings, shared by several tables.
pub mod enums;
