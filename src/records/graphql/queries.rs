//! Queries of the records.

use super::prime::{Selection, prime_meetings, primed_meeting};
use super::types::{
    ActionItem, ActionItemConnection, ActionItemStatus, Meeting, MeetingConnection, MeetingStatus,
    Vote, VoteConnection,
};
use crate::directory::people::graphql::Person;
use crate::error::{AppError, AppResult};
use crate::graphql::connection::selects;
use crate::graphql::context::{actor, loaders, state};
use crate::graphql::loaders::prime;
use crate::graphql::scalars::Date;
use crate::ids;
use crate::pagination::{PageRequest, complexity};
use crate::records::action_items::{self, ActionItemFilter, Assignee};
use crate::records::meetings::{self, MeetingFilter};
use crate::records::reports::{self, Period};
use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use entity::person;
use tokio::sync::OnceCell;

/// Which meetings to list.
#[derive(InputObject, Default)]
pub struct MeetingFilterInput {
    /// Meetings of this body only.
    body_id: Option<ID>,
    /// Meetings starting at or after this instant.
    from: Option<DateTime<Utc>>,
    /// Meetings starting before this instant.
    to: Option<DateTime<Utc>>,
    /// Meetings in one of these statuses (all when absent or empty).
    statuses: Option<Vec<MeetingStatus>>,
}

/// Which action items to list.
#[derive(InputObject, Default)]
pub struct ActionItemFilterInput {
    /// Items of this body only.
    body_id: Option<ID>,
    /// Items assigned to this person.
    assignee_person_id: Option<ID>,
    /// Items assigned to this organization.
    assignee_organization_id: Option<ID>,
    /// Items in one of these statuses; open ones (`OPEN`, `IN_PROGRESS`) when absent or empty.
    statuses: Option<Vec<ActionItemStatus>>,
    /// Items due on or before this date.
    due_by: Option<Date>,
}

/// The first instant of `date` in `zone`.
fn start_of(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    zone.from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |at| at.with_timezone(&Utc))
}

/// Queries of the records.
#[derive(Default)]
pub struct RecordsQuery;

