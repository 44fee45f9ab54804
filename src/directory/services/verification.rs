//! Verification: confirming that a service's entry is still accurate, and
//! finding the entries nobody confirmed for a while.

use super::service::service;
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::Change;
use crate::db::now;
use crate::error::{AppError, AppResult};
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy;
use chrono::Duration;
use entity::service;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

/// Confirms that a service's entry is still accurate, in one step.
#[tracing::instrument(skip_all, fields(service = %id))]
pub async fn verify_service(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> AppResult<service::Model> {
    let current = service(db, actor, id).await?;
    policy::authorize(
        actor,
        policy::may_edit_directory_entry(actor, current.organization_id),
        "verify this organization's directory entries",
    )?;
    let change = Change::begin(db, actor).await?;
    let mut active = current.clone().into_active_model();
    active.last_verified_at = Set(Some(now()));
    active.last_verified_by = Set(actor.user_id());
    let verified = active.update(change.txn()).await?;
    let event = AuditEvent {
        organization_id: Some(current.organization_id),
        action: "service.verified",
        record_type: "Service",
        record_id: Some(id),
        details: None,
    };
    change.commit(event, verified).await
}

/// Services not verified for `days` days or never (coordinators keep the data trustworthy).
#[tracing::instrument(skip_all)]
pub async fn unverified_services(
    db: &impl ConnectionTrait,
    actor: &Actor,
    days: i64,
    page: &PageRequest,
) -> AppResult<Page<service::Model>> {
    policy::authorize(
        actor,
        policy::may_manage_directory(actor),
        "list unverified services",
    )?;
    if !(0..=3650).contains(&days) {
        return Err(AppError::bad_input("days", "must be between 0 and 3650"));
    }
    let cutoff = now() - Duration::days(days);
    let select = service::Entity::find().filter(
        Condition::any()
            .add(service::Column::LastVerifiedAt.is_null())
            .add(service::Column::LastVerifiedAt.lt(cutoff)),
    );
    paginate(
        db,
        select,
        service::Column::CreatedAt,
        service::Column::Id,
        page,
    )
    .await
}
