//! The accounting of disclosures, from the read audit: who (organization,
//! user or API key) read which parts of a person's record, when and through
//! which referral, for the organization that serves the person; and, for an
//! organization's admins, the reads their own staff and keys made.

use crate::audit::reads::{ReadsOf, RecordedRead, recorded_reads};
use crate::auth::Actor;
use crate::db;
use crate::error::AppResult;
use crate::pagination::{Page, PageRequest};
use crate::policy;
use entity::client;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// A page of the reads of client `id`'s record, oldest first, for those who
/// work the record (`NOT_FOUND` to anyone else, as the client itself).
#[tracing::instrument(skip_all, fields(client = %id))]
pub async fn disclosures(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
    page: &PageRequest,
) -> AppResult<Page<RecordedRead>> {
    let found = db::find::<client::Entity>(db, id).await?;
    policy::reveal(
        "may_account_disclosures",
        policy::may_account_disclosures(actor, found.organization_id),
    )?;
    recorded_reads(
        db,
        ReadsOf::Client {
            client: found.id,
            owner: found.organization_id,
        },
        page,
    )
    .await
}

/// A page of the reads of personal data made by the people and keys acting
/// for `organization_id`, oldest first, for its admins (`FORBIDDEN` to
/// others: organizations are public, their audit is not).
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
pub async fn personal_data_reads(
    db: &impl ConnectionTrait,
    actor: &Actor,
    organization_id: Uuid,
    page: &PageRequest,
) -> AppResult<Page<RecordedRead>> {
    policy::authorize(
        actor,
        policy::may_list_personal_data_reads(actor, organization_id),
        "list this organization's reads of personal data",
    )?;
    recorded_reads(db, ReadsOf::Reader(organization_id), page).await
}
