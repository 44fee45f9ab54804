//! A client's consent to share parts of their record with some organizations.

use crate::enums::ConsentMethod;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub client_id: Uuid,
    pub organization_id: Uuid,
    pub share_name: bool,
    pub share_contact: bool,
    pub share_languages: bool,
    pub share_needs: bool,
    pub method: ConsentMethod,
    pub given_at: DateTimeUtc,
    pub recorded_by: Option<Uuid>,
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// What the person agreed their details are shared for, in their words.
    pub purpose: String,
    /// What the consent was taken from (a signed form kept on file, a verbal statement).
    pub source: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
