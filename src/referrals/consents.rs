//! Consents: what a client agreed to share with which organizations (or
//! services), recorded by the owning organization's staff. Revoking one
//! cancels its open referrals in the same change.

use super::cancellation::cancel_all;
use super::clients::refuse_erased;
use super::domain::{CONSENT_REVOKED, OPEN};
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::{Change, IdempotencyKey};
use crate::db::{self, now};
use crate::domain::personal_text;
use crate::error::{AppError, AppResult};
use crate::ids::new_id;
use crate::policy::{self, ClientParts, ConsentGrant};
use crate::privacy::Privacy;
use chrono::{DateTime, Duration, Utc};
use entity::enums::ConsentMethod;
use entity::{client, consent, consent_recipient, organization, referral, service};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// A consent as recorded.
#[derive(Clone, Debug, Serialize)]
pub struct NewConsent {
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
    /// What the person agreed their details are shared for.
    pub purpose: Option<String>,
    /// What it was taken from (a signed form kept on file, a verbal statement).
    pub source: Option<String>,
}

/// Records a client's consent (the owning organization's staff).
#[tracing::instrument(skip_all, fields(client = %new.client_id))]
pub async fn record_consent(
    db: &DatabaseConnection,
    actor: &Actor,
    privacy: Privacy,
    new: NewConsent,
    key: Option<&str>,
) -> AppResult<consent::Model> {
    let owner = db::find::<client::Entity>(db, new.client_id).await?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, owner.organization_id),
    )?;
    let owning = db::find::<organization::Entity>(db, owner.organization_id).await?;
    let key = IdempotencyKey::parse(key, "input.idempotencyKey", "consent.record", &new)?;
    let change = Change::begin_keyed(db, actor, key).await?;
    if let Some(id) = change.replayed_id().await? {
        return consent(change.txn(), actor, id).await;
    }
    if new.recipients.is_empty() {
        return Err(AppError::bad_input(
            "input.recipients",
            "name at least one organization or service",
        ));
    }
    for (i, (org, service_id)) in new.recipients.iter().enumerate() {
        db::find::<organization::Entity>(db, *org)
            .await
            .map_err(|_| {
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
    let parts = new.parts;
    if !(parts.name || parts.contact || parts.languages || parts.needs) {
        return Err(AppError::bad_input(
            "input.shares",
            "a consent shares at least one part of the record",
        ));
    }
    let given_at = new.given_at.unwrap_or_else(now);
    if given_at > now() + Duration::minutes(5) {
        return Err(AppError::bad_input(
            "input.givenAt",
            "cannot be in the future",
        ));
    }
    refuse_erased(&owner)?;
    if new.expires_at.is_some_and(|e| e <= given_at) {
        return Err(AppError::bad_input(
            "input.expiresAt",
            "must be after givenAt",
        ));
    }
    if let Some(days) = policy::longest_consent(&owning, privacy.shelter_consent_max_days) {
        let limit = format!("{}'s consents last at most {days} days", owning.name);
        match new.expires_at {
            None => {
                return Err(AppError::bad_input(
                    "input.expiresAt",
                    format!("is required: {limit}"),
                ));
            }
            Some(e) if e > given_at + Duration::days(days) => {
                return Err(AppError::bad_input(
                    "input.expiresAt",
                    format!("must be within {days} days of givenAt: {limit}"),
                ));
            }
            Some(_) => {}
        }
    }
    let purpose = personal_text(new.purpose.as_deref(), "input.purpose", 300)?;
    let source = personal_text(new.source.as_deref(), "input.source", 300)?;
    let created = consent::ActiveModel {
        id: Set(new_id()),
        client_id: Set(owner.id),
        organization_id: Set(owner.organization_id),
        share_name: Set(parts.name),
        share_contact: Set(parts.contact),
        share_languages: Set(parts.languages),
        share_needs: Set(parts.needs),
        method: Set(new.method),
        given_at: Set(given_at),
        recorded_by: Set(actor.user_id()),
        expires_at: Set(new.expires_at),
        revoked_at: Set(None),
        revoked_by: Set(None),
        created_at: Set(now()),
        purpose: Set(purpose.unwrap_or_default()),
        source: Set(source),
    }
    .insert(change.txn())
    .await?;
    // Read again under lock, after the write: an erasure committed (or in
    // flight) since the check above must win.
    refuse_erased(&db::find_locked::<client::Entity>(change.txn(), owner.id).await?)?;
    for (org, service_id) in &new.recipients {
        consent_recipient::ActiveModel {
            id: Set(new_id()),
            consent_id: Set(created.id),
            organization_id: Set(*org),
            service_id: Set(*service_id),
        }
        .insert(change.txn())
        .await?;
    }
    let event = AuditEvent {
        organization_id: Some(owner.organization_id),
        action: "consent.recorded",
        record_type: "Consent",
        record_id: Some(created.id),
        details: Some(json!({ "client": owner.id, "recipients": new.recipients.len() })),
    };
    change.commit(event, created).await
}

/// Sets (or with `None` lifts) how many days `org`'s consents may last at
/// most (its admins). A shelter's consents stay limited to the coalition's
/// maximum for shelters whatever it sets.
#[tracing::instrument(skip_all, fields(organization = %org))]
pub async fn limit_consents(
    db: &DatabaseConnection,
    actor: &Actor,
    org: Uuid,
    max_days: Option<i32>,
) -> AppResult<organization::Model> {
    let found = db::find::<organization::Entity>(db, org).await?;
    policy::authorize(
        actor,
        policy::may_limit_consents(actor, org),
        "limit this organization's consents (its admins do)",
    )?;
    if max_days.is_some_and(|d| !(1..=3660).contains(&d)) {
        return Err(AppError::bad_input(
            "input.maxDays",
            "must be between 1 and 3660 days, or null for no limit",
        ));
    }
    let change = Change::begin(db, actor).await?;
    let mut active: organization::ActiveModel = found.into();
    active.consent_max_days = Set(max_days);
    active.updated_at = Set(now());
    let updated = active.update(change.txn()).await?;
    let event = AuditEvent {
        organization_id: Some(org),
        action: "organization.consent_limit_set",
        record_type: "Organization",
        record_id: Some(org),
        details: Some(json!({ "maxDays": max_days })),
    };
    change.commit(event, updated).await
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

/// Revokes a consent. In the same change every open referral under it is
/// cancelled (`CONSENT_REVOKED`), so receivers stop seeing the client at once.
/// Returns the consent and the referrals cancelled.
#[tracing::instrument(skip_all, fields(consent = %consent_id))]
pub async fn revoke_consent(
    db: &DatabaseConnection,
    actor: &Actor,
    consent_id: Uuid,
) -> AppResult<(consent::Model, Vec<referral::Model>)> {
    let found = db::find::<consent::Entity>(db, consent_id).await?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, found.organization_id),
    )?;
    if found.revoked_at.is_some() {
        return Ok((found, Vec::new()));
    }
    let change = Change::begin(db, actor).await?;
    let at = now();
    let mut active: consent::ActiveModel = found.clone().into();
    active.revoked_at = Set(Some(at));
    active.revoked_by = Set(actor.user_id());
    let revoked = active.update(change.txn()).await?;
    let open = referral::Entity::find()
        .filter(referral::Column::ConsentId.eq(consent_id))
        .filter(referral::Column::Status.is_in(OPEN))
        .all(change.txn())
        .await?;
    let cancelled = cancel_all(
        &change,
        found.organization_id,
        &open,
        CONSENT_REVOKED,
        json!({ "consent": consent_id }),
    )
    .await?;
    let event = AuditEvent {
        organization_id: Some(found.organization_id),
        action: "consent.revoked",
        record_type: "Consent",
        record_id: Some(consent_id),
        details: Some(json!({
            "client": found.client_id,
            "cancelledReferrals": cancelled.iter().map(|r| r.id).collect::<Vec<_>>(),
        })),
    };
    change.commit(event, (revoked, cancelled)).await
}

/// One consent (the owning organization's staff).
#[tracing::instrument(skip_all, fields(consent = %id))]
pub async fn consent(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<consent::Model> {
    let found = db::find::<consent::Entity>(db, id).await?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, found.organization_id),
    )?;
    Ok(found)
}

/// The consents of a client (the owning organization's staff).
#[tracing::instrument(skip_all, fields(client = %client_id))]
pub async fn consents_of(
    db: &impl ConnectionTrait,
    actor: &Actor,
    client_id: Uuid,
) -> AppResult<Vec<consent::Model>> {
    let owner = db::find::<client::Entity>(db, client_id).await?;
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
