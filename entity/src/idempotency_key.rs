//! A mutation already done for an actor under a client-chosen key, kept 24 hours.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `user:<id>` or `api_key:<id>`.
    pub actor: String,
    pub key: String,
    pub operation: String,
    /// SHA-256 of the operation's input, to refuse a reused key with other input.
    pub input_digest: String,
    /// The record the first call produced.
    pub result_id: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
