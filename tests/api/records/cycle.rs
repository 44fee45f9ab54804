//! The meeting cycle end to end: scheduling in local time, the agenda and
//! its order, postponement, action items across meetings, a person's voting
//! record, and the cost of reading a full meeting.

use super::{Board, at, id};
use crate::helpers::TestApp;
use serde_json::{Value, json};

#[tokio::test]
async fn a_meeting_is_scheduled_in_local_time_and_shown_in_utc_and_local_time() {
    let app = TestApp::spawn().await;
    let clerk = app.token("clerk@demo.test").await;
    let body = app
        .graphql(
            None,
            "{ body(slug: \"commission-on-immigrant-and-refugee-affairs\") { id } }",
            json!({}),
        )
        .await
        .data("body.id")
        .as_str()
        .expect("body")
        .to_owned();
    let answer = app
        .graphql(
            Some(&clerk),
            "mutation($body: ID!) { scheduleMeeting(input: {bodyId: $body, kind: REGULAR, startsAt: \"2027-01-14T18:00\", endsAt: \"2027-01-14T20:00\", location: \"City Hall\"}) { startsAt localStartsAt timeZone status agendaPublished } }",
            json!({ "body": body }),
        )
        .await;
    assert_eq!(
        answer.data("scheduleMeeting.startsAt"),
        "2027-01-14T23:00:00+00:00"
    );
    assert_eq!(
        answer.data("scheduleMeeting.localStartsAt"),
        "2027-01-14T18:00:00-05:00"
    );
    assert_eq!(answer.data("scheduleMeeting.timeZone"), "America/New_York");
    assert_eq!(answer.data("scheduleMeeting.status"), "SCHEDULED");
    let bad = app
        .graphql(
            Some(&clerk),
            "mutation($body: ID!) { scheduleMeeting(input: {bodyId: $body, kind: REGULAR, startsAt: \"2027-03-14T02:30\", endsAt: \"2027-03-14T01:00\"}) { id } }",
            json!({ "body": body }),
        )
        .await;
    assert_eq!(bad.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        bad.body["errors"][0]["extensions"]["field"],
        "input.startsAt"
    );
}

#[tokio::test]
async fn the_agenda_is_reordered_in_one_change_naming_every_item() {
    let board = Board::new(3, 3).await;
    let meeting = board.meeting(-24).await;
    let a = board.item(&meeting, "Call to order", "INFORMATION").await;
    let b = board
        .item(&meeting, "Public comment", "PUBLIC_COMMENT")
        .await;
    let c = board.item(&meeting, "Adopt", "ACTION").await;
    let reorder = "mutation($m: ID!, $ids: [ID!]!) { reorderAgenda(input: {meetingId: $m, itemIds: $ids}) { agenda { id number documents { title url } } } }";
    let missing = board
        .clerk(reorder, json!({ "m": meeting, "ids": [c, a] }))
        .await;
    assert_eq!(missing.error_code(), "BAD_USER_INPUT");
    let twice = board
        .clerk(reorder, json!({ "m": meeting, "ids": [c, a, a] }))
        .await;
    assert_eq!(twice.error_code(), "BAD_USER_INPUT");
    let answer = board
        .clerk(reorder, json!({ "m": meeting, "ids": [c, a, b] }))
        .await;
    let agenda = answer
        .data("reorderAgenda.agenda")
        .as_array()
        .expect("agenda")
        .clone();
    let order: Vec<(&str, i64)> = agenda
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap_or(""),
                i["number"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        order,
        vec![(c.as_str(), 1), (a.as_str(), 2), (b.as_str(), 3)]
    );
    assert_eq!(
        agenda[0]["documents"][0]["url"],
        "https://example.org/report.pdf"
    );
    let removed = board
        .clerk(
            "mutation($i: ID!) { removeAgendaItem(input: {itemId: $i}) { agenda { id number } } }",
            json!({ "i": a }),
        )
        .await;
    assert_eq!(
        removed.data("removeAgendaItem.agenda"),
        &json!([{ "id": c, "number": 1 }, { "id": b, "number": 2 }])
    );
}

#[tokio::test]
async fn a_postponed_meeting_points_at_its_new_date_with_the_agenda_copied() {
    let board = Board::new(3, 3).await;
    let meeting = board.meeting(-24).await;
    board.item(&meeting, "Adopt", "ACTION").await;
    board.publish(&meeting).await;
    let answer = board
        .clerk(
            "mutation($m: ID!, $s: String!, $e: String!) { postponeMeeting(input: {meetingId: $m, startsAt: $s, endsAt: $e, reason: \"Snow storm\"}) { status statusNote rescheduledTo { status startsAt agendaPublished agenda { title } } } }",
            json!({ "m": meeting, "s": at(24 * 8), "e": at(24 * 8 + 2) }),
        )
        .await;
    assert_eq!(answer.data("postponeMeeting.status"), "POSTPONED");
    assert_eq!(answer.data("postponeMeeting.statusNote"), "Snow storm");
    assert_eq!(
        answer.data("postponeMeeting.rescheduledTo.status"),
        "SCHEDULED"
    );
    assert_eq!(
        answer.data("postponeMeeting.rescheduledTo.agendaPublished"),
        false
    );
    assert_eq!(
        answer.data("postponeMeeting.rescheduledTo.agenda.0.title"),
        "Adopt"
    );
    let again = board
        .clerk(
            "mutation($m: ID!) { cancelMeeting(input: {meetingId: $m, reason: \"x\"}) { status } }",
            json!({ "m": meeting }),
        )
        .await;
    assert_eq!(again.error_code(), "CONFLICT");
}

