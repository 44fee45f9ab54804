//! The audit log: one entry per change, in the change's transaction, readable
//! by the right people only, and never writable.

use crate::helpers::{ORG_A, ORG_B, TestApp};
use serde_json::{Value, json};

const ENTRIES: &str = "query($org: ID) { auditEntries(organizationId: $org, first: 100) { totalCount nodes { action recordType recordId requestId details actorKind actorUser { email } organization { slug } } } }";

async fn entries(app: &TestApp, token: &str, org: Option<&str>) -> Vec<Value> {
    app.graphql(Some(token), ENTRIES, json!({ "org": org }))
        .await
        .data("auditEntries.nodes")
        .as_array()
        .expect("entries")
        .clone()
}

#[tokio::test]
async fn a_change_leaves_an_entry_naming_who_what_where_and_the_request() {
    let app = TestApp::spawn().await;
    let admin = app.token_of("admin", ORG_A).await;
    let org = app.org_id(ORG_A).await;
    let answer = app
        .graphql_with_headers(
            Some(&admin),
            "mutation($org: ID!) { createApiKey(input: {organizationId: $org, name: \"case sync\", role: STAFF}) { apiKey { id } } }",
            json!({ "org": org }),
            &[("x-request-id", "req-audit-1")],
        )
        .await;
    let key_id = answer.data("createApiKey.apiKey.id").clone();
    let found = entries(&app, &admin, Some(&org)).await;
    let entry = found
        .iter()
        .find(|e| e["action"] == "api_key.created")
        .expect("an entry for the new key");
    assert_eq!(entry["recordId"], key_id);
    assert_eq!(entry["recordType"], "ApiKey");
    assert_eq!(entry["requestId"], "req-audit-1");
    assert_eq!(entry["actorKind"], "USER");
    assert_eq!(
        entry["actorUser"]["email"],
        "admin@riverside-library.demo.test"
    );
    assert_eq!(entry["organization"]["slug"], ORG_A);
    assert!(
        !entry["details"].as_str().unwrap_or("").contains("coal_"),
        "no secret in details"
    );
}

#[tokio::test]
async fn a_failed_mutation_leaves_neither_a_change_nor_an_entry() {
    let app = TestApp::spawn().await;
    let admin = app.token_of("admin", ORG_A).await;
    let org = app.org_id(ORG_A).await;
    let before = entries(&app, &admin, Some(&org)).await.len();
    let members = app
        .graphql(
            Some(&admin),
            "query($slug: String!) { organization(slug: $slug) { members(first: 5) { nodes { id role } } } }",
            json!({ "slug": ORG_A }),
        )
        .await;
    let own = members
        .data("organization.members.nodes")
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["role"] == "ADMIN")
        .and_then(|m| m["id"].as_str())
        .expect("admin")
        .to_owned();
    // The role is written, then the last-admin check fails: all of it rolls back.
    let refused = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { changeMemberRole(input: {membershipId: $id, role: VIEWER}) { role } }",
            json!({ "id": own }),
        )
        .await;
    assert_eq!(refused.error_code(), "CONFLICT");
    let coordinator = app.token("coordinator@demo.test").await;
    let duplicate = app
        .graphql(
            Some(&coordinator),
            "mutation { createOrganization(input: {name: \"Copy\", slug: \"riverside-library\", kind: LIBRARY}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(duplicate.error_code(), "CONFLICT");
    assert_eq!(entries(&app, &admin, Some(&org)).await.len(), before);
    let role = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { node(id: $id) { ... on Membership { role } } }",
            json!({ "id": own }),
        )
        .await;
    assert_eq!(role.data("node.role"), "ADMIN");
}

#[tokio::test]
async fn admins_read_their_organization_s_entries_and_coordinators_read_all() {
    let app = TestApp::spawn().await;
    let admin_a = app.token_of("admin", ORG_A).await;
    let admin_b = app.token_of("admin", ORG_B).await;
    let coordinator = app.token("coordinator@demo.test").await;
    app.api_key(ORG_A, "STAFF").await;
    app.api_key(ORG_B, "STAFF").await;

    let own = entries(&app, &admin_a, None).await;
    assert!(!own.is_empty());
    assert!(
        own.iter().all(|e| e["organization"]["slug"] == ORG_A),
        "an admin sees only their organization"
    );
    let all = entries(&app, &coordinator, None).await;
    let slugs: Vec<&str> = all
        .iter()
        .filter_map(|e| e["organization"]["slug"].as_str())
        .collect();
    assert!(slugs.contains(&ORG_A) && slugs.contains(&ORG_B));

    let cross = app
        .graphql(
            Some(&admin_b),
            ENTRIES,
            json!({ "org": app.org_id(ORG_A).await }),
        )
        .await;
    assert_eq!(cross.error_code(), "FORBIDDEN");
}

#[tokio::test]
async fn no_mutation_can_change_or_delete_an_audit_entry() {
    let app = TestApp::spawn().await;
    let answer = app
        .graphql(
            None,
            "{ __schema { mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    let names: Vec<String> = answer
        .data("__schema.mutationType.fields")
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["name"].as_str().map(str::to_lowercase))
        .collect();
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| !n.contains("audit")), "{names:?}");
}
