//! The one skeleton every change goes through, after zero2prod's
//! `try_processing`: [`Change::begin`] opens the transaction (and, for a
//! keyed mutation, finds what an earlier call with the same key produced),
//! the service does its work on [`Change::txn`], and [`Change::commit`] writes
//! the audit entry, remembers the idempotency key and commits, so that the
//! change, its audit entry and its key land together or not at all. No
//! service writes an audit entry or commits by hand.
//!
//! ```text
//! let change = Change::begin_keyed(db, actor, key).await?;
//! if let Some(done) = change.replayed::<meeting::Entity>().await? {
//!     return Ok(done);
//! }
//! let created = insert(change.txn(), ...).await?;
//! change.commit(event, created).await
//! ```

use crate::audit::service::{self as audit, AuditEvent};
use crate::auth::{Actor, Principal};
use crate::db::{IdEntity, now};
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use chrono::Duration;
use entity::idempotency_key;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long an idempotency key is remembered.
pub const KEY_HOURS: i64 = 24;

/// An idempotency key as the client sent it, with what it was sent for: the
/// same key from the same actor within [`KEY_HOURS`] returns the first result
/// without doing the work again, and the same key with other input is a
/// `CONFLICT`.
#[derive(Clone, Debug)]
pub struct IdempotencyKey {
    key: String,
    operation: &'static str,
    digest: String,
}

impl IdempotencyKey {
    /// The key `key` of the input field `field`, sent for `operation` (e.g.
    /// `referral.accept`) with `input`; `None` when the client sent no key.
    /// The input is compared with later retries through a digest of its JSON
    /// form, which (unlike `Debug`) is stable across versions of the code.
    pub fn parse(
        key: Option<&str>,
        field: &str,
        operation: &'static str,
        input: &impl Serialize,
    ) -> AppResult<Option<Self>> {
        let Some(key) = key else {
            return Ok(None);
        };
        if key.is_empty() || key.len() > 200 {
            return Err(AppError::bad_input(field, "must be 1 to 200 characters"));
        }
        let input = serde_json::to_string(input)
            .map_err(|e| AppError::Internal(format!("serializing {operation} input: {e}")))?;
        let digest = Sha256::digest(format!("{operation}\n{input}").as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Some(IdempotencyKey {
            key: key.to_owned(),
            operation,
            digest,
        }))
    }
}

/// One change in progress: its transaction, its actor and its key.
pub struct Change<'a> {
    txn: DatabaseTransaction,
    actor: &'a Actor,
    key: Option<IdempotencyKey>,
}

impl<'a> Change<'a> {
    /// Begins a change that a client cannot retry by key.
    pub async fn begin(db: &DatabaseConnection, actor: &'a Actor) -> AppResult<Self> {
        Self::begin_keyed(db, actor, None).await
    }

    /// Begins a change that a client may retry with `key`.
    pub async fn begin_keyed(
        db: &DatabaseConnection,
        actor: &'a Actor,
        key: Option<IdempotencyKey>,
    ) -> AppResult<Self> {
        Ok(Change {
            txn: db.begin().await?,
            actor,
            key,
        })
    }

