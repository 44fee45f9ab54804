//! Meetings: scheduling, the agenda's publication, and the meeting's fate
//! (held, cancelled, postponed to a new meeting). Also the shared checks of
//! every record kept at a meeting: whether the meeting is in session and
//! whether its record is sealed by published minutes.

use super::access::{self, BodyAccess, MeetingAccess};
use super::domain::{meeting_span, meeting_time};
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::{Change, IdempotencyKey};
use crate::db::now;
use crate::domain::{optional_text, required_text, web_address};
use crate::error::{AppError, AppResult};

use crate::ids::new_id;
use crate::pagination::{Cursor, Keyed, Page, PageRequest, paginate};
use crate::policy::{self, RecordsAccess};
use chrono::{DateTime, Duration, Utc};
use entity::meeting::{self, MeetingKind, MeetingStatus};
use entity::minutes::{self, MinutesStatus};
use entity::{agenda_document, agenda_item};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

/// Meetings are listed by when they start.
impl Keyed for meeting::Model {
    fn cursor(&self) -> Cursor {
        Cursor {
            created_at: self.starts_at,
            id: self.id,
        }
    }
}

/// How long before its start a meeting counts as in session: clerks open
/// the record (attendance) a little early.
const OPENS_BEFORE_START: Duration = Duration::hours(1);

/// A meeting as one actor sees it.
#[derive(Clone, Debug)]
pub struct MeetingView {
    /// The meeting.
    pub meeting: meeting::Model,
    /// The actor's reach into its body's records.
    pub access: RecordsAccess,
}

impl From<MeetingAccess> for MeetingView {
    fn from(found: MeetingAccess) -> Self {
        MeetingView {
            meeting: found.meeting,
            access: found.body.access,
        }
    }
}

impl Keyed for MeetingView {
    fn cursor(&self) -> Cursor {
        self.meeting.cursor()
    }
}

/// `CONFLICT` when the meeting was cancelled or postponed: nothing is
/// recorded, decided or put on the agenda at a meeting that did not take place.
fn ensure_not_called_off(m: &meeting::Model) -> AppResult<()> {
    match m.status {
        MeetingStatus::Cancelled | MeetingStatus::Postponed => Err(AppError::Conflict(format!(
            "the meeting was {}: nothing can be recorded at it",
            status_word(m.status)
        ))),
        MeetingStatus::Scheduled | MeetingStatus::Held => Ok(()),
    }
}

/// `CONFLICT` unless the meeting's record can still change: it was not
/// cancelled or postponed, and its minutes are not published (then its
/// agenda, attendance, motions and votes are the public record for good).
#[tracing::instrument(skip_all)]
pub async fn ensure_record_open(db: &impl ConnectionTrait, m: &meeting::Model) -> AppResult<()> {
    ensure_not_called_off(m)?;
    let published = minutes::Entity::find()
        .filter(minutes::Column::MeetingId.eq(m.id))
        .filter(minutes::Column::Number.eq(0))
        .filter(minutes::Column::Status.eq(MinutesStatus::Published))
        .one(db)
        .await?;
    if published.is_some() {
        return Err(AppError::Conflict(
            "the minutes of this meeting are published: its record can no longer change".into(),
        ));
    }
    Ok(())
}

/// `CONFLICT` unless the meeting can take a record of what happens at it
/// (attendance, motions, votes): its record is open and it has begun.
#[tracing::instrument(skip_all)]
pub async fn ensure_in_session(db: &impl ConnectionTrait, m: &meeting::Model) -> AppResult<()> {
    ensure_record_open(db, m).await?;
    if m.starts_at - OPENS_BEFORE_START > now() {
        return Err(AppError::Conflict(
            "the meeting has not begun: record it once it is under way".into(),
        ));
    }
    Ok(())
}

/// Validated fields of a meeting, times already in UTC.
#[derive(Clone, Debug)]
pub struct MeetingFields {
    /// What kind of meeting.
    pub kind: MeetingKind,
    /// Its title.
    pub title: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Where, in person.
    pub location: Option<String>,
    /// Where, online.
    pub remote_url: Option<String>,
}

/// A meeting's fields as the client gave them.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MeetingDraft {
    /// What kind of meeting.
    pub kind: MeetingKind,
    /// Its title; defaults to the kind ("Regular meeting").
    pub title: Option<String>,
    /// Start, with an offset or local to the body.
    pub starts_at: String,
    /// End, with an offset or local to the body.
    pub ends_at: String,
    /// Where, in person.
    pub location: Option<String>,
    /// Where, online.
    pub remote_url: Option<String>,
}

