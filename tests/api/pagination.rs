//! Relay pagination: stable and complete pages in both directions, over inserts.

use crate::helpers::{ORG_A, TestApp};
use coalition::pagination::MAX_PAGE_SIZE;
use entity::enums::OrgRole;
use serde_json::{Value, json};

const FORWARD: &str = "query($first: Int, $after: String) { organizations(first: $first, after: $after) { totalCount edges { cursor node { slug } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
const BACKWARD: &str = "query($last: Int, $before: String) { organizations(last: $last, before: $before) { edges { node { slug } } pageInfo { hasNextPage hasPreviousPage startCursor } } }";

async fn create(app: &TestApp, token: &str, slug: &str) {
    let answer = app
        .graphql(
            Some(token),
            "mutation($slug: String!) { createOrganization(input: {name: $slug, slug: $slug, kind: OTHER}) { id } }",
            json!({ "slug": slug }),
        )
        .await;
    answer.data("createOrganization.id");
}

fn slugs(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["slug"].as_str().expect("slug").to_owned())
        .collect()
}

#[tokio::test]
async fn forward_pages_are_complete_and_stable_while_rows_are_inserted() {
    let app = TestApp::spawn().await;
    let coordinator = app.token("coordinator@demo.test").await;
    for i in 0..5 {
        create(&app, &coordinator, &format!("partner-{i}")).await;
    }
    let first = app.graphql(None, FORWARD, json!({ "first": 4 })).await;
    let page = first.data("organizations");
    assert_eq!(page["totalCount"], 11);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], false);
    let mut seen = slugs(page);
    let mut cursor = page["pageInfo"]["endCursor"].clone();
    // Rows added after the first page appear at the end, never twice, never skipped.
    create(&app, &coordinator, "late-1").await;
    create(&app, &coordinator, "late-2").await;
    loop {
        let next = app
            .graphql(None, FORWARD, json!({ "first": 4, "after": cursor }))
            .await;
        let page = next.data("organizations").clone();
        assert_eq!(page["pageInfo"]["hasPreviousPage"], true);
        seen.extend(slugs(&page));
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        cursor = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len(), 13, "{seen:?}");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 13, "no duplicates: {seen:?}");
    assert_eq!(&seen[0], ORG_A, "oldest first");
    assert_eq!(&seen[11..], ["late-1", "late-2"]);
}

#[tokio::test]
async fn backward_pages_walk_the_same_list_from_the_end() {
    let app = TestApp::spawn().await;
    let coordinator = app.token("coordinator@demo.test").await;
    for i in 0..4 {
        create(&app, &coordinator, &format!("partner-{i}")).await;
    }
    let all = slugs(
        app.graphql(None, FORWARD, json!({ "first": 100 }))
            .await
            .data("organizations"),
    );
    let mut collected: Vec<String> = Vec::new();
    let mut before = Value::Null;
    loop {
        let answer = app
            .graphql(None, BACKWARD, json!({ "last": 3, "before": before }))
            .await;
        let page = answer.data("organizations").clone();
        let mut chunk = slugs(&page);
        chunk.append(&mut collected);
        collected = chunk;
        if page["pageInfo"]["hasPreviousPage"] == false {
            break;
        }
        before = page["pageInfo"]["startCursor"].clone();
    }
    assert_eq!(collected, all);
}

#[tokio::test]
async fn a_page_larger_than_the_maximum_is_a_bad_input_naming_the_argument() {
    let app = TestApp::spawn().await;
    let answer = app
        .graphql(None, FORWARD, json!({ "first": MAX_PAGE_SIZE + 1 }))
        .await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT");
    assert_eq!(answer.body["errors"][0]["extensions"]["field"], "first");
    let both = app
        .graphql(
            None,
            "{ organizations(first: 1, last: 1) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(both.error_code(), "BAD_USER_INPUT");
    let forged = app
        .graphql(
            None,
            FORWARD,
            json!({ "first": 1, "after": "bm90LWEtY3Vyc29y" }),
        )
        .await;
    assert_eq!(forged.body["errors"][0]["extensions"]["field"], "after");
}

#[tokio::test]
async fn statements_per_members_page_do_not_grow_with_page_size() {
    let app = TestApp::spawn().await;
    for i in 0..40 {
        app.add_member(
            &format!("member{i}@riverside-library.demo.test"),
            ORG_A,
            OrgRole::Staff,
        )
        .await;
    }
    let admin = app.token_of("admin", ORG_A).await;
    let query = "query($slug: String!, $first: Int!) { organization(slug: $slug) { members(first: $first) { nodes { role user { email } organization { slug } } } } }";
    let mut counts = Vec::new();
    for first in [2, 40] {
        let before = app.statements();
        let answer = app
            .graphql(
                Some(&admin),
                query,
                json!({ "slug": ORG_A, "first": first }),
            )
            .await;
        assert_eq!(
            answer
                .data("organization.members.nodes")
                .as_array()
                .map(Vec::len),
            Some(first as usize)
        );
        counts.push(app.statements() - before);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for 2 and 40 members: {counts:?}"
    );
}
