//! The rules of clients, consents and referrals. Every function takes the
//! request's [`Actor`], asks [`crate::policy`] first, and writes the change,
//! its history event and its audit entry in one transaction.

use crate::audit::reads::ReadLog;
use crate::audit::service::{self as audit, AuditEvent};
use crate::auth::{Actor, Principal};
use crate::db::now;
use crate::domain::{LanguageTag, language_tags, name_text, optional_text, required_text};
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Keyed};
use crate::ids::new_id;
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy::{self, ClientParts, ConsentGrant, ReferralSide};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::enums::{
    ConsentMethod, ContactChannel, NoteVisibility, ReferralStatus, ServiceStatus, Urgency,
};
use entity::{
    client, client_link, consent, consent_recipient, membership, referral, referral_event,
    referral_note, service,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

crate::pagination::keyed_by_creation!(referral::Model, client::Model);

/// Statuses in which a referral is still open.
pub const OPEN: [ReferralStatus; 4] = [
    ReferralStatus::Sent,
    ReferralStatus::Accepted,
    ReferralStatus::InProgress,
    ReferralStatus::OnHold,
];

/// Why a receiving organization declines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclineReason {
    NotEligible,
    NoCapacity,
    ServiceNotOffered,
    ClientUnreachable,
    Duplicate,
    Other,
}

/// How a referral ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    ServiceProvided,
    PartiallyProvided,
    ClientUnreachable,
    ClientDeclined,
    NotEligible,
    Other,
}

/// Why the referring organization cancels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelReason {
    ClientWithdrew,
    NoLongerNeeded,
    SentInError,
    Other,
}

/// The stored code of consent revocation as a cancellation reason.
pub const CONSENT_REVOKED: &str = "CONSENT_REVOKED";

fn code<T: std::fmt::Debug>(value: T) -> String {
    // Stored codes are the variant names in SCREAMING_SNAKE_CASE.
    let name = format!("{value:?}");
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// A step of the lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `SENT` → `ACCEPTED` (receiver).
    Accept,
    /// `SENT` → `DECLINED` (receiver).
    Decline(DeclineReason),
    /// `ACCEPTED` → `IN_PROGRESS` (receiver).
    Start,
    /// `ACCEPTED`/`IN_PROGRESS` → `ON_HOLD` (receiver).
    Hold,
    /// `ON_HOLD` → the status before the hold (receiver).
    Resume,
    /// `IN_PROGRESS` → `COMPLETED` (receiver).
    Complete(Outcome),
    /// Any open status → `CANCELLED` (sender).
    Cancel(CancelReason),
}

impl Action {
    fn name(&self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Decline(_) => "decline",
            Action::Start => "start",
            Action::Hold => "hold",
            Action::Resume => "resume",
            Action::Complete(_) => "complete",
            Action::Cancel(_) => "cancel",
        }
    }

    fn side(&self) -> ReferralSide {
        match self {
            Action::Cancel(_) => ReferralSide::Sender,
            _ => ReferralSide::Receiver,
        }
    }

    fn reason(&self) -> Option<String> {
        match self {
            Action::Decline(r) => Some(code(r)),
            Action::Complete(o) => Some(code(o)),
            Action::Cancel(c) => Some(code(c)),
            _ => None,
        }
    }
}

/// The status a referral is in now: a `SENT` referral past its response
/// window is `EXPIRED` even before the sweep writes it down.
pub fn effective_status(row: &referral::Model, at: DateTime<Utc>) -> ReferralStatus {
    if row.status == ReferralStatus::Sent && at > row.respond_by {
        ReferralStatus::Expired
    } else {
        row.status
    }
}

fn status_name(status: ReferralStatus) -> String {
    code(status)
}

/// The status `action` leads to from `current`, or the `CONFLICT` naming the current status.
pub fn next_status(
    current: ReferralStatus,
    action: Action,
    before_hold: Option<ReferralStatus>,
) -> AppResult<ReferralStatus> {
    use ReferralStatus::*;
    let next = match (action, current) {
        (Action::Accept, Sent) => Some(Accepted),
        (Action::Decline(_), Sent) => Some(Declined),
        (Action::Start, Accepted) => Some(InProgress),
        (Action::Hold, Accepted | InProgress) => Some(OnHold),
        (Action::Resume, OnHold) => Some(before_hold.unwrap_or(Accepted)),
        (Action::Complete(_), InProgress) => Some(Completed),
        (Action::Cancel(_), Sent | Accepted | InProgress | OnHold) => Some(Cancelled),
        _ => None,
    };
    next.ok_or_else(|| {
        AppError::Conflict(format!(
            "cannot {} a referral that is {}",
            action.name(),
            status_name(current)
        ))
    })
}