fn default_title(kind: MeetingKind) -> &'static str {
    match kind {
        MeetingKind::Regular => "Regular meeting",
        MeetingKind::Special => "Special meeting",
        MeetingKind::CommunityDialogue => "Community dialogue",
        MeetingKind::Workshop => "Workshop",
    }
}

impl MeetingDraft {
    /// Checks the input against the body's time zone; errors name `prefix.field`.
    pub fn parse(self, time_zone: &str, prefix: &str) -> AppResult<MeetingFields> {
        let field = |name: &str| format!("{prefix}.{name}");
        let title = match self.title {
            Some(title) => required_text(&title, &field("title"), 200)?,
            None => default_title(self.kind).to_owned(),
        };
        let starts_at = meeting_time(&self.starts_at, time_zone, &field("startsAt"))?;
        let ends_at = meeting_time(&self.ends_at, time_zone, &field("endsAt"))?;
        meeting_span(starts_at, ends_at, &field("endsAt"))?;
        let location = optional_text(self.location.as_deref(), &field("location"), 500)?;
        let remote_url = web_address(self.remote_url.as_deref(), &field("remoteUrl"))?;
        if location.is_none() && remote_url.is_none() {
            return Err(AppError::bad_input(
                field("location"),
                "give a location, a remote link, or both",
            ));
        }
        Ok(MeetingFields {
            kind: self.kind,
            title,
            starts_at,
            ends_at,
            location,
            remote_url,
        })
    }
}

/// The audit entry of a change to records of `body`: it goes to the body's
/// owning organization, whose admins read it.
pub fn event<'a>(
    body: &BodyAccess,
    action: &'a str,
    record_type: &'a str,
    id: Uuid,
    details: serde_json::Value,
) -> AuditEvent<'a> {
    AuditEvent {
        organization_id: body.body.owning_organization_id,
        action,
        record_type,
        record_id: Some(id),
        details: Some(details),
    }
}

async fn insert_meeting(
    txn: &impl ConnectionTrait,
    body_id: Uuid,
    time_zone: &str,
    fields: MeetingFields,
) -> AppResult<meeting::Model> {
    let at = now();
    Ok(meeting::ActiveModel {
        id: Set(new_id()),
        body_id: Set(body_id),
        kind: Set(fields.kind),
        title: Set(fields.title),
        starts_at: Set(fields.starts_at),
        ends_at: Set(fields.ends_at),
        time_zone: Set(time_zone.to_owned()),
        location: Set(fields.location),
        remote_url: Set(fields.remote_url),
        status: Set(MeetingStatus::Scheduled),
        status_note: Set(None),
        rescheduled_to_id: Set(None),
        agenda_published_at: Set(None),
        sequence: Set(0),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(txn)
    .await?)
}

/// Schedules a meeting of a body (those who keep its records).
#[tracing::instrument(skip_all, fields(body_id = %body_id))]
pub async fn schedule_meeting(
    db: &DatabaseConnection,
    actor: &Actor,
    body_id: Uuid,
    input: MeetingDraft,
    key: Option<&str>,
) -> AppResult<meeting::Model> {
    let body = access::body(db, actor, body_id).await?;
    policy::authorize_records_change(actor, body.access)?;
    let key = IdempotencyKey::parse(
        key,
        "input.idempotencyKey",
        "meeting.schedule",
        &(body_id, &input),
    )?;
    let change = Change::begin_keyed(db, actor, key).await?;
    if let Some(done) = change.replayed::<meeting::Entity>().await? {
        return Ok(done);
    }
    let fields = input.parse(&body.body.time_zone, "input")?;
    let created = insert_meeting(change.txn(), body_id, &body.body.time_zone, fields).await?;
    change
        .commit(
            event(
                &body,
                "meeting.scheduled",
                "Meeting",
                created.id,
                json!({ "startsAt": created.starts_at, "kind": created.kind }),
            ),
            created,
        )
        .await
}

fn ensure_scheduled(m: &meeting::Model, what: &str) -> AppResult<()> {
    if m.status == MeetingStatus::Scheduled {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "only a scheduled meeting can be {what}; this one is {}",
            status_word(m.status)
        )))
    }
}

fn status_word(status: MeetingStatus) -> &'static str {
    match status {
        MeetingStatus::Scheduled => "scheduled",
        MeetingStatus::Held => "held",
        MeetingStatus::Cancelled => "cancelled",
        MeetingStatus::Postponed => "postponed",
    }
}

