//! The public feeds of a body's records, against the demo commission: the
//! iCalendar feed read back by an independent parser, the Open Civic Data
//! export, what neither lets out, and the demo records they are built from.

use crate::helpers::TestApp;
use axum::body::Body;
use axum::http::{Request, header};
use chrono::{DateTime, Utc};
use coalition::auth::Actor;
use coalition::directory::people::bodies as people;
use coalition::directory::people::demo::{COMMISSION, NORTHGATE_COMMITTEE, RIVERSIDE_COMMITTEE};
use coalition::pagination::PageRequest;
use coalition::records::meetings::{self, MeetingFilter};
use entity::action_item::{self, ActionItemStatus};
use entity::meeting::{self, MeetingKind, MeetingStatus};
use entity::minutes::{self, MinutesStatus};
use ical::parser::ical::component::IcalEvent;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

async fn commission_meetings(app: &TestApp) -> Vec<meeting::Model> {
    let system = Actor::system();
    let body = people::body_by_slug(&app.state.db, &system, COMMISSION)
        .await
        .expect("the demo commission");
    let filter = MeetingFilter {
        body_id: Some(body.id),
        ..MeetingFilter::default()
    };
    let page = PageRequest::new(Some(100), None, None, None).expect("a page");
    let found = meetings::meetings(&app.state.db, &system, filter, &page)
        .await
        .expect("meetings");
    assert!(!found.has_next_page);
    found.items.into_iter().map(|v| v.meeting).collect()
}

async fn get_text(app: &TestApp, path: &str) -> (u16, String, String) {
    let (status, headers, body) = app
        .request(Request::get(path).body(Body::empty()).expect("request"))
        .await;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status.as_u16(), content_type, body)
}

fn property<'a>(event: &'a IcalEvent, name: &str) -> &'a str {
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
        .unwrap_or_else(|| panic!("event without {name}: {event:?}"))
}

fn ics_time(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The events of a feed, by UID, parsed by a parser other than the generator.
fn parse_events(ics: &str) -> HashMap<String, IcalEvent> {
    let mut calendars = ical::IcalParser::new(ics.as_bytes());
    let calendar = calendars
        .next()
        .expect("one calendar")
        .expect("a valid calendar");
    assert!(calendars.next().is_none(), "exactly one calendar");
    let count = calendar.events.len();
    let events: HashMap<String, IcalEvent> = calendar
        .events
        .into_iter()
        .map(|e| (property(&e, "UID").to_owned(), e))
        .collect();
    assert_eq!(events.len(), count, "every UID is unique");
    events
}

#[tokio::test]
async fn the_commission_calendar_has_each_meeting_once_in_utc_in_short_crlf_lines() {
    let app = TestApp::spawn().await;
    let path = format!("/calendar/{COMMISSION}.ics");
    let (status, content_type, ics) = get_text(&app, &path).await;
    assert_eq!(status, 200, "{ics}");
    assert_eq!(content_type, "text/calendar; charset=utf-8");
    for line in ics.split_inclusive('\n') {
        assert!(line.ends_with("\r\n"), "a line without CRLF: {line:?}");
        assert!(line.len() - 2 <= 75, "{} octets: {line:?}", line.len() - 2);
    }
    assert!(ics.contains("\r\nX-WR-TIMEZONE:America/New_York\r\n"));

    let events = parse_events(&ics);
    let meetings = commission_meetings(&app).await;
    assert_eq!(events.len(), meetings.len());
    for m in &meetings {
        let event = &events[&format!("meeting-{}@coalition", m.id)];
        assert_eq!(property(event, "DTSTART"), ics_time(m.starts_at));
        assert_eq!(property(event, "DTEND"), ics_time(m.ends_at));
        assert_eq!(property(event, "DTSTAMP"), ics_time(m.updated_at));
        assert_eq!(property(event, "SEQUENCE"), m.sequence.to_string());
        let expected = match m.status {
            MeetingStatus::Cancelled | MeetingStatus::Postponed => "CANCELLED",
            MeetingStatus::Scheduled | MeetingStatus::Held => "CONFIRMED",
        };
        assert_eq!(property(event, "STATUS"), expected, "{:?}", m.status);
    }
    let cancelled = meetings
        .iter()
        .find(|m| m.status == MeetingStatus::Cancelled)
        .expect("the demo has a cancelled meeting");
    let event = &events[&format!("meeting-{}@coalition", cancelled.id)];
    assert!(
        property(event, "DESCRIPTION").contains("emergency repairs"),
        "{:?}",
        property(event, "DESCRIPTION")
    );

    let (_, _, again) = get_text(&app, &path).await;
    let first: HashSet<&String> = events.keys().collect();
    let second = parse_events(&again);
    assert_eq!(first, second.keys().collect(), "UIDs are stable");
}

#[tokio::test]
async fn feeds_exist_only_for_bodies_whose_records_are_public() {
    let app = TestApp::spawn().await;
    for path in [
        format!("/calendar/{NORTHGATE_COMMITTEE}.ics"),
        format!("/ocd/{NORTHGATE_COMMITTEE}.json"),
        "/calendar/no-such-body.ics".to_owned(),
        "/ocd/no-such-body.json".to_owned(),
        format!("/calendar/{COMMISSION}.json"),
        format!("/ocd/{COMMISSION}"),
    ] {
        let (status, _, body) = get_text(&app, &path).await;
        assert_eq!(status, 404, "{path}: {body}");
    }
    let (status, _, ics) = get_text(&app, &format!("/calendar/{RIVERSIDE_COMMITTEE}.ics")).await;
    assert_eq!(
        status, 200,
        "a public body without meetings has an empty feed"
    );
    assert!(parse_events(&ics).is_empty());
}

async fn ocd(app: &TestApp, slug: &str) -> Value {
    let (status, json) = app.get_json(&format!("/ocd/{slug}.json")).await;
    assert_eq!(status, 200, "{json}");
    json
}

fn uuid_after<'a>(value: &'a Value, prefix: &str) -> &'a str {
    let id = value.as_str().unwrap_or_default();
    let rest = id
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{id} does not start with {prefix}"));
    assert!(uuid::Uuid::parse_str(rest).is_ok(), "{id}");
    rest
}

