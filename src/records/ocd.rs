//! `GET /ocd/{slug}.json`: a public body's records in Open Civic Data shapes,
//! for civic-tech tools that read Legistar-like data: the body as an
//! organization, its meetings as events (with the agenda once published),
//! and its decided motions as vote events with the roll call. Only what the
//! public reads goes out, decided by [`crate::policy`] as for any reader:
//! unpublished agendas and unpublished minutes never do. One statement per
//! table, whatever the number of meetings. Every object names its sources
//! (this export and the body's calendar, at the configured public URL) and
//! the coalition's jurisdiction, so that OCD tools (pupa) load it; a
//! meeting's legislative session is its year, the term of the body's records.

use super::access;
use super::calendar::{failure, kind_name, public_reader};
use super::domain::{local_date, local_time};
use super::minutes_text;
use super::motions::{MotionResult, Tally, result, votes_of};
use crate::auth::Actor;
use crate::error::AppResult;
use crate::policy::{self, RecordsAccess};
use crate::publication::Publication;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use entity::agenda_item::{self, AgendaItemKind};
use entity::body::{self, BodyKind};
use entity::meeting::{self, MeetingKind, MeetingStatus};
use entity::minutes;
use entity::motion;
use entity::vote::{self, VoteChoice};
use entity::{agenda_document, person};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

fn organization_id(id: Uuid) -> String {
    format!("ocd-organization/{id}")
}

fn event_id(id: Uuid) -> String {
    format!("ocd-event/{id}")
}

/// The legislative session of a meeting: its year where it is held.
fn session(m: &meeting::Model) -> String {
    local_date(m.starts_at, &m.time_zone).year().to_string()
}

fn utc(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// OCD has no advisory group: it is a commission in all but name.
fn organization_classification(kind: BodyKind) -> &'static str {
    match kind {
        BodyKind::Commission | BodyKind::AdvisoryGroup => "commission",
        BodyKind::Committee | BodyKind::WelcomingCommittee => "committee",
    }
}

/// A community dialogue takes the public's testimony, as a hearing does.
fn event_classification(kind: MeetingKind) -> &'static str {
    match kind {
        MeetingKind::Regular | MeetingKind::Special => "committee-meeting",
        MeetingKind::CommunityDialogue => "hearing",
        MeetingKind::Workshop => "workshop",
    }
}

fn event_status(status: MeetingStatus) -> &'static str {
    match status {
        MeetingStatus::Scheduled => "confirmed",
        MeetingStatus::Held => "passed",
        MeetingStatus::Cancelled | MeetingStatus::Postponed => "cancelled",
    }
}

fn item_classification(kind: AgendaItemKind) -> &'static str {
    match kind {
        AgendaItemKind::Information => "information",
        AgendaItemKind::Discussion => "discussion",
        AgendaItemKind::Action => "action",
        AgendaItemKind::PublicComment => "public comment",
    }
}

fn vote_option(choice: VoteChoice) -> &'static str {
    match choice {
        VoteChoice::Yes => "yes",
        VoteChoice::No => "no",
        VoteChoice::Abstain => "abstain",
        VoteChoice::Recused => "not voting",
    }
}

/// Everything the export reads, one statement per table.
struct Records {
    site: Publication,
    access: RecordsAccess,
    body: body::Model,
    meetings: Vec<meeting::Model>,
    items: Vec<agenda_item::Model>,
    documents: Vec<agenda_document::Model>,
    minutes: Vec<minutes::Model>,
    motions: Vec<motion::Model>,
    votes: HashMap<Uuid, Vec<vote::Model>>,
    names: HashMap<Uuid, String>,
}

