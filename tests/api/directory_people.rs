//! Bodies, people and memberships as their users meet them: who sees which
//! contact, who may change what, history that is never overwritten,
//! holdovers, "who speaks this language and knows this area", and rosters
//! whose cost does not grow with their size.

use crate::helpers::{Answer, TestApp};
use coalition::directory::people::demo::{
    ADVISORY_GROUP, COMMISSION, NORTHGATE_COMMITTEE, RIVERSIDE_COMMITTEE,
};
use coalition::ids;
use serde_json::{Value, json};

const ROSTER: &str = "query($slug: String!) { body(slug: $slug) { id name seats vacancies currentMembers { id post holdsSeat holdover seatedToday person { id name contacts { kind value visibility } } } } }";

async fn coordinator(app: &TestApp) -> String {
    app.token("coordinator@demo.test").await
}

/// A member of the coalition with no special rights: staff of a legal-aid clinic.
async fn member(app: &TestApp) -> String {
    app.token_of("staff", "community-legal-aid").await
}

fn field(answer: &Answer) -> &str {
    answer.body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or("")
}

async fn roster(app: &TestApp, credential: Option<&str>, slug: &str) -> Answer {
    app.graphql(credential, ROSTER, json!({ "slug": slug }))
        .await
}

fn names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|m| {
            m["person"]["name"]
                .as_str()
                .or(m["name"].as_str())
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    names.sort();
    names
}

async fn body_id(app: &TestApp, slug: &str) -> String {
    let token = coordinator(app).await;
    app.graphql(
        Some(&token),
        "query($slug: String!) { body(slug: $slug) { id } }",
        json!({ "slug": slug }),
    )
    .await
    .data("body.id")
    .as_str()
    .expect("id")
    .to_owned()
}

async fn person_id(app: &TestApp, name: &str) -> String {
    let token = coordinator(app).await;
    let people = app
        .graphql(
            Some(&token),
            "{ people(first: 100) { nodes { id name } } }",
            json!({}),
        )
        .await;
    people
        .data("people.nodes")
        .as_array()
        .expect("people")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} is in the demo directory"))["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn create_person(app: &TestApp, token: &str, name: &str) -> String {
    app.graphql(
        Some(token),
        "mutation($name: String!) { createPerson(input: {name: $name, languages: [\"en\"]}) { id } }",
        json!({ "name": name }),
    )
    .await
    .data("createPerson.id")
    .as_str()
    .expect("id")
    .to_owned()
}

const APPOINT: &str = "mutation($body: ID!, $person: ID!, $post: BodyPost!, $start: Date!, $replaces: ID) { appointMember(input: {bodyId: $body, personId: $person, post: $post, startDate: $start, replacesMembershipId: $replaces}) { id post startDate endDate endedOn seatedToday holdover appointedBy person { name } } }";
const END: &str =
    "mutation($id: ID!) { endMembership(input: {membershipId: $id}) { id endedOn seatedToday } }";

fn today() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::America::New_York)
        .date_naive()
        .to_string()
}

// ---------------------------------------------------------------- visibility