#[tokio::test]
async fn the_ocd_export_gives_events_and_vote_events_in_their_shapes() {
    let app = TestApp::spawn().await;
    let export = ocd(&app, COMMISSION).await;
    let organization = &export["organization"];
    uuid_after(&organization["id"], "ocd-organization/");
    assert_eq!(organization["classification"], "commission");

    let meetings: HashMap<String, meeting::Model> = commission_meetings(&app)
        .await
        .into_iter()
        .map(|m| (m.id.to_string(), m))
        .collect();
    let events = export["events"].as_array().expect("events");
    assert_eq!(events.len(), meetings.len());
    for event in events {
        let m = &meetings[uuid_after(&event["id"], "ocd-event/")];
        for field in [
            "name",
            "description",
            "classification",
            "timezone",
            "status",
        ] {
            assert!(event[field].is_string(), "{field} of {event}");
        }
        for field in ["documents", "links", "sources"] {
            assert!(event[field].is_array(), "{field} of {event}");
        }
        let start = DateTime::parse_from_rfc3339(event["start_date"].as_str().unwrap_or(""))
            .expect("an RFC 3339 start");
        assert_eq!(start, m.starts_at);
        assert!([-4 * 3600, -5 * 3600].contains(&start.offset().local_minus_utc()));
        let status = match m.status {
            MeetingStatus::Scheduled => "confirmed",
            MeetingStatus::Held => "passed",
            MeetingStatus::Cancelled | MeetingStatus::Postponed => "cancelled",
        };
        assert_eq!(event["status"], status);
        let classification = if m.kind == MeetingKind::CommunityDialogue {
            "hearing"
        } else {
            "committee-meeting"
        };
        assert_eq!(event["classification"], classification);
        for item in event["agenda"].as_array().into_iter().flatten() {
            for field in [
                "classification",
                "related_entities",
                "notes",
                "media",
                "subjects",
            ] {
                assert!(item[field].is_array(), "{field} of {item}");
            }
            assert!(item["order"].is_string() && item["description"].is_string());
        }
    }

    let vote_events = export["vote_events"].as_array().expect("vote events");
    assert!(vote_events.len() >= 10, "{}", vote_events.len());
    let mut options = HashSet::new();
    let mut results = HashSet::new();
    let mut kinds = HashSet::new();
    for vote_event in vote_events {
        uuid_after(&vote_event["id"], "ocd-vote/");
        let event = uuid_after(&vote_event["event_id"], "ocd-event/");
        assert!(meetings.contains_key(event));
        assert_eq!(vote_event["organization"], organization["id"]);
        results.insert(vote_event["result"].as_str().unwrap_or("").to_owned());
        kinds.insert(
            vote_event["motion_classification"][0]
                .as_str()
                .unwrap_or("")
                .to_owned(),
        );
        let votes = vote_event["votes"].as_array().expect("votes");
        let mut tally: HashMap<&str, u64> = HashMap::new();
        for vote in votes {
            assert!(
                !vote["voter_name"].as_str().unwrap_or("").is_empty(),
                "{vote}"
            );
            uuid_after(&vote["voter_id"], "ocd-person/");
            *tally
                .entry(vote["option"].as_str().unwrap_or(""))
                .or_default() += 1;
        }
        for count in vote_event["counts"].as_array().expect("counts") {
            let option = count["option"].as_str().unwrap_or("");
            options.insert(option.to_owned());
            assert_eq!(
                count["value"].as_u64(),
                Some(tally.get(option).copied().unwrap_or(0)),
                "{option} in {vote_event}"
            );
        }
        assert_eq!(
            tally.values().sum::<u64>(),
            votes.len() as u64,
            "every vote is counted under one of the options"
        );
    }
    let set = |items: &[&str]| {
        items
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<HashSet<_>>()
    };
    assert_eq!(results, set(&["pass", "fail"]));
    assert_eq!(kinds, set(&["passage", "amendment"]));
    assert_eq!(options, set(&["yes", "no", "abstain", "not voting"]));
    assert!(
        vote_events.iter().any(|v| v["votes"]
            .as_array()
            .is_some_and(|votes| votes.iter().any(|x| x["option"] == "not voting"))),
        "a recusal is exported as not voting"
    );
}

