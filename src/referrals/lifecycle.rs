//! The lifecycle of a referral: sending it under a consent, the steps each
//! party takes ([`transition`]), assignment to the receiver's staff, and the
//! sweep that writes down expiry. Every step is written into the referral's
//! history beside its audit entry, in one change.

use super::clients::refuse_erased;
use super::consents::grant;
use super::domain::{Action, effective_status, next_status, status_name};
use super::history::{Step, record_step};
use super::listing::referral;
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::{Change, IdempotencyKey};
use crate::db::{self, now};
use crate::domain::{LanguageTag, personal_text, required_personal_text};
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::policy::{self, ReferralSide};
use chrono::{Duration, NaiveDate};
use entity::enums::{OrgRole, ReferralStatus, ServiceStatus, Urgency};
use entity::{client, consent, consent_recipient, membership, referral, referral_event, service};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// A referral as sent, before validation.
#[derive(Clone, Debug, Serialize)]
pub struct NewReferral {
    /// The client.
    pub client_id: Uuid,
    /// The consent it is sent under.
    pub consent_id: Uuid,
    /// The receiving service.
    pub service_id: Uuid,
    /// Why the client is referred.
    pub reason: String,
    /// How soon.
    pub urgency: Urgency,
    /// Whether an interpreter is needed.
    pub interpreter_needed: bool,
    /// In which language.
    pub interpreter_language: Option<String>,
    /// When it should be done by.
    pub due_date: Option<NaiveDate>,
}

/// Sends a referral (the client's organization's staff, STAFF keys). The
/// service must take referrals now and the consent must cover its organization.
#[tracing::instrument(skip_all, fields(client = %new.client_id, service = %new.service_id))]
pub async fn send_referral(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewReferral,
    key: Option<&str>,
) -> AppResult<referral::Model> {
    let owner = db::find::<client::Entity>(db, new.client_id).await?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, owner.organization_id),
    )?;
    refuse_erased(&owner)?;
    let key = IdempotencyKey::parse(key, "input.idempotencyKey", "referral.send", &new)?;
    let change = Change::begin_keyed(db, actor, key).await?;
    if let Some(id) = change.replayed_id().await? {
        return referral(change.txn(), actor, id).await;
    }
    let given = consent::Entity::find_by_id(new.consent_id)
        .one(db)
        .await?
        .filter(|c| c.client_id == owner.id)
        .ok_or_else(|| AppError::bad_input("input.consentId", "is not a consent of this client"))?;
    if !grant(&given, now()).in_force {
        return Err(AppError::bad_input(
            "input.consentId",
            "this consent was revoked or has expired",
        ));
    }
    let target = service::Entity::find_by_id(new.service_id)
        .one(db)
        .await?
        .filter(|s| policy::may_see_service(actor, s.status))
        .ok_or_else(|| AppError::bad_input("input.serviceId", "no such service"))?;
    if target.status != ServiceStatus::Active || !target.accepting_referrals {
        return Err(AppError::bad_input(
            "input.serviceId",
            "this service does not accept referrals now",
        ));
    }
    let covered = consent_recipient::Entity::find()
        .filter(consent_recipient::Column::ConsentId.eq(given.id))
        .filter(consent_recipient::Column::OrganizationId.eq(target.organization_id))
        .filter(
            Condition::any()
                .add(consent_recipient::Column::ServiceId.is_null())
                .add(consent_recipient::Column::ServiceId.eq(target.id)),
        )
        .one(db)
        .await?
        .is_some();
    if !covered {
        return Err(AppError::bad_input(
            "input.consentId",
            "the client's consent does not cover the organization of this service",
        ));
    }
    let reason = required_personal_text(&new.reason, "input.reason", 2000)?;
    let interpreter_language = match (new.interpreter_needed, new.interpreter_language.as_deref()) {
        (true, Some(raw)) => Some(
            LanguageTag::parse(raw, "input.interpreterLanguage")?
                .as_str()
                .to_owned(),
        ),
        (true, None) => {
            return Err(AppError::bad_input(
                "input.interpreterLanguage",
                "say which language the interpreter speaks",
            ));
        }
        (false, _) => None,
    };
    if new.due_date.is_some_and(|d| d < now().date_naive()) {
        return Err(AppError::bad_input(
            "input.dueDate",
            "cannot be in the past",
        ));
    }
    let at = now();
    let created = referral::ActiveModel {
        id: Set(new_id()),
        client_id: Set(owner.id),
        consent_id: Set(given.id),
        referring_organization_id: Set(owner.organization_id),
        referring_user_id: Set(actor.user_id()),
        receiving_organization_id: Set(target.organization_id),
        service_id: Set(target.id),
        reason: Set(reason),
        urgency: Set(new.urgency),
        interpreter_needed: Set(new.interpreter_needed),
        interpreter_language: Set(interpreter_language),
        due_date: Set(new.due_date),
        status: Set(ReferralStatus::Sent),
        status_reason: Set(None),
        assignee_user_id: Set(None),
        version: Set(1),
        respond_by: Set(at + Duration::days(i64::from(target.response_window_days))),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(change.txn())
    .await?;
    // Read again under lock, after the write: an erasure committed (or in
    // flight) since the check above must win, not leave a referral behind.
    refuse_erased(&db::find_locked::<client::Entity>(change.txn(), owner.id).await?)?;
    let step = Step {
        referral_id: created.id,
        organization_id: Some(owner.organization_id),
        from: None,
        to: ReferralStatus::Sent,
        reason: None,
        note: None,
    };
    record_step(change.txn(), actor, step).await?;
    let event = AuditEvent {
        organization_id: Some(owner.organization_id),
        action: "referral.sent",
        record_type: "Referral",
        record_id: Some(created.id),
        details: Some(json!({ "service": target.id })),
    };
    change.commit(event, created).await
}

