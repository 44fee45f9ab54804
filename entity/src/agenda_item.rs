//! An item on a meeting's agenda, in order.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What the body does with an agenda item.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum AgendaItemKind {
    #[sea_orm(string_value = "information")]
    Information,
    #[sea_orm(string_value = "discussion")]
    Discussion,
    #[sea_orm(string_value = "action")]
    Action,
    #[sea_orm(string_value = "public_comment")]
    PublicComment,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agenda_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_id: Uuid,
    /// 1-based place on the agenda.
    pub position: i32,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub kind: AgendaItemKind,
    /// A presenter from the directory.
    pub presenter_person_id: Option<Uuid>,
    /// A presenter who is not in the directory (a guest speaker).
    pub presenter_name: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
