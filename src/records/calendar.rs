//! `GET /calendar/{slug}.ics`: a public body's meetings as an iCalendar feed
//! (RFC 5545) for calendar apps to subscribe to. Every meeting is one event,
//! whatever became of it: a cancelled or postponed meeting stays in the feed
//! as `STATUS:CANCELLED` so that subscribers see it called off instead of
//! silently vanishing, and the stable `UID` with the meeting's own
//! `SEQUENCE` lets their apps update events in place.

use super::access;
use super::domain::zone;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use entity::body;
use entity::meeting::{self, MeetingKind, MeetingStatus};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// Identifies this service as the calendar's producer.
const PRODID: &str = "-//Coalition//Meeting records//EN";

/// The UID of a meeting's event, stable across feeds and changes.
pub fn uid(m: &meeting::Model) -> String {
    format!("meeting-{}@coalition", m.id)
}

/// What a kind of meeting is called.
pub fn kind_name(kind: MeetingKind) -> &'static str {
    match kind {
        MeetingKind::Regular => "Regular meeting",
        MeetingKind::Special => "Special meeting",
        MeetingKind::CommunityDialogue => "Community dialogue",
        MeetingKind::Workshop => "Workshop",
    }
}

/// What subscribers read about a meeting: its kind and, for one called off,
/// why, and where it moved to.
fn description(m: &meeting::Model, all: &[meeting::Model]) -> String {
    let mut lines = vec![kind_name(m.kind).to_owned()];
    match m.status {
        MeetingStatus::Cancelled => lines.push("Cancelled.".into()),
        MeetingStatus::Postponed => {
            let moved = m
                .rescheduled_to_id
                .and_then(|id| all.iter().find(|other| other.id == id));
            lines.push(match moved {
                Some(to) => format!(
                    "Postponed to {}.",
                    to.starts_at
                        .with_timezone(&zone(&to.time_zone))
                        .format("%A, %B %-d, %Y at %H:%M")
                ),
                None => "Postponed.".into(),
            });
        }
        MeetingStatus::Scheduled | MeetingStatus::Held => {
            lines.extend(
                m.remote_url
                    .as_ref()
                    .map(|url| format!("Join online: {url}")),
            );
        }
    }
    lines.extend(m.status_note.clone());
    lines.join("\n")
}

