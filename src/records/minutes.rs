//! Minutes and their corrections. Each save is a new revision; minutes go
//! `DRAFT` → `APPROVED` (by a passed motion at a later meeting of the same
//! body) → `PUBLISHED`. Published minutes never change, and they seal their
//! meeting's record; a correction is new minutes of the same meeting that
//! go through the same steps, and both stay visible.

use super::access::{self, MeetingAccess};
use super::meetings::event;
use super::motions::{MotionResult, result_of};
use crate::auth::Actor;
use crate::change::{Change, IdempotencyKey};
use crate::db::now;
use crate::domain::required_text;
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::policy;
use entity::meeting::{self, MeetingStatus};
use entity::minutes::{self, MinutesStatus};
use entity::{minutes_revision, motion};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

/// Longest text of minutes.
const MAX_TEXT: usize = 200_000;

async fn add_revision(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    minutes_id: Uuid,
    number: i32,
    text: String,
) -> AppResult<minutes_revision::Model> {
    minutes_revision::ActiveModel {
        id: Set(new_id()),
        minutes_id: Set(minutes_id),
        number: Set(number),
        text: Set(text),
        author_user_id: Set(actor.user_id()),
        created_at: Set(now()),
    }
    .insert(txn)
    .await
    .map_err(|e| {
        AppError::conflict_on_unique(e, "someone saved these minutes meanwhile: reload them")
    })
}

