//! A referral of a client from one organization to a service of another.

use crate::enums::{ReferralStatus, Urgency};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub client_id: Uuid,
    pub consent_id: Uuid,
    pub referring_organization_id: Uuid,
    pub referring_user_id: Option<Uuid>,
    pub receiving_organization_id: Uuid,
    pub service_id: Uuid,
    pub reason: String,
    pub urgency: Urgency,
    pub interpreter_needed: bool,
    pub interpreter_language: Option<String>,
    pub due_date: Option<Date>,
    pub status: ReferralStatus,
    /// Decline reason, cancellation reason or outcome code, with the status that needs one.
    pub status_reason: Option<String>,
    pub assignee_user_id: Option<Uuid>,
    /// Grows by one with every change; clients send the version they saw.
    pub version: i32,
    /// When a `SENT` referral expires without an answer.
    pub respond_by: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
