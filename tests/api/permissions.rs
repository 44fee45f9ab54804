//! The permission matrix of accounts, role by role: each allowed operation
//! succeeds, each other one fails with the right code, and org B never learns
//! that org A's private records exist.

use crate::helpers::{ORG_A, ORG_B, TestApp};
use coalition::ids;
use entity::enums::OrgRole;
use serde_json::{Value, json};

/// The actors of the matrix, in the column order of the expectation strings.
const ACTORS: [&str; 8] = [
    "anonymous",
    "viewer A",
    "staff A",
    "admin A",
    "admin B",
    "coordinator",
    "clerk",
    "API key A",
];

struct Fixture {
    credentials: Vec<Option<String>>,
    org_a: String,
    membership_a: String,
    staff_a_user: String,
    other_key_a: String,
    invitation_a: String,
    audit_entry_a: String,
    clerk_user: String,
}

async fn fixture(app: &TestApp) -> Fixture {
    let viewer_a = app
        .add_member("viewer@riverside-library.demo.test", ORG_A, OrgRole::Viewer)
        .await;
    let admin_a = app.token_of("admin", ORG_A).await;
    let (_, key_a) = app.api_key(ORG_A, "STAFF").await;
    let (other_key_a, _) = app.api_key(ORG_A, "VIEWER").await;
    let org_a = app.org_id(ORG_A).await;
    let members = app
        .graphql(
            Some(&admin_a),
            "query($slug: String!) { organization(slug: $slug) { members(first: 10) { nodes { id role user { id email } } } } }",
            json!({ "slug": ORG_A }),
        )
        .await;
    let staff = members
        .data("organization.members.nodes")
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["user"]["email"] == "staff@riverside-library.demo.test")
        .expect("staff member")
        .clone();
    let invitation = app
        .graphql(
            Some(&admin_a),
            "mutation($org: ID!) { inviteMember(input: {organizationId: $org, email: \"target@example.org\", role: VIEWER}) { invitation { id } } }",
            json!({ "org": org_a }),
        )
        .await;
    let entries = app
        .graphql(
            Some(&admin_a),
            "query($org: ID!) { auditEntries(organizationId: $org, first: 1) { nodes { id } } }",
            json!({ "org": org_a }),
        )
        .await;
    let coordinator = app.token("coordinator@demo.test").await;
    let clerk = app.token("clerk@demo.test").await;
    let clerk_user = app
        .graphql(Some(&clerk), "{ viewer { user { id } } }", json!({}))
        .await
        .data("viewer.user.id")
        .as_str()
        .expect("id")
        .to_owned();
    Fixture {
        credentials: vec![
            None,
            Some(viewer_a),
            Some(app.token_of("staff", ORG_A).await),
            Some(admin_a),
            Some(app.token_of("admin", ORG_B).await),
            Some(coordinator),
            Some(clerk),
            Some(key_a),
        ],
        org_a,
        membership_a: staff["id"].as_str().expect("id").to_owned(),
        staff_a_user: staff["user"]["id"].as_str().expect("id").to_owned(),
        other_key_a,
        invitation_a: invitation
            .data("inviteMember.invitation.id")
            .as_str()
            .expect("id")
            .to_owned(),
        audit_entry_a: entries
            .data("auditEntries.nodes.0.id")
            .as_str()
            .expect("id")
            .to_owned(),
        clerk_user,
    }
}

/// One row: an operation and, per actor, `Y` (succeeds) or the first letter
/// of the expected code: `U`NAUTHENTICATED, `F`ORBIDDEN, `N`OT_FOUND.
struct Row {
    name: &'static str,
    query: &'static str,
    variables: Value,
    expect: &'static str,
}

fn code_of(letter: char) -> Option<&'static str> {
    match letter {
        'Y' => None,
        'U' => Some("UNAUTHENTICATED"),
        'F' => Some("FORBIDDEN"),
        'N' => Some("NOT_FOUND"),
        other => panic!("unknown expectation {other}"),
    }
}

