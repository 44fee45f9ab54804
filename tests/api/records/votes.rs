//! Motions and roll-call votes: every rule of who may act and how results
//! are computed.

use super::{Board, id};

/// Makes a seconded motion under `rule` and records `votes`; returns the result.
async fn decide(board: &Board, item: &str, rule: &str, votes: &[(usize, &str)]) -> String {
    let motion = id(&board.motion(item, 0, 1, rule).await, "makeMotion.id");
    board
        .vote(&motion, votes)
        .await
        .data("recordVotes.result")
        .as_str()
        .expect("result")
        .to_owned()
}

#[tokio::test]
async fn each_voting_rule_is_decided_at_its_edges() {
    let board = Board::new(5, 5).await;
    let (_, item) = board.in_session(1).await;
    let cases: [(&str, [&str; 5], &str); 7] = [
        // More yes than no; abstentions do not count; a tie fails.
        (
            "MAJORITY_OF_VOTES_CAST",
            ["YES", "YES", "NO", "NO", "ABSTAIN"],
            "FAILED",
        ),
        (
            "MAJORITY_OF_VOTES_CAST",
            ["YES", "NO", "ABSTAIN", "ABSTAIN", "RECUSED"],
            "FAILED",
        ),
        (
            "MAJORITY_OF_VOTES_CAST",
            ["YES", "YES", "NO", "ABSTAIN", "ABSTAIN"],
            "PASSED",
        ),
        // Three of five seats, whatever the others do.
        (
            "MAJORITY_OF_SEATS",
            ["YES", "YES", "ABSTAIN", "ABSTAIN", "ABSTAIN"],
            "FAILED",
        ),
        (
            "MAJORITY_OF_SEATS",
            ["YES", "YES", "YES", "NO", "NO"],
            "PASSED",
        ),
        // Exactly two thirds of votes cast passes; three of five does not.
        (
            "TWO_THIRDS",
            ["YES", "YES", "NO", "ABSTAIN", "RECUSED"],
            "PASSED",
        ),
        ("TWO_THIRDS", ["YES", "YES", "YES", "NO", "NO"], "FAILED"),
    ];
    for (rule, choices, expected) in cases {
        let votes: Vec<(usize, &str)> = choices.iter().copied().enumerate().collect();
        assert_eq!(
            decide(&board, &item, rule, &votes).await,
            expected,
            "{rule} {choices:?}"
        );
    }
}

#[tokio::test]
async fn a_majority_of_seats_counts_vacant_seats_against_the_motion() {
    // Seven seats, four filled: all four yes is a majority of seats, three is not.
    let board = Board::new(7, 4).await;
    let (_, item) = board.in_session(1).await;
    let three = [(0, "YES"), (1, "YES"), (2, "YES"), (3, "NO")];
    assert_eq!(
        decide(&board, &item, "MAJORITY_OF_SEATS", &three).await,
        "FAILED"
    );
    let four = [(0, "YES"), (1, "YES"), (2, "YES"), (3, "YES")];
    assert_eq!(
        decide(&board, &item, "MAJORITY_OF_SEATS", &four).await,
        "PASSED"
    );
}

#[tokio::test]
async fn only_seat_holders_taking_part_move_second_or_vote() {
    let board = Board::new(5, 5).await;
    let meeting = board.meeting(1).await;
    let item = board.item(&meeting, "Adopt", "ACTION").await;
    board.publish(&meeting).await;
    board
        .attend(
            &meeting,
            &[
                (0, "PRESENT"),
                (1, "REMOTE"),
                (2, "LATE"),
                (3, "EXCUSED"),
                (4, "ABSENT"),
            ],
        )
        .await
        .data("recordAttendance");
    let outsider = board.person("Not A Member").await;

    let answer = board
        .motion_by(
            &item,
            &outsider,
            Some(&board.members[0]),
            "MAJORITY_OF_VOTES_CAST",
            None,
        )
        .await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        answer.body["errors"][0]["extensions"]["field"],
        "input.moverId"
    );
    assert!(
        answer.message().contains("not a voting member"),
        "{}",
        answer.message()
    );

    let answer = board.motion(&item, 0, 3, "MAJORITY_OF_VOTES_CAST").await;
    assert_eq!(
        answer.error_code(),
        "BAD_USER_INPUT",
        "an excused member cannot second"
    );
    assert_eq!(
        answer.body["errors"][0]["extensions"]["field"],
        "input.seconderId"
    );

    let answer = board.motion(&item, 0, 0, "MAJORITY_OF_VOTES_CAST").await;
    assert_eq!(
        answer.error_code(),
        "BAD_USER_INPUT",
        "nobody seconds their own motion"
    );

    let motion = id(
        &board.motion(&item, 1, 2, "MAJORITY_OF_VOTES_CAST").await,
        "makeMotion.id",
    );
    let answer = board.vote(&motion, &[(0, "YES"), (4, "NO")]).await;
    assert_eq!(
        answer.error_code(),
        "BAD_USER_INPUT",
        "an absent member cannot vote"
    );
    assert_eq!(
        answer.body["errors"][0]["extensions"]["field"],
        "input.votes.1.personId"
    );
    let answer = board
        .clerk(
            "mutation($m: ID!, $p: ID!) { recordVotes(input: {motionId: $m, votes: [{personId: $p, choice: YES}]}) { result } }",
            serde_json::json!({ "m": motion, "p": outsider }),
        )
        .await;
    assert_eq!(
        answer.error_code(),
        "BAD_USER_INPUT",
        "a non-member cannot vote"
    );

    let answer = board
        .vote(&motion, &[(0, "YES"), (1, "YES"), (2, "NO")])
        .await;
    assert_eq!(
        answer.data("recordVotes.result"),
        "PASSED",
        "present, remote and late vote"
    );
}