const ITEMS: &str = "query($person: ID!) { actionItems(filter: {assigneePersonId: $person}) { totalCount nodes { description status dueOn overdue assignee { ... on Person { id } } reviews { update status meeting { id } } meeting { kind } } } }";

#[tokio::test]
async fn action_items_are_reviewed_at_later_meetings_and_listed_by_due_date() {
    let board = Board::new(3, 3).await;
    let dialogue = board.meeting(72).await;
    let yesterday = chrono::Utc::now().date_naive().pred_opt();
    board.hold(&dialogue).await;
    let create = "mutation($m: ID!, $d: String!, $p: ID, $o: ID, $due: Date!) { createActionItem(input: {meetingId: $m, description: $d, assigneePersonId: $p, assigneeOrganizationId: $o, dueOn: $due}) { id status } }";
    let person = &board.members[0];
    let later = board
        .clerk(
            create,
            json!({ "m": dialogue, "d": "Translate the guide", "p": person, "due": "2099-06-30" }),
        )
        .await;
    let later = id(&later, "createActionItem.id");
    board
        .clerk(
            create,
            json!({ "m": dialogue, "d": "Map ESL classes", "p": person, "due": yesterday }),
        )
        .await
        .data("createActionItem");
    let org = board.app.org_id("adult-esl-center").await;
    board
        .clerk(
            create,
            json!({ "m": dialogue, "d": "Host a clinic", "o": org, "due": "2099-01-01" }),
        )
        .await
        .data("createActionItem");
    let neither = board
        .clerk(
            create,
            json!({ "m": dialogue, "d": "Nobody's job", "due": "2099-01-01" }),
        )
        .await;
    assert_eq!(neither.error_code(), "BAD_USER_INPUT");

    let listed = board
        .app
        .graphql(None, ITEMS, json!({ "person": person }))
        .await;
    assert_eq!(listed.data("actionItems.totalCount"), 2);
    assert_eq!(
        listed.data("actionItems.nodes.0.description"),
        "Map ESL classes",
        "soonest due first"
    );
    assert_eq!(listed.data("actionItems.nodes.0.overdue"), true);
    assert_eq!(
        listed.data("actionItems.nodes.1.assignee.id"),
        person.as_str()
    );

    let review = "mutation($i: ID!, $m: ID!, $u: String!, $s: ActionItemStatus) { reviewActionItem(input: {actionItemId: $i, meetingId: $m, update: $u, status: $s}) { status reviews { update } } }";
    let same = board
        .clerk(
            review,
            json!({ "i": later, "m": dialogue, "u": "Too soon" }),
        )
        .await;
    assert_eq!(
        same.error_code(),
        "BAD_USER_INPUT",
        "reviews come at later meetings"
    );
    let first = board.meeting(20).await;
    let second = board.meeting(10).await;
    board
        .clerk(
            review,
            json!({ "i": later, "m": first, "u": "Translator hired", "s": "IN_PROGRESS" }),
        )
        .await
        .data("reviewActionItem");
    let twice = board
        .clerk(review, json!({ "i": later, "m": first, "u": "Again" }))
        .await;
    assert_eq!(twice.error_code(), "CONFLICT");
    let done = board
        .clerk(
            review,
            json!({ "i": later, "m": second, "u": "Guide printed in 6 languages", "s": "DONE" }),
        )
        .await;
    assert_eq!(done.data("reviewActionItem.status"), "DONE");
    assert_eq!(
        done.data("reviewActionItem.reviews"),
        &json!([{ "update": "Translator hired" }, { "update": "Guide printed in 6 languages" }])
    );
    let open = board
        .app
        .graphql(None, ITEMS, json!({ "person": person }))
        .await;
    assert_eq!(
        open.data("actionItems.totalCount"),
        1,
        "done items leave the open list"
    );
    let reviewed = board
        .app
        .graphql(
            None,
            "query($m: ID!) { meeting(id: $m) { actionItemReviews { update actionItem { description } } } }",
            json!({ "m": first }),
        )
        .await;
    assert_eq!(
        reviewed.data("meeting.actionItemReviews.0.actionItem.description"),
        "Translate the guide"
    );
}