async fn check(app: &TestApp, fx: &Fixture, rows: Vec<Row>) {
    let mut failures = Vec::new();
    for row in rows {
        assert_eq!(row.expect.len(), ACTORS.len(), "{}", row.name);
        for ((actor, credential), letter) in
            ACTORS.iter().zip(&fx.credentials).zip(row.expect.chars())
        {
            let mut variables = row.variables.clone();
            // Mutations that create things get a name unique to the actor.
            variables["unique"] = json!(actor.replace(' ', "-").to_lowercase());
            let answer = app
                .graphql(credential.as_deref(), row.query, variables)
                .await;
            let expected = code_of(letter);
            if answer.code() != expected {
                failures.push(format!(
                    "{} as {actor}: expected {:?}, got {}",
                    row.name, expected, answer.body
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn the_accounts_permission_matrix_holds_for_every_role() {
    let app = TestApp::spawn().await;
    let fx = fixture(&app).await;
    let org = json!({ "org": fx.org_a, "slug": ORG_A });
    //                                 anon viewerA staffA adminA adminB coord clerk keyA
    let rows = vec![
        Row {
            name: "read org A's members",
            query: "query($slug: String!) { organization(slug: $slug) { members(first: 10) { totalCount } } }",
            variables: org.clone(),
            expect: "UYYYFYFY",
        },
        Row {
            name: "invite into org A",
            query: "mutation($org: ID!) { inviteMember(input: {organizationId: $org, email: \"new@example.org\", role: STAFF}) { token } }",
            variables: org.clone(),
            expect: "UFFYFYFF",
        },
        Row {
            name: "list org A's invitations",
            query: "query($slug: String!) { organization(slug: $slug) { invitations(first: 5) { totalCount } } }",
            variables: org.clone(),
            expect: "UFFYFYFF",
        },
        Row {
            name: "create an API key for org A",
            query: "mutation($org: ID!, $unique: String!) { createApiKey(input: {organizationId: $org, name: $unique, role: VIEWER}) { secret } }",
            variables: org.clone(),
            expect: "UFFYFFFF",
        },
        Row {
            name: "list org A's API keys",
            query: "query($slug: String!) { organization(slug: $slug) { apiKeys(first: 5) { totalCount } } }",
            variables: org.clone(),
            expect: "UFFYFFFF",
        },
        Row {
            name: "read org A's audit log",
            query: "query($org: ID!) { auditEntries(organizationId: $org, first: 5) { totalCount } }",
            variables: org.clone(),
            expect: "UFFYFYFF",
        },
        Row {
            name: "create an organization",
            query: "mutation($unique: String!) { createOrganization(input: {name: \"New Partner\", slug: $unique, kind: SHELTER}) { id } }",
            variables: json!({}),
            expect: "UFFFFYFF",
        },
        Row {
            name: "look up a membership of org A",
            query: "query($id: ID!) { node(id: $id) { id } }",
            variables: json!({ "id": fx.membership_a }),
            expect: "NYYYNYNY",
        },
        Row {
            name: "look up a user of org A",
            query: "query($id: ID!) { node(id: $id) { ... on User { email } } }",
            variables: json!({ "id": fx.staff_a_user }),
            expect: "NYYYNYNY",
        },
        Row {
            name: "look up another API key of org A",
            query: "query($id: ID!) { node(id: $id) { id } }",
            variables: json!({ "id": fx.other_key_a }),
            expect: "NNNYNNNN",
        },
        Row {
            name: "look up an invitation of org A",
            query: "query($id: ID!) { node(id: $id) { id } }",
            variables: json!({ "id": fx.invitation_a }),
            expect: "NNNYNYNN",
        },
        Row {
            name: "look up an audit entry of org A",
            query: "query($id: ID!) { node(id: $id) { id } }",
            variables: json!({ "id": fx.audit_entry_a }),
            expect: "NNNYNYNN",
        },
        Row {
            name: "change a role in org A",
            query: "mutation($id: ID!) { changeMemberRole(input: {membershipId: $id, role: STAFF}) { role } }",
            variables: json!({ "id": fx.membership_a }),
            expect: "NFFYNYNF",
        },
        Row {
            name: "grant coalition roles",
            query: "mutation($id: ID!) { setCoalitionRoles(input: {userId: $id, roles: [CLERK]}) { coalitionRoles } }",
            variables: json!({ "id": fx.clerk_user }),
            expect: "UFFFFYFF",
        },
        Row {
            name: "revoke an invitation of org A",
            query: "mutation($id: ID!) { revokeInvitation(input: {invitationId: $id}) { status } }",
            variables: json!({ "id": fx.invitation_a }),
            expect: "NNNYNYNN",
        },
        Row {
            name: "revoke another API key of org A",
            query: "mutation($id: ID!) { revokeApiKey(input: {apiKeyId: $id}) { revokedAt } }",
            variables: json!({ "id": fx.other_key_a }),
            expect: "NNNYNNNN",
        },
    ];
    check(&app, &fx, rows).await;
}

#[tokio::test]
async fn a_hidden_record_answers_exactly_like_a_missing_one() {
    let app = TestApp::spawn().await;
    let fx = fixture(&app).await;
    let admin_b = app.token_of("admin", ORG_B).await;
    let missing = |type_name: &str| ids::encode(type_name, uuid::Uuid::now_v7()).0;
    let pairs = [
        (fx.membership_a.clone(), missing("Membership")),
        (fx.other_key_a.clone(), missing("ApiKey")),
        (fx.invitation_a.clone(), missing("Invitation")),
        (fx.audit_entry_a.clone(), missing("AuditEntry")),
        (fx.staff_a_user.clone(), missing("User")),
    ];
    for (hidden, absent) in pairs {
        let query = "query($id: ID!) { node(id: $id) { id } }";
        let a = app
            .graphql(Some(&admin_b), query, json!({ "id": hidden }))
            .await;
        let b = app
            .graphql(Some(&admin_b), query, json!({ "id": absent }))
            .await;
        assert_eq!(a.error_code(), "NOT_FOUND");
        assert_eq!(
            a.body, b.body,
            "a hidden record must be indistinguishable from a missing one"
        );
    }
    let nodes = app
        .graphql(
            Some(&admin_b),
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [fx.membership_a, fx.org_a] }),
        )
        .await;
    assert!(
        nodes.data("nodes.0").is_null(),
        "org A's membership is hidden from org B"
    );
    assert_eq!(
        nodes.data("nodes.1.id"),
        fx.org_a.as_str(),
        "organizations are public"
    );
}

#[tokio::test]
async fn an_api_key_can_never_hold_the_admin_role() {
    let app = TestApp::spawn().await;
    let admin = app.token_of("admin", ORG_A).await;
    let answer = app
        .graphql(
            Some(&admin),
            "mutation($org: ID!) { createApiKey(input: {organizationId: $org, name: \"x\", role: ADMIN}) { secret } }",
            json!({ "org": app.org_id(ORG_A).await }),
        )
        .await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        answer.body["errors"][0]["extensions"]["field"],
        "input.role"
    );
}
