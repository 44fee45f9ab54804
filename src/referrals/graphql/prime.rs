//! Priming the loaders for what a page of referrals or of disclosures will
//! read, one query per kind of record, as far as the selection asks for it.
//! The object types prime through here, so this file does not name them.

use crate::audit::reads::RecordedRead;
use crate::error::AppError;
use crate::graphql::connection::selects;
use crate::graphql::context::loaders;
use crate::graphql::loaders::{load_all, prime};
use async_graphql::{Context, Result};
use entity::referral;
use uuid::Uuid;

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// Loads what a page of referrals will need in one query per kind.
pub(super) async fn prime_referrals(ctx: &Context<'_>, rows: &[referral::Model]) -> Result<()> {
    let loaders = loaders(ctx)?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    prime(
        &loaders.referrals.consents,
        rows.iter().map(|r| r.consent_id),
    )
    .await?;
    if selects(ctx, "client") {
        prime(&loaders.referrals.clients, rows.iter().map(|r| r.client_id)).await?;
    }
    if selects(ctx, "referringOrganization") || selects(ctx, "receivingOrganization") {
        prime(
            &loaders.accounts.organizations,
            rows.iter()
                .flat_map(|r| [r.referring_organization_id, r.receiving_organization_id]),
        )
        .await?;
    }
    if selects(ctx, "service") {
        prime(
            &loaders.directory.services,
            rows.iter().map(|r| r.service_id),
        )
        .await?;
        prime(
            &loaders.directory.translations,
            rows.iter().map(|r| r.service_id),
        )
        .await?;
    }
    if selects(ctx, "history") || selects(ctx, "latestEvent") {
        prime(&loaders.referrals.events, ids.iter().copied()).await?;
    }
    if selects(ctx, "notes") {
        prime(&loaders.referrals.notes, ids.iter().copied()).await?;
    }
    let mut users: Vec<Uuid> = rows.iter().filter_map(|r| r.assignee_user_id).collect();
    users.extend(rows.iter().filter_map(|r| r.referring_user_id));
    let mut keys: Vec<Uuid> = Vec::new();
    if selects(ctx, "history") || selects(ctx, "latestEvent") {
        for events in loaders
            .referrals
            .events
            .load_many(ids.iter().copied())
            .await
            .map_err(internal)?
            .into_values()
        {
            users.extend(events.iter().filter_map(|e| e.actor_user_id));
            keys.extend(events.iter().filter_map(|e| e.actor_api_key_id));
        }
    }
    if selects(ctx, "notes") {
        for notes in loaders
            .referrals
            .notes
            .load_many(ids.iter().copied())
            .await
            .map_err(internal)?
            .into_values()
        {
            users.extend(notes.iter().filter_map(|n| n.author_user_id));
            keys.extend(notes.iter().filter_map(|n| n.author_api_key_id));
        }
    }
    prime(&loaders.accounts.users, users).await?;
    if !keys.is_empty() {
        let found = load_all(&loaders.accounts.api_keys, keys).await?;
        prime(
            &loaders.accounts.organizations,
            found.values().map(|k| k.organization_id),
        )
        .await?;
    }
    Ok(())
}

/// Loads what a page of disclosures will name (readers' organizations,
/// users, API keys with their organizations, referrals with their parties)
/// in one query per kind.
pub(super) async fn prime_disclosures(ctx: &Context<'_>, rows: &[RecordedRead]) -> Result<()> {
    let loaders = loaders(ctx)?;
    let mut organizations: Vec<Uuid> = Vec::new();
    if selects(ctx, "organization") {
        organizations.extend(rows.iter().filter_map(|r| r.reader_organization_id));
    }
    if selects(ctx, "user") {
        prime(
            &loaders.accounts.users,
            rows.iter().filter_map(|r| r.user_id),
        )
        .await?;
    }
    if selects(ctx, "apiKey") {
        let keys = load_all(
            &loaders.accounts.api_keys,
            rows.iter().filter_map(|r| r.api_key_id),
        )
        .await?;
        organizations.extend(keys.values().map(|k| k.organization_id));
    }
    if selects(ctx, "referral") {
        let referrals = load_all(
            &loaders.referrals.referrals,
            rows.iter().filter_map(|r| r.referral_id),
        )
        .await?;
        // Their two parties come in the same query as the readers'.
        organizations.extend(
            referrals
                .values()
                .flat_map(|r| [r.referring_organization_id, r.receiving_organization_id]),
        );
    }
    prime(&loaders.accounts.organizations, organizations).await?;
    Ok(())
}
