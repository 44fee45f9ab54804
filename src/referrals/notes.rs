//! Notes on a referral: `SHARED` ones are read by both parties, `INTERNAL`
//! ones by the author's organization only ([`crate::policy::may_read_note`]).

use super::history::actor_ids;
use super::listing::referral;
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::{Change, IdempotencyKey};
use crate::db::now;
use crate::domain::required_personal_text;
use crate::error::AppResult;
use crate::ids::new_id;
use crate::policy::{self, ReferralSide};
use entity::enums::NoteVisibility;
use entity::referral_note;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use serde_json::json;
use uuid::Uuid;

/// Adds a note (staff and admins of either party, STAFF keys).
#[tracing::instrument(skip_all, fields(referral = %id))]
pub async fn add_note(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    visibility: NoteVisibility,
    body: &str,
    key: Option<&str>,
) -> AppResult<referral_note::Model> {
    let current = referral(db, actor, id).await?;
    let key = IdempotencyKey::parse(
        key,
        "input.idempotencyKey",
        "referral.note",
        &(id, visibility, body),
    )?;
    let change = Change::begin_keyed(db, actor, key).await?;
    if let Some(done) = change.replayed::<referral_note::Entity>().await? {
        return Ok(done);
    }
    let side = policy::referral_side(
        actor,
        current.referring_organization_id,
        current.receiving_organization_id,
    );
    let org = match policy::authorize_referral_note(actor, side)? {
        ReferralSide::Sender => current.referring_organization_id,
        ReferralSide::Receiver => current.receiving_organization_id,
    };
    let body = required_personal_text(body, "input.body", 4000)?;
    let (user, api_key) = actor_ids(actor);
    let created = referral_note::ActiveModel {
        id: Set(new_id()),
        referral_id: Set(id),
        organization_id: Set(org),
        author_user_id: Set(user),
        author_api_key_id: Set(api_key),
        visibility: Set(visibility),
        body: Set(body),
        created_at: Set(now()),
    }
    .insert(change.txn())
    .await?;
    let event = AuditEvent {
        organization_id: Some(org),
        action: "referral.note_added",
        record_type: "Referral",
        record_id: Some(id),
        details: Some(json!({ "visibility": visibility })),
    };
    change.commit_for(event, Some(created.id), created).await
}