/// Changes a scheduled meeting's kind, title, times or place. Calendar
/// subscribers see the change (the sequence goes up).
#[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
pub async fn update_meeting(
    db: &DatabaseConnection,
    actor: &Actor,
    meeting_id: Uuid,
    input: MeetingDraft,
) -> AppResult<meeting::Model> {
    let change = Change::begin(db, actor).await?;
    let found = access::meeting_to_change(change.txn(), actor, meeting_id).await?;
    ensure_scheduled(&found.meeting, "changed")?;
    let fields = input.parse(&found.meeting.time_zone, "input")?;
    let before = json!({ "startsAt": found.meeting.starts_at, "endsAt": found.meeting.ends_at });
    let sequence = found.meeting.sequence + 1;
    let mut row = found.meeting.into_active_model();
    row.kind = Set(fields.kind);
    row.title = Set(fields.title);
    row.starts_at = Set(fields.starts_at);
    row.ends_at = Set(fields.ends_at);
    row.location = Set(fields.location);
    row.remote_url = Set(fields.remote_url);
    row.sequence = Set(sequence);
    row.updated_at = Set(now());
    let updated = row.update(change.txn()).await?;
    change.commit(event(
            &found.body,
            "meeting.updated",
            "Meeting",
            updated.id,
            json!({ "before": before, "after": { "startsAt": updated.starts_at, "endsAt": updated.ends_at } }),
        ), updated).await
}

/// Publishes a scheduled meeting's agenda: the public then reads its items,
/// and the body may act on them.
#[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
pub async fn publish_agenda(
    db: &DatabaseConnection,
    actor: &Actor,
    meeting_id: Uuid,
) -> AppResult<meeting::Model> {
    let change = Change::begin(db, actor).await?;
    let found = access::meeting_to_change(change.txn(), actor, meeting_id).await?;
    ensure_scheduled(&found.meeting, "given a published agenda")?;
    if found.meeting.agenda_published_at.is_some() {
        return Err(AppError::Conflict("the agenda is already published".into()));
    }
    let items = agenda_item::Entity::find()
        .filter(agenda_item::Column::MeetingId.eq(meeting_id))
        .all(change.txn())
        .await?;
    if items.is_empty() {
        return Err(AppError::Conflict(
            "the agenda has no items: add them before publishing".into(),
        ));
    }
    let sequence = found.meeting.sequence + 1;
    let mut row = found.meeting.into_active_model();
    row.agenda_published_at = Set(Some(now()));
    row.sequence = Set(sequence);
    let updated = row.update(change.txn()).await?;
    change
        .commit(
            event(
                &found.body,
                "meeting.agenda_published",
                "Meeting",
                updated.id,
                json!({ "items": items.len() }),
            ),
            updated,
        )
        .await
}

/// Cancels a scheduled meeting, with the reason given to the public.
#[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
pub async fn cancel_meeting(
    db: &DatabaseConnection,
    actor: &Actor,
    meeting_id: Uuid,
    reason: &str,
) -> AppResult<meeting::Model> {
    let reason = required_text(reason, "input.reason", 1000)?;
    let change = Change::begin(db, actor).await?;
    let found = access::meeting_to_change(change.txn(), actor, meeting_id).await?;
    ensure_scheduled(&found.meeting, "cancelled")?;
    let sequence = found.meeting.sequence + 1;
    let mut row = found.meeting.into_active_model();
    row.status = Set(MeetingStatus::Cancelled);
    row.status_note = Set(Some(reason));
    row.sequence = Set(sequence);
    let updated = row.update(change.txn()).await?;
    change
        .commit(
            event(
                &found.body,
                "meeting.cancelled",
                "Meeting",
                updated.id,
                json!({ "reason": updated.status_note }),
            ),
            updated,
        )
        .await
}

/// Postpones a scheduled meeting to a new time: the new meeting is
/// scheduled with a copy of the agenda (to publish again), and the old one
/// points at it. Returns the old meeting.
#[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
pub async fn postpone_meeting(
    db: &DatabaseConnection,
    actor: &Actor,
    meeting_id: Uuid,
    starts_at: &str,
    ends_at: &str,
    reason: &str,
) -> AppResult<meeting::Model> {
    let reason = required_text(reason, "input.reason", 1000)?;
    let change = Change::begin(db, actor).await?;
    let found = access::meeting_to_change(change.txn(), actor, meeting_id).await?;
    ensure_scheduled(&found.meeting, "postponed")?;
    let old = &found.meeting;
    let fields = MeetingDraft {
        kind: old.kind,
        title: Some(old.title.clone()),
        starts_at: starts_at.to_owned(),
        ends_at: ends_at.to_owned(),
        location: old.location.clone(),
        remote_url: old.remote_url.clone(),
    }
    .parse(&old.time_zone, "input")?;
    if fields.starts_at <= old.starts_at {
        return Err(AppError::bad_input(
            "input.startsAt",
            "a postponed meeting moves to a later time",
        ));
    }
    let new = insert_meeting(change.txn(), old.body_id, &old.time_zone, fields).await?;
    copy_agenda(change.txn(), old.id, new.id).await?;
    let sequence = old.sequence + 1;
    let mut row = found.meeting.into_active_model();
    row.status = Set(MeetingStatus::Postponed);
    row.status_note = Set(Some(reason));
    row.rescheduled_to_id = Set(Some(new.id));
    row.sequence = Set(sequence);
    let updated = row.update(change.txn()).await?;
    change
        .commit(
            event(
                &found.body,
                "meeting.postponed",
                "Meeting",
                updated.id,
                json!({ "rescheduledTo": new.id, "startsAt": new.starts_at }),
            ),
            updated,
        )
        .await
}

