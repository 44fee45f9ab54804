//! A note on a referral, shared with both organizations or internal to the author's.

use crate::enums::NoteVisibility;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referral_notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub referral_id: Uuid,
    pub organization_id: Uuid,
    pub author_user_id: Option<Uuid>,
    pub author_api_key_id: Option<Uuid>,
    pub visibility: NoteVisibility,
    pub body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