#[tokio::test]
async fn the_ocd_export_lets_out_no_unpublished_agenda_or_minutes() {
    let app = TestApp::spawn().await;
    let export = ocd(&app, COMMISSION).await;
    let meetings = commission_meetings(&app).await;
    let minutes = minutes::Entity::find()
        .filter(minutes::Column::MeetingId.is_in(meetings.iter().map(|m| m.id)))
        .all(&app.state.db)
        .await
        .expect("minutes");
    for m in &meetings {
        let event = export["events"]
            .as_array()
            .and_then(|events| {
                events
                    .iter()
                    .find(|e| e["id"] == format!("ocd-event/{}", m.id))
            })
            .expect("the meeting's event");
        assert_eq!(
            event.get("agenda").is_some(),
            m.agenda_published_at.is_some(),
            "an agenda goes out once published: {event}"
        );
        let published = minutes
            .iter()
            .filter(|n| n.meeting_id == m.id && n.status == MinutesStatus::Published)
            .count();
        let listed = event["documents"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["note"].as_str().is_some_and(|n| n.contains("inutes")))
            .count();
        assert_eq!(
            listed, published,
            "only published minutes are listed: {event}"
        );
    }
    assert!(
        meetings.iter().any(|m| m.agenda_published_at.is_none()),
        "the demo has an agenda in preparation"
    );
    assert!(
        !export.to_string().contains("called the meeting to order"),
        "the text of minutes is not part of the export"
    );
}

#[tokio::test]
async fn the_ocd_export_reads_each_table_once_whatever_the_number_of_meetings() {
    let app = TestApp::spawn().await;
    let before = app.statements();
    ocd(&app, RIVERSIDE_COMMITTEE).await;
    let empty = app.statements() - before;
    let before = app.statements();
    ocd(&app, COMMISSION).await;
    assert_eq!(app.statements() - before, empty);
}

#[tokio::test]
async fn the_demo_has_meetings_and_minutes_in_every_status() {
    let app = TestApp::spawn().await;
    let meetings = commission_meetings(&app).await;
    let statuses: HashSet<MeetingStatus> = meetings.iter().map(|m| m.status).collect();
    assert_eq!(statuses.len(), 4, "{statuses:?}");
    let held = meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Held && m.kind == MeetingKind::Regular)
        .count();
    assert!((9..=12).contains(&held), "{held} regular meetings held");
    let upcoming = meetings.iter().filter(|m| m.starts_at > Utc::now()).count();
    assert!(upcoming >= 2, "{upcoming} upcoming meetings");
    assert!(
        meetings
            .iter()
            .any(|m| m.kind == MeetingKind::CommunityDialogue)
    );

    let minutes = minutes::Entity::find()
        .filter(minutes::Column::MeetingId.is_in(meetings.iter().map(|m| m.id)))
        .all(&app.state.db)
        .await
        .expect("minutes");
    let statuses: HashSet<MinutesStatus> = minutes.iter().map(|m| m.status).collect();
    assert_eq!(statuses.len(), 3, "{statuses:?}");
    assert!(
        minutes
            .iter()
            .any(|m| m.number > 0 && m.status == MinutesStatus::Published),
        "a published correction"
    );

    let today = Utc::now().date_naive();
    let items = action_item::Entity::find()
        .all(&app.state.db)
        .await
        .expect("action items");
    let statuses: HashSet<ActionItemStatus> = items.iter().map(|i| i.status).collect();
    for status in [ActionItemStatus::Done, ActionItemStatus::InProgress] {
        assert!(statuses.contains(&status), "{status:?}");
    }
    assert!(
        items
            .iter()
            .any(|i| i.status == ActionItemStatus::Open && i.due_on < today),
        "an open action item past due"
    );

    coalition::records::demo::seed(&app.state.db)
        .await
        .expect("a second load");
    assert_eq!(
        commission_meetings(&app).await.len(),
        meetings.len(),
        "loading the demo records again adds nothing"
    );
}