#[tokio::test]
async fn nobody_votes_twice_on_a_motion() {
    let board = Board::new(5, 5).await;
    let (_, item) = board.in_session(1).await;
    let motion = id(
        &board.motion(&item, 0, 1, "MAJORITY_OF_VOTES_CAST").await,
        "makeMotion.id",
    );
    let answer = board.vote(&motion, &[(0, "YES"), (0, "NO")]).await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT");
    board
        .vote(&motion, &[(0, "YES"), (1, "YES")])
        .await
        .data("recordVotes");
    let answer = board.vote(&motion, &[(2, "NO"), (1, "NO")]).await;
    assert_eq!(answer.error_code(), "CONFLICT");
    let tally = board.vote(&motion, &[(2, "NO")]).await;
    assert_eq!(
        tally.data("recordVotes.tally"),
        &serde_json::json!({ "yes": 2, "no": 1, "abstain": 0, "recused": 0 }),
        "the refused call recorded nothing"
    );
}

#[tokio::test]
async fn no_vote_without_quorum_and_the_recused_do_not_make_one() {
    let board = Board::new(5, 5).await;
    let meeting = board.meeting(1).await;
    let item = board.item(&meeting, "Adopt", "ACTION").await;
    board.publish(&meeting).await;
    let quorum = board
        .attend(
            &meeting,
            &[
                (0, "PRESENT"),
                (1, "PRESENT"),
                (2, "ABSENT"),
                (3, "EXCUSED"),
            ],
        )
        .await;
    assert_eq!(
        quorum.data("recordAttendance.quorum"),
        &serde_json::json!({ "required": 3, "present": 2, "met": false })
    );
    let motion = id(
        &board.motion(&item, 0, 1, "MAJORITY_OF_VOTES_CAST").await,
        "makeMotion.id",
    );
    let answer = board.vote(&motion, &[(0, "YES"), (1, "YES")]).await;
    assert_eq!(answer.error_code(), "CONFLICT");
    assert!(
        answer.message().contains("no quorum"),
        "{}",
        answer.message()
    );

    board
        .attend(&meeting, &[(2, "LATE")])
        .await
        .data("recordAttendance");
    let answer = board
        .vote(&motion, &[(0, "YES"), (1, "NO"), (2, "RECUSED")])
        .await;
    assert_eq!(
        answer.error_code(),
        "CONFLICT",
        "recused members do not make quorum"
    );
    let answer = board
        .vote(&motion, &[(0, "YES"), (1, "NO"), (2, "ABSTAIN")])
        .await;
    assert_eq!(answer.data("recordVotes.result"), "FAILED");
}

#[tokio::test]
async fn amendments_are_decided_before_their_motion() {
    let board = Board::new(5, 5).await;
    let (_, item) = board.in_session(1).await;
    let main = id(
        &board.motion(&item, 0, 1, "MAJORITY_OF_VOTES_CAST").await,
        "makeMotion.id",
    );
    let amendment = board
        .motion_by(
            &item,
            &board.members[2],
            Some(&board.members[3]),
            "MAJORITY_OF_VOTES_CAST",
            Some(&main),
        )
        .await;
    let amendment = id(&amendment, "makeMotion.id");
    let everyone_yes = [(0, "YES"), (1, "YES"), (2, "YES"), (3, "YES"), (4, "NO")];
    let answer = board.vote(&main, &everyone_yes).await;
    assert_eq!(answer.error_code(), "CONFLICT");
    assert!(
        answer.message().contains("amendment"),
        "{}",
        answer.message()
    );
    assert_eq!(
        board
            .vote(&amendment, &everyone_yes)
            .await
            .data("recordVotes.result"),
        "PASSED"
    );
    assert_eq!(
        board
            .vote(&main, &everyone_yes)
            .await
            .data("recordVotes.result"),
        "PASSED"
    );
    let shown = board
        .clerk(
            "query($id: ID!) { node(id: $id) { ... on Motion { amendments { id result amends { id } } } } }",
            serde_json::json!({ "id": main }),
        )
        .await;
    assert_eq!(shown.data("node.amendments.0.id"), amendment.as_str());
    assert_eq!(shown.data("node.amendments.0.amends.id"), main.as_str());
}

