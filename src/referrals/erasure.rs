//! Erasing a client: the person's details, the personal parts of their
//! consents, and every note and history note of their referrals go, on both
//! sides, in one change. The referral rows stay with their statuses and
//! dates, so the network's statistics do not move; open referrals are
//! cancelled (`CLIENT_ERASED`), since nobody can be served without details.

use super::cancellation::cancel_all;
use super::domain::{CLIENT_ERASED, OPEN, effective_status};
use crate::audit::service::AuditEvent;
use crate::auth::Actor;
use crate::change::{Change, IdempotencyKey};
use crate::db::{self, now};
use crate::error::AppResult;
use crate::policy;
use entity::{client, client_link, consent, referral, referral_event, referral_note};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

/// Why a client is erased, as the audit entry says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The person asked (an admin of the owning organization erased them).
    Request,
    /// The retention period after their last referral closed ran out.
    Retention,
}

impl Cause {
    fn code(self) -> &'static str {
        match self {
            Cause::Request => "request",
            Cause::Retention => "retention",
        }
    }
}

/// Erases a client (the owning organization's admins). Erasing an erased
/// client changes nothing; a retry with the same key returns the first result.
/// Returns the erased record and the referrals cancelled.
#[tracing::instrument(skip_all, fields(client = %id))]
pub async fn erase_client(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    key: Option<&str>,
) -> AppResult<(client::Model, Vec<referral::Model>)> {
    let found = db::find::<client::Entity>(db, id).await?;
    policy::reveal(
        "may_work_clients",
        policy::may_work_clients(actor, found.organization_id),
    )?;
    policy::authorize(
        actor,
        policy::may_erase_client(actor, found.organization_id),
        "erase this organization's clients (its admins do)",
    )?;
    let key = IdempotencyKey::parse(key, "input.idempotencyKey", "client.erase", &id)?;
    let change = Change::begin_keyed(db, actor, key).await?;
    if let Some(done) = change.replayed::<client::Entity>().await? {
        return Ok((done, Vec::new()));
    }
    if found.erased_at.is_some() {
        return Ok((found, Vec::new()));
    }
    erase_in(change, &found, Cause::Request).await
}

/// Erases `found` within `change` and commits it with a `client.erased`
/// entry that names no erased data.
pub(super) async fn erase_in(
    change: Change<'_>,
    found: &client::Model,
    cause: Cause,
) -> AppResult<(client::Model, Vec<referral::Model>)> {
    let at = now();
    let txn = change.txn();
    // The first statement writes, so that on SQLite the change holds the
    // write lock before it reads the referrals it cleans.
    let erased = client::Entity::update_many()
        .col_expr(client::Column::DisplayName, Expr::value(""))
        .col_expr(client::Column::PreferredLanguages, Expr::value("[]"))
        .col_expr(
            client::Column::ContactChannel,
            Expr::value(Option::<entity::enums::ContactChannel>::None),
        )
        .col_expr(
            client::Column::ContactValue,
            Expr::value(Option::<String>::None),
        )
        .col_expr(client::Column::BirthYear, Expr::value(Option::<i32>::None))
        .col_expr(
            client::Column::NeedsSummary,
            Expr::value(Option::<String>::None),
        )
        .col_expr(client::Column::ErasedAt, Expr::value(Some(at)))
        .col_expr(client::Column::UpdatedAt, Expr::value(at))
        .filter(client::Column::Id.eq(found.id))
        .filter(client::Column::ErasedAt.is_null())
        .exec(txn)
        .await?;
    if erased.rows_affected != 1 {
        // Erased at the same moment by another request (or the sweep).
        return Ok((db::find::<client::Entity>(txn, found.id).await?, Vec::new()));
    }
    consent::Entity::update_many()
        .col_expr(consent::Column::Purpose, Expr::value(""))
        .col_expr(consent::Column::Source, Expr::value(Option::<String>::None))
        .filter(consent::Column::ClientId.eq(found.id))
        .exec(txn)
        .await?;
    consent::Entity::update_many()
        .col_expr(consent::Column::RevokedAt, Expr::value(Some(at)))
        .col_expr(
            consent::Column::RevokedBy,
            Expr::value(change.actor().user_id()),
        )
        .filter(consent::Column::ClientId.eq(found.id))
        .filter(consent::Column::RevokedAt.is_null())
        .exec(txn)
        .await?;
    referral::Entity::update_many()
        .col_expr(referral::Column::Reason, Expr::value(""))
        .col_expr(
            referral::Column::InterpreterLanguage,
            Expr::value(Option::<String>::None),
        )
        .filter(referral::Column::ClientId.eq(found.id))
        .exec(txn)
        .await?;
    let referrals = referral::Entity::find()
        .filter(referral::Column::ClientId.eq(found.id))
        .order_by_asc(referral::Column::CreatedAt)
        .all(txn)
        .await?;
    let ids: Vec<Uuid> = referrals.iter().map(|r| r.id).collect();
    let open: Vec<referral::Model> = referrals
        .into_iter()
        .filter(|r| OPEN.contains(&effective_status(r, at)))
        .collect();
    let cancelled = cancel_all(
        &change,
        found.organization_id,
        &open,
        CLIENT_ERASED,
        json!({ "client": found.id }),
    )
    .await?;
    referral_event::Entity::update_many()
        .col_expr(
            referral_event::Column::Note,
            Expr::value(Option::<String>::None),
        )
        .filter(referral_event::Column::ReferralId.is_in(ids.clone()))
        .exec(txn)
        .await?;
    referral_note::Entity::delete_many()
        .filter(referral_note::Column::ReferralId.is_in(ids.clone()))
        .exec(txn)
        .await?;
    client_link::Entity::delete_many()
        .filter(
            Condition::any()
                .add(client_link::Column::ClientA.eq(found.id))
                .add(client_link::Column::ClientB.eq(found.id)),
        )
        .exec(txn)
        .await?;
    let erased = db::find::<client::Entity>(txn, found.id).await?;
    let event = AuditEvent {
        organization_id: Some(found.organization_id),
        action: "client.erased",
        record_type: "Client",
        record_id: Some(found.id),
        details: Some(json!({
            "cause": cause.code(),
            "referrals": ids.len(),
            "cancelledReferrals": cancelled.iter().map(|r| r.id).collect::<Vec<_>>(),
        })),
    };
    change.commit(event, (erased, cancelled)).await
}