// ---------------------------------------------------------------- clients

/// A client as sent, before validation.
#[derive(Clone, Debug, Default)]
pub struct ClientDraft {
    /// A name chosen with the person (a first name or initials are enough).
    pub display_name: String,
    /// Preferred languages (BCP 47).
    pub preferred_languages: Vec<String>,
    /// How to reach them.
    pub contact_channel: Option<ContactChannel>,
    /// The number or address for the channel.
    pub contact_value: Option<String>,
    /// Year of birth.
    pub birth_year: Option<i32>,
    /// What they need, briefly.
    pub needs_summary: Option<String>,
}

/// Records a client of `organization_id` (its staff and admins, STAFF keys).
pub async fn create_client(
    db: &DatabaseConnection,
    actor: &Actor,
    organization_id: Uuid,
    draft: ClientDraft,
    key: Option<&str>,
) -> AppResult<client::Model> {
    policy::authorize(
        actor,
        policy::may_work_clients(actor, organization_id),
        "record clients of this organization",
    )?;
    let keyed = key.map(|k| Keyed {
        key: k,
        field: "input.idempotencyKey",
        operation: "client.create",
        input: format!("{organization_id}:{draft:?}"),
    });
    if let Some(done) = idempotency::replayed_record::<client::Entity>(db, actor, &keyed).await? {
        return Ok(done);
    }
    let display_name = name_text(&draft.display_name, "input.displayName", 100)?;
    let languages: Vec<String> =
        language_tags(&draft.preferred_languages, "input.preferredLanguages")?
            .into_iter()
            .map(|t| t.as_str().to_owned())
            .collect();
    let contact_value = optional_text(draft.contact_value.as_deref(), "input.contactValue", 200)?;
    match (draft.contact_channel, &contact_value) {
        (Some(ContactChannel::Phone | ContactChannel::Email | ContactChannel::Text), None) => {
            return Err(AppError::bad_input(
                "input.contactValue",
                "is required for this contact channel",
            ));
        }
        (None, Some(_)) => {
            return Err(AppError::bad_input(
                "input.contactChannel",
                "is required with a contact value",
            ));
        }
        _ => {}
    }
    let this_year = chrono::Datelike::year(&now());
    if draft
        .birth_year
        .is_some_and(|y| !(this_year - 120..=this_year).contains(&y))
    {
        return Err(AppError::bad_input(
            "input.birthYear",
            "must be a year within the last 120 years",
        ));
    }
    let needs = optional_text(draft.needs_summary.as_deref(), "input.needsSummary", 1000)?;
    let txn = db.begin().await?;
    let at = now();
    let created = client::ActiveModel {
        id: Set(new_id()),
        organization_id: Set(organization_id),
        display_name: Set(display_name),
        preferred_languages: Set(json!(languages).to_string()),
        contact_channel: Set(draft.contact_channel),
        contact_value: Set(contact_value),
        birth_year: Set(draft.birth_year),
        needs_summary: Set(needs),
        created_by: Set(actor.user_id()),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(organization_id),
            action: "client.created",
            record_type: "Client",
            record_id: Some(created.id),
            details: None,
        },
    )
    .await?;
    idempotency::remember_if(&txn, actor, &keyed, created.id).await?;
    txn.commit().await?;
    Ok(created)
}

/// A client's record, for its owning organization's staff; the read is logged.
pub async fn client(
    db: &impl ConnectionTrait,
    actor: &Actor,
    reads: &ReadLog,
    id: Uuid,
) -> AppResult<client::Model> {
    let found = client::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, found.organization_id),
    )?;
    reads.note(found.id, found.organization_id, None);
    Ok(found)
}

/// A page of an organization's clients (its staff and admins); each read is logged.
pub async fn clients(
    db: &impl ConnectionTrait,
    actor: &Actor,
    reads: &ReadLog,
    organization_id: Uuid,
    page: &PageRequest,
) -> AppResult<Page<client::Model>> {
    policy::authorize(
        actor,
        policy::may_work_clients(actor, organization_id),
        "see this organization's clients",
    )?;
    let found = paginate(
        db,
        client::Entity::find().filter(client::Column::OrganizationId.eq(organization_id)),
        client::Column::CreatedAt,
        client::Column::Id,
        page,
    )
    .await?;
    for c in &found.items {
        reads.note(c.id, c.organization_id, None);
    }
    Ok(found)
}