impl Records {
    async fn load(
        db: &impl ConnectionTrait,
        site: &Publication,
        actor: &Actor,
        slug: &str,
    ) -> AppResult<Self> {
        let found = access::body_by_slug(db, actor, slug).await?;
        let access = found.access;
        let meetings = meeting::Entity::find()
            .filter(meeting::Column::BodyId.eq(found.body.id))
            .order_by_asc(meeting::Column::StartsAt)
            .order_by_asc(meeting::Column::Id)
            .all(db)
            .await?;
        let all: Vec<Uuid> = meetings.iter().map(|m| m.id).collect();
        let with_agenda: Vec<Uuid> = meetings
            .iter()
            .filter(|m| policy::may_read_agenda(access, m.agenda_published_at.is_some()))
            .map(|m| m.id)
            .collect();
        let items = agenda_item::Entity::find()
            .filter(agenda_item::Column::MeetingId.is_in(with_agenda.clone()))
            .order_by_asc(agenda_item::Column::Position)
            .all(db)
            .await?;
        let documents = agenda_document::Entity::find()
            .filter(agenda_document::Column::AgendaItemId.is_in(items.iter().map(|i| i.id)))
            .order_by_asc(agenda_document::Column::Position)
            .all(db)
            .await?;
        let minutes = minutes::Entity::find()
            .filter(minutes::Column::MeetingId.is_in(all))
            .order_by_asc(minutes::Column::Number)
            .all(db)
            .await?
            .into_iter()
            .filter(|m| policy::may_read_minutes(access, m.status))
            .collect();
        let motions = motion::Entity::find()
            .filter(motion::Column::MeetingId.is_in(with_agenda))
            .order_by_asc(motion::Column::CreatedAt)
            .order_by_asc(motion::Column::Id)
            .all(db)
            .await?;
        let votes = votes_of(db, motions.iter().map(|m| m.id)).await?;
        let voters: HashSet<Uuid> = votes.values().flatten().map(|v| v.person_id).collect();
        let names = person::Entity::find()
            .filter(person::Column::Id.is_in(voters))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        Ok(Records {
            site: site.clone(),
            access,
            body: found.body,
            meetings,
            items,
            documents,
            minutes,
            motions,
            votes,
            names,
        })
    }

    fn agenda(&self, m: &meeting::Model) -> Vec<Value> {
        self.items
            .iter()
            .filter(|i| i.meeting_id == m.id)
            .map(|i| {
                json!({
                    "order": i.position.to_string(),
                    "description": i.title,
                    "classification": [item_classification(i.kind)],
                    "related_entities": [],
                    "notes": if i.description.is_empty() { vec![] } else { vec![i.description.clone()] },
                    "media": [],
                    "subjects": [],
                })
            })
            .collect()
    }

    /// The agenda's documents, then the meeting's published minutes with the
    /// address of their text.
    fn documents(&self, m: &meeting::Model) -> Vec<Value> {
        let items: HashSet<Uuid> = self
            .items
            .iter()
            .filter(|i| i.meeting_id == m.id)
            .map(|i| i.id)
            .collect();
        let attached = self
            .documents
            .iter()
            .filter(|d| items.contains(&d.agenda_item_id))
            .map(|d| {
                json!({
                    "note": d.title,
                    "date": "",
                    "links": [{ "url": d.url, "media_type": "" }],
                })
            });
        let minutes = self
            .minutes
            .iter()
            .filter(|n| n.meeting_id == m.id)
            .map(|n| {
                let note = match n.number {
                    0 => "Minutes".to_owned(),
                    k => format!("Correction {k} of the minutes"),
                };
                let date = n
                    .published_at
                    .map(|at| local_date(at, &m.time_zone).to_string());
                let url = format!("{}{}", self.site.base_url, minutes_text::path(n.id));
                json!({
                    "note": note,
                    "date": date.unwrap_or_default(),
                    "links": [{ "url": url, "media_type": "text/plain" }],
                })
            });
        attached.chain(minutes).collect()
    }

    /// Where the body's records come from: this export and its calendar.
    fn sources(&self) -> Value {
        let base = &self.site.base_url;
        let slug = &self.body.slug;
        json!([
            { "url": format!("{base}/ocd/{slug}.json"), "note": "Open Civic Data export" },
            { "url": format!("{base}/calendar/{slug}.ics"), "note": "iCalendar feed" },
        ])
    }