#[Object]
impl RecordsQuery {
    /// Meetings the viewer may see, in order of start. The public sees the
    /// meetings of public bodies.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which meetings; all visible ones when absent.")] filter: Option<
            MeetingFilterInput,
        >,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<MeetingConnection> {
        let request = PageRequest::new(first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        if let (Some(from), Some(to)) = (filter.from, filter.to)
            && to <= from
        {
            return Err(AppError::bad_input("filter.to", "must be after `from`").into());
        }
        let parsed = MeetingFilter {
            body_id: filter
                .body_id
                .as_ref()
                .map(|id| ids::decode_as(id, "Body", "filter.bodyId"))
                .transpose()?,
            from: filter.from,
            to: filter.to,
            statuses: filter
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        let page = meetings::meetings(&state(ctx)?.db, actor(ctx)?, parsed, &request).await?;
        let rows: Vec<_> = page.items.iter().map(|m| m.meeting.clone()).collect();
        prime_meetings(ctx, &rows, &Selection::connection(ctx)).await?;
        Ok(MeetingConnection::from_page(page, Meeting::from))
    }

    /// One meeting with its agenda, attendance, quorum, motions and votes,
    /// minutes and action items. `NOT_FOUND` when it does not exist or the
    /// viewer may not see it.
    async fn meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting's id.")] id: ID,
    ) -> Result<Meeting> {
        let id = ids::decode_as(&id, "Meeting", "id")?;
        Ok(primed_meeting(ctx, id).await?)
    }

    /// Action items the viewer may see, soonest due first: by default the
    /// open ones, of every body, for every assignee.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn action_items(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which items; open ones when absent.")] filter: Option<
            ActionItemFilterInput,
        >,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<ActionItemConnection> {
        let request = PageRequest::new(first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let assignee = match (&filter.assignee_person_id, &filter.assignee_organization_id) {
            (Some(_), Some(_)) => {
                return Err(AppError::bad_input(
                    "filter.assigneeOrganizationId",
                    "filter by a person or an organization, not both",
                )
                .into());
            }
            (Some(id), None) => Some(Assignee::Person(ids::decode_as(
                id,
                "Person",
                "filter.assigneePersonId",
            )?)),
            (None, Some(id)) => Some(Assignee::Organization(ids::decode_as(
                id,
                "Organization",
                "filter.assigneeOrganizationId",
            )?)),
            (None, None) => None,
        };
        let parsed = ActionItemFilter {
            body_id: filter
                .body_id
                .as_ref()
                .map(|id| ids::decode_as(id, "Body", "filter.bodyId"))
                .transpose()?,
            assignee,
            statuses: filter
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            due_by: filter.due_by.map(|date| date.0),
        };
        let page =
            action_items::action_items(&state(ctx)?.db, actor(ctx)?, parsed, &request).await?;
        let loaders = loaders(ctx)?;
        if selects(ctx, "assignee") {
            prime(
                &loaders.people.people,
                page.items.iter().filter_map(|i| i.item.assignee_person_id),
            )
            .await?;
            prime(
                &loaders.accounts.organizations,
                page.items
                    .iter()
                    .filter_map(|i| i.item.assignee_organization_id),
            )
            .await?;
        }
        if selects(ctx, "body") || selects(ctx, "overdue") {
            prime(
                &loaders.people.bodies,
                page.items.iter().map(|i| i.item.body_id),
            )
            .await?;
        }
        if selects(ctx, "meeting") {
            prime(
                &loaders.records.meetings,
                page.items.iter().map(|i| i.item.meeting_id),
            )
            .await?;
        }
        if selects(ctx, "reviews") {
            prime(
                &loaders.records.reviews,
                page.items.iter().map(|i| i.item.id),
            )
            .await?;
        }
        Ok(ActionItemConnection::from_page(page, ActionItem::from))
    }

    /// A person's attendance and votes over a period (dates in the
    /// coalition's time zone, both included), from the meetings the viewer
    /// may see.
    async fn voting_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person.")] person_id: ID,
        #[graphql(desc = "First day of the period.")] from: Date,
        #[graphql(desc = "Last day of the period.")] to: Date,
    ) -> Result<VotingRecord> {
        let (from, to) = (from.0, to.0);
        if to < from {
            return Err(AppError::bad_input("to", "must not be before `from`").into());
        }
        let id = ids::decode_as(&person_id, "Person", "personId")?;
        let zone = state(ctx)?.time_zone;
        let period = Period {
            from: start_of(from, zone),
            to: start_of(to.succ_opt().unwrap_or(to), zone),
        };
        let person = reports::person(&state(ctx)?.db, actor(ctx)?, id).await?;
        Ok(VotingRecord {
            person,
            from,
            to,
            period,
            rate: OnceCell::new(),
        })
    }
}

/// A person's record over a period: attendance and votes, from the meetings
/// the viewer may see.
pub struct VotingRecord {
    person: person::Model,
    from: NaiveDate,
    to: NaiveDate,
    period: Period,
    /// Computed once, by the first of the attendance fields selected.
    rate: OnceCell<reports::AttendanceRate>,
}

/// A person's record over a period: attendance and votes, from the meetings
/// the viewer may see.
#[Object]
impl VotingRecord {
    /// The person.
    async fn person(&self) -> Person {
        Person(self.person.clone())
    }
    /// First day of the period.
    async fn from(&self) -> Date {
        self.from.into()
    }
    /// Last day of the period.
    async fn to(&self) -> Date {
        self.to.into()
    }
    /// Held meetings of bodies the person sat on that day.
    async fn meetings_expected(&self, ctx: &Context<'_>) -> Result<i32> {
        Ok(self.rate(ctx).await?.expected)
    }
    /// Of those, the ones they took part in (present, remote or late).
    async fn meetings_attended(&self, ctx: &Context<'_>) -> Result<i32> {
        Ok(self.rate(ctx).await?.attended)
    }
    /// Attended divided by expected, from 0 to 1; null when no meeting was expected.
    async fn attendance_rate(&self, ctx: &Context<'_>) -> Result<Option<f64>> {
        let rate = self.rate(ctx).await?;
        Ok((rate.expected > 0).then(|| f64::from(rate.attended) / f64::from(rate.expected)))
    }
    /// Their votes in the period, oldest first.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn votes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<VoteConnection> {
        let request = PageRequest::new(first, after, last, before)?;
        let db = &state(ctx)?.db;
        let actor = actor(ctx)?;
        let page = reports::votes(db, actor, self.person.id, self.period, &request).await?;
        let loaders = loaders(ctx)?;
        if selects(ctx, "motion") {
            prime(
                &loaders.records.motions,
                page.items.iter().map(|v| v.vote.motion_id),
            )
            .await?;
        }
        Ok(VoteConnection::from_page(page, |v| {
            Vote::new(v.vote, v.access)
        }))
    }
}

impl VotingRecord {
    async fn rate(&self, ctx: &Context<'_>) -> AppResult<reports::AttendanceRate> {
        let db = &state(ctx)?.db;
        let actor = actor(ctx)?;
        self.rate
            .get_or_try_init(|| reports::attendance_rate(db, actor, self.person.id, self.period))
            .await
            .copied()
    }
}
