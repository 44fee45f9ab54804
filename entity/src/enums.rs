//! Enumerations stored as short lowercase strings so that PostgreSQL and SQLite
//! hold the same values and a new variant needs no database enum migration.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What kind of organization a member of the coalition is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum OrganizationKind {
    #[sea_orm(string_value = "library")]
    Library,
    #[sea_orm(string_value = "legal_aid")]
    LegalAid,
    #[sea_orm(string_value = "resettlement_agency")]
    ResettlementAgency,
    #[sea_orm(string_value = "health_clinic")]
    HealthClinic,
    #[sea_orm(string_value = "government_office")]
    GovernmentOffice,
    #[sea_orm(string_value = "shelter")]
    Shelter,
    #[sea_orm(string_value = "school_esl")]
    SchoolEsl,
    #[sea_orm(string_value = "faith_community")]
    FaithCommunity,
    #[sea_orm(string_value = "cultural_organization")]
    CulturalOrganization,
    #[sea_orm(string_value = "employer_training")]
    EmployerTraining,
    #[sea_orm(string_value = "business")]
    Business,
    #[sea_orm(string_value = "other")]
    Other,
}

/// A user's (or an API key's) role inside one organization.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum OrgRole {
    #[sea_orm(string_value = "admin")]
    Admin,
    #[sea_orm(string_value = "staff")]
    Staff,
    #[sea_orm(string_value = "viewer")]
    Viewer,
}

/// A role that spans the whole coalition rather than one organization.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CoalitionRoleKind {
    #[sea_orm(string_value = "coordinator")]
    Coordinator,
    #[sea_orm(string_value = "clerk")]
    Clerk,
}

/// Who performed an audited action.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ActorKind {
    #[sea_orm(string_value = "user")]
    User,
    #[sea_orm(string_value = "api_key")]
    ApiKey,
    /// The service itself: demo seeding, imports and operator commands.
    #[sea_orm(string_value = "system")]
    System,
}

/// Who may see a contact detail (email, phone, address) in the directory.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ContactVisibility {
    /// Anyone, including anonymous visitors of a library's website.
    #[sea_orm(string_value = "public")]
    Public,
    /// Logged-in members of the coalition only.
    #[sea_orm(string_value = "coalition")]
    Coalition,
}

/// What a contact detail is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ContactKind {
    #[sea_orm(string_value = "email")]
    Email,
    #[sea_orm(string_value = "phone")]
    Phone,
    #[sea_orm(string_value = "address")]
    Address,
}

/// Whether a service is offered (HSDS `service.status`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum ServiceStatus {
    #[sea_orm(string_value = "active")]
    Active,
    #[sea_orm(string_value = "inactive")]
    Inactive,
    #[sea_orm(string_value = "temporarily_closed")]
    TemporarilyClosed,
    #[sea_orm(string_value = "defunct")]
    Defunct,
}

/// What a service costs.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CostKind {
    #[sea_orm(string_value = "free")]
    Free,
    #[sea_orm(string_value = "sliding_scale")]
    SlidingScale,
    #[sea_orm(string_value = "fee")]
    Fee,
}

/// Who may see a location's address.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum LocationVisibility {
    /// Everyone.
    #[sea_orm(string_value = "public")]
    Public,
    /// Members of the coalition.
    #[sea_orm(string_value = "coalition")]
    Coalition,
    /// Nobody: only the contact route is ever shown (e.g. a shelter for survivors of violence).
    #[sea_orm(string_value = "confidential")]
    Confidential,
}

/// How a client can be reached.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum ContactChannel {
    #[sea_orm(string_value = "phone")]
    Phone,
    #[sea_orm(string_value = "email")]
    Email,
    #[sea_orm(string_value = "text")]
    Text,
    /// Only through the navigator who referred them.
    #[sea_orm(string_value = "via_navigator")]
    ViaNavigator,
}

/// How consent was given.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ConsentMethod {
    #[sea_orm(string_value = "verbal")]
    Verbal,
    #[sea_orm(string_value = "written")]
    Written,
    #[sea_orm(string_value = "electronic")]
    Electronic,
}

/// How soon a referral needs an answer.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Urgency {
    #[sea_orm(string_value = "routine")]
    Routine,
    #[sea_orm(string_value = "soon")]
    Soon,
    #[sea_orm(string_value = "urgent")]
    Urgent,
}

/// Where a referral stands.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ReferralStatus {
    #[sea_orm(string_value = "sent")]
    Sent,
    #[sea_orm(string_value = "accepted")]
    Accepted,
    #[sea_orm(string_value = "declined")]
    Declined,
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    #[sea_orm(string_value = "on_hold")]
    OnHold,
    #[sea_orm(string_value = "completed")]
    Completed,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    #[sea_orm(string_value = "expired")]
    Expired,
}

/// Who may read a note on a referral.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum NoteVisibility {
    /// Both organizations.
    #[sea_orm(string_value = "shared")]
    Shared,
    /// The author's organization only.
    #[sea_orm(string_value = "internal")]
    Internal,
}
