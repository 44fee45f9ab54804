//! Who sees which records and who keeps them, role by role.

use super::{Board, OWNER, at, id};
use crate::helpers::TestApp;
use entity::enums::OrgRole;
use serde_json::json;

const MEETING: &str = "query($id: ID!) { meeting(id: $id) { title agendaPublished agenda { id title } attendance { status } motions { id } minutes { status text revisions { number } } } }";

/// Seats the demo user `email` on the board as a member (their own person).
async fn seat_user(board: &Board, email: &str) {
    let token = board.app.token(email).await;
    let user = board
        .app
        .graphql(Some(&token), "{ viewer { user { id } } }", json!({}))
        .await
        .data("viewer.user.id")
        .as_str()
        .expect("user id")
        .to_owned();
    let coordinator = board.app.token("coordinator@demo.test").await;
    let person = board
        .app
        .graphql(
            Some(&coordinator),
            "mutation($user: ID!) { createPerson(input: {name: \"Seated User\", userId: $user}) { id } }",
            json!({ "user": user }),
        )
        .await
        .data("createPerson.id")
        .as_str()
        .expect("person")
        .to_owned();
    board.seat(&person).await;
}

#[tokio::test]
async fn the_public_reads_published_records_and_members_of_the_body_read_drafts() {
    let board = Board::new(5, 3).await;
    let member = "staff@northgate-library.demo.test";
    seat_user(&board, member).await;
    let held = board.meeting(3).await;
    let item = board.item(&held, "Adopt the welcome plan", "ACTION").await;
    board.all_present(&held).await;
    board.hold(&held).await;
    board
        .clerk(
            "mutation($m: ID!) { draftMinutes(input: {meetingId: $m, text: \"Draft: not for the public yet.\"}) { id } }",
            json!({ "m": held }),
        )
        .await
        .data("draftMinutes");

    let anonymous = board
        .app
        .graphql(None, MEETING, json!({ "id": held }))
        .await;
    assert_eq!(anonymous.data("meeting.agendaPublished"), false);
    assert_eq!(
        anonymous.data("meeting.agenda"),
        &json!([]),
        "unpublished agenda"
    );
    assert_eq!(
        anonymous.data("meeting.minutes"),
        &json!(null),
        "draft minutes"
    );
    assert_eq!(
        anonymous
            .data("meeting.attendance")
            .as_array()
            .map(Vec::len),
        Some(4),
        "attendance is public"
    );
    let hidden = board
        .app
        .graphql(
            None,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": item }),
        )
        .await;
    assert_eq!(hidden.error_code(), "NOT_FOUND");

    let outsider = board.app.token("staff@eastside-health.demo.test").await;
    let outside = board
        .app
        .graphql(Some(&outsider), MEETING, json!({ "id": held }))
        .await;
    assert_eq!(
        outside.data("meeting.agenda"),
        &json!([]),
        "other members read what the public reads"
    );
    assert_eq!(outside.data("meeting.minutes"), &json!(null));

    let seated = board.app.token(member).await;
    let inside = board
        .app
        .graphql(Some(&seated), MEETING, json!({ "id": held }))
        .await;
    assert_eq!(
        inside.data("meeting.agenda.0.title"),
        "Adopt the welcome plan"
    );
    assert_eq!(inside.data("meeting.minutes.status"), "DRAFT");
    assert_eq!(inside.data("meeting.minutes.revisions.0.number"), 1);
    let edit = board
        .app
        .graphql(
            Some(&seated),
            "mutation($m: ID!) { publishAgenda(input: {meetingId: $m}) { id } }",
            json!({ "m": held }),
        )
        .await;
    assert_eq!(
        edit.error_code(),
        "FORBIDDEN",
        "members read drafts, they do not keep records"
    );
}

#[tokio::test]
async fn a_members_only_body_s_records_do_not_exist_for_the_public() {
    let board = Board::with(TestApp::spawn().await, "private-board", 3, 3, false).await;
    let meeting = board.meeting(1).await;
    let anonymous = board
        .app
        .graphql(None, MEETING, json!({ "id": meeting }))
        .await;
    assert_eq!(anonymous.error_code(), "NOT_FOUND");
    let listed = board
        .app
        .graphql(
            None,
            "query($body: ID!) { meetings(filter: {bodyId: $body}) { totalCount } }",
            json!({ "body": board.body }),
        )
        .await;
    assert_eq!(listed.error_code(), "NOT_FOUND");
    let all = board
        .app
        .graphql(None, "{ meetings(first: 100) { nodes { id } } }", json!({}))
        .await;
    assert!(
        !all.data("meetings.nodes")
            .as_array()
            .expect("nodes")
            .iter()
            .any(|n| n["id"] == meeting.as_str()),
        "absent from the public list"
    );
    let schedule = board
        .app
        .graphql(
            None,
            "mutation($body: ID!, $s: String!, $e: String!) { scheduleMeeting(input: {bodyId: $body, kind: SPECIAL, startsAt: $s, endsAt: $e, location: \"Here\"}) { id } }",
            json!({ "body": board.body, "s": at(24), "e": at(25) }),
        )
        .await;
    assert_eq!(schedule.error_code(), "NOT_FOUND");
    let member = board.app.token("admin@eastside-health.demo.test").await;
    let seen = board
        .app
        .graphql(Some(&member), MEETING, json!({ "id": meeting }))
        .await;
    assert_eq!(seen.data("meeting.title"), "Regular meeting");
}

