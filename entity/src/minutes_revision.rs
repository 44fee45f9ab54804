//! One saved text of minutes; every save adds a revision.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "minutes_revisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub minutes_id: Uuid,
    /// 1.. in order of saving.
    pub number: i32,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    /// Who saved it (null for the system, or once the account is deleted).
    pub author_user_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