/// Moves a referral one step. `version` is the one the client last saw; a
/// different current version is a `CONFLICT`, and of two concurrent steps
/// from the same version only one succeeds.
#[tracing::instrument(skip_all, fields(referral = %id))]
pub async fn transition(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    version: i32,
    action: Action,
    note: Option<String>,
    key: Option<&str>,
) -> AppResult<referral::Model> {
    let current = referral(db, actor, id).await?;
    let key = IdempotencyKey::parse(
        key,
        "input.idempotencyKey",
        "referral.transition",
        &(id, version, action, &note),
    )?;
    let change = Change::begin_keyed(db, actor, key).await?;
    if let Some(done) = change.replayed_id().await? {
        return referral(change.txn(), actor, done).await;
    }
    let side = policy::referral_side(
        actor,
        current.referring_organization_id,
        current.receiving_organization_id,
    );
    policy::authorize_referral_step(actor, side, action.side(), action.name())?;
    let note = personal_text(note.as_deref(), "input.note", 2000)?;
    let at = now();
    let status = effective_status(&current, at);
    if current.version != version {
        return Err(AppError::Conflict(format!(
            "the referral changed since version {version}: it is now version {} and {}",
            current.version,
            status_name(status)
        )));
    }
    let before_hold = if status == ReferralStatus::OnHold {
        referral_event::Entity::find()
            .filter(referral_event::Column::ReferralId.eq(id))
            .filter(referral_event::Column::ToStatus.eq(ReferralStatus::OnHold))
            .order_by_desc(referral_event::Column::CreatedAt)
            .one(db)
            .await?
            .and_then(|e| e.from_status)
    } else {
        None
    };
    let next = next_status(status, action, before_hold)?;
    let org = match action.side() {
        ReferralSide::Sender => current.referring_organization_id,
        ReferralSide::Receiver => current.receiving_organization_id,
    };
    let changed = referral::Entity::update_many()
        .col_expr(referral::Column::Status, Expr::value(next))
        .col_expr(referral::Column::StatusReason, Expr::value(action.reason()))
        .col_expr(referral::Column::Version, Expr::value(version + 1))
        .col_expr(referral::Column::UpdatedAt, Expr::value(at))
        .filter(referral::Column::Id.eq(id))
        .filter(referral::Column::Version.eq(version))
        .exec(change.txn())
        .await?;
    if changed.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the referral changed at the same moment: read it again".into(),
        ));
    }
    let step = Step {
        referral_id: id,
        organization_id: Some(org),
        from: Some(status),
        to: next,
        reason: action.reason(),
        note,
    };
    record_step(change.txn(), actor, step).await?;
    let updated = referral(change.txn(), actor, id).await?;
    let event = AuditEvent {
        organization_id: Some(org),
        action: "referral.status_changed",
        record_type: "Referral",
        record_id: Some(id),
        details: Some(
            json!({ "from": status_name(status), "to": status_name(next), "reason": action.reason() }),
        ),
    };
    change.commit(event, updated).await
}

