//! Commission and committee records: the meeting cycle, every voting rule,
//! the minutes workflow, action items and who sees what. Each test builds a
//! small body of its own (seats and members chosen for the arithmetic at
//! hand) on top of the demo coalition, whose clerk keeps the records.

mod cycle;
mod feeds;
mod minutes;
mod visibility;
mod votes;

use crate::helpers::{Answer, TestApp};
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

/// The coalition clerk of the demo data.
pub const CLERK: &str = "clerk@demo.test";
/// The organization that owns the test bodies.
pub const OWNER: &str = "community-legal-aid";

/// A body of the test's own, with its members, and the clerk's token.
pub struct Board {
    pub app: TestApp,
    pub clerk: String,
    pub body: String,
    pub members: Vec<String>,
}

/// An RFC 3339 instant `hours` from now (negative: in the past).
pub fn at(hours: i64) -> String {
    (Utc::now() + Duration::hours(hours)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Board {
    /// A public body of `seats` seats with `members` seated members.
    pub async fn new(seats: i32, members: usize) -> Self {
        Self::with(TestApp::spawn().await, "test-board", seats, members, true).await
    }

    /// A body of `seats` seats with `members` seated members in `app`.
    pub async fn with(app: TestApp, slug: &str, seats: i32, members: usize, public: bool) -> Self {
        let coordinator = app.token("coordinator@demo.test").await;
        let clerk = app.token(CLERK).await;
        let owner = app.org_id(OWNER).await;
        let body = app
            .graphql(
                Some(&coordinator),
                "mutation($slug: String!, $seats: Int!, $public: Boolean!, $owner: ID) { createBody(input: {slug: $slug, name: \"Test Board\", kind: COMMISSION, description: \"\", seats: $seats, appointingAuthority: \"The Mayor\", recordsPublic: $public, holdoversAllowed: false, timeZone: \"UTC\", owningOrganizationId: $owner}) { id } }",
                json!({ "slug": slug, "seats": seats, "public": public, "owner": owner }),
            )
            .await
            .data("createBody.id")
            .as_str()
            .expect("body id")
            .to_owned();
        let mut board = Board {
            app,
            clerk,
            body,
            members: Vec::new(),
        };
        for i in 0..members {
            let person = board.person(&format!("Member {i}")).await;
            board.seat(&person).await;
            board.members.push(person);
        }
        board
    }

    /// Appoints `person` to a voting seat on the body since January.
    pub async fn seat(&self, person: &str) {
        let coordinator = self.app.token("coordinator@demo.test").await;
        self.app
            .graphql(
                Some(&coordinator),
                "mutation($body: ID!, $person: ID!) { appointMember(input: {bodyId: $body, personId: $person, post: MEMBER, startDate: \"2026-01-01\"}) { id } }",
                json!({ "body": self.body, "person": person }),
            )
            .await
            .data("appointMember.id");
    }

    /// A person of the directory, not on the body.
    pub async fn person(&self, name: &str) -> String {
        let coordinator = self.app.token("coordinator@demo.test").await;
        self.app
            .graphql(
                Some(&coordinator),
                "mutation($name: String!) { createPerson(input: {name: $name}) { id } }",
                json!({ "name": name }),
            )
            .await
            .data("createPerson.id")
            .as_str()
            .expect("person id")
            .to_owned()
    }

    /// Runs `query` as the clerk.
    pub async fn clerk(&self, query: &str, variables: Value) -> Answer {
        self.app.graphql(Some(&self.clerk), query, variables).await
    }

    /// Schedules a meeting that started `hours_ago` hours ago.
    pub async fn meeting(&self, hours_ago: i64) -> String {
        self.clerk(
            "mutation($body: ID!, $start: String!, $end: String!) { scheduleMeeting(input: {bodyId: $body, kind: REGULAR, startsAt: $start, endsAt: $end, location: \"City Hall, Room 1\"}) { id } }",
            json!({ "body": self.body, "start": at(-hours_ago), "end": at(-hours_ago + 2) }),
        )
        .await
        .data("scheduleMeeting.id")
        .as_str()
        .expect("meeting id")
        .to_owned()
    }

    /// Adds an item of `kind` to a meeting's agenda.
    pub async fn item(&self, meeting: &str, title: &str, kind: &str) -> String {
        self.clerk(
            "mutation($m: ID!, $title: String!, $kind: AgendaItemKind!) { addAgendaItem(input: {meetingId: $m, title: $title, kind: $kind, documents: [{title: \"Staff report\", url: \"https://example.org/report.pdf\"}]}) { id } }",
            json!({ "m": meeting, "title": title, "kind": kind }),
        )
        .await
        .data("addAgendaItem.id")
        .as_str()
        .expect("item id")
        .to_owned()
    }

    /// Publishes a meeting's agenda.
    pub async fn publish(&self, meeting: &str) {
        self.clerk(
            "mutation($m: ID!) { publishAgenda(input: {meetingId: $m}) { agendaPublished } }",
            json!({ "m": meeting }),
        )
        .await
        .data("publishAgenda");
    }

    /// Records members' attendance: `(member index, status)`.
    pub async fn attend(&self, meeting: &str, lines: &[(usize, &str)]) -> Answer {
        let members: Vec<Value> = lines
            .iter()
            .map(|(i, status)| json!({ "personId": self.members[*i], "status": status }))
            .collect();
        self.clerk(
            "mutation($m: ID!, $members: [MemberAttendanceInput!]!) { recordAttendance(input: {meetingId: $m, members: $members}) { quorum { required present met } } }",
            json!({ "m": meeting, "members": members }),
        )
        .await
    }

    /// Every member present.
    pub async fn all_present(&self, meeting: &str) {
        let lines: Vec<(usize, &str)> = (0..self.members.len()).map(|i| (i, "PRESENT")).collect();
        self.attend(meeting, &lines).await.data("recordAttendance");
    }

    /// A held meeting's scene: scheduled `hours_ago`, one action item, agenda
    /// published, every member present. Returns (meeting, item).
    pub async fn in_session(&self, hours_ago: i64) -> (String, String) {
        let meeting = self.meeting(hours_ago).await;
        let item = self
            .item(&meeting, "Adopt the language access plan", "ACTION")
            .await;
        self.publish(&meeting).await;
        self.all_present(&meeting).await;
        (meeting, item)
    }

    /// Makes a motion moved by member `mover` and seconded by `seconder`.
    pub async fn motion(&self, item: &str, mover: usize, seconder: usize, rule: &str) -> Answer {
        self.motion_by(
            item,
            &self.members[mover],
            Some(&self.members[seconder]),
            rule,
            None,
        )
        .await
    }

    /// Makes a motion (or an amendment of `amends`) with explicit people.
    pub async fn motion_by(
        &self,
        item: &str,
        mover: &str,
        seconder: Option<&str>,
        rule: &str,
        amends: Option<&str>,
    ) -> Answer {
        self.clerk(
            "mutation($item: ID!, $mover: ID!, $seconder: ID, $rule: VotingRule!, $amends: ID) { makeMotion(input: {agendaItemId: $item, text: \"That the body adopt it\", moverId: $mover, seconderId: $seconder, votingRule: $rule, amendsMotionId: $amends}) { id result } }",
            json!({ "item": item, "mover": mover, "seconder": seconder, "rule": rule, "amends": amends }),
        )
        .await
    }

    /// Records votes `(member index, choice)` on a motion.
    pub async fn vote(&self, motion: &str, votes: &[(usize, &str)]) -> Answer {
        let votes: Vec<Value> = votes
            .iter()
            .map(|(i, choice)| json!({ "personId": self.members[*i], "choice": choice }))
            .collect();
        self.clerk(
            "mutation($motion: ID!, $votes: [VoteInput!]!) { recordVotes(input: {motionId: $motion, votes: $votes}) { result tally { yes no abstain recused } } }",
            json!({ "motion": motion, "votes": votes }),
        )
        .await
    }

    /// Marks a meeting held.
    pub async fn hold(&self, meeting: &str) {
        self.clerk(
            "mutation($m: ID!) { markMeetingHeld(input: {meetingId: $m}) { status } }",
            json!({ "m": meeting }),
        )
        .await
        .data("markMeetingHeld");
    }
}

/// The id of a motion just made.
pub fn id(answer: &Answer, path: &str) -> String {
    answer.data(path).as_str().expect("id").to_owned()
}