    fn event(&self, m: &meeting::Model) -> Value {
        let mut description = vec![kind_name(m.kind).to_owned()];
        description.extend(m.status_note.clone());
        let mut event = json!({
            "id": event_id(m.id),
            "name": format!("{}: {}", self.body.name, m.title),
            "description": description.join(". "),
            "classification": event_classification(m.kind),
            "start_date": local_time(m.starts_at, &m.time_zone),
            "end_date": local_time(m.ends_at, &m.time_zone),
            "all_day": false,
            "timezone": m.time_zone,
            "status": event_status(m.status),
            "location": {
                "name": m.location.as_deref().unwrap_or("Online"),
            },
            "documents": self.documents(m),
            "links": m.remote_url.iter().map(|url| json!({ "note": "Join online", "url": url })).collect::<Vec<_>>(),
            "sources": self.sources(),
            "jurisdiction": self.site.jurisdiction,
            "legislative_session": session(m),
            "created_at": utc(m.created_at),
            "updated_at": utc(m.updated_at),
        });
        // pupa's `uri` format refuses a null: no address, no field.
        if let Some(url) = &m.remote_url {
            event["location"]["url"] = json!(url);
        }
        if policy::may_read_agenda(self.access, m.agenda_published_at.is_some()) {
            event["agenda"] = Value::Array(self.agenda(m));
        }
        event
    }

    /// A decided motion's vote event; none for a motion never voted on.
    fn vote_event(&self, m: &motion::Model, number: usize) -> Option<Value> {
        let votes = self.votes.get(&m.id).map(Vec::as_slice).unwrap_or_default();
        let tally = Tally::of(votes);
        let outcome = match result(m, &tally) {
            MotionResult::Passed => "pass",
            MotionResult::Failed => "fail",
            MotionResult::Pending | MotionResult::Tabled | MotionResult::Withdrawn => return None,
        };
        let meeting = self.meetings.iter().find(|x| x.id == m.meeting_id)?;
        let date = local_date(meeting.starts_at, &meeting.time_zone);
        let counts = [
            ("yes", tally.yes),
            ("no", tally.no),
            ("abstain", tally.abstain),
            ("not voting", tally.recused),
        ]
        .map(|(option, value)| json!({ "option": option, "value": value }));
        let roll: Vec<Value> = votes
            .iter()
            .map(|v| {
                json!({
                    "option": vote_option(v.choice),
                    "voter_name": self.names.get(&v.person_id).cloned().unwrap_or_default(),
                    "voter_id": format!("ocd-person/{}", v.person_id),
                })
            })
            .collect();
        let classification = if m.amends_motion_id.is_some() {
            "amendment"
        } else {
            "passage"
        };
        Some(json!({
            "id": format!("ocd-vote/{}", m.id),
            "identifier": format!("{date}-{number}"),
            "motion_text": m.text,
            "motion_classification": [classification],
            "start_date": local_time(meeting.starts_at, &meeting.time_zone),
            "result": outcome,
            "organization": organization_id(self.body.id),
            "event_id": event_id(meeting.id),
            "legislative_session": session(meeting),
            "jurisdiction": self.site.jurisdiction,
            "sources": self.sources(),
            "counts": counts,
            "votes": roll,
        }))
    }

    fn to_json(&self) -> Value {
        let mut numbers: HashMap<Uuid, usize> = HashMap::new();
        let vote_events: Vec<Value> = self
            .motions
            .iter()
            .filter_map(|m| {
                let number = numbers.entry(m.meeting_id).or_default();
                *number += 1;
                self.vote_event(m, *number)
            })
            .collect();
        json!({
            "organization": {
                "id": organization_id(self.body.id),
                "name": self.body.name,
                "classification": organization_classification(self.body.kind),
                "jurisdiction_id": self.site.jurisdiction,
                "sources": self.sources(),
            },
            "events": self.meetings.iter().map(|m| self.event(m)).collect::<Vec<_>>(),
            "vote_events": vote_events,
        })
    }
}

/// The export of the body with this slug, as `actor` may read it.
#[tracing::instrument(skip_all)]
pub async fn export(
    db: &impl ConnectionTrait,
    site: &Publication,
    actor: &Actor,
    slug: &str,
) -> AppResult<Value> {
    Ok(Records::load(db, site, actor, slug).await?.to_json())
}

/// The export route, to be nested under `/ocd`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/{file}", get(document))
        .with_state(state)
}

async fn document(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(slug) = file.strip_suffix(".json") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match export(
        &state.db,
        &state.publication,
        &public_reader(&headers),
        slug,
    )
    .await
    {
        Ok(body) => Json(body).into_response(),
        Err(error) => failure(error),
    }
}