/// Assigns a referral to one of the receiving organization's staff (the
/// receiving organization's staff and admins).
#[tracing::instrument(skip_all, fields(referral = %id, assignee = %assignee))]
pub async fn assign(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    version: i32,
    assignee: Uuid,
    key: Option<&str>,
) -> AppResult<referral::Model> {
    let current = referral(db, actor, id).await?;
    let key = IdempotencyKey::parse(
        key,
        "input.idempotencyKey",
        "referral.assign",
        &(id, version, assignee),
    )?;
    let change = Change::begin_keyed(db, actor, key).await?;
    if let Some(done) = change.replayed_id().await? {
        return referral(change.txn(), actor, done).await;
    }
    let side = policy::referral_side(
        actor,
        current.referring_organization_id,
        current.receiving_organization_id,
    );
    policy::authorize_referral_assignment(actor, side)?;
    if current.version != version {
        return Err(AppError::Conflict(format!(
            "the referral changed since version {version}: it is now version {}",
            current.version
        )));
    }
    let staff = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(current.receiving_organization_id))
        .filter(membership::Column::UserId.eq(assignee))
        .one(db)
        .await?
        .is_some_and(|m| m.role != OrgRole::Viewer);
    if !staff {
        return Err(AppError::bad_input(
            "input.assigneeId",
            "must be staff or an admin of the receiving organization",
        ));
    }
    let changed = referral::Entity::update_many()
        .col_expr(referral::Column::AssigneeUserId, Expr::value(assignee))
        .col_expr(referral::Column::Version, Expr::value(version + 1))
        .col_expr(referral::Column::UpdatedAt, Expr::value(now()))
        .filter(referral::Column::Id.eq(id))
        .filter(referral::Column::Version.eq(version))
        .exec(change.txn())
        .await?;
    if changed.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the referral changed at the same moment: read it again".into(),
        ));
    }
    let status = effective_status(&current, now());
    let step = Step {
        referral_id: id,
        organization_id: Some(current.receiving_organization_id),
        from: Some(status),
        to: status,
        reason: None,
        note: Some("assigned".into()),
    };
    record_step(change.txn(), actor, step).await?;
    let updated = referral(change.txn(), actor, id).await?;
    let event = AuditEvent {
        organization_id: Some(current.receiving_organization_id),
        action: "referral.assigned",
        record_type: "Referral",
        record_id: Some(id),
        details: Some(json!({ "assignee": assignee })),
    };
    change.commit(event, updated).await
}

/// Writes `EXPIRED` on every `SENT` referral past its response window (run
/// periodically by the service; reads already show them expired).
#[tracing::instrument(skip_all)]
pub async fn expire_overdue(db: &DatabaseConnection) -> AppResult<Vec<referral::Model>> {
    let at = now();
    let overdue = referral::Entity::find()
        .filter(referral::Column::Status.eq(ReferralStatus::Sent))
        .filter(referral::Column::RespondBy.lt(at))
        .all(db)
        .await?;
    let Some(last) = overdue.last() else {
        return Ok(overdue);
    };
    let last = expired_event(last);
    let system = Actor::system();
    let change = Change::begin(db, &system).await?;
    for (i, row) in overdue.iter().enumerate() {
        let mut expired: referral::ActiveModel = row.clone().into();
        expired.status = Set(ReferralStatus::Expired);
        expired.version = Set(row.version + 1);
        expired.updated_at = Set(at);
        expired.update(change.txn()).await?;
        let step = Step {
            referral_id: row.id,
            organization_id: None,
            from: Some(row.status),
            to: ReferralStatus::Expired,
            reason: None,
            note: None,
        };
        record_step(change.txn(), &system, step).await?;
        // The last referral's entry is the one the change commits with.
        if i + 1 < overdue.len() {
            change.record(expired_event(row)).await?;
        }
    }
    change.commit(last, overdue).await
}

fn expired_event(row: &referral::Model) -> AuditEvent<'static> {
    AuditEvent {
        organization_id: Some(row.referring_organization_id),
        action: "referral.expired",
        record_type: "Referral",
        record_id: Some(row.id),
        details: None,
    }
}