#[tokio::test]
async fn a_voting_record_shows_votes_and_the_attendance_rate_over_a_period() {
    let board = Board::new(3, 3).await;
    let (first, item) = board.in_session(5).await;
    board.hold(&first).await;
    let motion = id(
        &board.motion(&item, 0, 1, "MAJORITY_OF_VOTES_CAST").await,
        "makeMotion.id",
    );
    board
        .vote(&motion, &[(0, "YES"), (1, "YES"), (2, "NO")])
        .await
        .data("recordVotes");
    let second = board.meeting(2).await;
    board
        .attend(&second, &[(0, "ABSENT"), (1, "PRESENT"), (2, "PRESENT")])
        .await
        .data("recordAttendance");
    board.hold(&second).await;
    let today = chrono::Utc::now().date_naive();
    let record = board
        .app
        .graphql(
            None,
            "query($p: ID!, $from: Date!, $to: Date!) { votingRecord(personId: $p, from: $from, to: $to) { meetingsExpected meetingsAttended attendanceRate votes { totalCount nodes { choice motion { result meeting { id } } } } } }",
            json!({ "p": board.members[0], "from": today.pred_opt(), "to": today.succ_opt() }),
        )
        .await;
    assert_eq!(record.data("votingRecord.meetingsExpected"), 2);
    assert_eq!(record.data("votingRecord.meetingsAttended"), 1);
    assert_eq!(record.data("votingRecord.attendanceRate"), 0.5);
    assert_eq!(record.data("votingRecord.votes.totalCount"), 1);
    assert_eq!(record.data("votingRecord.votes.nodes.0.choice"), "YES");
    assert_eq!(
        record.data("votingRecord.votes.nodes.0.motion.result"),
        "PASSED"
    );
}

const FULL_MEETING: &str = "query($id: ID!) { meeting(id: $id) { title localStartsAt body { name }
  quorum { required present met }
  agenda { number title kind presenter { name } documents { url } motions { id } }
  attendance { status post person { name } }
  guests
  motions { text result tally { yes no } mover { name } seconder { name } votes { choice person { name } } }
  minutes { status text }
  actionItems { description } actionItemReviews { update } } }";

/// A held meeting with `items` agenda items, every member present and
/// `roll_calls` motions each voted by every member.
async fn full_meeting(board: &Board, items: usize, roll_calls: usize) -> String {
    let meeting = board.meeting(2).await;
    let mut action = String::new();
    for i in 0..items {
        let kind = if i == 0 { "ACTION" } else { "DISCUSSION" };
        let item = board.item(&meeting, &format!("Item {i}"), kind).await;
        if i == 0 {
            action = item;
        }
    }
    board.publish(&meeting).await;
    board.all_present(&meeting).await;
    let everyone: Vec<(usize, &str)> = (0..board.members.len()).map(|i| (i, "YES")).collect();
    for _ in 0..roll_calls {
        let motion = id(
            &board.motion(&action, 0, 1, "MAJORITY_OF_SEATS").await,
            "makeMotion.id",
        );
        board.vote(&motion, &everyone).await.data("recordVotes");
    }
    meeting
}

async fn statements_for(board: &Board, meeting: &str) -> (u64, Value) {
    let before = board.app.statements();
    let answer = board
        .app
        .graphql(None, FULL_MEETING, json!({ "id": meeting }))
        .await;
    let count = board.app.statements() - before;
    (count, answer.data("meeting").clone())
}

#[tokio::test]
async fn reading_a_full_meeting_costs_the_same_statements_whatever_its_size() {
    let big = Board::new(15, 15).await;
    let large = full_meeting(&big, 30, 10).await;
    let (large_count, shown) = statements_for(&big, &large).await;
    assert_eq!(shown["agenda"].as_array().map(Vec::len), Some(30));
    assert_eq!(shown["attendance"].as_array().map(Vec::len), Some(15));
    assert_eq!(shown["motions"].as_array().map(Vec::len), Some(10));
    assert_eq!(
        shown["motions"][9]["votes"].as_array().map(Vec::len),
        Some(15)
    );
    assert_eq!(
        shown["quorum"],
        json!({ "required": 8, "present": 15, "met": true })
    );

    let small = Board::with(TestApp::spawn().await, "small-board", 3, 3, true).await;
    let little = full_meeting(&small, 2, 1).await;
    let (small_count, _) = statements_for(&small, &little).await;
    assert_eq!(
        large_count, small_count,
        "statements: {large_count} vs {small_count}"
    );
}

#[tokio::test]
async fn a_page_of_meetings_costs_the_same_statements_whatever_its_size() {
    let board = Board::new(3, 3).await;
    for week in 1..=12 {
        let meeting = board.meeting(-24 * 7 * week).await;
        board.item(&meeting, "Adopt", "ACTION").await;
        board.publish(&meeting).await;
    }
    let query = "query($body: ID!, $first: Int!) { meetings(filter: {bodyId: $body, statuses: [SCHEDULED]}, first: $first) { edges { node { title body { name } quorum { met } attendance { status person { name } } agenda { title presenter { name } documents { url } } motions { result } minutes { status } actionItems { description } } } } }";
    let mut counts = Vec::new();
    for first in [2, 12] {
        let before = board.app.statements();
        let answer = board
            .app
            .graphql(None, query, json!({ "body": board.body, "first": first }))
            .await;
        assert_eq!(
            answer.data("meetings.edges").as_array().map(Vec::len),
            Some(first)
        );
        counts.push(board.app.statements() - before);
    }
    assert_eq!(counts[0], counts[1], "{counts:?}");
}