/// Longest content line, in octets, before it is folded (RFC 5545 §3.1).
const LINE_OCTETS: usize = 75;

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace(['\n', '\r'], "\\n")
}

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Appends `line` folded into physical lines of at most 75 octets, each
/// continuation starting with one space, never inside a character. Breaks
/// fall between two non-blank characters where possible: parsers that trim
/// physical lines (wrong, but common) would drop a space at the break.
fn fold(line: &str, out: &mut String) {
    let blank_at = |text: &str, at: usize| {
        text[..at].ends_with(char::is_whitespace) || text[at..].starts_with(char::is_whitespace)
    };
    let mut rest = line;
    let mut limit = LINE_OCTETS;
    while rest.len() > limit {
        let mut hard = limit;
        while !rest.is_char_boundary(hard) {
            hard -= 1;
        }
        let mut at = hard;
        while at > 0 && blank_at(rest, at) {
            at = rest[..at].char_indices().next_back().map_or(0, |(i, _)| i);
        }
        let at = if at == 0 { hard } else { at };
        out.push_str(&rest[..at]);
        out.push_str("\r\n ");
        rest = &rest[at..];
        limit = LINE_OCTETS - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

/// Content lines being written.
#[derive(Default)]
struct Ics(String);

impl Ics {
    /// A property whose value goes as it is (names, dates, numbers, links).
    /// Control characters are dropped: a line break would end the line and
    /// let the value write properties of its own.
    fn raw(&mut self, name: &str, value: &str) -> &mut Self {
        let value: String = value.chars().filter(|c| !c.is_control()).collect();
        fold(&format!("{name}:{value}"), &mut self.0);
        self
    }

    /// A TEXT property, escaped.
    fn text(&mut self, name: &str, value: &str) -> &mut Self {
        self.raw(name, &escape(value))
    }
}

fn event(ics: &mut Ics, b: &body::Model, m: &meeting::Model, all: &[meeting::Model]) {
    ics.raw("BEGIN", "VEVENT")
        .raw("UID", &uid(m))
        .raw("DTSTAMP", &utc(m.updated_at))
        .raw("DTSTART", &utc(m.starts_at))
        .raw("DTEND", &utc(m.ends_at))
        .raw("SEQUENCE", &m.sequence.to_string())
        .text("SUMMARY", &format!("{}: {}", b.name, m.title))
        .text("DESCRIPTION", &description(m, all));
    if let Some(location) = &m.location {
        ics.text("LOCATION", location);
    }
    if let Some(url) = &m.remote_url {
        ics.raw("URL", url);
    }
    let status = match m.status {
        MeetingStatus::Scheduled | MeetingStatus::Held => "CONFIRMED",
        MeetingStatus::Cancelled | MeetingStatus::Postponed => "CANCELLED",
    };
    ics.raw("STATUS", status).raw("END", "VEVENT");
}

/// The iCalendar text of a body's meetings (CRLF line ends, lines folded at
/// 75 octets, times in UTC). `meetings` are the body's, postponed meetings'
/// new dates among them.
pub fn calendar(b: &body::Model, meetings: &[meeting::Model]) -> String {
    let mut ics = Ics::default();
    ics.raw("BEGIN", "VCALENDAR")
        .raw("VERSION", "2.0")
        .raw("PRODID", PRODID)
        .raw("CALSCALE", "GREGORIAN")
        .raw("METHOD", "PUBLISH")
        .text("X-WR-CALNAME", &b.name)
        .raw("X-WR-TIMEZONE", &b.time_zone);
    for m in meetings {
        event(&mut ics, b, m, meetings);
    }
    ics.raw("END", "VCALENDAR");
    ics.0
}

/// A body's calendar, and when what it shows last changed.
pub struct Feed {
    /// The iCalendar text.
    pub text: String,
    /// The newest change of the body or of one of its meetings (meetings are
    /// never deleted, so this is exact): the feed's `Last-Modified`.
    pub last_modified: DateTime<Utc>,
}

/// The feed of the body with this slug, if the actor may see its records.
#[tracing::instrument(skip_all)]
pub async fn feed(db: &impl ConnectionTrait, actor: &Actor, slug: &str) -> AppResult<Feed> {
    let found = access::body_by_slug(db, actor, slug).await?;
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::BodyId.eq(found.body.id))
        .order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .all(db)
        .await?;
    let last_modified = meetings
        .iter()
        .map(|m| m.updated_at)
        .fold(found.body.updated_at, DateTime::max);
    Ok(Feed {
        text: calendar(&found.body, &meetings),
        last_modified,
    })
}

/// The calendar route, to be nested under `/calendar`.
pub fn router(state: AppState) -> Router {
    Router::new().route("/{file}", get(ics)).with_state(state)
}

/// The request's anonymous actor: feeds are read without credentials, so
/// that calendar apps can subscribe, and show only what the public sees.
pub fn public_reader(headers: &HeaderMap) -> Actor {
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Actor::anonymous(request_id)
}

/// The answer to a feed that failed: 404 for what the public may not see,
/// else a logged 500 that says nothing more.
pub fn failure(error: AppError) -> Response {
    match error {
        AppError::NotFound => StatusCode::NOT_FOUND.into_response(),
        other => {
            tracing::error!(error = %other, "feed failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn ics(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(slug) = file.strip_suffix(".ics") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match feed(&state.db, &public_reader(&headers), slug).await {
        Ok(feed) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/calendar; charset=utf-8"),
                ),
                crate::conditional::last_modified(feed.last_modified),
            ],
            feed.text,
        )
            .into_response(),
        Err(error) => failure(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use entity::body::BodyKind;
    use uuid::Uuid;

    fn commission() -> body::Model {
        let at = Utc::now();
        body::Model {
            id: Uuid::now_v7(),
            slug: "commission".into(),
            name: "Commission on Housing, Health; and Newcomers".into(),
            kind: BodyKind::Commission,
            description: String::new(),
            owning_organization_id: None,
            seats: 11,
            appointing_authority: "Mayor".into(),
            records_public: true,
            holdovers_allowed: true,
            time_zone: "America/New_York".into(),
            created_at: at,
            updated_at: at,
        }
    }

    fn meeting(b: &body::Model, day: u32, status: MeetingStatus) -> meeting::Model {
        let starts = Utc.with_ymd_and_hms(2026, 3, day, 22, 0, 0).unwrap();
        meeting::Model {
            id: Uuid::now_v7(),
            body_id: b.id,
            kind: MeetingKind::Regular,
            title: "Regular meeting".into(),
            starts_at: starts,
            ends_at: starts + chrono::Duration::hours(2),
            time_zone: b.time_zone.clone(),
            location: Some("City Hall, Room 204; 550 Main Street".into()),
            remote_url: Some(
                "https://meet.example.org/a-rather-long-link-to-the-commission-meeting-room".into(),
            ),
            status,
            status_note: None,
            rescheduled_to_id: None,
            agenda_published_at: None,
            sequence: 3,
            created_at: starts,
            updated_at: Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap(),
        }
    }

    /// The unfolded content lines of a calendar.
    fn unfolded(ics: &str) -> Vec<String> {
        ics.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn every_line_ends_in_crlf_and_fits_in_75_octets() {
        let b = commission();
        let ics = calendar(&b, &[meeting(&b, 12, MeetingStatus::Held)]);
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        for line in ics.split_inclusive('\n') {
            assert!(line.ends_with("\r\n"), "{line:?}");
            assert!(
                line.len() - 2 <= 75,
                "{line:?} is {} octets",
                line.len() - 2
            );
        }
    }

    #[test]
    fn an_event_carries_its_uid_times_in_utc_sequence_and_escaped_text() {
        let b = commission();
        let m = meeting(&b, 12, MeetingStatus::Scheduled);
        let lines = unfolded(&calendar(&b, std::slice::from_ref(&m)));
        for expected in [
            "VERSION:2.0".to_owned(),
            format!("PRODID:{PRODID}"),
            "X-WR-CALNAME:Commission on Housing\\, Health\\; and Newcomers".into(),
            "X-WR-TIMEZONE:America/New_York".into(),
            format!("UID:meeting-{}@coalition", m.id),
            "DTSTAMP:20260301T093000Z".into(),
            "DTSTART:20260312T220000Z".into(),
            "DTEND:20260313T000000Z".into(),
            "SEQUENCE:3".into(),
            "SUMMARY:Commission on Housing\\, Health\\; and Newcomers: Regular meeting".into(),
            "LOCATION:City Hall\\, Room 204\\; 550 Main Street".into(),
            "STATUS:CONFIRMED".into(),
            "URL:https://meet.example.org/a-rather-long-link-to-the-commission-meeting-room".into(),
            "DESCRIPTION:Regular meeting\\nJoin online: https://meet.example.org/a-rather-long-link-to-the-commission-meeting-room".into(),
        ] {
            assert!(lines.contains(&expected), "{expected} missing from {lines:#?}");
        }
    }

    #[test]
    fn long_lines_fold_between_non_blank_characters_and_unfold_to_the_same_text() {
        let words = "Réunion extraordinaire: accès aux services, logement; santé ".repeat(6);
        let mut out = String::new();
        fold(&format!("SUMMARY:{words}"), &mut out);
        let physical: Vec<&str> = out.split_inclusive("\r\n").collect();
        assert!(physical.len() > 3);
        for (i, line) in physical.iter().enumerate() {
            let content = line.strip_suffix("\r\n").unwrap();
            assert!(content.len() <= 75, "{content:?}");
            let content = if i == 0 {
                content
            } else {
                content.strip_prefix(' ').unwrap()
            };
            let last = i + 1 == physical.len();
            assert!(last || !content.ends_with(' '), "{content:?}");
            assert!(!content.starts_with(' '), "{content:?}");
        }
        assert_eq!(out.replace("\r\n ", ""), format!("SUMMARY:{words}\r\n"));
        let mut blank = String::new();
        fold(&" ".repeat(200), &mut blank);
        assert_eq!(
            blank.replace("\r\n ", ""),
            format!("{}\r\n", " ".repeat(200))
        );
    }

    #[test]
    fn a_value_cannot_break_out_of_its_line() {
        let b = commission();
        let mut m = meeting(&b, 12, MeetingStatus::Held);
        m.remote_url = Some("https://example.org/\r\nSTATUS:CANCELLED".into());
        m.title = "Line one\nline two".into();
        let lines = unfolded(&calendar(&b, &[m]));
        assert!(lines.contains(&"URL:https://example.org/STATUS:CANCELLED".to_owned()));
        assert!(lines.iter().any(|l| l.ends_with(": Line one\\nline two")));
        assert!(!lines.contains(&"STATUS:CANCELLED".to_owned()));
    }

    #[test]
    fn a_postponed_meeting_is_cancelled_and_says_where_it_moved() {
        let b = commission();
        let moved = meeting(&b, 19, MeetingStatus::Scheduled);
        let mut old = meeting(&b, 12, MeetingStatus::Postponed);
        old.rescheduled_to_id = Some(moved.id);
        old.status_note = Some("The room is closed.".into());
        let lines = unfolded(&calendar(&b, &[old, moved]));
        assert_eq!(lines.iter().filter(|l| *l == "STATUS:CANCELLED").count(), 1);
        let description = "DESCRIPTION:Regular meeting\\nPostponed to Thursday\\, March 19\\, 2026 at 18:00.\\nThe room is closed.";
        assert!(lines.iter().any(|l| l == description), "{lines:#?}");
    }
}