#[tokio::test]
async fn a_motion_needs_a_published_agenda_an_action_item_and_a_second_before_a_vote() {
    let board = Board::new(5, 5).await;
    let meeting = board.meeting(1).await;
    let item = board.item(&meeting, "Adopt", "ACTION").await;
    let info = board
        .item(&meeting, "Director's report", "INFORMATION")
        .await;
    board.all_present(&meeting).await;
    let answer = board.motion(&item, 0, 1, "MAJORITY_OF_VOTES_CAST").await;
    assert_eq!(answer.error_code(), "CONFLICT", "agenda not published");
    board.publish(&meeting).await;
    let answer = board.motion(&info, 0, 1, "MAJORITY_OF_VOTES_CAST").await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT", "not an action item");
    let unseconded = board
        .motion_by(
            &item,
            &board.members[0],
            None,
            "MAJORITY_OF_VOTES_CAST",
            None,
        )
        .await;
    let motion = id(&unseconded, "makeMotion.id");
    assert_eq!(
        board.vote(&motion, &[(0, "YES")]).await.error_code(),
        "CONFLICT"
    );
    let seconded = board
        .clerk(
            "mutation($m: ID!, $p: ID!) { secondMotion(input: {motionId: $m, seconderId: $p}) { seconder { id } } }",
            serde_json::json!({ "m": motion, "p": board.members[1] }),
        )
        .await;
    assert_eq!(
        seconded.data("secondMotion.seconder.id"),
        board.members[1].as_str()
    );
    let tabled = board
        .clerk(
            "mutation($m: ID!) { tableMotion(input: {motionId: $m}) { result } }",
            serde_json::json!({ "m": motion }),
        )
        .await;
    assert_eq!(tabled.data("tableMotion.result"), "TABLED");
    assert_eq!(
        board.vote(&motion, &[(0, "YES")]).await.error_code(),
        "CONFLICT"
    );
}

#[tokio::test]
async fn nothing_is_recorded_at_a_meeting_that_has_not_begun_or_was_cancelled() {
    let board = Board::new(5, 5).await;
    let future = board.meeting(-48).await;
    let answer = board.attend(&future, &[(0, "PRESENT")]).await;
    assert_eq!(answer.error_code(), "CONFLICT");
    let cancelled = board.meeting(1).await;
    board
        .clerk(
            "mutation($m: ID!) { cancelMeeting(input: {meetingId: $m, reason: \"No quorum expected\"}) { status } }",
            serde_json::json!({ "m": cancelled }),
        )
        .await
        .data("cancelMeeting");
    assert_eq!(
        board
            .attend(&cancelled, &[(0, "PRESENT")])
            .await
            .error_code(),
        "CONFLICT"
    );
}

#[tokio::test]
async fn a_retried_motion_or_roll_call_with_its_key_is_recorded_once() {
    let board = Board::new(3, 3).await;
    let (meeting, item) = board.in_session(1).await;
    let make = "mutation($item: ID!, $mover: ID!, $seconder: ID!, $text: String!) { makeMotion(input: {agendaItemId: $item, text: $text, moverId: $mover, seconderId: $seconder, idempotencyKey: \"move-1\"}) { id } }";
    let vars = |text: &str| serde_json::json!({ "item": item, "mover": board.members[0], "seconder": board.members[1], "text": text });
    let first = id(&board.clerk(make, vars("Adopt")).await, "makeMotion.id");
    let again = id(&board.clerk(make, vars("Adopt")).await, "makeMotion.id");
    assert_eq!(first, again, "the retry returns the first motion");
    assert_eq!(
        board.clerk(make, vars("Something else")).await.error_code(),
        "CONFLICT",
        "a key is for one request"
    );
    let vote = "mutation($m: ID!, $p: ID!) { recordVotes(input: {motionId: $m, votes: [{personId: $p, choice: YES}], idempotencyKey: \"vote-1\"}) { tally { yes } } }";
    let vote_vars = serde_json::json!({ "m": first, "p": board.members[2] });
    board
        .clerk(vote, vote_vars.clone())
        .await
        .data("recordVotes");
    let retried = board.clerk(vote, vote_vars).await;
    assert_eq!(
        retried.data("recordVotes.tally.yes"),
        1,
        "counted once, no double-vote error"
    );
    let motions = board
        .clerk(
            "query($m: ID!) { meeting(id: $m) { motions { id } } }",
            serde_json::json!({ "m": meeting }),
        )
        .await;
    assert_eq!(
        motions.data("meeting.motions").as_array().map(Vec::len),
        Some(1)
    );
}