#[tokio::test]
async fn anonymous_visitors_see_public_contacts_only_and_members_see_both() {
    let app = TestApp::spawn().await;
    let member = member(&app).await;
    let anonymous = roster(&app, None, COMMISSION).await;
    let signed_in = roster(&app, Some(&member), COMMISSION).await;

    let contacts_of = |answer: &Answer, name: &str| -> Vec<(String, String)> {
        answer
            .data("body.currentMembers")
            .as_array()
            .expect("members")
            .iter()
            .find(|m| m["person"]["name"] == name)
            .unwrap_or_else(|| panic!("{name} sits on the commission"))["person"]["contacts"]
            .as_array()
            .expect("contacts")
            .iter()
            .map(|c| {
                (
                    c["value"].as_str().unwrap_or_default().to_owned(),
                    c["visibility"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        contacts_of(&anonymous, "Mariam Haddad"),
        vec![("mariam.haddad@example.org".into(), "PUBLIC".into())]
    );
    assert_eq!(
        contacts_of(&signed_in, "Mariam Haddad"),
        vec![
            ("mariam.haddad@example.org".into(), "PUBLIC".into()),
            ("+1 555 010 0101".into(), "COALITION".into()),
        ]
    );
    assert!(
        contacts_of(&anonymous, "Amani Njoroge").is_empty(),
        "a person with coalition-only contacts shows none to the public"
    );
    assert_eq!(contacts_of(&signed_in, "Amani Njoroge").len(), 1);
}

#[tokio::test]
async fn a_coalition_contact_never_appears_for_anonymous_in_any_response() {
    let app = TestApp::spawn().await;
    let coordinator = coordinator(&app).await;
    let everyone = app
        .graphql(
            Some(&coordinator),
            "{ people(first: 100) { nodes { id contacts { value visibility } } } }",
            json!({}),
        )
        .await;
    let people = everyone.data("people.nodes").as_array().expect("people");
    let secrets: Vec<String> = people
        .iter()
        .flat_map(|p| p["contacts"].as_array().cloned().unwrap_or_default())
        .filter(|c| c["visibility"] == "COALITION")
        .map(|c| c["value"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(secrets.len() >= 10, "the demo has coalition-only contacts");

    let mut answers = Vec::new();
    answers.push(
        app.graphql(
            None,
            "{ bodies(first: 100) { nodes { slug currentMembers { person { contacts { value } memberships { body { currentMembers { person { contacts { value } } } } } } } } } }",
            json!({}),
        )
        .await
        .body,
    );
    for person in people {
        for query in [
            "query($id: ID!) { node(id: $id) { ... on Person { name contacts { value kind label } } } }",
            "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Person { contacts { value } } } }",
        ] {
            answers.push(
                app.graphql(
                    None,
                    query,
                    json!({ "id": person["id"], "ids": [person["id"]] }),
                )
                .await
                .body,
            );
        }
    }
    for slug in [
        COMMISSION,
        ADVISORY_GROUP,
        RIVERSIDE_COMMITTEE,
        NORTHGATE_COMMITTEE,
    ] {
        answers.push(roster(&app, None, slug).await.body);
    }
    let text = serde_json::to_string(&answers).expect("json");
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{secret} leaked to an anonymous visitor"
        );
    }
    assert!(
        text.contains("mariam.haddad@example.org"),
        "public contacts do show"
    );
}

#[tokio::test]
async fn a_non_public_body_is_not_found_for_anonymous_exactly_like_a_missing_body() {
    let app = TestApp::spawn().await;
    let hidden = roster(&app, None, NORTHGATE_COMMITTEE).await;
    let missing = roster(&app, None, "no-such-committee").await;
    assert_eq!(hidden.error_code(), "NOT_FOUND");
    assert_eq!(hidden.body, missing.body);

    let id = body_id(&app, NORTHGATE_COMMITTEE).await;
    let node = "query($id: ID!) { node(id: $id) { id } }";
    let by_id = app.graphql(None, node, json!({ "id": id })).await;
    let absent = app
        .graphql(
            None,
            node,
            json!({ "id": ids::encode("Body", uuid::Uuid::now_v7()).0 }),
        )
        .await;
    assert_eq!(by_id.error_code(), "NOT_FOUND");
    assert_eq!(by_id.body, absent.body);

    let list = "{ bodies(first: 10) { totalCount nodes { slug } } }";
    let public = app.graphql(None, list, json!({})).await;
    let member_token = member(&app).await;
    let all = app.graphql(Some(&member_token), list, json!({})).await;
    assert_eq!(public.data("bodies.totalCount"), 3);
    assert_eq!(all.data("bodies.totalCount"), 4);
    assert!(!public.body.to_string().contains(NORTHGATE_COMMITTEE));
    assert_eq!(
        roster(&app, Some(&member_token), NORTHGATE_COMMITTEE)
            .await
            .data("body.name"),
        "Northgate Neighborhood Welcoming Committee"
    );
}

#[tokio::test]
async fn people_not_currently_on_a_public_body_are_not_found_for_anonymous() {
    let app = TestApp::spawn().await;
    let node = "query($id: ID!) { node(id: $id) { ... on Person { name memberships { post body { slug } } } } }";
    let member_token = member(&app).await;
    // Only on Northgate's members-only committee; a past commissioner.
    for name in ["Nadia Rahimi", "Helen Park"] {
        let id = person_id(&app, name).await;
        let hidden = app.graphql(None, node, json!({ "id": id })).await;
        let absent = app
            .graphql(
                None,
                node,
                json!({ "id": ids::encode("Person", uuid::Uuid::now_v7()).0 }),
            )
            .await;
        assert_eq!(hidden.error_code(), "NOT_FOUND", "{name}");
        assert_eq!(hidden.body, absent.body, "{name}");
        let seen = app
            .graphql(Some(&member_token), node, json!({ "id": id }))
            .await;
        assert_eq!(seen.data("node.name"), name);
    }
    let haddad = person_id(&app, "Mariam Haddad").await;
    let public = app.graphql(None, node, json!({ "id": haddad })).await;
    let mut bodies: Vec<&str> = public
        .data("node.memberships")
        .as_array()
        .expect("memberships")
        .iter()
        .filter_map(|m| m["body"]["slug"].as_str())
        .collect();
    bodies.sort();
    assert_eq!(bodies, vec![COMMISSION, ADVISORY_GROUP]);
    let people = app
        .graphql(None, "{ people { totalCount } }", json!({}))
        .await;
    assert_eq!(
        people.error_code(),
        "UNAUTHENTICATED",
        "searching people is for members of the coalition"
    );
}

// ---------------------------------------------------------------- edit rights

/// The actors of the edit-rights matrix, in the column order of expectations.
const ACTORS: [&str; 6] = [
    "anonymous",
    "staff of Riverside",
    "admin of Riverside",
    "admin of Northgate",
    "admin of another organization",
    "coordinator",
];

fn code_of(letter: char) -> Option<&'static str> {
    match letter {
        'Y' => None,
        'U' => Some("UNAUTHENTICATED"),
        'F' => Some("FORBIDDEN"),
        'N' => Some("NOT_FOUND"),
        other => panic!("unknown expectation {other}"),
    }
}

#[tokio::test]
async fn edit_rights_follow_role_and_owning_organization() {
    let app = TestApp::spawn().await;
    let coordinator_token = coordinator(&app).await;
    let credentials = vec![
        None,
        Some(app.token_of("staff", "riverside-library").await),
        Some(app.token_of("admin", "riverside-library").await),
        Some(app.token_of("admin", "northgate-library").await),
        Some(app.token_of("admin", "community-legal-aid").await),
        Some(coordinator_token.clone()),
    ];
    let mut newcomers = Vec::new();
    for actor in ACTORS {
        newcomers
            .push(create_person(&app, &coordinator_token, &format!("Newcomer for {actor}")).await);
    }
    let riverside = body_id(&app, RIVERSIDE_COMMITTEE).await;
    let northgate = body_id(&app, NORTHGATE_COMMITTEE).await;
    let commission = body_id(&app, COMMISSION).await;
    let haddad = person_id(&app, "Mariam Haddad").await;
    let rahimi = person_id(&app, "Nadia Rahimi").await;
    let appoint = "mutation($body: ID!, $person: ID!) { appointMember(input: {bodyId: $body, personId: $person, post: STAFF_LIAISON, startDate: \"2026-01-01\"}) { id } }";
    //                                       anon staffR adminR adminN adminB coord
    let rows: Vec<(&str, &str, Value, &str)> = vec![
        (
            "appoint to Riverside's committee",
            appoint,
            json!({ "body": riverside }),
            "UFYFFY",
        ),
        (
            "appoint to Northgate's members-only committee",
            appoint,
            json!({ "body": northgate }),
            "NFFYFY",
        ),
        (
            "appoint to the commission",
            appoint,
            json!({ "body": commission }),
            "UFFFFY",
        ),
        (
            "create a body",
            "mutation($unique: String!) { createBody(input: {slug: $unique, name: \"Youth Council\", kind: COMMITTEE, description: \"\", seats: 5, appointingAuthority: \"Coordinators\", recordsPublic: true, holdoversAllowed: false, timeZone: \"America/New_York\"}) { id } }",
            json!({}),
            "UFFFFY",
        ),
        (
            "change the commission",
            "mutation($body: ID!) { updateBody(input: {bodyId: $body, seats: 13}) { seats } }",
            json!({ "body": commission }),
            "UFFFFY",
        ),
        (
            "change Northgate's committee",
            "mutation($body: ID!) { updateBody(input: {bodyId: $body, seats: 6}) { seats } }",
            json!({ "body": northgate }),
            "NFFFFY",
        ),
        (
            "add a person",
            "mutation($unique: String!) { createPerson(input: {name: $unique}) { id } }",
            json!({}),
            "UFFFFY",
        ),
        (
            "edit a commissioner's profile",
            "mutation($id: ID!) { updatePerson(input: {personId: $id, bio: \"Updated.\"}) { bio } }",
            json!({ "id": haddad }),
            "UFFFFY",
        ),
        (
            "edit the profile of someone on no public body",
            "mutation($id: ID!) { updatePerson(input: {personId: $id, bio: \"Updated.\"}) { bio } }",
            json!({ "id": rahimi }),
            "NFFFFY",
        ),
        (
            "add a contact to a commissioner",
            "mutation($id: ID!) { addPersonContact(input: {personId: $id, kind: PHONE, value: \"+1 555 010 9999\", visibility: COALITION}) { id } }",
            json!({ "id": haddad }),
            "UFFFFY",
        ),
        (
            "search people",
            "{ people(first: 5) { totalCount } }",
            json!({}),
            "UYYYYY",
        ),
    ];
    let mut failures = Vec::new();
    for (name, query, variables, expect) in rows {
        for (i, ((actor, credential), letter)) in ACTORS
            .iter()
            .zip(&credentials)
            .zip(expect.chars())
            .enumerate()
        {
            let mut variables = variables.clone();
            variables["person"] = json!(newcomers[i]);
            variables["unique"] = json!(format!("new-{}", actor.replace(' ', "-").to_lowercase()));
            let answer = app.graphql(credential.as_deref(), query, variables).await;
            if answer.code() != code_of(letter) {
                failures.push(format!(
                    "{name} as {actor}: expected {:?}, got {}",
                    code_of(letter),
                    answer.body
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
async fn a_person_linked_to_an_account_edits_their_own_profile_and_no_one_else_s() {
    let app = TestApp::spawn().await;
    let staff = app.token_of("staff", "riverside-library").await;
    let romero = person_id(&app, "Ana Lucía Romero").await;
    let haddad = person_id(&app, "Mariam Haddad").await;
    let update = "mutation($id: ID!, $bio: String) { updatePerson(input: {personId: $id, bio: $bio, languages: [\"es\", \"en\", \"qu\"]}) { bio languages viewerCanEdit } }";

    let own = app
        .graphql(
            Some(&staff),
            update,
            json!({ "id": romero, "bio": "Navigator and Quechua speaker." }),
        )
        .await;
    assert_eq!(
        own.data("updatePerson.bio"),
        "Navigator and Quechua speaker."
    );
    assert_eq!(
        own.data("updatePerson.languages"),
        &json!(["en", "es", "qu"])
    );
    assert_eq!(own.data("updatePerson.viewerCanEdit"), true);
    let contact = app
        .graphql(
            Some(&staff),
            "mutation($id: ID!) { addPersonContact(input: {personId: $id, kind: EMAIL, value: \"ana.home@example.org\", label: \"Home\", visibility: COALITION}) { id } }",
            json!({ "id": romero }),
        )
        .await;
    let contact_id = contact
        .data("addPersonContact.id")
        .as_str()
        .expect("id")
        .to_owned();
    let removed = app
        .graphql(
            Some(&staff),
            "mutation($id: ID!) { removePersonContact(input: {contactId: $id}) { removedContactId } }",
            json!({ "id": contact_id }),
        )
        .await;
    assert_eq!(
        removed.data("removePersonContact.removedContactId"),
        contact_id.as_str()
    );

    let other = app
        .graphql(
            Some(&staff),
            update,
            json!({ "id": haddad, "bio": "Not mine." }),
        )
        .await;
    assert_eq!(other.error_code(), "FORBIDDEN");
    let relink = app
        .graphql(
            Some(&staff),
            "mutation($id: ID!) { updatePerson(input: {personId: $id, userId: null}) { id } }",
            json!({ "id": romero }),
        )
        .await;
    assert_eq!(
        relink.error_code(),
        "FORBIDDEN",
        "only coordinators link accounts"
    );

    let audit = app
        .graphql(
            Some(&coordinator(&app).await),
            "query($id: ID!) { auditEntries(recordId: $id, last: 20) { nodes { action details } } }",
            json!({ "id": romero }),
        )
        .await;
    let entry = audit
        .data("auditEntries.nodes")
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["action"] == "person.updated")
        .expect("the edit is audited")
        .clone();
    let details = entry["details"].to_string();
    assert!(
        details.contains("bio") && !details.contains("Quechua"),
        "the audit names fields, not personal values: {details}"
    );
}

// ---------------------------------------------------------------- history

#[tokio::test]
async fn appointing_replacing_and_ending_keep_every_past_membership_with_its_dates() {
    let app = TestApp::spawn().await;
    let token = coordinator(&app).await;
    let group = body_id(&app, ADVISORY_GROUP).await;
    let vacancies = |answer: &Answer| answer.data("body.vacancies").as_i64().expect("vacancies");
    let before = vacancies(&roster(&app, Some(&token), ADVISORY_GROUP).await);
    assert_eq!(before, 4, "nine seats, five held");

    let first = create_person(&app, &token, "Grace Okafor").await;
    let second = create_person(&app, &token, "Yusuf Demir").await;
    let appointed = app
        .graphql(
            Some(&token),
            APPOINT,
            json!({ "body": group, "person": first, "post": "MEMBER", "start": "2025-01-15" }),
        )
        .await;
    let first_membership = appointed
        .data("appointMember.id")
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(appointed.data("appointMember.seatedToday"), true);
    assert_eq!(
        appointed.data("appointMember.appointedBy"),
        "The coalition's coordinators",
        "the body's appointing authority by default"
    );
    assert_eq!(
        vacancies(&roster(&app, Some(&token), ADVISORY_GROUP).await),
        before - 1
    );

    let today = today();
    let replaced = app
        .graphql(
            Some(&token),
            APPOINT,
            json!({ "body": group, "person": second, "post": "MEMBER", "start": today, "replaces": first_membership }),
        )
        .await;
    let second_membership = replaced
        .data("appointMember.id")
        .as_str()
        .expect("id")
        .to_owned();
    let after_replacement = roster(&app, Some(&token), ADVISORY_GROUP).await;
    assert_eq!(
        vacancies(&after_replacement),
        before - 1,
        "a successor takes the same seat"
    );
    let current = names(after_replacement.data("body.currentMembers"));
    assert!(current.contains(&"Yusuf Demir".to_owned()));
    assert!(!current.contains(&"Grace Okafor".to_owned()));

    let again = app
        .graphql(
            Some(&token),
            APPOINT,
            json!({ "body": group, "person": first, "post": "MEMBER", "start": today, "replaces": first_membership }),
        )
        .await;
    assert_eq!(
        again.error_code(),
        "CONFLICT",
        "a replaced membership cannot be replaced twice"
    );

    let ended = app
        .graphql(Some(&token), END, json!({ "id": second_membership }))
        .await;
    assert_eq!(ended.data("endMembership.endedOn"), today.as_str());
    assert_eq!(ended.data("endMembership.seatedToday"), false);
    assert_eq!(
        vacancies(&roster(&app, Some(&token), ADVISORY_GROUP).await),
        before
    );

    let history = app
        .graphql(
            Some(&token),
            "query($slug: String!) { body(slug: $slug) { memberships(first: 100) { totalCount nodes { id startDate endedOn seatedToday replaces { id } person { name } } } } }",
            json!({ "slug": ADVISORY_GROUP }),
        )
        .await;
    let rows = history
        .data("body.memberships.nodes")
        .as_array()
        .expect("rows");
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .expect("kept in history")
            .clone()
    };
    let old = row(&first_membership);
    assert_eq!(old["startDate"], "2025-01-15");
    assert_eq!(old["endedOn"], today.as_str());
    assert_eq!(old["seatedToday"], false);
    assert_eq!(old["person"]["name"], "Grace Okafor");
    assert_eq!(
        row(&second_membership)["replaces"]["id"],
        first_membership.as_str()
    );

    let person = app
        .graphql(
            Some(&token),
            "query($id: ID!) { node(id: $id) { ... on Person { memberships { startDate endedOn body { slug } } } } }",
            json!({ "id": first }),
        )
        .await;
    assert_eq!(
        person.data("node.memberships"),
        &json!([{ "startDate": "2025-01-15", "endedOn": today, "body": { "slug": ADVISORY_GROUP } }])
    );

    let correct = app
        .graphql(
            Some(&token),
            "mutation($id: ID!) { correctMembership(input: {membershipId: $id, post: CHAIR}) { post } }",
            json!({ "id": first_membership }),
        )
        .await;
    assert_eq!(
        correct.error_code(),
        "CONFLICT",
        "past memberships are history"
    );
    let anonymous_history = app
        .graphql(
            None,
            "query($slug: String!) { body(slug: $slug) { memberships { totalCount } } }",
            json!({ "slug": ADVISORY_GROUP }),
        )
        .await;
    assert_eq!(anonymous_history.error_code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_current_membership_is_corrected_with_old_and_new_values_audited() {
    let app = TestApp::spawn().await;
    let token = coordinator(&app).await;
    let members = roster(&app, Some(&token), RIVERSIDE_COMMITTEE).await;
    let warsame = members
        .data("body.currentMembers")
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["person"]["name"] == "Abdi Warsame")
        .expect("Abdi sits on Riverside's committee")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let corrected = app
        .graphql(
            Some(&token),
            "mutation($id: ID!) { correctMembership(input: {membershipId: $id, post: VICE_CHAIR, endDate: null}) { post endDate } }",
            json!({ "id": warsame }),
        )
        .await;
    assert_eq!(corrected.data("correctMembership.post"), "VICE_CHAIR");
    assert!(corrected.data("correctMembership.endDate").is_null());
    let audit = app
        .graphql(
            Some(&token),
            "query($id: ID!) { auditEntries(recordId: $id, last: 20) { nodes { action details } } }",
            json!({ "id": warsame }),
        )
        .await;
    let entry = audit
        .data("auditEntries.nodes")
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["action"] == "body_membership.corrected")
        .expect("the correction is audited")
        .clone();
    let details: Value =
        serde_json::from_str(entry["details"].as_str().expect("details")).expect("JSON details");
    assert_eq!(details["from"]["post"], "Member");
    assert_eq!(details["to"]["post"], "ViceChair");
}

#[tokio::test]
async fn a_member_whose_term_has_ended_holds_over_only_where_the_body_allows() {
    let app = TestApp::spawn().await;
    let token = coordinator(&app).await;
    let commission = roster(&app, None, COMMISSION).await;
    let members = commission
        .data("body.currentMembers")
        .as_array()
        .expect("members");
    let farid = members
        .iter()
        .find(|m| m["person"]["name"] == "Farid Ahmadzai")
        .expect("a holdover keeps the seat");
    assert_eq!(farid["holdover"], true);
    assert_eq!(farid["seatedToday"], true);
    assert_eq!(commission.data("body.seats"), 11);
    assert_eq!(
        commission.data("body.vacancies"),
        2,
        "nine seats held; the staff liaison takes none"
    );
    let liaison = members
        .iter()
        .find(|m| m["post"] == "STAFF_LIAISON")
        .expect("the commission has a staff liaison");
    assert_eq!(liaison["holdsSeat"], false);

    let id = body_id(&app, COMMISSION).await;
    let update = "mutation($id: ID!, $allowed: Boolean!) { updateBody(input: {bodyId: $id, holdoversAllowed: $allowed}) { holdoversAllowed } }";
    app.graphql(Some(&token), update, json!({ "id": id, "allowed": false }))
        .await
        .data("updateBody");
    let strict = roster(&app, None, COMMISSION).await;
    assert!(!names(strict.data("body.currentMembers")).contains(&"Farid Ahmadzai".to_owned()));
    assert_eq!(strict.data("body.vacancies"), 3);

    app.graphql(Some(&token), update, json!({ "id": id, "allowed": true }))
        .await
        .data("updateBody");
    let successor = create_person(&app, &token, "Leila Nasser").await;
    app.graphql(
        Some(&token),
        APPOINT,
        json!({ "body": id, "person": successor, "post": "MEMBER", "start": today(), "replaces": farid["id"] }),
    )
    .await
    .data("appointMember");
    let replaced = names(
        roster(&app, None, COMMISSION)
            .await
            .data("body.currentMembers"),
    );
    assert!(replaced.contains(&"Leila Nasser".to_owned()));
    assert!(
        !replaced.contains(&"Farid Ahmadzai".to_owned()),
        "a holdover leaves when replaced"
    );
}

#[tokio::test]
async fn a_full_body_refuses_another_seat_but_accepts_a_replacement() {
    let app = TestApp::spawn().await;
    let token = coordinator(&app).await;
    let body = app
        .graphql(
            Some(&token),
            "mutation { createBody(input: {slug: \"tiny-board\", name: \"Tiny Board\", kind: COMMITTEE, description: \"One seat.\", seats: 1, appointingAuthority: \"Coordinators\", recordsPublic: true, holdoversAllowed: false, timeZone: \"Africa/Nairobi\"}) { id timeZone } }",
            json!({}),
        )
        .await;
    let id = body.data("createBody.id").as_str().expect("id").to_owned();
    let a = create_person(&app, &token, "First Member").await;
    let b = create_person(&app, &token, "Second Member").await;
    let first = app
        .graphql(
            Some(&token),
            APPOINT,
            json!({ "body": id, "person": a, "post": "CHAIR", "start": "2025-01-01" }),
        )
        .await;
    let full = app
        .graphql(
            Some(&token),
            APPOINT,
            json!({ "body": id, "person": b, "post": "MEMBER", "start": "2025-02-01" }),
        )
        .await;
    assert_eq!(full.error_code(), "CONFLICT");
    let twice = app
        .graphql(
            Some(&token),
            APPOINT,
            json!({ "body": id, "person": a, "post": "STAFF_LIAISON", "start": "2025-02-01" }),
        )
        .await;
    assert_eq!(
        twice.error_code(),
        "CONFLICT",
        "one place per person at a time"
    );
    let replacement = app
        .graphql(
            Some(&token),
            APPOINT,
            json!({ "body": id, "person": b, "post": "CHAIR", "start": "2025-02-01", "replaces": first.data("appointMember.id") }),
        )
        .await;
    assert_eq!(
        replacement.data("appointMember.person.name"),
        "Second Member"
    );
}

// ---------------------------------------------------------------- finding people

#[tokio::test]
async fn members_find_who_speaks_a_language_and_knows_an_area() {
    let app = TestApp::spawn().await;
    let token = member(&app).await;
    let search = |filter: Value| {
        let token = token.clone();
        let app = &app;
        async move {
            app.graphql(
                Some(&token),
                "query($filter: PeopleFilterInput) { people(filter: $filter, first: 100) { nodes { name } } }",
                json!({ "filter": filter }),
            )
            .await
        }
    };
    let found = |answer: Answer| names(answer.data("people.nodes"));
    assert_eq!(
        found(search(json!({ "language": "es", "expertise": "immigration" })).await),
        vec!["Rosa Delgado"]
    );
    assert_eq!(
        found(search(json!({ "language": "pt" })).await),
        vec!["Beatriz Santos"],
        "pt finds pt-BR"
    );
    assert_eq!(
        found(search(json!({ "language": "PS", "expertise": "Employment" })).await),
        vec!["Farid Ahmadzai"]
    );
    assert_eq!(
        found(search(json!({ "expertise": "esl" })).await),
        vec!["Ana Lucía Romero", "Beatriz Santos", "Olena Kovalenko"]
    );
    let commission = body_id(&app, COMMISSION).await;
    assert_eq!(
        found(search(json!({ "language": "es", "bodyId": commission })).await),
        vec!["Beatriz Santos", "Diego Álvarez Ruiz"],
        "Spanish speakers sitting on the commission today"
    );
    let invalid = search(json!({ "language": "Spanish" })).await;
    assert_eq!(invalid.error_code(), "BAD_USER_INPUT");
    assert_eq!(field(&invalid), "filter.language");
}

// ---------------------------------------------------------------- validation

#[tokio::test]
async fn invalid_body_and_person_input_names_the_field() {
    let app = TestApp::spawn().await;
    let token = coordinator(&app).await;
    let create = "mutation($seats: Int!, $tz: String!) { createBody(input: {slug: \"x-board\", name: \"X\", kind: COMMITTEE, description: \"\", seats: $seats, appointingAuthority: \"Coordinators\", recordsPublic: true, holdoversAllowed: false, timeZone: $tz}) { id } }";
    let no_seats = app
        .graphql(
            Some(&token),
            create,
            json!({ "seats": 0, "tz": "America/New_York" }),
        )
        .await;
    assert_eq!(field(&no_seats), "input.seats");
    let bad_zone = app
        .graphql(
            Some(&token),
            create,
            json!({ "seats": 3, "tz": "Mars/Olympus_Mons" }),
        )
        .await;
    assert_eq!(field(&bad_zone), "input.timeZone");
    let bad_language = app
        .graphql(
            Some(&token),
            "mutation { createPerson(input: {name: \"Ada\", languages: [\"en\", \"Spanish\"]}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(field(&bad_language), "input.languages.1");
    let haddad = person_id(&app, "Mariam Haddad").await;
    let bad_phone = app
        .graphql(
            Some(&token),
            "mutation($id: ID!) { addPersonContact(input: {personId: $id, kind: PHONE, value: \"call me\", visibility: PUBLIC}) { id } }",
            json!({ "id": haddad }),
        )
        .await;
    assert_eq!(field(&bad_phone), "input.value");
    let group = body_id(&app, ADVISORY_GROUP).await;
    let backwards = app
        .graphql(
            Some(&token),
            "mutation($body: ID!, $person: ID!) { appointMember(input: {bodyId: $body, personId: $person, post: MEMBER, startDate: \"2026-01-01\", endDate: \"2025-01-01\"}) { id } }",
            json!({ "body": group, "person": create_person(&app, &token, "Backwards Term").await }),
        )
        .await;
    assert_eq!(field(&backwards), "input.endDate");
}

// ---------------------------------------------------------------- cost

async fn statements_for_roster(app: &TestApp, slug: &str) -> (u64, usize) {
    let query = "query($slug: String!) { body(slug: $slug) { currentMembers { person { name contacts { value } } } } }";
    let before = app.statements();
    let answer = app.graphql(None, query, json!({ "slug": slug })).await;
    let count = answer
        .data("body.currentMembers")
        .as_array()
        .expect("members")
        .len();
    (app.statements() - before, count)
}

#[tokio::test]
async fn a_roster_costs_the_same_statements_with_three_or_twenty_members() {
    let app = TestApp::spawn().await;
    let token = coordinator(&app).await;
    let id = app
        .graphql(
            Some(&token),
            "mutation { createBody(input: {slug: \"large-board\", name: \"Large Board\", kind: COMMITTEE, description: \"\", seats: 25, appointingAuthority: \"Coordinators\", recordsPublic: true, holdoversAllowed: true, timeZone: \"America/Chicago\"}) { id } }",
            json!({}),
        )
        .await
        .data("createBody.id")
        .as_str()
        .expect("id")
        .to_owned();
    let mut appointed = 0;
    let appoint_up_to = async |n: usize, appointed: &mut usize| {
        while *appointed < n {
            let person = create_person(&app, &token, &format!("Board Member {appointed}")).await;
            app.graphql(
                Some(&token),
                "mutation($person: ID!) { addPersonContact(input: {personId: $person, kind: EMAIL, value: \"board@example.org\", visibility: PUBLIC}) { id } }",
                json!({ "person": person }),
            )
            .await
            .data("addPersonContact");
            app.graphql(
                Some(&token),
                APPOINT,
                json!({ "body": id, "person": person, "post": "MEMBER", "start": "2025-01-01" }),
            )
            .await
            .data("appointMember");
            *appointed += 1;
        }
    };
    appoint_up_to(3, &mut appointed).await;
    let (three, count) = statements_for_roster(&app, "large-board").await;
    assert_eq!(count, 3);
    appoint_up_to(20, &mut appointed).await;
    let (twenty, count) = statements_for_roster(&app, "large-board").await;
    assert_eq!(count, 20);
    assert_eq!(three, twenty, "statements must not grow with the roster");
}

#[tokio::test]
async fn the_seated_members_on_a_past_date_are_those_of_that_date() {
    use coalition::directory::people::seating::seated_on;
    let app = TestApp::spawn().await;
    let (_, commission) =
        ids::decode(&async_graphql::ID(body_id(&app, COMMISSION).await), "id").expect("a body id");
    let seated = |on: chrono::NaiveDate| {
        let db = app.state.db.clone();
        async move {
            let mut names: Vec<(String, bool)> = seated_on(&db, commission, on)
                .await
                .expect("seated members")
                .into_iter()
                .map(|s| (s.person.name, s.holdover))
                .collect();
            names.sort();
            names
        }
    };
    let today = chrono::Utc::now().date_naive();
    let then = today - chrono::Duration::days(500);
    let names_then: Vec<String> = seated(then).await.into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names_then,
        vec![
            "Amani Njoroge",
            "Diego Álvarez Ruiz",
            "Farid Ahmadzai",
            "Helen Park",
            "Jean-Pierre Kabongo",
            "Thomas Reilly",
        ],
        "the chair of then, the members of then, and nobody appointed later"
    );
    let now = seated(today).await;
    assert!(
        now.contains(&("Farid Ahmadzai".to_owned(), true)),
        "a holdover today"
    );
    assert!(now.contains(&("Mariam Haddad".to_owned(), false)));
    assert!(!now.iter().any(|(n, _)| n == "Helen Park"));
}
