//! Clients: the people an organization serves, recorded by its staff, and
//! the links between two records of the same person. Every read of a
//! client's record is noted in the request's [`ReadLog`].

use crate::audit::reads::ReadLog;
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::{Change, IdempotencyKey};
use crate::db::{self, now};
use crate::domain::{language_tags, name_text, personal_text, refuse_document_numbers};
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy;
use entity::enums::ContactChannel;
use entity::{client, client_link, referral};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

crate::pagination::keyed_by_creation!(client::Model);

/// A client as sent, before validation.
#[derive(Clone, Debug, Default, Serialize)]
pub struct NewClient {
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
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
pub async fn create_client(
    db: &DatabaseConnection,
    actor: &Actor,
    organization_id: Uuid,
    new: NewClient,
    key: Option<&str>,
) -> AppResult<client::Model> {
    policy::authorize(
        actor,
        policy::may_work_clients(actor, organization_id),
        "record clients of this organization",
    )?;
    let key = IdempotencyKey::parse(
        key,
        "input.idempotencyKey",
        "client.create",
        &(organization_id, &new),
    )?;
    let change = Change::begin_keyed(db, actor, key).await?;
    if let Some(done) = change.replayed::<client::Entity>().await? {
        return Ok(done);
    }
    let fields = validated(&new)?;
    let at = now();
    let created = client::ActiveModel {
        id: Set(new_id()),
        organization_id: Set(organization_id),
        display_name: Set(fields.display_name),
        preferred_languages: Set(fields.preferred_languages),
        contact_channel: Set(fields.contact_channel),
        contact_value: Set(fields.contact_value),
        birth_year: Set(fields.birth_year),
        needs_summary: Set(fields.needs_summary),
        created_by: Set(actor.user_id()),
        created_at: Set(at),
        updated_at: Set(at),
        erased_at: Set(None),
    }
    .insert(change.txn())
    .await?;
    let event = AuditEvent {
        organization_id: Some(organization_id),
        action: "client.created",
        record_type: "Client",
        record_id: Some(created.id),
        details: None,
    };
    change.commit(event, created).await
}

/// A client's fields once validated, as stored.
#[derive(PartialEq)]
struct ClientFields {
    display_name: String,
    preferred_languages: String,
    contact_channel: Option<ContactChannel>,
    contact_value: Option<String>,
    birth_year: Option<i32>,
    needs_summary: Option<String>,
}

/// Validates a client as sent: a name, known languages, a contact value that
/// fits its channel, a plausible year of birth, and no document numbers.
fn validated(new: &NewClient) -> AppResult<ClientFields> {
    let display_name = name_text(&new.display_name, "input.displayName", 100)?;
    refuse_document_numbers(&display_name, "input.displayName")?;
    let languages: Vec<String> =
        language_tags(&new.preferred_languages, "input.preferredLanguages")?
            .into_iter()
            .map(|t| t.as_str().to_owned())
            .collect();
    let contact_value = personal_text(new.contact_value.as_deref(), "input.contactValue", 200)?;
    match (new.contact_channel, &contact_value) {
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
    if new
        .birth_year
        .is_some_and(|y| !(this_year - 120..=this_year).contains(&y))
    {
        return Err(AppError::bad_input(
            "input.birthYear",
            "must be a year within the last 120 years",
        ));
    }
    let needs_summary = personal_text(new.needs_summary.as_deref(), "input.needsSummary", 1000)?;
    Ok(ClientFields {
        display_name,
        preferred_languages: json!(languages).to_string(),
        contact_channel: new.contact_channel,
        contact_value,
        birth_year: new.birth_year,
        needs_summary,
    })
}

impl ClientFields {
    /// The GraphQL names of the fields that differ between `self` and `other`.
    fn changed(&self, other: &ClientFields) -> Vec<&'static str> {
        [
            ("displayName", self.display_name != other.display_name),
            (
                "preferredLanguages",
                self.preferred_languages != other.preferred_languages,
            ),
            (
                "contactChannel",
                self.contact_channel != other.contact_channel,
            ),
            ("contactValue", self.contact_value != other.contact_value),
            ("birthYear", self.birth_year != other.birth_year),
            ("needsSummary", self.needs_summary != other.needs_summary),
        ]
        .into_iter()
        .filter_map(|(name, differs)| differs.then_some(name))
        .collect()
    }

    fn of(row: &client::Model) -> ClientFields {
        ClientFields {
            display_name: row.display_name.clone(),
            preferred_languages: row.preferred_languages.clone(),
            contact_channel: row.contact_channel,
            contact_value: row.contact_value.clone(),
            birth_year: row.birth_year,
            needs_summary: row.needs_summary.clone(),
        }
    }
}

/// `CONFLICT` when `found` was erased: an erased record takes no new data.
pub fn refuse_erased(found: &client::Model) -> AppResult<()> {
    match found.erased_at {
        Some(_) => Err(AppError::Conflict(
            "this client's record was erased: record the person anew if they come back".into(),
        )),
        None => Ok(()),
    }
}

/// A correction of a client's record: each field given replaces the stored
/// one (`Some(None)` clears an optional field); fields not given stay.
#[derive(Clone, Debug, Default)]
pub struct ClientCorrection {
    /// The new name.
    pub display_name: Option<String>,
    /// The new languages.
    pub preferred_languages: Option<Vec<String>>,
    /// The new contact channel, or none.
    pub contact_channel: Option<Option<ContactChannel>>,
    /// The new contact value, or none.
    pub contact_value: Option<Option<String>>,
    /// The new year of birth, or none.
    pub birth_year: Option<Option<i32>>,
    /// The new needs, or none.
    pub needs_summary: Option<Option<String>>,
}

/// Corrects a client's record (its organization's staff and admins, STAFF
/// keys). The audit entry names the fields changed, never their old or new
/// values.
#[tracing::instrument(skip_all, fields(client = %id))]
pub async fn correct_client(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    correction: ClientCorrection,
) -> AppResult<client::Model> {
    let found = db::find::<client::Entity>(db, id).await?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, found.organization_id),
    )?;
    refuse_erased(&found)?;
    let merged = NewClient {
        display_name: correction
            .display_name
            .unwrap_or_else(|| found.display_name.clone()),
        preferred_languages: correction
            .preferred_languages
            .unwrap_or_else(|| languages_of(&found)),
        contact_channel: correction.contact_channel.unwrap_or(found.contact_channel),
        contact_value: correction
            .contact_value
            .unwrap_or_else(|| found.contact_value.clone()),
        birth_year: correction.birth_year.unwrap_or(found.birth_year),
        needs_summary: correction
            .needs_summary
            .unwrap_or_else(|| found.needs_summary.clone()),
    };
    let fields = validated(&merged)?;
    let changed = fields.changed(&ClientFields::of(&found));
    if changed.is_empty() {
        return Ok(found);
    }
    let change = Change::begin(db, actor).await?;
    let mut active: client::ActiveModel = found.clone().into();
    active.display_name = Set(fields.display_name);
    active.preferred_languages = Set(fields.preferred_languages);
    active.contact_channel = Set(fields.contact_channel);
    active.contact_value = Set(fields.contact_value);
    active.birth_year = Set(fields.birth_year);
    active.needs_summary = Set(fields.needs_summary);
    active.updated_at = Set(now());
    let corrected = active.update(change.txn()).await?;
    let event = AuditEvent {
        organization_id: Some(found.organization_id),
        action: "client.corrected",
        record_type: "Client",
        record_id: Some(found.id),
        details: Some(json!({ "fields": changed })),
    };
    change.commit(event, corrected).await
}