    /// The transaction the work runs in.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// The actor making the change.
    pub fn actor(&self) -> &'a Actor {
        self.actor
    }

    /// The id of the record an earlier call with this change's key produced,
    /// if there is one within the window; `CONFLICT` when the key was used for
    /// something else. Ask after the policy checks, so that a retry is
    /// refused like the first call would be now.
    pub async fn replayed_id(&self) -> AppResult<Option<Uuid>> {
        let Some(key) = &self.key else {
            return Ok(None);
        };
        let found = idempotency_key::Entity::find()
            .filter(idempotency_key::Column::Actor.eq(actor_key(self.actor)?))
            .filter(idempotency_key::Column::Key.eq(key.key.as_str()))
            .filter(idempotency_key::Column::CreatedAt.gt(now() - Duration::hours(KEY_HOURS)))
            .one(&self.txn)
            .await?;
        match found {
            None => Ok(None),
            Some(row) if row.operation == key.operation && row.input_digest == key.digest => {
                Ok(Some(row.result_id))
            }
            Some(_) => Err(AppError::Conflict(
                "this idempotency key was already used for a different request".into(),
            )),
        }
    }

    /// The record of type `E` an earlier call with this key produced, if any.
    pub async fn replayed<E: IdEntity>(&self) -> AppResult<Option<E::Model>> {
        match self.replayed_id().await? {
            Some(id) => Ok(Some(crate::db::find::<E>(&self.txn, id).await?)),
            None => Ok(None),
        }
    }

    /// Writes an audit entry beside the one [`Change::commit`] writes, for a
    /// change that touches several records (keys revoked with a demotion).
    pub async fn record(&self, event: AuditEvent<'_>) -> AppResult<()> {
        audit::record(&self.txn, self.actor, event).await
    }

    /// Runs `work` in a savepoint of the change: kept when it succeeds, undone
    /// when it fails with a refusal (bad input, conflict), which is handed
    /// back for the caller to report while the rest of the change goes on.
    /// An internal or database failure ends the whole change.
    pub async fn attempt<T, F>(&self, work: F) -> AppResult<AppResult<T>>
    where
        F: AsyncFnOnce(&DatabaseTransaction) -> AppResult<T>,
    {
        let savepoint = self.txn.begin().await?;
        match work(&savepoint).await {
            Ok(value) => {
                savepoint.commit().await?;
                Ok(Ok(value))
            }
            Err(fatal @ (AppError::Internal(_) | AppError::Db(_))) => Err(fatal),
            Err(refused) => {
                savepoint.rollback().await?;
                Ok(Err(refused))
            }
        }
    }

    /// Writes the audit entry of the change, remembers the idempotency key
    /// (for the record the entry names) and commits; returns `result`.
    pub async fn commit<T>(self, event: AuditEvent<'_>, result: T) -> AppResult<T> {
        let record = event.record_id;
        self.commit_for(event, record, result).await
    }

    /// [`Change::commit`] for a change whose result is not the record its
    /// audit entry names (a note's entry names its referral): a retry with
    /// the key returns `record`.
    pub async fn commit_for<T>(
        self,
        event: AuditEvent<'_>,
        record: Option<Uuid>,
        result: T,
    ) -> AppResult<T> {
        if let Some(key) = &self.key {
            let Some(record) = record else {
                return Err(AppError::Internal(format!(
                    "{} was keyed but names no record to replay",
                    event.action
                )));
            };
            remember(&self.txn, self.actor, key, record).await?;
        }
        audit::record(&self.txn, self.actor, event).await?;
        self.txn.commit().await?;
        Ok(result)
    }

    /// Commits data the service installs itself (the default taxonomy), which
    /// no actor changed and so has no audit entry.
    pub async fn commit_setup(self) -> AppResult<()> {
        if !matches!(self.actor.principal, Principal::System) {
            return Err(AppError::Internal(
                "only the system installs data without an audit entry".into(),
            ));
        }
        self.txn.commit().await?;
        Ok(())
    }
}

fn actor_key(actor: &Actor) -> AppResult<String> {
    match &actor.principal {
        Principal::User(u) => Ok(format!("user:{}", u.user_id)),
        Principal::ApiKey(k) => Ok(format!("api_key:{}", k.key_id)),
        _ => Err(AppError::Unauthenticated),
    }
}

/// Remembers the result of a keyed call. Keys older than the window are
/// forgotten first, so a key can be reused after it.
async fn remember(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    key: &IdempotencyKey,
    result: Uuid,
) -> AppResult<()> {
    let actor = actor_key(actor)?;
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::Actor.eq(actor.as_str()))
        .filter(idempotency_key::Column::Key.eq(key.key.as_str()))
        .filter(idempotency_key::Column::CreatedAt.lte(now() - Duration::hours(KEY_HOURS)))
        .exec(conn)
        .await?;
    idempotency_key::ActiveModel {
        id: Set(new_id()),
        actor: Set(actor),
        key: Set(key.key.clone()),
        operation: Set(key.operation.to_owned()),
        input_digest: Set(key.digest.clone()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Input {
        name: &'static str,
    }

    #[test]
    fn a_key_longer_than_two_hundred_characters_is_rejected_naming_its_field() {
        let long = "k".repeat(201);
        let err =
            IdempotencyKey::parse(Some(&long), "input.key", "x", &Input { name: "a" }).unwrap_err();
        assert!(matches!(err, AppError::BadInput { ref field, .. } if field == "input.key"));
    }

    #[test]
    fn the_same_input_digests_alike_and_other_input_differently() {
        let digest = |name| {
            IdempotencyKey::parse(Some("k"), "f", "op", &Input { name })
                .unwrap()
                .unwrap()
                .digest
        };
        assert_eq!(digest("a"), digest("a"));
        assert_ne!(digest("a"), digest("b"));
    }
}