// ---------------------------------------------------------------- links between records of one person

fn pair(a: Uuid, b: Uuid) -> (Uuid, Uuid) {
    if a < b { (a, b) } else { (b, a) }
}

async fn owned_pair(
    db: &impl ConnectionTrait,
    actor: &Actor,
    a: Uuid,
    b: Uuid,
) -> AppResult<(client::Model, client::Model)> {
    let first = client::Entity::find_by_id(a)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, first.organization_id),
    )?;
    let second = client::Entity::find_by_id(b)
        .one(db)
        .await?
        .filter(|c| c.organization_id == first.organization_id)
        .ok_or_else(|| {
            AppError::bad_input(
                "input.otherClientId",
                "is not a client of the same organization",
            )
        })?;
    if first.id == second.id {
        return Err(AppError::bad_input(
            "input.otherClientId",
            "a record cannot be linked to itself",
        ));
    }
    Ok((first, second))
}

/// Links two records of the same person in one organization so that their
/// referrals read as one history. Neither record changes; unlinking undoes it.
pub async fn link_clients(
    db: &DatabaseConnection,
    actor: &Actor,
    a: Uuid,
    b: Uuid,
) -> AppResult<client::Model> {
    let (first, second) = owned_pair(db, actor, a, b).await?;
    let (low, high) = pair(first.id, second.id);
    let txn = db.begin().await?;
    client_link::ActiveModel {
        id: Set(new_id()),
        organization_id: Set(first.organization_id),
        client_a: Set(low),
        client_b: Set(high),
        created_by: Set(actor.user_id()),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::conflict_on_unique(e, "these records are already linked"))?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(first.organization_id),
            action: "client.linked",
            record_type: "Client",
            record_id: Some(first.id),
            details: Some(json!({ "other": second.id })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(first)
}

/// Undoes a link between two records.
pub async fn unlink_clients(
    db: &DatabaseConnection,
    actor: &Actor,
    a: Uuid,
    b: Uuid,
) -> AppResult<client::Model> {
    let (first, second) = owned_pair(db, actor, a, b).await?;
    let (low, high) = pair(first.id, second.id);
    let txn = db.begin().await?;
    let removed = client_link::Entity::delete_many()
        .filter(client_link::Column::ClientA.eq(low))
        .filter(client_link::Column::ClientB.eq(high))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(first.organization_id),
            action: "client.unlinked",
            record_type: "Client",
            record_id: Some(first.id),
            details: Some(json!({ "other": second.id })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(first)
}

/// The records linked to a client (the owning organization's staff); reads are logged.
pub async fn linked_clients(
    db: &impl ConnectionTrait,
    actor: &Actor,
    reads: &ReadLog,
    id: Uuid,
) -> AppResult<Vec<client::Model>> {
    let found = client(db, actor, reads, id).await?;
    let links = client_link::Entity::find()
        .filter(
            Condition::any()
                .add(client_link::Column::ClientA.eq(id))
                .add(client_link::Column::ClientB.eq(id)),
        )
        .all(db)
        .await?;
    let others: Vec<Uuid> = links
        .iter()
        .map(|l| {
            if l.client_a == id {
                l.client_b
            } else {
                l.client_a
            }
        })
        .collect();
    let linked = client::Entity::find()
        .filter(client::Column::Id.is_in(others))
        .filter(client::Column::OrganizationId.eq(found.organization_id))
        .order_by_asc(client::Column::CreatedAt)
        .all(db)
        .await?;
    for other in &linked {
        reads.note(other.id, other.organization_id, None);
    }
    Ok(linked)
}

/// Every referral of a client and of the records linked to it, oldest first:
/// the person's history (the owning organization's staff).
pub async fn client_history(
    db: &impl ConnectionTrait,
    actor: &Actor,
    reads: &ReadLog,
    id: Uuid,
) -> AppResult<Vec<referral::Model>> {
    let mut ids = vec![id];
    ids.extend(
        linked_clients(db, actor, reads, id)
            .await?
            .into_iter()
            .map(|c| c.id),
    );
    Ok(referral::Entity::find()
        .filter(referral::Column::ClientId.is_in(ids))
        .order_by_asc(referral::Column::CreatedAt)
        .order_by_asc(referral::Column::Id)
        .all(db)
        .await?)
}

// ---------------------------------------------------------------- consents

/// A consent as recorded.
#[derive(Clone, Debug)]
pub struct ConsentDraft {
    /// The client.
    pub client_id: Uuid,
    /// `(organization, optional service)` it covers.
    pub recipients: Vec<(Uuid, Option<Uuid>)>,
    /// Parts that may be shared.
    pub parts: ClientParts,
    /// How it was given.
    pub method: ConsentMethod,
    /// When it was given (now when `None`).
    pub given_at: Option<DateTime<Utc>>,
    /// When it lapses.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Records a client's consent (the owning organization's staff).
pub async fn record_consent(
    db: &DatabaseConnection,
    actor: &Actor,
    draft: ConsentDraft,
    key: Option<&str>,
) -> AppResult<consent::Model> {
    let owner = client::Entity::find_by_id(draft.client_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, owner.organization_id),
    )?;
    let keyed = key.map(|k| Keyed {
        key: k,
        field: "input.idempotencyKey",
        operation: "consent.record",
        input: format!("{draft:?}"),
    });
    if let Some(id) = idempotency::replayed(db, actor, &keyed).await? {
        return consent(db, actor, id).await;
    }
    if draft.recipients.is_empty() {
        return Err(AppError::bad_input(
            "input.recipients",
            "name at least one organization or service",
        ));
    }
    for (i, (org, service_id)) in draft.recipients.iter().enumerate() {
        crate::accounts::organization(db, *org).await.map_err(|_| {
            AppError::bad_input(format!("input.recipients.{i}"), "no such organization")
        })?;
        if let Some(service_id) = service_id {
            let found = service::Entity::find_by_id(*service_id).one(db).await?;
            if found.is_none_or(|s| s.organization_id != *org) {
                return Err(AppError::bad_input(
                    format!("input.recipients.{i}"),
                    "the service is not one of this organization's",
                ));
            }
        }
    }
    let parts = draft.parts;
    if !(parts.name || parts.contact || parts.languages || parts.needs) {
        return Err(AppError::bad_input(
            "input.shares",
            "a consent shares at least one part of the record",
        ));
    }
    let given_at = draft.given_at.unwrap_or_else(now);
    if given_at > now() + Duration::minutes(5) {
        return Err(AppError::bad_input(
            "input.givenAt",
            "cannot be in the future",
        ));
    }
    if draft.expires_at.is_some_and(|e| e <= given_at) {
        return Err(AppError::bad_input(
            "input.expiresAt",
            "must be after givenAt",
        ));
    }
    let txn = db.begin().await?;
    let created = consent::ActiveModel {
        id: Set(new_id()),
        client_id: Set(owner.id),
        organization_id: Set(owner.organization_id),
        share_name: Set(parts.name),
        share_contact: Set(parts.contact),
        share_languages: Set(parts.languages),
        share_needs: Set(parts.needs),
        method: Set(draft.method),
        given_at: Set(given_at),
        recorded_by: Set(actor.user_id()),
        expires_at: Set(draft.expires_at),
        revoked_at: Set(None),
        revoked_by: Set(None),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    for (org, service_id) in &draft.recipients {
        consent_recipient::ActiveModel {
            id: Set(new_id()),
            consent_id: Set(created.id),
            organization_id: Set(*org),
            service_id: Set(*service_id),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(owner.organization_id),
            action: "consent.recorded",
            record_type: "Consent",
            record_id: Some(created.id),
            details: Some(json!({ "client": owner.id, "recipients": draft.recipients.len() })),
        },
    )
    .await?;
    idempotency::remember_if(&txn, actor, &keyed, created.id).await?;
    txn.commit().await?;
    Ok(created)
}

/// What a consent lets receivers read, now.
pub fn grant(consent: &consent::Model, at: DateTime<Utc>) -> ConsentGrant {
    ConsentGrant {
        in_force: consent.revoked_at.is_none() && consent.expires_at.is_none_or(|e| e > at),
        parts: ClientParts {
            name: consent.share_name,
            contact: consent.share_contact,
            languages: consent.share_languages,
            needs: consent.share_needs,
            birth_year: false,
        },
    }
}

/// Revokes a consent. In the same transaction every open referral under it is
/// cancelled (`CONSENT_REVOKED`), so receivers stop seeing the client at once.
/// Returns the consent and the referrals cancelled.
pub async fn revoke_consent(
    db: &DatabaseConnection,
    actor: &Actor,
    consent_id: Uuid,
) -> AppResult<(consent::Model, Vec<referral::Model>)> {
    let found = consent::Entity::find_by_id(consent_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, found.organization_id),
    )?;
    if found.revoked_at.is_some() {
        return Ok((found, Vec::new()));
    }
    let txn = db.begin().await?;
    let at = now();
    let mut active: consent::ActiveModel = found.clone().into();
    active.revoked_at = Set(Some(at));
    active.revoked_by = Set(actor.user_id());
    let revoked = active.update(&txn).await?;
    let open = referral::Entity::find()
        .filter(referral::Column::ConsentId.eq(consent_id))
        .filter(referral::Column::Status.is_in(OPEN))
        .all(&txn)
        .await?;
    for row in &open {
        let mut change: referral::ActiveModel = row.clone().into();
        change.status = Set(ReferralStatus::Cancelled);
        change.status_reason = Set(Some(CONSENT_REVOKED.into()));
        change.version = Set(row.version + 1);
        change.updated_at = Set(at);
        change.update(&txn).await?;
        let step = Step {
            referral_id: row.id,
            organization_id: Some(found.organization_id),
            from: Some(row.status),
            to: ReferralStatus::Cancelled,
            reason: Some(CONSENT_REVOKED.into()),
            note: None,
        };
        record_step(&txn, actor, step).await?;
        audit::record(
            &txn,
            actor,
            AuditEvent {
                organization_id: Some(found.organization_id),
                action: "referral.status_changed",
                record_type: "Referral",
                record_id: Some(row.id),
                details: Some(json!({
                    "from": status_name(row.status),
                    "to": status_name(ReferralStatus::Cancelled),
                    "reason": CONSENT_REVOKED,
                    "consent": consent_id,
                })),
            },
        )
        .await?;
    }
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(found.organization_id),
            action: "consent.revoked",
            record_type: "Consent",
            record_id: Some(consent_id),
            details: Some(json!({
                "client": found.client_id,
                "cancelledReferrals": open.iter().map(|r| r.id).collect::<Vec<_>>(),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((revoked, open))
}

/// One consent (the owning organization's staff).
pub async fn consent(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<consent::Model> {
    let found = consent::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, found.organization_id),
    )?;
    Ok(found)
}

/// The consents of a client (the owning organization's staff).
pub async fn consents_of(
    db: &impl ConnectionTrait,
    actor: &Actor,
    client_id: Uuid,
) -> AppResult<Vec<consent::Model>> {
    let owner = client::Entity::find_by_id(client_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, owner.organization_id),
    )?;
    Ok(consent::Entity::find()
        .filter(consent::Column::ClientId.eq(client_id))
        .order_by_asc(consent::Column::CreatedAt)
        .all(db)
        .await?)
}

// ---------------------------------------------------------------- referrals

/// A referral as sent, before validation.
#[derive(Clone, Debug)]
pub struct ReferralDraft {
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

/// The user or the API key behind `actor`, as stored on history and notes.
fn actor_ids(actor: &Actor) -> (Option<Uuid>, Option<Uuid>) {
    match &actor.principal {
        Principal::User(u) => (Some(u.user_id), None),
        Principal::ApiKey(k) => (None, Some(k.key_id)),
        _ => (None, None),
    }
}

/// One step to write into a referral's history.
struct Step {
    referral_id: Uuid,
    organization_id: Option<Uuid>,
    from: Option<ReferralStatus>,
    to: ReferralStatus,
    reason: Option<String>,
    note: Option<String>,
}

async fn record_step(conn: &impl ConnectionTrait, actor: &Actor, step: Step) -> AppResult<()> {
    let (user, key) = actor_ids(actor);
    referral_event::ActiveModel {
        id: Set(new_id()),
        referral_id: Set(step.referral_id),
        organization_id: Set(step.organization_id),
        actor_user_id: Set(user),
        actor_api_key_id: Set(key),
        from_status: Set(step.from),
        to_status: Set(step.to),
        reason: Set(step.reason),
        note: Set(step.note),
        created_at: Set(now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Sends a referral (the client's organization's staff, STAFF keys). The
/// service must take referrals now and the consent must cover its organization.
pub async fn send_referral(
    db: &DatabaseConnection,
    actor: &Actor,
    draft: ReferralDraft,
    key: Option<&str>,
) -> AppResult<referral::Model> {
    let owner = client::Entity::find_by_id(draft.client_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, owner.organization_id),
    )?;
    let keyed = key.map(|k| Keyed {
        key: k,
        field: "input.idempotencyKey",
        operation: "referral.send",
        input: format!("{draft:?}"),
    });
    if let Some(id) = idempotency::replayed(db, actor, &keyed).await? {
        return referral(db, actor, id).await;
    }
    let given = consent::Entity::find_by_id(draft.consent_id)
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
    let target = service::Entity::find_by_id(draft.service_id)
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
    let reason = required_text(&draft.reason, "input.reason", 2000)?;
    let interpreter_language = match (
        draft.interpreter_needed,
        draft.interpreter_language.as_deref(),
    ) {
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
    if draft.due_date.is_some_and(|d| d < now().date_naive()) {
        return Err(AppError::bad_input(
            "input.dueDate",
            "cannot be in the past",
        ));
    }
    let txn = db.begin().await?;
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
        urgency: Set(draft.urgency),
        interpreter_needed: Set(draft.interpreter_needed),
        interpreter_language: Set(interpreter_language),
        due_date: Set(draft.due_date),
        status: Set(ReferralStatus::Sent),
        status_reason: Set(None),
        assignee_user_id: Set(None),
        version: Set(1),
        respond_by: Set(at + Duration::days(i64::from(target.response_window_days))),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(&txn)
    .await?;
    let step = Step {
        referral_id: created.id,
        organization_id: Some(owner.organization_id),
        from: None,
        to: ReferralStatus::Sent,
        reason: None,
        note: None,
    };
    record_step(&txn, actor, step).await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(owner.organization_id),
            action: "referral.sent",
            record_type: "Referral",
            record_id: Some(created.id),
            details: Some(json!({ "service": target.id })),
        },
    )
    .await?;
    idempotency::remember_if(&txn, actor, &keyed, created.id).await?;
    txn.commit().await?;
    Ok(created)
}

/// One referral, for members of either party.
pub async fn referral(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<referral::Model> {
    let found = referral::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::reveal(
        "may_see_referral",
        policy::may_see_referral(
            actor,
            found.referring_organization_id,
            found.receiving_organization_id,
        ),
    )?;
    Ok(found)
}

/// Moves a referral one step. `version` is the one the client last saw; a
/// different current version is a `CONFLICT`, and of two concurrent steps
/// from the same version only one succeeds.
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
    let keyed = key.map(|k| Keyed {
        key: k,
        field: "input.idempotencyKey",
        operation: "referral.transition",
        input: format!("{id}:{version}:{action:?}:{note:?}"),
    });
    if let Some(id) = idempotency::replayed(db, actor, &keyed).await? {
        return referral(db, actor, id).await;
    }
    let side = policy::referral_side(
        actor,
        current.referring_organization_id,
        current.receiving_organization_id,
    );
    if side != Some(action.side()) {
        let who = match action.side() {
            ReferralSide::Sender => "the referring organization",
            ReferralSide::Receiver => "the receiving organization",
        };
        return Err(AppError::Forbidden(format!(
            "only {who} may {} this referral",
            action.name()
        )));
    }
    let note = optional_text(note.as_deref(), "input.note", 2000)?;
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
    let txn = db.begin().await?;
    let changed = referral::Entity::update_many()
        .col_expr(referral::Column::Status, Expr::value(next))
        .col_expr(referral::Column::StatusReason, Expr::value(action.reason()))
        .col_expr(referral::Column::Version, Expr::value(version + 1))
        .col_expr(referral::Column::UpdatedAt, Expr::value(at))
        .filter(referral::Column::Id.eq(id))
        .filter(referral::Column::Version.eq(version))
        .exec(&txn)
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
    record_step(&txn, actor, step).await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(org),
            action: "referral.status_changed",
            record_type: "Referral",
            record_id: Some(id),
            details: Some(json!({ "from": status_name(status), "to": status_name(next), "reason": action.reason() })),
        },
    )
    .await?;
    idempotency::remember_if(&txn, actor, &keyed, id).await?;
    txn.commit().await?;
    referral(db, actor, id).await
}

/// Assigns a referral to one of the receiving organization's staff (the
/// receiving organization's staff and admins).
pub async fn assign(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    version: i32,
    assignee: Uuid,
    key: Option<&str>,
) -> AppResult<referral::Model> {
    let current = referral(db, actor, id).await?;
    let keyed = key.map(|k| Keyed {
        key: k,
        field: "input.idempotencyKey",
        operation: "referral.assign",
        input: format!("{id}:{version}:{assignee}"),
    });
    if let Some(done) = idempotency::replayed(db, actor, &keyed).await? {
        return referral(db, actor, done).await;
    }
    let side = policy::referral_side(
        actor,
        current.referring_organization_id,
        current.receiving_organization_id,
    );
    if side != Some(ReferralSide::Receiver) {
        return Err(AppError::Forbidden(
            "only the receiving organization assigns a referral".into(),
        ));
    }
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
        .is_some_and(|m| m.role != entity::enums::OrgRole::Viewer);
    if !staff {
        return Err(AppError::bad_input(
            "input.assigneeId",
            "must be staff or an admin of the receiving organization",
        ));
    }
    let txn = db.begin().await?;
    let changed = referral::Entity::update_many()
        .col_expr(referral::Column::AssigneeUserId, Expr::value(assignee))
        .col_expr(referral::Column::Version, Expr::value(version + 1))
        .col_expr(referral::Column::UpdatedAt, Expr::value(now()))
        .filter(referral::Column::Id.eq(id))
        .filter(referral::Column::Version.eq(version))
        .exec(&txn)
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
    record_step(&txn, actor, step).await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(current.receiving_organization_id),
            action: "referral.assigned",
            record_type: "Referral",
            record_id: Some(id),
            details: Some(json!({ "assignee": assignee })),
        },
    )
    .await?;
    idempotency::remember_if(&txn, actor, &keyed, id).await?;
    txn.commit().await?;
    referral(db, actor, id).await
}

/// Adds a note: `SHARED` notes are read by both parties, `INTERNAL` ones by the
/// author's organization only (staff and admins of either party, STAFF keys).
pub async fn add_note(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    visibility: NoteVisibility,
    body: &str,
    key: Option<&str>,
) -> AppResult<referral_note::Model> {
    let current = referral(db, actor, id).await?;
    let keyed = key.map(|k| Keyed {
        key: k,
        field: "input.idempotencyKey",
        operation: "referral.note",
        input: format!("{id}:{visibility:?}:{body}"),
    });
    if let Some(done) =
        idempotency::replayed_record::<referral_note::Entity>(db, actor, &keyed).await?
    {
        return Ok(done);
    }
    let org = match policy::referral_side(
        actor,
        current.referring_organization_id,
        current.receiving_organization_id,
    ) {
        Some(ReferralSide::Sender) => current.referring_organization_id,
        Some(ReferralSide::Receiver) => current.receiving_organization_id,
        None => {
            return Err(AppError::Forbidden(
                "viewers may read referrals but not write on them".into(),
            ));
        }
    };
    let body = required_text(body, "input.body", 4000)?;
    let (user, key) = actor_ids(actor);
    let txn = db.begin().await?;
    let created = referral_note::ActiveModel {
        id: Set(new_id()),
        referral_id: Set(id),
        organization_id: Set(org),
        author_user_id: Set(user),
        author_api_key_id: Set(key),
        visibility: Set(visibility),
        body: Set(body),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        AuditEvent {
            organization_id: Some(org),
            action: "referral.note_added",
            record_type: "Referral",
            record_id: Some(id),
            details: Some(json!({ "visibility": visibility })),
        },
    )
    .await?;
    idempotency::remember_if(&txn, actor, &keyed, created.id).await?;
    txn.commit().await?;
    Ok(created)
}

/// Whether `actor` may read a note.
pub fn may_read_note(actor: &Actor, note: &referral_note::Model) -> bool {
    note.visibility == NoteVisibility::Shared || actor.role_in(note.organization_id).is_some()
}

/// Which side of its organizations' referrals to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Referrals received.
    Inbox,
    /// Referrals sent.
    Outbox,
    /// Both.
    All,
}

