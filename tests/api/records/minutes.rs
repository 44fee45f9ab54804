//! The minutes workflow: revisions, approval by a later meeting's passed
//! motion, publication, and the immutability that follows.

use super::{Board, id};
use serde_json::json;

const MINUTES: &str = "query($id: ID!) { meeting(id: $id) { minutes { id status text approvedBy { id } revisions { number text author } } minutesCorrections { status text correctionOf { id } } } }";

#[tokio::test]
async fn minutes_are_approved_at_a_later_meeting_then_published_and_never_change() {
    let board = Board::new(3, 3).await;
    let (first, item) = board.in_session(5).await;
    let earlier_motion = id(
        &board.motion(&item, 0, 1, "MAJORITY_OF_VOTES_CAST").await,
        "makeMotion.id",
    );
    board
        .vote(&earlier_motion, &[(0, "YES"), (1, "YES"), (2, "NO")])
        .await
        .data("recordVotes");

    let answer = board
        .clerk(
            "mutation($m: ID!) { draftMinutes(input: {meetingId: $m, text: \"Called to order at 6 pm.\"}) { id status } }",
            json!({ "m": first }),
        )
        .await;
    assert_eq!(
        answer.error_code(),
        "CONFLICT",
        "minutes are kept of held meetings"
    );
    board.hold(&first).await;
    let minutes = board
        .clerk(
            "mutation($m: ID!) { draftMinutes(input: {meetingId: $m, text: \"Called to order at 6 pm.\"}) { id status } }",
            json!({ "m": first }),
        )
        .await;
    assert_eq!(minutes.data("draftMinutes.status"), "DRAFT");
    let minutes = id(&minutes, "draftMinutes.id");
    let revise = "mutation($m: ID!, $text: String!, $base: Int) { reviseMinutes(input: {minutesId: $m, text: $text, baseRevision: $base}) { status } }";
    board
        .clerk(
            revise,
            json!({ "m": minutes, "text": "Called to order at 6:02 pm.", "base": 1 }),
        )
        .await
        .data("reviseMinutes");
    let stale = board
        .clerk(
            revise,
            json!({ "m": minutes, "text": "Lost update", "base": 1 }),
        )
        .await;
    assert_eq!(
        stale.error_code(),
        "CONFLICT",
        "a save from an old revision is refused"
    );

    let approve = "mutation($m: ID!, $motion: ID!) { approveMinutes(input: {minutesId: $m, motionId: $motion}) { status approvedBy { id } } }";
    let same_meeting = board
        .clerk(approve, json!({ "m": minutes, "motion": earlier_motion }))
        .await;
    assert_eq!(
        same_meeting.error_code(),
        "BAD_USER_INPUT",
        "approval comes at a later meeting"
    );

    let (_, second_item) = board.in_session(2).await;
    let failed = id(
        &board
            .motion(&second_item, 0, 1, "MAJORITY_OF_VOTES_CAST")
            .await,
        "makeMotion.id",
    );
    board
        .vote(&failed, &[(0, "YES"), (1, "NO"), (2, "NO")])
        .await
        .data("recordVotes");
    let answer = board
        .clerk(approve, json!({ "m": minutes, "motion": failed }))
        .await;
    assert_eq!(
        answer.error_code(),
        "BAD_USER_INPUT",
        "a failed motion approves nothing"
    );
    let approval = id(
        &board
            .motion(&second_item, 1, 2, "MAJORITY_OF_VOTES_CAST")
            .await,
        "makeMotion.id",
    );
    board
        .vote(&approval, &[(0, "YES"), (1, "YES"), (2, "YES")])
        .await
        .data("recordVotes");

    let publish =
        "mutation($m: ID!) { publishMinutes(input: {minutesId: $m}) { status publishedAt } }";
    assert_eq!(
        board
            .clerk(publish, json!({ "m": minutes }))
            .await
            .error_code(),
        "CONFLICT",
        "drafts are approved before they are published"
    );
    let approved = board
        .clerk(approve, json!({ "m": minutes, "motion": approval }))
        .await;
    assert_eq!(approved.data("approveMinutes.status"), "APPROVED");
    assert_eq!(
        approved.data("approveMinutes.approvedBy.id"),
        approval.as_str()
    );
    assert_eq!(
        board
            .clerk(revise, json!({ "m": minutes, "text": "Late edit" }))
            .await
            .error_code(),
        "CONFLICT",
        "approved minutes are not revised"
    );
    assert_eq!(
        board
            .clerk(publish, json!({ "m": minutes }))
            .await
            .data("publishMinutes.status"),
        "PUBLISHED"
    );

    // The meeting's record is sealed: votes, attendance and agenda stay as published.
    let another = board.motion(&item, 0, 1, "MAJORITY_OF_VOTES_CAST").await;
    assert_eq!(another.error_code(), "CONFLICT");
    assert_eq!(
        board
            .vote(&earlier_motion, &[(2, "YES")])
            .await
            .error_code(),
        "CONFLICT"
    );
    assert_eq!(
        board.attend(&first, &[(2, "ABSENT")]).await.error_code(),
        "CONFLICT"
    );
    let added = board
        .clerk(
            "mutation($m: ID!) { addAgendaItem(input: {meetingId: $m, title: \"Late\", kind: INFORMATION}) { id } }",
            json!({ "m": first }),
        )
        .await;
    assert_eq!(added.error_code(), "CONFLICT");
    assert_eq!(
        board
            .clerk(revise, json!({ "m": minutes, "text": "Rewrite history" }))
            .await
            .error_code(),
        "CONFLICT"
    );

    // A correction goes through the same steps, and both stay visible.
    let correction = board
        .clerk(
            "mutation($m: ID!) { draftMinutesCorrection(input: {minutesId: $m, text: \"Member 2 voted no, not yes.\"}) { id status } }",
            json!({ "m": minutes }),
        )
        .await;
    let correction = id(&correction, "draftMinutesCorrection.id");
    let (_, third_item) = board.in_session(1).await;
    let fix = id(
        &board
            .motion(&third_item, 0, 2, "MAJORITY_OF_VOTES_CAST")
            .await,
        "makeMotion.id",
    );
    board
        .vote(&fix, &[(0, "YES"), (1, "YES"), (2, "YES")])
        .await
        .data("recordVotes");
    board
        .clerk(approve, json!({ "m": correction, "motion": fix }))
        .await
        .data("approveMinutes");
    board
        .clerk(publish, json!({ "m": correction }))
        .await
        .data("publishMinutes");

    let public = board
        .app
        .graphql(None, MINUTES, json!({ "id": first }))
        .await;
    assert_eq!(public.data("meeting.minutes.status"), "PUBLISHED");
    assert_eq!(
        public.data("meeting.minutes.text"),
        "Called to order at 6:02 pm."
    );
    assert_eq!(
        public.data("meeting.minutes.revisions"),
        &json!([]),
        "revisions are for members"
    );
    assert_eq!(
        public.data("meeting.minutesCorrections.0.text"),
        "Member 2 voted no, not yes."
    );
    assert_eq!(
        public.data("meeting.minutesCorrections.0.correctionOf.id"),
        minutes.as_str()
    );
    let clerk = board.clerk(MINUTES, json!({ "id": first })).await;
    let revisions = clerk
        .data("meeting.minutes.revisions")
        .as_array()
        .expect("revisions");
    assert_eq!(revisions.len(), 2, "older revisions stay readable");
    assert_eq!(revisions[0]["text"], "Called to order at 6 pm.");
    assert_eq!(revisions[1]["author"], "Commission Clerk");
}
