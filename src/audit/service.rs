//! Recording and reading audit entries.

use crate::auth::{Actor, Principal};
use crate::error::{AppError, AppResult};
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy;
use entity::audit_entry;
use entity::enums::ActorKind;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter,
};
use uuid::Uuid;

/// What happened, to be recorded for the actor of the request.
pub struct AuditEvent<'a> {
    /// The organization the actor acted for; its admins may read the entry.
    pub organization_id: Option<Uuid>,
    /// Dotted verb, e.g. `api_key.revoked`.
    pub action: &'a str,
    /// GraphQL type name of the record changed.
    pub record_type: &'a str,
    /// The record changed.
    pub record_id: Option<Uuid>,
    /// Non-personal facts about the change (old and new role, key name...).
    pub details: Option<serde_json::Value>,
}

/// A read of personal data, to be recorded for the actor of the request.
pub struct ReadEvent<'a> {
    /// The read, recorded for the organization that owns the data.
    pub event: AuditEvent<'a>,
    /// The organization the reader acted for; its admins list their people's
    /// reads by it.
    pub reader_organization_id: Option<Uuid>,
}

crate::pagination::keyed_by_creation!(audit_entry::Model);

/// The entry of `event` by `actor` at `at`, for a reader acting for `reader`
/// when it records a read. An anonymous actor can make no audited change or
/// read of personal data: reaching here as one is a bug.
fn entry(
    actor: &Actor,
    at: chrono::DateTime<chrono::Utc>,
    event: AuditEvent<'_>,
    reader: Option<Uuid>,
) -> AppResult<audit_entry::ActiveModel> {
    let (actor_kind, actor_user_id, actor_api_key_id) = match &actor.principal {
        Principal::User(u) => (ActorKind::User, Some(u.user_id), None),
        Principal::ApiKey(k) => (ActorKind::ApiKey, None, Some(k.key_id)),
        Principal::System => (ActorKind::System, None, None),
        Principal::Anonymous => {
            return Err(AppError::Internal(format!(
                "an anonymous actor reached an audited action ({})",
                event.action
            )));
        }
    };
    Ok(audit_entry::ActiveModel {
        id: Set(crate::ids::new_id()),
        created_at: Set(at),
        actor_kind: Set(actor_kind),
        actor_user_id: Set(actor_user_id),
        actor_api_key_id: Set(actor_api_key_id),
        organization_id: Set(event.organization_id),
        action: Set(event.action.to_owned()),
        record_type: Set(event.record_type.to_owned()),
        record_id: Set(event.record_id),
        request_id: Set(actor.request_id.clone()),
        details: Set(event.details.map(|d| d.to_string())),
        actor_organization_id: Set(reader),
    })
}

/// Writes one entry. Call it with the transaction of the change it records, so
/// that both land or neither does.
#[tracing::instrument(skip_all, fields(action = event.action))]
pub async fn record(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    event: AuditEvent<'_>,
) -> AppResult<()> {
    entry(actor, crate::db::now(), event, None)?
        .insert(conn)
        .await?;
    Ok(())
}

/// Writes several reads of personal data noted during a request, in one
/// statement.
#[tracing::instrument(skip_all)]
pub async fn record_many(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    events: Vec<ReadEvent<'_>>,
) -> AppResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let at = crate::db::now();
    let entries = events
        .into_iter()
        .map(|read| entry(actor, at, read.event, read.reader_organization_id))
        .collect::<AppResult<Vec<_>>>()?;
    audit_entry::Entity::insert_many(entries).exec(conn).await?;
    Ok(())
}

/// Which entries to list.
#[derive(Default)]
pub struct AuditFilter {
    /// Only entries of this organization.
    pub organization_id: Option<Uuid>,
    /// Only entries about this record.
    pub record_id: Option<Uuid>,
}

/// A page of the entries `actor` may read, oldest first.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: AuditFilter,
    page: &PageRequest,
) -> AppResult<Page<audit_entry::Model>> {
    let scope = policy::audit_scope(actor);
    policy::authorize(actor, scope.reads_any(), "read the audit log")?;
    let mut select = audit_entry::Entity::find();
    if let Some(org) = filter.organization_id {
        policy::authorize(
            actor,
            scope.everything || scope.coalition_wide || scope.organizations.contains(&org),
            "read this organization's audit log",
        )?;
        select = select.filter(audit_entry::Column::OrganizationId.eq(org));
    }
    if !scope.everything {
        let mut readable = Condition::any()
            .add(audit_entry::Column::OrganizationId.is_in(scope.organizations.clone()));
        if scope.coalition_wide {
            readable = readable
                .add(audit_entry::Column::RecordType.is_not_in(policy::REFERRAL_NETWORK_RECORDS));
        }
        select = select.filter(readable);
    }
    if let Some(record) = filter.record_id {
        select = select.filter(audit_entry::Column::RecordId.eq(record));
    }
    paginate(
        db,
        select,
        audit_entry::Column::CreatedAt,
        audit_entry::Column::Id,
        page,
    )
    .await
}

/// One entry, if `actor` may read it.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<audit_entry::Model> {
    let entry = audit_entry::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "audit_scope",
        policy::audit_scope(actor).reads(entry.organization_id, &entry.record_type),
    )?;
    Ok(entry)
}