/// A client's preferred languages as stored (a JSON list written by this
/// module; an unreadable one reads as empty).
pub fn languages_of(row: &client::Model) -> Vec<String> {
    serde_json::from_str(&row.preferred_languages).unwrap_or_default()
}

/// A client's record, for its owning organization's staff; the read is logged.
#[tracing::instrument(skip_all, fields(client = %id))]
pub async fn client(
    db: &impl ConnectionTrait,
    actor: &Actor,
    reads: &ReadLog,
    id: Uuid,
) -> AppResult<client::Model> {
    let found = db::find::<client::Entity>(db, id).await?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, found.organization_id),
    )?;
    reads.note_whole_record(found.id, found.organization_id);
    Ok(found)
}

/// A page of an organization's clients (its staff and admins); each read is logged.
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
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
        reads.note_whole_record(c.id, c.organization_id);
    }
    Ok(found)
}

/// A link is stored once, from the lower id to the higher.
fn pair(a: Uuid, b: Uuid) -> (Uuid, Uuid) {
    if a < b { (a, b) } else { (b, a) }
}

async fn owned_pair(
    db: &impl ConnectionTrait,
    actor: &Actor,
    a: Uuid,
    b: Uuid,
) -> AppResult<(client::Model, client::Model)> {
    let first = db::find::<client::Entity>(db, a).await?;
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
#[tracing::instrument(skip_all, fields(client = %a, other = %b))]
pub async fn link_clients(
    db: &DatabaseConnection,
    actor: &Actor,
    a: Uuid,
    b: Uuid,
) -> AppResult<client::Model> {
    let (first, second) = owned_pair(db, actor, a, b).await?;
    let (low, high) = pair(first.id, second.id);
    let change = Change::begin(db, actor).await?;
    client_link::ActiveModel {
        id: Set(new_id()),
        organization_id: Set(first.organization_id),
        client_a: Set(low),
        client_b: Set(high),
        created_by: Set(actor.user_id()),
        created_at: Set(now()),
    }
    .insert(change.txn())
    .await
    .map_err(|e| AppError::conflict_on_unique(e, "these records are already linked"))?;
    let event = link_event("client.linked", &first, &second);
    change.commit(event, first).await
}

/// Undoes a link between two records.
#[tracing::instrument(skip_all, fields(client = %a, other = %b))]
pub async fn unlink_clients(
    db: &DatabaseConnection,
    actor: &Actor,
    a: Uuid,
    b: Uuid,
) -> AppResult<client::Model> {
    let (first, second) = owned_pair(db, actor, a, b).await?;
    let (low, high) = pair(first.id, second.id);
    let change = Change::begin(db, actor).await?;
    let removed = client_link::Entity::delete_many()
        .filter(client_link::Column::ClientA.eq(low))
        .filter(client_link::Column::ClientB.eq(high))
        .exec(change.txn())
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    let event = link_event("client.unlinked", &first, &second);
    change.commit(event, first).await
}

fn link_event(
    action: &'static str,
    first: &client::Model,
    second: &client::Model,
) -> AuditEvent<'static> {
    AuditEvent {
        organization_id: Some(first.organization_id),
        action,
        record_type: "Client",
        record_id: Some(first.id),
        details: Some(json!({ "other": second.id })),
    }
}

/// The records linked to a client (the owning organization's staff); reads are logged.
#[tracing::instrument(skip_all, fields(client = %id))]
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
        reads.note_whole_record(other.id, other.organization_id);
    }
    Ok(linked)
}

/// Every referral of a client and of the records linked to it, oldest first:
/// the person's history (the owning organization's staff).
#[tracing::instrument(skip_all, fields(client = %id))]
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