/// Filters of the inbox and outbox.
#[derive(Clone, Debug)]
pub struct ReferralFilter {
    /// Inbox, outbox or both.
    pub direction: Direction,
    /// Any of these (stored) statuses.
    pub statuses: Vec<ReferralStatus>,
    /// To this service.
    pub service_id: Option<Uuid>,
    /// Assigned to the viewer.
    pub assigned_to_me: bool,
    /// Any of these urgencies.
    pub urgencies: Vec<Urgency>,
    /// Changed after this instant.
    pub updated_since: Option<DateTime<Utc>>,
}

/// The referrals of the actor's organizations, oldest first.
pub async fn referrals(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ReferralFilter,
    page: &PageRequest,
) -> AppResult<Page<referral::Model>> {
    let orgs: Vec<Uuid> = actor
        .organizations()
        .into_iter()
        .map(|(org, _)| org)
        .collect();
    if orgs.is_empty() {
        policy::authorize(actor, false, "read referrals")?;
    }
    let scope = match filter.direction {
        Direction::Inbox => {
            Condition::all().add(referral::Column::ReceivingOrganizationId.is_in(orgs.clone()))
        }
        Direction::Outbox => {
            Condition::all().add(referral::Column::ReferringOrganizationId.is_in(orgs.clone()))
        }
        Direction::All => Condition::any()
            .add(referral::Column::ReceivingOrganizationId.is_in(orgs.clone()))
            .add(referral::Column::ReferringOrganizationId.is_in(orgs.clone())),
    };
    let mut select = referral::Entity::find().filter(scope);
    if !filter.statuses.is_empty() {
        select = select.filter(referral::Column::Status.is_in(filter.statuses.clone()));
    }
    if let Some(service) = filter.service_id {
        select = select.filter(referral::Column::ServiceId.eq(service));
    }
    if filter.assigned_to_me {
        select =
            select.filter(referral::Column::AssigneeUserId.eq(actor.user_id().unwrap_or_default()));
    }
    if !filter.urgencies.is_empty() {
        select = select.filter(referral::Column::Urgency.is_in(filter.urgencies.clone()));
    }
    if let Some(since) = filter.updated_since {
        select = select.filter(referral::Column::UpdatedAt.gt(since));
    }
    paginate(
        db,
        select,
        referral::Column::CreatedAt,
        referral::Column::Id,
        page,
    )
    .await
}