#[tokio::test]
async fn the_clerk_coordinators_and_the_owning_organization_s_admins_and_staff_keep_the_records() {
    let board = Board::new(3, 3).await;
    let viewer = board
        .app
        .add_member("viewer@legal.test", OWNER, OrgRole::Viewer)
        .await;
    let schedule = "mutation($body: ID!, $s: String!, $e: String!) { scheduleMeeting(input: {bodyId: $body, kind: WORKSHOP, startsAt: $s, endsAt: $e, remoteUrl: \"https://meet.example.org/board\"}) { id kind } }";
    let vars = json!({ "body": board.body, "s": at(24), "e": at(26) });
    let cases = [
        (None, Some("UNAUTHENTICATED")),
        (Some(board.app.token("clerk@demo.test").await), None),
        (Some(board.app.token("coordinator@demo.test").await), None),
        (Some(board.app.token_of("admin", OWNER).await), None),
        (Some(board.app.token_of("staff", OWNER).await), None),
        (Some(viewer), Some("FORBIDDEN")),
        (
            Some(board.app.token_of("admin", "riverside-library").await),
            Some("FORBIDDEN"),
        ),
    ];
    for (i, (token, expected)) in cases.iter().enumerate() {
        let answer = board
            .app
            .graphql(token.as_deref(), schedule, vars.clone())
            .await;
        assert_eq!(answer.code(), *expected, "case {i}: {}", answer.body);
    }
}

#[tokio::test]
async fn every_change_is_audited_to_the_body_s_owner() {
    let board = Board::new(3, 3).await;
    let (_, item) = board.in_session(1).await;
    let motion = id(
        &board.motion(&item, 0, 1, "TWO_THIRDS").await,
        "makeMotion.id",
    );
    board
        .vote(&motion, &[(0, "YES"), (1, "YES"), (2, "NO")])
        .await
        .data("recordVotes");
    let admin = board.app.token_of("admin", OWNER).await;
    let org = board.app.org_id(OWNER).await;
    let entries = board
        .app
        .graphql(
            Some(&admin),
            "query($org: ID) { auditEntries(organizationId: $org, first: 100) { nodes { action recordId actorUser { email } } } }",
            json!({ "org": org }),
        )
        .await;
    let actions: Vec<String> = entries
        .data("auditEntries.nodes")
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["actorUser"]["email"] == "clerk@demo.test")
        .map(|e| e["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    for expected in [
        "meeting.scheduled",
        "agenda_item.added",
        "meeting.agenda_published",
        "meeting.attendance_recorded",
        "motion.made",
        "motion.votes_recorded",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn changing_a_hidden_draft_answers_exactly_like_a_missing_record() {
    let board = Board::new(5, 3).await;
    let held = board.meeting(3).await;
    let item = board.item(&held, "Adopt the welcome plan", "ACTION").await;
    board.all_present(&held).await;
    board.hold(&held).await;
    let minutes = board
        .clerk(
            "mutation($m: ID!) { draftMinutes(input: {meetingId: $m, text: \"Draft.\"}) { id } }",
            json!({ "m": held }),
        )
        .await
        .data("draftMinutes.id")
        .as_str()
        .expect("minutes")
        .to_owned();
    let outsider = board.app.token_of("staff", "riverside-library").await;
    let missing_minutes = coalition::ids::encode("Minutes", uuid::Uuid::now_v7()).0;
    let missing_item = coalition::ids::encode("AgendaItem", uuid::Uuid::now_v7()).0;
    let cases = [
        "mutation($m: ID!) { reviseMinutes(input: {minutesId: $m, text: \"Rewritten.\"}) { id } }",
        "mutation($m: ID!, $motion: ID!) { approveMinutes(input: {minutesId: $m, motionId: $motion}) { id } }",
        "mutation($m: ID!) { publishMinutes(input: {minutesId: $m}) { id } }",
        "mutation($m: ID!) { draftMinutesCorrection(input: {minutesId: $m, text: \"Correction.\"}) { id } }",
    ];
    for query in cases {
        let motion = coalition::ids::encode("Motion", uuid::Uuid::now_v7()).0;
        let hidden = board
            .app
            .graphql(
                Some(&outsider),
                query,
                json!({ "m": minutes, "motion": motion }),
            )
            .await;
        let absent = board
            .app
            .graphql(
                Some(&outsider),
                query,
                json!({ "m": missing_minutes, "motion": motion }),
            )
            .await;
        assert_eq!(hidden.error_code(), "NOT_FOUND", "{query}: {}", hidden.body);
        assert_eq!(hidden.body, absent.body, "{query}");
    }
    let item_cases = [
        "mutation($i: ID!) { updateAgendaItem(input: {itemId: $i, title: \"Renamed\", kind: ACTION}) { id } }",
        "mutation($i: ID!) { removeAgendaItem(input: {itemId: $i}) { id } }",
        "mutation($i: ID!, $p: ID!) { makeMotion(input: {agendaItemId: $i, text: \"Adopt\", moverId: $p}) { id } }",
    ];
    for query in item_cases {
        let person = coalition::ids::encode("Person", uuid::Uuid::now_v7()).0;
        let hidden = board
            .app
            .graphql(Some(&outsider), query, json!({ "i": item, "p": person }))
            .await;
        let absent = board
            .app
            .graphql(
                Some(&outsider),
                query,
                json!({ "i": missing_item, "p": person }),
            )
            .await;
        assert_eq!(hidden.error_code(), "NOT_FOUND", "{query}: {}", hidden.body);
        assert_eq!(hidden.error_code(), absent.error_code(), "{query}");
    }
}