async fn copy_agenda(txn: &impl ConnectionTrait, from: Uuid, to: Uuid) -> AppResult<()> {
    let items = agenda_item::Entity::find()
        .filter(agenda_item::Column::MeetingId.eq(from))
        .order_by_asc(agenda_item::Column::Position)
        .all(txn)
        .await?;
    let documents = agenda_document::Entity::find()
        .filter(agenda_document::Column::AgendaItemId.is_in(items.iter().map(|i| i.id)))
        .all(txn)
        .await?;
    let at = now();
    for item in items {
        let copy = agenda_item::ActiveModel {
            id: Set(new_id()),
            meeting_id: Set(to),
            created_at: Set(at),
            updated_at: Set(at),
            ..item.clone().into_active_model()
        }
        .insert(txn)
        .await?;
        for document in documents.iter().filter(|d| d.agenda_item_id == item.id) {
            agenda_document::ActiveModel {
                id: Set(new_id()),
                agenda_item_id: Set(copy.id),
                created_at: Set(at),
                ..document.clone().into_active_model()
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

/// Records that a scheduled meeting took place (once it has begun).
#[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
pub async fn mark_held(
    db: &DatabaseConnection,
    actor: &Actor,
    meeting_id: Uuid,
) -> AppResult<meeting::Model> {
    let change = Change::begin(db, actor).await?;
    let found = access::meeting_to_change(change.txn(), actor, meeting_id).await?;
    ensure_scheduled(&found.meeting, "marked held")?;
    if found.meeting.starts_at > now() {
        return Err(AppError::Conflict(
            "the meeting has not begun: it cannot have been held".into(),
        ));
    }
    let mut row = found.meeting.into_active_model();
    row.status = Set(MeetingStatus::Held);
    let updated = row.update(change.txn()).await?;
    change
        .commit(
            event(
                &found.body,
                "meeting.held",
                "Meeting",
                updated.id,
                json!({}),
            ),
            updated,
        )
        .await
}

/// A meeting the actor may see, with their reach into its records.
#[tracing::instrument(skip_all, fields(meeting_id = %meeting_id))]
pub async fn meeting(
    db: &impl ConnectionTrait,
    actor: &Actor,
    meeting_id: Uuid,
) -> AppResult<MeetingView> {
    Ok(access::meeting(db, actor, meeting_id).await?.into())
}

/// Which meetings to list.
#[derive(Clone, Debug, Default)]
pub struct MeetingFilter {
    /// Of this body only.
    pub body_id: Option<Uuid>,
    /// Starting at or after.
    pub from: Option<DateTime<Utc>>,
    /// Starting before.
    pub to: Option<DateTime<Utc>>,
    /// In one of these statuses (all when empty).
    pub statuses: Vec<MeetingStatus>,
}

/// A page of the meetings the actor may see, in order of start.
#[tracing::instrument(skip_all)]
pub async fn meetings(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: MeetingFilter,
    page: &PageRequest,
) -> AppResult<Page<MeetingView>> {
    let bodies = access::visible_bodies(db, actor, filter.body_id).await?;
    let mut select =
        meeting::Entity::find().filter(meeting::Column::BodyId.is_in(bodies.keys().copied()));
    if let Some(from) = filter.from {
        select = select.filter(meeting::Column::StartsAt.gte(from));
    }
    if let Some(to) = filter.to {
        select = select.filter(meeting::Column::StartsAt.lt(to));
    }
    if !filter.statuses.is_empty() {
        select = select.filter(meeting::Column::Status.is_in(filter.statuses));
    }
    let page = paginate(
        db,
        select,
        meeting::Column::StartsAt,
        meeting::Column::Id,
        page,
    )
    .await?;
    Ok(page.map(|m| {
        let access = bodies
            .get(&m.body_id)
            .map_or(RecordsAccess::None, |b| b.access);
        MeetingView { meeting: m, access }
    }))
}