/// The path of a URL under the test app's public base URL.
fn local_path(app: &TestApp, url: &Value) -> String {
    let url = url.as_str().unwrap_or_else(|| panic!("a URL: {url}"));
    url.strip_prefix(&app.state.publication.base_url)
        .unwrap_or_else(|| panic!("{url} is not under the public URL"))
        .to_owned()
}

#[tokio::test]
async fn every_ocd_object_names_its_sources_jurisdiction_and_session_and_they_answer() {
    let app = TestApp::spawn().await;
    let export = ocd(&app, COMMISSION).await;
    let jurisdiction = &app.state.publication.jurisdiction;
    assert_eq!(export["organization"]["jurisdiction_id"], *jurisdiction);
    let events = export["events"].as_array().expect("events");
    let votes = export["vote_events"].as_array().expect("vote events");
    assert!(!events.is_empty() && !votes.is_empty());
    for object in events.iter().chain(votes) {
        assert_eq!(object["jurisdiction"], *jurisdiction, "{object}");
        let year = &object["start_date"].as_str().expect("a start")[..4];
        assert_eq!(object["legislative_session"], year, "{object}");
    }
    let mut sources = HashSet::new();
    for object in events.iter().chain(votes).chain([&export["organization"]]) {
        let listed = object["sources"].as_array().expect("sources");
        assert!(!listed.is_empty(), "{object}");
        sources.extend(listed.iter().map(|s| local_path(&app, &s["url"])));
    }
    assert!(sources.contains(&format!("/ocd/{COMMISSION}.json")));
    assert!(sources.contains(&format!("/calendar/{COMMISSION}.ics")));
    for path in sources {
        let (status, _, _) = get_text(&app, &path).await;
        assert_eq!(status, 200, "{path}");
    }
}

#[tokio::test]
async fn published_minutes_have_a_public_address_and_drafts_have_none() {
    let app = TestApp::spawn().await;
    let export = ocd(&app, COMMISSION).await;
    let meetings = commission_meetings(&app).await;
    let all = minutes::Entity::find()
        .filter(minutes::Column::MeetingId.is_in(meetings.iter().map(|m| m.id)))
        .all(&app.state.db)
        .await
        .expect("minutes");
    let published: Vec<_> = all
        .iter()
        .filter(|n| n.status == MinutesStatus::Published)
        .collect();
    assert!(!published.is_empty(), "the demo publishes minutes");
    let links: Vec<String> = export["events"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["documents"].as_array().into_iter().flatten())
        .filter(|d| d["note"].as_str().is_some_and(|n| n.contains("inutes")))
        .flat_map(|d| d["links"].as_array().into_iter().flatten())
        .map(|l| local_path(&app, &l["url"]))
        .collect();
    for n in &published {
        let path = format!("/minutes/{}.txt", n.id);
        assert!(links.contains(&path), "{path} not linked from {links:?}");
        let (status, content_type, text) = get_text(&app, &path).await;
        assert_eq!(status, 200, "{path}");
        assert!(content_type.starts_with("text/plain"), "{content_type}");
        let last = coalition::records::minutes::revisions_of(&app.state.db, n.id)
            .await
            .expect("revisions")
            .pop()
            .expect("a revision");
        assert_eq!(text, last.text);
    }
    let unpublished: Vec<_> = all
        .iter()
        .filter(|n| n.status != MinutesStatus::Published)
        .collect();
    assert!(!unpublished.is_empty(), "the demo has draft minutes");
    for n in unpublished {
        let path = format!("/minutes/{}.txt", n.id);
        assert!(!links.contains(&path), "{path} is linked");
        assert_eq!(get_text(&app, &path).await.0, 404, "{path}");
    }
    for path in [
        "/minutes/not-an-id.txt",
        "/minutes/0190ab00-0000-7000-8000-000000000000",
    ] {
        assert_eq!(get_text(&app, path).await.0, 404, "{path}");
    }
}
