//! Loads, before a meeting (or a page of them) resolves, every row its
//! selected fields will ask for: one query per kind, in a fixed order.
//! Sibling fields resolve concurrently, so loads left to them could race
//! and split into several queries; primed, they all find the cache, and the
//! number of statements depends on the selection, never on the sizes.

use super::types::Meeting;
use crate::error::AppResult;
use crate::graphql::context::{actor, loaders, state};
use crate::graphql::loaders::{load_all, prime};
use crate::records::meetings;
use async_graphql::{Context, Lookahead};
use entity::meeting;
use uuid::Uuid;

/// Where meetings sit in the selection: the field itself, or a
/// connection's `nodes` and `edges.node`.
pub struct Selection<'a>(Vec<Lookahead<'a>>);

impl<'a> Selection<'a> {
    /// A field returning one meeting.
    pub fn single(ctx: &'a Context<'_>) -> Self {
        Selection(vec![ctx.look_ahead()])
    }

    /// A field returning a connection of meetings.
    pub fn connection(ctx: &'a Context<'_>) -> Self {
        let ahead = ctx.look_ahead();
        Selection(vec![
            ahead.field("nodes"),
            ahead.field("edges").field("node"),
        ])
    }

    /// Whether the field at `path` below a meeting is selected.
    fn has(&self, path: &[&str]) -> bool {
        let Some((first, rest)) = path.split_first() else {
            return false;
        };
        self.0.iter().any(|root| {
            let mut ahead = root.field(first);
            for name in rest {
                ahead = ahead.field(name);
            }
            ahead.exists()
        })
    }
}

/// The meeting `id` as the actor may see it, with the loaders primed for
/// the selection of the field that returns it.
pub async fn primed_meeting(ctx: &Context<'_>, id: Uuid) -> AppResult<Meeting> {
    let found = meetings::meeting(&state(ctx)?.db, actor(ctx)?, id).await?;
    prime_meetings(
        ctx,
        std::slice::from_ref(&found.meeting),
        &Selection::single(ctx),
    )
    .await?;
    Ok(found.into())
}

/// Primes the loaders for `meetings` as `selection` will read them.
pub async fn prime_meetings(
    ctx: &Context<'_>,
    meetings: &[meeting::Model],
    selection: &Selection<'_>,
) -> AppResult<()> {
    let loaders = loaders(ctx)?;
    let records = &loaders.records;
    let ids: Vec<Uuid> = meetings.iter().map(|m| m.id).collect();
    let mut people: Vec<Uuid> = Vec::new();
    if selection.has(&["body"]) || selection.has(&["quorum"]) {
        prime(&loaders.people.bodies, meetings.iter().map(|m| m.body_id)).await?;
    }
    let roster = selection.has(&["attendance"]) || selection.has(&["quorum"]);
    if roster || selection.has(&["guests"]) {
        prime(&records.attendance, ids.iter().copied()).await?;
    }
    if roster {
        let seated = load_all(&records.seated, ids.iter().copied()).await?;
        if selection.has(&["attendance", "person"]) {
            people.extend(seated.values().flatten().map(|m| m.person_id));
        }
    }
    let agenda = selection.has(&["agenda"]) || selection.has(&["motions", "agendaItem"]);
    if agenda {
        let items: Vec<_> = load_all(&records.agenda_items, ids.iter().copied())
            .await?
            .into_values()
            .flatten()
            .collect();
        if selection.has(&["agenda", "documents"]) {
            prime(&records.documents, items.iter().map(|i| i.id)).await?;
        }
        if selection.has(&["agenda", "presenter"]) {
            people.extend(items.iter().filter_map(|i| i.presenter_person_id));
        }
    }
    if selection.has(&["motions"]) || selection.has(&["agenda", "motions"]) {
        let motions: Vec<_> = load_all(&records.motions_by_meeting, ids.iter().copied())
            .await?
            .into_values()
            .flatten()
            .collect();
        let votes = load_all(&records.votes, motions.iter().map(|m| m.id)).await?;
        if selection.has(&["motions", "mover"]) || selection.has(&["motions", "seconder"]) {
            for m in &motions {
                people.push(m.mover_person_id);
                people.extend(m.seconder_person_id);
            }
        }
        if selection.has(&["motions", "votes", "person"]) {
            people.extend(votes.values().flatten().map(|v| v.person_id));
        }
    }
    if selection.has(&["minutes"]) || selection.has(&["minutesCorrections"]) {
        let minutes: Vec<_> = load_all(&records.minutes, ids.iter().copied())
            .await?
            .into_values()
            .flatten()
            .collect();
        prime(&records.revisions, minutes.iter().map(|m| m.id)).await?;
    }
    if selection.has(&["actionItems"]) {
        prime(&records.action_items, ids.iter().copied()).await?;
    }
    if selection.has(&["actionItemReviews"]) {
        prime(&records.reviews_at, ids.iter().copied()).await?;
    }
    if !people.is_empty() {
        prime(&loaders.people.people, people).await?;
    }
    Ok(())
}