/// Writes `EXPIRED` on every `SENT` referral past its response window (run
/// periodically by the service; reads already show them expired).
pub async fn expire_overdue(db: &DatabaseConnection) -> AppResult<Vec<referral::Model>> {
    let at = now();
    let overdue = referral::Entity::find()
        .filter(referral::Column::Status.eq(ReferralStatus::Sent))
        .filter(referral::Column::RespondBy.lt(at))
        .all(db)
        .await?;
    let system = Actor::system();
    let txn = db.begin().await?;
    for row in &overdue {
        let mut change: referral::ActiveModel = row.clone().into();
        change.status = Set(ReferralStatus::Expired);
        change.version = Set(row.version + 1);
        change.updated_at = Set(at);
        change.update(&txn).await?;
        let step = Step {
            referral_id: row.id,
            organization_id: None,
            from: Some(row.status),
            to: ReferralStatus::Expired,
            reason: None,
            note: None,
        };
        record_step(&txn, &system, step).await?;
        audit::record(
            &txn,
            &system,
            AuditEvent {
                organization_id: Some(row.referring_organization_id),
                action: "referral.expired",
                record_type: "Referral",
                record_id: Some(row.id),
                details: None,
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(overdue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_stored_as_screaming_snake_case() {
        assert_eq!(code(DeclineReason::NoCapacity), "NO_CAPACITY");
        assert_eq!(code(Outcome::ServiceProvided), "SERVICE_PROVIDED");
        assert_eq!(status_name(ReferralStatus::InProgress), "IN_PROGRESS");
    }

    #[test]
    fn only_the_lifecycle_s_arrows_are_allowed() {
        use ReferralStatus::*;
        let all = [
            Sent, Accepted, Declined, InProgress, OnHold, Completed, Cancelled, Expired,
        ];
        let actions = [
            Action::Accept,
            Action::Decline(DeclineReason::Other),
            Action::Start,
            Action::Hold,
            Action::Resume,
            Action::Complete(Outcome::Other),
            Action::Cancel(CancelReason::Other),
        ];
        let mut allowed = Vec::new();
        for from in all {
            for action in actions {
                if let Ok(to) = next_status(from, action, Some(InProgress)) {
                    allowed.push((from, action.name(), to));
                }
            }
        }
        assert_eq!(
            allowed,
            vec![
                (Sent, "accept", Accepted),
                (Sent, "decline", Declined),
                (Sent, "cancel", Cancelled),
                (Accepted, "start", InProgress),
                (Accepted, "hold", OnHold),
                (Accepted, "cancel", Cancelled),
                (InProgress, "hold", OnHold),
                (InProgress, "complete", Completed),
                (InProgress, "cancel", Cancelled),
                (OnHold, "resume", InProgress),
                (OnHold, "cancel", Cancelled),
            ]
        );
        let err = next_status(Completed, Action::Accept, None).unwrap_err();
        assert!(
            err.to_string().contains("COMPLETED"),
            "the conflict names the current state: {err}"
        );
    }
}