async fn insert_minutes(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    meeting_id: Uuid,
    number: i32,
    corrects: Option<Uuid>,
    text: String,
) -> AppResult<minutes::Model> {
    let at = now();
    let created = minutes::ActiveModel {
        id: Set(new_id()),
        meeting_id: Set(meeting_id),
        number: Set(number),
        corrects_minutes_id: Set(corrects),
        status: Set(MinutesStatus::Draft),
        approved_by_motion_id: Set(None),
        approved_at: Set(None),
        published_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(txn)
    .await
    .map_err(|e| AppError::conflict_on_unique(e, "these minutes already exist"))?;
    add_revision(txn, actor, created.id, 1, text).await?;
    Ok(created)
}

/// Starts the minutes of a held meeting with their first revision.
#[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
pub async fn draft(
    db: &DatabaseConnection,
    actor: &Actor,
    meeting_id: Uuid,
    text: &str,
) -> AppResult<minutes::Model> {
    let text = required_text(text, "input.text", MAX_TEXT)?;
    let change = Change::begin(db, actor).await?;
    let found = access::meeting_to_change(change.txn(), actor, meeting_id).await?;
    if found.meeting.status != MeetingStatus::Held {
        return Err(AppError::Conflict(
            "minutes are kept of held meetings: mark the meeting held first".into(),
        ));
    }
    let existing = minutes::Entity::find()
        .filter(minutes::Column::MeetingId.eq(meeting_id))
        .filter(minutes::Column::Number.eq(0))
        .one(change.txn())
        .await?;
    if existing.is_some() {
        return Err(AppError::Conflict(
            "the meeting has minutes already: revise them, or correct them once published".into(),
        ));
    }
    let created = insert_minutes(change.txn(), actor, meeting_id, 0, None, text).await?;
    change
        .commit(
            event(
                &found.body,
                "minutes.drafted",
                "Minutes",
                created.id,
                json!({ "meeting": meeting_id }),
            ),
            created,
        )
        .await
}

/// Drafts a correction of published minutes (a correction may itself be
/// corrected once published). It is approved and published like minutes.
#[tracing::instrument(skip_all, fields(minutes_id = %minutes_id))]
pub async fn draft_correction(
    db: &DatabaseConnection,
    actor: &Actor,
    minutes_id: Uuid,
    text: &str,
    key: Option<&str>,
) -> AppResult<minutes::Model> {
    let text = required_text(text, "input.text", MAX_TEXT)?;
    let key = IdempotencyKey::parse(
        key,
        "input.idempotencyKey",
        "minutes.correct",
        &(minutes_id, &text),
    )?;
    let change = Change::begin_keyed(db, actor, key).await?;
    let (target, found) =
        access::record_to_change::<minutes::Entity>(change.txn(), actor, minutes_id).await?;
    if let Some(done) = change.replayed::<minutes::Entity>().await? {
        return Ok(done);
    }
    if target.status != MinutesStatus::Published {
        return Err(AppError::Conflict(
            "only published minutes are corrected; revise a draft instead".into(),
        ));
    }
    let last = minutes::Entity::find()
        .filter(minutes::Column::MeetingId.eq(target.meeting_id))
        .order_by_desc(minutes::Column::Number)
        .one(change.txn())
        .await?
        .map_or(0, |m| m.number);
    let created = insert_minutes(
        change.txn(),
        actor,
        target.meeting_id,
        last + 1,
        Some(target.id),
        text,
    )
    .await?;
    change
        .commit(
            event(
                &found.body,
                "minutes.correction_drafted",
                "Minutes",
                created.id,
                json!({ "corrects": target.id }),
            ),
            created,
        )
        .await
}

/// Every revision of minutes, oldest first.
#[tracing::instrument(skip_all, fields(minutes_id = %minutes_id))]
pub async fn revisions_of(
    db: &impl ConnectionTrait,
    minutes_id: Uuid,
) -> AppResult<Vec<minutes_revision::Model>> {
    Ok(minutes_revision::Entity::find()
        .filter(minutes_revision::Column::MinutesId.eq(minutes_id))
        .order_by_asc(minutes_revision::Column::Number)
        .all(db)
        .await?)
}

/// Saves a new revision of draft minutes. With `base_revision`, refuses
/// (`CONFLICT`) when someone saved a later one meanwhile.
#[tracing::instrument(skip_all, fields(minutes_id = %minutes_id))]
pub async fn revise(
    db: &DatabaseConnection,
    actor: &Actor,
    minutes_id: Uuid,
    text: &str,
    base_revision: Option<i32>,
) -> AppResult<minutes::Model> {
    let text = required_text(text, "input.text", MAX_TEXT)?;
    let change = Change::begin(db, actor).await?;
    let (m, found) =
        access::record_to_change::<minutes::Entity>(change.txn(), actor, minutes_id).await?;
    if m.status != MinutesStatus::Draft {
        return Err(AppError::Conflict(
            "only draft minutes are revised; approved or published minutes are corrected".into(),
        ));
    }
    let latest = revisions_of(change.txn(), m.id)
        .await?
        .last()
        .map_or(0, |r| r.number);
    if base_revision.is_some_and(|base| base != latest) {
        return Err(AppError::Conflict(format!(
            "revision {latest} was saved meanwhile: reload the minutes and apply your changes to it"
        )));
    }
    add_revision(change.txn(), actor, m.id, latest + 1, text).await?;
    let mut row = m.into_active_model();
    row.updated_at = Set(now());
    let updated = row.update(change.txn()).await?;
    change
        .commit(
            event(
                &found.body,
                "minutes.revised",
                "Minutes",
                updated.id,
                json!({ "revision": latest + 1 }),
            ),
            updated,
        )
        .await
}

/// Approves draft minutes by a passed motion made at a later meeting of the
/// same body; the motion is kept as the reference.
#[tracing::instrument(skip_all, fields(minutes_id = %minutes_id, motion_id = %motion_id))]
pub async fn approve(
    db: &DatabaseConnection,
    actor: &Actor,
    minutes_id: Uuid,
    motion_id: Uuid,
) -> AppResult<minutes::Model> {
    let change = Change::begin(db, actor).await?;
    let (m, found) =
        access::record_to_change::<minutes::Entity>(change.txn(), actor, minutes_id).await?;
    if m.status != MinutesStatus::Draft {
        return Err(AppError::Conflict("only draft minutes are approved".into()));
    }
    let not_valid = |why: &str| AppError::bad_input("input.motionId", why);
    let approving = motion::Entity::find_by_id(motion_id)
        .one(change.txn())
        .await?
        .ok_or_else(|| not_valid("no such motion"))?;
    let approving_meeting = meeting::Entity::find_by_id(approving.meeting_id)
        .one(change.txn())
        .await?
        .ok_or_else(|| not_valid("no such motion"))?;
    if approving_meeting.body_id != found.meeting.body_id {
        return Err(not_valid("was made at a meeting of another body"));
    }
    if approving_meeting.starts_at <= found.meeting.starts_at {
        return Err(not_valid(
            "must be made at a later meeting than the one the minutes record",
        ));
    }
    if result_of(change.txn(), &approving).await? != MotionResult::Passed {
        return Err(not_valid("did not pass"));
    }
    let at = now();
    let mut row = m.into_active_model();
    row.status = Set(MinutesStatus::Approved);
    row.approved_by_motion_id = Set(Some(motion_id));
    row.approved_at = Set(Some(at));
    row.updated_at = Set(at);
    let updated = row.update(change.txn()).await?;
    change
        .commit(
            event(
                &found.body,
                "minutes.approved",
                "Minutes",
                updated.id,
                json!({ "motion": motion_id }),
            ),
            updated,
        )
        .await
}

/// Publishes approved minutes. From then on they, and the record of their
/// meeting, never change.
#[tracing::instrument(skip_all, fields(minutes_id = %minutes_id))]
pub async fn publish(
    db: &DatabaseConnection,
    actor: &Actor,
    minutes_id: Uuid,
) -> AppResult<minutes::Model> {
    let change = Change::begin(db, actor).await?;
    let (m, found) =
        access::record_to_change::<minutes::Entity>(change.txn(), actor, minutes_id).await?;
    if m.status != MinutesStatus::Approved {
        return Err(AppError::Conflict(
            "only approved minutes are published".into(),
        ));
    }
    let at = now();
    let mut row = m.into_active_model();
    row.status = Set(MinutesStatus::Published);
    row.published_at = Set(Some(at));
    row.updated_at = Set(at);
    let updated = row.update(change.txn()).await?;
    change
        .commit(
            event(
                &found.body,
                "minutes.published",
                "Minutes",
                updated.id,
                json!({}),
            ),
            updated,
        )
        .await
}

/// Minutes the actor may see: published ones with the body's records, the
/// others for members of the body.
#[tracing::instrument(skip_all, fields(minutes_id = %minutes_id))]
pub async fn minutes(
    db: &impl ConnectionTrait,
    actor: &Actor,
    minutes_id: Uuid,
) -> AppResult<(minutes::Model, MeetingAccess)> {
    let (m, found) = access::record::<minutes::Entity>(db, actor, minutes_id).await?;
    policy::reveal(
        "may_read_minutes",
        policy::may_read_minutes(found.body.access, m.status),
    )?;
    Ok((m, found))
}
