//! Idempotent mutations: a client sends an `idempotencyKey`; the same key from
//! the same actor within 24 hours returns the first result without doing the
//! work again, and the same key with other input is a `CONFLICT`.

use crate::auth::{Actor, Principal};
use crate::db::now;
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use chrono::Duration;
use entity::idempotency_key;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long a key is remembered.
pub const KEY_HOURS: i64 = 24;

/// A key as the client sent it, with what it was sent for.
pub struct Keyed<'a> {
    /// The client's key.
    pub key: &'a str,
    /// The input field that carried it, for errors.
    pub field: &'a str,
    /// The mutation, e.g. `referral.accept`.
    pub operation: &'a str,
    /// The input, serialized canonically, to compare retries with.
    pub input: String,
}

fn actor_key(actor: &Actor) -> AppResult<String> {
    match &actor.principal {
        Principal::User(u) => Ok(format!("user:{}", u.user_id)),
        Principal::ApiKey(k) => Ok(format!("api_key:{}", k.key_id)),
        _ => Err(AppError::Unauthenticated),
    }
}

fn digest(operation: &str, input: &str) -> String {
    Sha256::digest(format!("{operation}\n{input}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The result id of an earlier call with this key, if there is one within the
/// window; `CONFLICT` when the key was used for something else.
pub async fn earlier(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    keyed: &Keyed<'_>,
) -> AppResult<Option<Uuid>> {
    if keyed.key.is_empty() || keyed.key.len() > 200 {
        return Err(AppError::bad_input(
            keyed.field,
            "must be 1 to 200 characters",
        ));
    }
    let found = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::Actor.eq(actor_key(actor)?))
        .filter(idempotency_key::Column::Key.eq(keyed.key))
        .filter(idempotency_key::Column::CreatedAt.gt(now() - Duration::hours(KEY_HOURS)))
        .one(conn)
        .await?;
    match found {
        None => Ok(None),
        Some(row)
            if row.operation == keyed.operation
                && row.input_digest == digest(keyed.operation, &keyed.input) =>
        {
            Ok(Some(row.result_id))
        }
        Some(_) => Err(AppError::Conflict(
            "this idempotency key was already used for a different request".into(),
        )),
    }
}

/// Remembers the result of a call, in the call's transaction. Keys older than
/// the window are forgotten first, so a key can be reused after it.
pub async fn remember(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    keyed: &Keyed<'_>,
    result: Uuid,
) -> AppResult<()> {
    let actor = actor_key(actor)?;
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::Actor.eq(actor.as_str()))
        .filter(idempotency_key::Column::Key.eq(keyed.key))
        .filter(idempotency_key::Column::CreatedAt.lte(now() - Duration::hours(KEY_HOURS)))
        .exec(conn)
        .await?;
    idempotency_key::ActiveModel {
        id: Set(new_id()),
        actor: Set(actor),
        key: Set(keyed.key.to_owned()),
        operation: Set(keyed.operation.to_owned()),
        input_digest: Set(digest(keyed.operation, &keyed.input)),
        result_id: Set(result),
        created_at: Set(now()),
    }
    .insert(conn)
    .await
    .map_err(|e| {
        AppError::conflict_on_unique(
            e,
            "a request with this idempotency key is already being processed",
        )
    })?;
    Ok(())
}

/// [`earlier`] for an optional key.
pub async fn replayed(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    keyed: &Option<Keyed<'_>>,
) -> AppResult<Option<Uuid>> {
    match keyed {
        Some(keyed) => earlier(conn, actor, keyed).await,
        None => Ok(None),
    }
}

/// The record of type `E` an earlier call with this key produced, if any.
pub async fn replayed_record<E>(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    keyed: &Option<Keyed<'_>>,
) -> AppResult<Option<E::Model>>
where
    E: crate::db::IdEntity,
{
    let Some(id) = replayed(conn, actor, keyed).await? else {
        return Ok(None);
    };
    Ok(Some(
        E::find()
            .filter(E::id_column().eq(id))
            .one(conn)
            .await?
            .ok_or(AppError::NotFound)?,
    ))
}

/// [`remember`] for an optional key.
pub async fn remember_if(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    keyed: &Option<Keyed<'_>>,
    result: Uuid,
) -> AppResult<()> {
    match keyed {
        Some(keyed) => remember(conn, actor, keyed, result).await,
        None => Ok(()),
    }
}
