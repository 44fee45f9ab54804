//! Accounts as their users meet them: logging in, invitations, roles, the last
//! admin, API keys, coalition roles.

use crate::helpers::{ORG_A, ORG_B, TestApp};
use coalition::auth::throttle::FREE_FAILURES;
use entity::enums::OrgRole;
use serde_json::{Value, json};

const LOGIN: &str = "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { token expiresAt user { email } } }";
const PASSWORD: &str = coalition::demo::DEMO_PASSWORD;

async fn login(app: &TestApp, email: &str, password: &str) -> crate::helpers::Answer {
    app.graphql(None, LOGIN, json!({ "email": email, "password": password }))
        .await
}

#[tokio::test]
async fn a_demo_admin_logs_in_and_sees_their_organization_and_members() {
    let app = TestApp::spawn().await;
    let answer = login(&app, "Admin@Riverside-Library.demo.test", PASSWORD).await;
    let token = answer
        .data("login.token")
        .as_str()
        .expect("token")
        .to_owned();
    let viewer = app
        .graphql(
            Some(&token),
            "{ viewer { memberships { role organization { slug members(first: 10) { totalCount nodes { role user { email } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(viewer.data("viewer.memberships.0.role"), "ADMIN");
    assert_eq!(viewer.data("viewer.memberships.0.organization.slug"), ORG_A);
    assert_eq!(
        viewer.data("viewer.memberships.0.organization.members.totalCount"),
        2
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_fail_alike() {
    let app = TestApp::spawn().await;
    let wrong = login(
        &app,
        "admin@riverside-library.demo.test",
        "not-the-password",
    )
    .await;
    let unknown = login(&app, "nobody@nowhere.test", "not-the-password").await;
    assert_eq!(wrong.error_code(), "UNAUTHENTICATED");
    assert_eq!(wrong.body, unknown.body);
}

#[tokio::test]
async fn repeated_failures_lock_the_address_even_for_the_right_password() {
    let app = TestApp::spawn().await;
    let email = "staff@riverside-library.demo.test";
    for _ in 0..FREE_FAILURES {
        assert_eq!(
            login(&app, email, "wrong-password!").await.error_code(),
            "UNAUTHENTICATED"
        );
    }
    let locked = login(&app, email, PASSWORD).await;
    assert_eq!(locked.error_code(), "RATE_LIMITED");
    assert!(
        locked.body["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .unwrap_or(0)
            > 0
    );
    let other = login(&app, "admin@riverside-library.demo.test", PASSWORD).await;
    assert!(
        other.data("login.token").is_string(),
        "other addresses are not locked"
    );
}

const INVITE: &str = "mutation($org: ID!, $email: String!, $role: MemberRole!) { inviteMember(input: {organizationId: $org, email: $email, role: $role}) { token invitation { id status role } } }";
const ACCEPT: &str = "mutation($token: String!, $name: String, $password: String!) { acceptInvitation(input: {token: $token, displayName: $name, password: $password}) { token user { email } } }";

async fn invite(app: &TestApp, slug: &str, email: &str, role: &str) -> String {
    let admin = app.token_of("admin", slug).await;
    let answer = app
        .graphql(
            Some(&admin),
            INVITE,
            json!({ "org": app.org_id(slug).await, "email": email, "role": role }),
        )
        .await;
    assert_eq!(answer.data("inviteMember.invitation.status"), "PENDING");
    answer
        .data("inviteMember.token")
        .as_str()
        .expect("token")
        .to_owned()
}

#[tokio::test]
async fn an_invitation_is_redeemed_once_and_makes_a_member() {
    let app = TestApp::spawn().await;
    let token = invite(&app, ORG_A, "Navigator@Example.org", "STAFF").await;
    let accept = json!({ "token": token, "name": "Amina", "password": "a-very-long-password" });
    let answer = app.graphql(None, ACCEPT, accept.clone()).await;
    assert_eq!(
        answer.data("acceptInvitation.user.email"),
        "navigator@example.org"
    );
    let session = answer
        .data("acceptInvitation.token")
        .as_str()
        .expect("token")
        .to_owned();
    let viewer = app
        .graphql(
            Some(&session),
            "{ viewer { memberships { role organization { slug } } } }",
            json!({}),
        )
        .await;
    assert_eq!(viewer.data("viewer.memberships.0.role"), "STAFF");
    assert_eq!(viewer.data("viewer.memberships.0.organization.slug"), ORG_A);

    let again = app.graphql(None, ACCEPT, accept).await;
    assert_eq!(again.error_code(), "CONFLICT");
    let relogin = login(&app, "navigator@example.org", "a-very-long-password").await;
    assert!(
        relogin.data("login.token").is_string(),
        "the chosen password works"
    );
}

#[tokio::test]
async fn an_invitation_validates_its_input_field_by_field() {
    let app = TestApp::spawn().await;
    let token = invite(&app, ORG_A, "someone@example.org", "VIEWER").await;
    let short = app
        .graphql(
            None,
            ACCEPT,
            json!({ "token": token, "name": "S", "password": "short" }),
        )
        .await;
    assert_eq!(short.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        short.body["errors"][0]["extensions"]["field"],
        "input.password"
    );
    let nameless = app
        .graphql(
            None,
            ACCEPT,
            json!({ "token": token, "password": "a-very-long-password" }),
        )
        .await;
    assert_eq!(
        nameless.body["errors"][0]["extensions"]["field"],
        "input.displayName"
    );
    let unknown = app
        .graphql(
            None,
            ACCEPT,
            json!({ "token": "forged", "name": "S", "password": "a-very-long-password" }),
        )
        .await;
    assert_eq!(unknown.error_code(), "NOT_FOUND");

    let admin = app.token_of("admin", ORG_A).await;
    let bad_email = app
        .graphql(
            Some(&admin),
            INVITE,
            json!({ "org": app.org_id(ORG_A).await, "email": "not-an-address", "role": "STAFF" }),
        )
        .await;
    assert_eq!(
        bad_email.body["errors"][0]["extensions"]["field"],
        "input.email"
    );
}

#[tokio::test]
async fn someone_with_an_account_joins_a_second_organization_with_their_own_password() {
    let app = TestApp::spawn().await;
    let email = "staff@riverside-library.demo.test";
    let token = invite(&app, ORG_B, email, "VIEWER").await;
    let wrong = app
        .graphql(
            None,
            ACCEPT,
            json!({ "token": token, "password": "someone-elses-password" }),
        )
        .await;
    assert_eq!(
        wrong.body["errors"][0]["extensions"]["field"],
        "input.password"
    );
    let right = app
        .graphql(
            None,
            ACCEPT,
            json!({ "token": token, "password": PASSWORD }),
        )
        .await;
    let session = right
        .data("acceptInvitation.token")
        .as_str()
        .expect("token")
        .to_owned();
    let viewer = app
        .graphql(
            Some(&session),
            "{ viewer { memberships { role organization { slug } } } }",
            json!({}),
        )
        .await;
    let mut orgs: Vec<(String, String)> = viewer
        .data("viewer.memberships")
        .as_array()
        .expect("list")
        .iter()
        .map(|m| {
            (
                m["organization"]["slug"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                m["role"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    orgs.sort();
    assert_eq!(
        orgs,
        vec![
            (ORG_B.to_owned(), "VIEWER".to_owned()),
            (ORG_A.to_owned(), "STAFF".to_owned())
        ]
    );
}

#[tokio::test]
async fn inviting_a_current_member_is_a_conflict() {
    let app = TestApp::spawn().await;
    let admin = app.token_of("admin", ORG_A).await;
    let answer = app
        .graphql(
            Some(&admin),
            INVITE,
            json!({ "org": app.org_id(ORG_A).await, "email": "staff@riverside-library.demo.test", "role": "ADMIN" }),
        )
        .await;
    assert_eq!(answer.error_code(), "CONFLICT");
}

async fn memberships(app: &TestApp, token: &str) -> Vec<Value> {
    app.graphql(
        Some(token),
        "query($slug: String!) { organization(slug: $slug) { members(first: 20) { nodes { id role user { email } } } } }",
        json!({ "slug": ORG_A }),
    )
    .await
    .data("organization.members.nodes")
    .as_array()
    .expect("members")
    .clone()
}

fn id_of(members: &[Value], email: &str) -> String {
    members
        .iter()
        .find(|m| m["user"]["email"] == email)
        .and_then(|m| m["id"].as_str())
        .expect("member")
        .to_owned()
}

const CHANGE: &str = "mutation($id: ID!, $role: MemberRole!) { changeMemberRole(input: {membershipId: $id, role: $role}) { role } }";
const REMOVE: &str =
    "mutation($id: ID!) { removeMember(input: {membershipId: $id}) { removedMembershipId } }";

#[tokio::test]
async fn the_last_admin_can_be_neither_demoted_nor_removed() {
    let app = TestApp::spawn().await;
    let admin = app.token_of("admin", ORG_A).await;
    let members = memberships(&app, &admin).await;
    let own = id_of(&members, "admin@riverside-library.demo.test");
    let staff = id_of(&members, "staff@riverside-library.demo.test");

    let demote = app
        .graphql(Some(&admin), CHANGE, json!({ "id": own, "role": "STAFF" }))
        .await;
    assert_eq!(demote.error_code(), "CONFLICT");
    assert!(demote.message().contains("admin"), "{}", demote.message());
    let remove = app
        .graphql(Some(&admin), REMOVE, json!({ "id": own }))
        .await;
    assert_eq!(remove.error_code(), "CONFLICT");
    let roles: Vec<Value> = memberships(&app, &admin)
        .await
        .iter()
        .map(|m| m["role"].clone())
        .collect();
    assert!(
        roles.contains(&json!("ADMIN")),
        "the refused change left the admin in place"
    );

    let promote = app
        .graphql(
            Some(&admin),
            CHANGE,
            json!({ "id": staff, "role": "ADMIN" }),
        )
        .await;
    assert_eq!(promote.data("changeMemberRole.role"), "ADMIN");
    let step_down = app
        .graphql(Some(&admin), CHANGE, json!({ "id": own, "role": "STAFF" }))
        .await;
    assert_eq!(
        step_down.data("changeMemberRole.role"),
        "STAFF",
        "with a second admin, stepping down works"
    );
}

#[tokio::test]
async fn a_removed_member_loses_access_to_the_organization() {
    let app = TestApp::spawn().await;
    let admin = app.token_of("admin", ORG_A).await;
    let staff = app.token_of("staff", ORG_A).await;
    let id = id_of(
        &memberships(&app, &admin).await,
        "staff@riverside-library.demo.test",
    );
    let removed = app.graphql(Some(&admin), REMOVE, json!({ "id": id })).await;
    assert_eq!(
        removed.data("removeMember.removedMembershipId"),
        id.as_str()
    );
    let answer = app
        .graphql(
            Some(&staff),
            "query($slug: String!) { organization(slug: $slug) { members(first: 5) { totalCount } } }",
            json!({ "slug": ORG_A }),
        )
        .await;
    assert_eq!(answer.error_code(), "FORBIDDEN");
}

#[tokio::test]
async fn an_api_key_is_shown_once_and_listed_by_prefix_only() {
    let app = TestApp::spawn().await;
    let (_, secret) = app.api_key(ORG_A, "VIEWER").await;
    let admin = app.token_of("admin", ORG_A).await;
    let listed = app
        .graphql(
            Some(&admin),
            "query($slug: String!) { organization(slug: $slug) { apiKeys(first: 5) { nodes { name prefix role revokedAt } } } }",
            json!({ "slug": ORG_A }),
        )
        .await;
    let keys = listed.data("organization.apiKeys.nodes");
    let prefix = keys[0]["prefix"].as_str().expect("prefix");
    assert!(secret.starts_with(prefix), "{secret} starts with {prefix}");
    assert!(secret.len() > prefix.len() + 30);
    assert!(
        !listed.body.to_string().contains(&secret),
        "the secret is never listed"
    );
    assert_eq!(keys[0]["role"], "VIEWER");

    let as_key = app
        .graphql(
            Some(&secret),
            "query($slug: String!) { organization(slug: $slug) { members(first: 5) { totalCount } } }",
            json!({ "slug": ORG_A }),
        )
        .await;
    assert_eq!(
        as_key.data("organization.members.totalCount"),
        2,
        "a key reads its own organization"
    );
    let elsewhere = app
        .graphql(
            Some(&secret),
            "query($slug: String!) { organization(slug: $slug) { members(first: 5) { totalCount } } }",
            json!({ "slug": ORG_B }),
        )
        .await;
    assert_eq!(elsewhere.error_code(), "FORBIDDEN");
}

#[tokio::test]
async fn a_coordinator_creates_an_organization_and_seats_its_first_admin() {
    let app = TestApp::spawn().await;
    let coordinator = app.token("coordinator@demo.test").await;
    let created = app
        .graphql(
            Some(&coordinator),
            "mutation { createOrganization(input: {name: \"  Harbor Shelter \", slug: \"harbor-shelter\", kind: SHELTER}) { id name kind } }",
            json!({}),
        )
        .await;
    assert_eq!(created.data("createOrganization.name"), "Harbor Shelter");
    let org = created
        .data("createOrganization.id")
        .as_str()
        .expect("id")
        .to_owned();
    let invited = app
        .graphql(
            Some(&coordinator),
            INVITE,
            json!({ "org": org, "email": "director@harbor.example.org", "role": "ADMIN" }),
        )
        .await;
    let token = invited.data("inviteMember.token").as_str().expect("token");
    let accepted = app
        .graphql(
            None,
            ACCEPT,
            json!({ "token": token, "name": "Director", "password": "a-very-long-password" }),
        )
        .await;
    assert!(accepted.data("acceptInvitation.token").is_string());

    let duplicate = app
        .graphql(
            Some(&coordinator),
            "mutation { createOrganization(input: {name: \"Again\", slug: \"harbor-shelter\", kind: SHELTER}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(duplicate.error_code(), "CONFLICT");
    let bad_slug = app
        .graphql(
            Some(&coordinator),
            "mutation { createOrganization(input: {name: \"Bad\", slug: \"Bad Slug\", kind: OTHER}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        bad_slug.body["errors"][0]["extensions"]["field"],
        "input.slug"
    );
}

#[tokio::test]
async fn a_coordinator_cannot_withdraw_their_own_coordinator_role() {
    let app = TestApp::spawn().await;
    let coordinator = app.token("coordinator@demo.test").await;
    let me = app
        .graphql(Some(&coordinator), "{ viewer { user { id } } }", json!({}))
        .await
        .data("viewer.user.id")
        .as_str()
        .expect("id")
        .to_owned();
    let answer = app
        .graphql(
            Some(&coordinator),
            "mutation($id: ID!) { setCoalitionRoles(input: {userId: $id, roles: [CLERK]}) { coalitionRoles } }",
            json!({ "id": me }),
        )
        .await;
    assert_eq!(answer.error_code(), "CONFLICT");
}

#[tokio::test]
async fn an_api_key_ends_with_the_admin_authority_of_its_maker() {
    let app = TestApp::spawn().await;
    let org = app.org_id(ORG_A).await;
    let owner = app.token_of("admin", ORG_A).await;
    let maker = app
        .add_member("second-admin@riverside.example", ORG_A, OrgRole::Admin)
        .await;
    let create = "mutation($org: ID!, $name: String!) { createApiKey(input: {organizationId: $org, name: $name, role: STAFF}) { apiKey { id createdBy { email } } secret } }";
    let demoted_key = app
        .graphql(Some(&maker), create, json!({ "org": org, "name": "sync" }))
        .await;
    assert_eq!(
        demoted_key.data("createApiKey.apiKey.createdBy.email"),
        "second-admin@riverside.example"
    );
    let secret = demoted_key
        .data("createApiKey.secret")
        .as_str()
        .expect("secret")
        .to_owned();
    let kept = app
        .graphql(Some(&owner), create, json!({ "org": org, "name": "kept" }))
        .await;
    let kept_secret = kept
        .data("createApiKey.secret")
        .as_str()
        .expect("secret")
        .to_owned();
    let viewer = "{ viewer { kind } }";
    assert_eq!(
        app.graphql(Some(&secret), viewer, json!({}))
            .await
            .data("viewer.kind"),
        "API_KEY"
    );

    let membership = id_of(
        &memberships(&app, &owner).await,
        "second-admin@riverside.example",
    );
    app.graphql(
        Some(&owner),
        CHANGE,
        json!({ "id": membership, "role": "STAFF" }),
    )
    .await
    .data("changeMemberRole.role");
    let refused = app.graphql(Some(&secret), viewer, json!({})).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert_eq!(
        app.graphql(Some(&kept_secret), viewer, json!({}))
            .await
            .data("viewer.kind"),
        "API_KEY",
        "other admins' keys live on"
    );
    let keys = app
        .graphql(
            Some(&owner),
            "query($slug: String!) { organization(slug: $slug) { apiKeys(first: 20) { nodes { name revokedAt createdBy { email } } } } }",
            json!({ "slug": ORG_A }),
        )
        .await;
    let sync = keys
        .data("organization.apiKeys.nodes")
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["name"] == "sync")
        .cloned()
        .expect("sync key");
    assert!(sync["revokedAt"].is_string(), "{sync}");

    let leaver = app
        .add_member("leaving-admin@riverside.example", ORG_A, OrgRole::Admin)
        .await;
    let leaving_secret = app
        .graphql(
            Some(&leaver),
            create,
            json!({ "org": org, "name": "leaver" }),
        )
        .await
        .data("createApiKey.secret")
        .as_str()
        .expect("secret")
        .to_owned();
    let membership = id_of(
        &memberships(&app, &owner).await,
        "leaving-admin@riverside.example",
    );
    app.graphql(Some(&owner), REMOVE, json!({ "id": membership }))
        .await
        .data("removeMember");
    assert_eq!(
        app.graphql(Some(&leaving_secret), viewer, json!({}))
            .await
            .status,
        401
    );
}
