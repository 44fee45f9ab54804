//! The README's example queries run as written against the demo coalition.

use crate::helpers::{ORG_A, TestApp};
use serde_json::json;

fn graphql_blocks(readme: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```graphql") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

#[tokio::test]
async fn every_example_query_in_the_readme_runs_without_errors() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let queries: Vec<String> = graphql_blocks(&readme)
        .into_iter()
        .filter(|b| {
            !b.trim_start().starts_with("mutation") && !b.trim_start().starts_with("subscription")
        })
        .collect();
    assert!(queries.len() >= 3, "the README shows example queries");
    let app = TestApp::spawn().await;
    let admin = app.token_of("admin", ORG_A).await;
    for query in queries {
        let answer = app.graphql(Some(&admin), &query, json!({})).await;
        assert!(
            answer.body.get("errors").is_none(),
            "README example failed:\n{query}\n{}",
            answer.body
        );
    }
}

/// The named operations (`mutation Name(...)`) of the README section that
/// starts at `heading`.
fn operations_of_section(readme: &str, heading: &str) -> std::collections::HashMap<String, String> {
    let start = readme.find(heading).expect("README section");
    let rest = &readme[start + heading.len()..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    graphql_blocks(section)
        .into_iter()
        .filter_map(|block| {
            let name = block
                .trim_start()
                .strip_prefix("mutation ")?
                .split(['(', ' ', '{'])
                .next()?
                .to_owned();
            Some((name, block))
        })
        .collect()
}

#[tokio::test]
async fn the_clerk_s_meeting_cycle_in_the_readme_runs_step_by_step() {
    use chrono::{Duration, SecondsFormat, Utc};
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let ops = operations_of_section(&readme, "## Commission and committee records");
    let app = TestApp::spawn().await;
    let clerk = app.token("clerk@demo.test").await;
    let run = |name: &str, variables: serde_json::Value| {
        let query = ops
            .get(name)
            .unwrap_or_else(|| panic!("README has no operation {name}"))
            .clone();
        let app = &app;
        let clerk = clerk.clone();
        async move {
            let answer = app.graphql(Some(&clerk), &query, variables).await;
            assert!(
                answer.body.get("errors").is_none(),
                "README step {query} failed: {}",
                answer.body
            );
            answer.body["data"].clone()
        }
    };
    let body = app
        .graphql(
            None,
            "{ body(slug: \"commission-on-immigrant-and-refugee-affairs\") { id currentMembers { holdsSeat person { id } } } }",
            json!({}),
        )
        .await;
    let body_id = body.data("body.id").clone();
    let voters: Vec<serde_json::Value> = body
        .data("body.currentMembers")
        .as_array()
        .expect("members")
        .iter()
        .filter(|m| m["holdsSeat"] == true)
        .map(|m| m["person"]["id"].clone())
        .collect();
    let time = |hours: i64| {
        (Utc::now() + Duration::hours(hours)).to_rfc3339_opts(SecondsFormat::Secs, true)
    };
    let present: Vec<_> = voters
        .iter()
        .map(|p| json!({ "personId": p, "status": "PRESENT" }))
        .collect();
    let yes: Vec<_> = voters
        .iter()
        .map(|p| json!({ "personId": p, "choice": "YES" }))
        .collect();

    // One meeting, scene by scene; returns the meeting and its passed motion.
    let meet = |hours_ago: i64| {
        let run = &run;
        let (present, yes, body_id, voters) = (
            present.clone(),
            yes.clone(),
            body_id.clone(),
            voters.clone(),
        );
        let time = &time;
        async move {
            let meeting = run("Schedule", json!({ "body": body_id, "startsAt": time(-hours_ago), "endsAt": time(-hours_ago + 2) }))
                .await["scheduleMeeting"]["id"]
                .clone();
            let item =
                run("AddItem", json!({ "meeting": meeting })).await["addAgendaItem"]["id"].clone();
            run("Publish", json!({ "meeting": meeting })).await;
            let quorum = run(
                "Attendance",
                json!({ "meeting": meeting, "members": present }),
            )
            .await;
            assert_eq!(quorum["recordAttendance"]["quorum"]["met"], true);
            let motion = run(
                "Move",
                json!({ "item": item, "mover": voters[0], "seconder": voters[1] }),
            )
            .await["makeMotion"]["id"]
                .clone();
            let vote = run("Vote", json!({ "motion": motion, "votes": yes })).await;
            assert_eq!(vote["recordVotes"]["result"], "PASSED");
            run("Held", json!({ "meeting": meeting })).await;
            (meeting, motion)
        }
    };
    let (first, _) = meet(26).await;
    let minutes = run("Draft", json!({ "meeting": first })).await["draftMinutes"]["id"].clone();
    let (_, approval) = meet(2).await;
    let approved = run("Approve", json!({ "minutes": minutes, "motion": approval })).await;
    assert_eq!(approved["approveMinutes"]["status"], "APPROVED");
    let published = run("PublishMinutes", json!({ "minutes": minutes })).await;
    assert_eq!(published["publishMinutes"]["status"], "PUBLISHED");
    assert_eq!(ops.len(), 10, "every README step ran: {:?}", ops.keys());
}
