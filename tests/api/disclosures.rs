//! The accounting of disclosures as a navigator shows it to the person
//! ("who saw my data?") and as a partner's admin checks their own staff's
//! reads: what was read, by whom, for which organization, through which
//! referral, and who may ask.

use crate::helpers::{ORG_A, ORG_B};
use crate::referrals::{Loop, setup};
use entity::enums::OrgRole;
use serde_json::{Value, json};

const DISCLOSURES: &str = "query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Client {
    disclosures(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { at clientId organization { slug } user apiKey referral { id } parts } } } } } }";

const READS: &str = "query($org: ID!) { personalDataReads(organizationId: $org, first: 100) {
    totalCount nodes { at clientId organization { slug } user apiKey referral { id } parts } } }";

/// A referral under a consent that shares the name and needs only (not the
/// contact or languages); returns its id.
async fn referral_sharing_name_and_needs(l: &Loop) -> String {
    let consent = l
        .app
        .graphql(
            Some(&l.sender),
            "mutation($client: ID!, $org: ID!) { recordConsent(input: {clientId: $client,
              recipients: [{organizationId: $org}], sharesName: true, sharesContact: false,
              sharesLanguages: false, sharesNeeds: true, method: VERBAL}) { id } }",
            json!({ "client": l.client, "org": l.app.org_id(ORG_B).await }),
        )
        .await
        .data("recordConsent.id")
        .clone();
    l.app
        .graphql(
            Some(&l.sender),
            "mutation($client: ID!, $consent: ID!, $service: ID!) { sendReferral(input: {
              clientId: $client, consentId: $consent, serviceId: $service, reason: \"Needs legal advice\",
              urgency: SOON, interpreterNeeded: true, interpreterLanguage: \"ar\"}) { id } }",
            json!({ "client": l.client, "consent": consent, "service": l.service }),
        )
        .await
        .data("sendReferral.id")
        .as_str()
        .expect("referral")
        .to_owned()
}

/// What the receiver's staff typically read of a referral: the client, the
/// reason and the interpreter's language.
async fn read_referral(l: &Loop, credential: &str, id: &str) -> Value {
    l.app
        .graphql(
            Some(credential),
            "query($id: ID!) { node(id: $id) { ... on Referral { reason interpreterLanguage
              client { displayName needsSummary } } } }",
            json!({ "id": id }),
        )
        .await
        .data("node")
        .clone()
}

async fn disclosures(l: &Loop, credential: &str) -> Vec<Value> {
    l.app
        .graphql(
            Some(credential),
            DISCLOSURES,
            json!({ "id": l.client, "first": 100 }),
        )
        .await
        .data("node.disclosures.edges")
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn by_organization<'a>(list: &'a [Value], slug: &str) -> Vec<&'a Value> {
    list.iter()
        .filter(|d| d["organization"]["slug"] == slug)
        .collect()
}

#[tokio::test]
async fn the_owning_organization_sees_who_at_the_partner_read_which_parts_through_which_referral() {
    let l = setup().await;
    let referral = referral_sharing_name_and_needs(&l).await;
    let paralegal = l
        .app
        .add_member(
            "paralegal@community-legal-aid.demo.test",
            ORG_B,
            OrgRole::Staff,
        )
        .await;
    let seen = read_referral(&l, &paralegal, &referral).await;
    assert_eq!(seen["client"]["displayName"], "Amina K.");
    assert_eq!(
        seen["interpreterLanguage"],
        Value::Null,
        "languages are not shared"
    );
    // Reading the same things again in one request is one read.
    l.app
        .graphql(
            Some(&paralegal),
            "query($id: ID!) { a: node(id: $id) { ... on Referral { reason } }
              b: node(id: $id) { ... on Referral { reason client { displayName } } } }",
            json!({ "id": referral }),
        )
        .await
        .data("a.reason");

    l.app
        .graphql(
            Some(&l.sender),
            "query($id: ID!) { node(id: $id) { ... on Client { displayName } } }",
            json!({ "id": l.client }),
        )
        .await
        .data("node.displayName");

    let list = disclosures(&l, &l.sender).await;
    let partner = by_organization(&list, ORG_B);
    assert_eq!(partner.len(), 2, "one entry per request: {partner:?}");
    for read in &partner {
        assert_eq!(read["user"], "Test Member");
        assert_eq!(read["apiKey"], Value::Null);
        assert_eq!(read["referral"]["id"], referral.as_str());
        assert_eq!(read["clientId"], l.client.as_str());
        assert_eq!(
            read["parts"],
            json!(["NAME", "NEEDS", "REASON"]),
            "only the parts handed out, never contact, languages or notes"
        );
    }
    assert!(
        by_organization(&list, ORG_A)
            .iter()
            .any(|d| d["referral"] == Value::Null
                && d["parts"] == json!(["NAME", "CONTACT", "LANGUAGES", "NEEDS", "BIRTH_YEAR"])),
        "the owner's own staff reading the record read all of it: {list:?}"
    );
    let dates: Vec<&str> = list.iter().filter_map(|d| d["at"].as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "oldest first");
}

#[tokio::test]
async fn a_read_by_a_partner_s_staff_api_key_names_the_key_and_its_organization() {
    let l = setup().await;
    let referral = referral_sharing_name_and_needs(&l).await;
    let (_, key) = l.app.api_key(ORG_B, "STAFF").await;
    read_referral(&l, &key, &referral).await;
    let list = disclosures(&l, &l.sender).await;
    let partner = by_organization(&list, ORG_B);
    assert_eq!(partner.len(), 1, "{list:?}");
    assert_eq!(
        partner[0]["apiKey"],
        "sync (API key of Community Legal Aid Clinic)"
    );
    assert_eq!(partner[0]["user"], Value::Null);
    assert_eq!(partner[0]["parts"], json!(["NAME", "NEEDS", "REASON"]));
}

#[tokio::test]
async fn disclosures_page_forward_with_after() {
    let l = setup().await;
    let referral = referral_sharing_name_and_needs(&l).await;
    for _ in 0..4 {
        read_referral(&l, &l.receiver, &referral).await;
    }
    let all = disclosures(&l, &l.sender).await;
    assert!(all.len() >= 4, "{all:?}");
    let first = l
        .app
        .graphql(
            Some(&l.sender),
            DISCLOSURES,
            json!({ "id": l.client, "first": 2 }),
        )
        .await;
    let page = first.data("node.disclosures");
    assert_eq!(page["edges"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let second = l
        .app
        .graphql(
            Some(&l.sender),
            DISCLOSURES,
            json!({ "id": l.client, "first": 2, "after": page["pageInfo"]["endCursor"] }),
        )
        .await;
    let next = second
        .data("node.disclosures.edges")
        .as_array()
        .expect("edges");
    assert_eq!(next.len(), 2);
    let seen: Vec<&Value> = page["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .chain(next)
        .map(|e| &e["node"])
        .collect();
    assert_eq!(
        seen,
        all.iter().take(4).collect::<Vec<_>>(),
        "the two pages are the start of the whole list, in order"
    );
}

#[tokio::test]
async fn only_those_who_work_the_record_read_its_disclosures() {
    let l = setup().await;
    let referral = referral_sharing_name_and_needs(&l).await;
    read_referral(&l, &l.receiver, &referral).await;
    let receiving_viewer = l
        .app
        .add_member(
            "volunteer@community-legal-aid.demo.test",
            ORG_B,
            OrgRole::Viewer,
        )
        .await;
    let owning_viewer = l
        .app
        .add_member(
            "volunteer@riverside-library.demo.test",
            ORG_A,
            OrgRole::Viewer,
        )
        .await;
    let receiving_admin = l.app.token_of("admin", ORG_B).await;
    let unrelated = l.app.token_of("staff", "eastside-health").await;
    let coordinator = l.app.token("coordinator@demo.test").await;
    for (who, credential) in [
        ("receiving staff", Some(l.receiver.as_str())),
        ("receiving admin", Some(receiving_admin.as_str())),
        ("receiving viewer", Some(receiving_viewer.as_str())),
        ("owning organization's viewer", Some(owning_viewer.as_str())),
        ("unrelated organization", Some(unrelated.as_str())),
        ("coordinator", Some(coordinator.as_str())),
        ("anonymous", None),
    ] {
        let answer = l
            .app
            .graphql(credential, DISCLOSURES, json!({ "id": l.client }))
            .await;
        assert_eq!(answer.error_code(), "NOT_FOUND", "{who}: {}", answer.body);
    }
    let admin = l.app.token_of("admin", ORG_A).await;
    assert!(
        !disclosures(&l, &admin).await.is_empty(),
        "the owning organization's admins work the record"
    );
}

#[tokio::test]
async fn an_admin_lists_the_reads_of_their_own_staff_and_nobody_else_does() {
    let l = setup().await;
    let referral = referral_sharing_name_and_needs(&l).await;
    read_referral(&l, &l.receiver, &referral).await;
    let (_, key) = l.app.api_key(ORG_B, "STAFF").await;
    read_referral(&l, &key, &referral).await;
    let org_b = l.app.org_id(ORG_B).await;

    let admin = l.app.token_of("admin", ORG_B).await;
    let answer = l
        .app
        .graphql(Some(&admin), READS, json!({ "org": org_b }))
        .await;
    let reads = answer
        .data("personalDataReads.nodes")
        .as_array()
        .expect("nodes");
    assert_eq!(
        reads.len(),
        2,
        "the staff member's and the key's: {reads:?}"
    );
    for read in reads {
        assert_eq!(read["organization"]["slug"], ORG_B);
        assert_eq!(read["clientId"], l.client.as_str());
        assert_eq!(read["referral"]["id"], referral.as_str());
        assert_eq!(read["parts"], json!(["NAME", "NEEDS", "REASON"]));
    }
    assert!(
        reads
            .iter()
            .any(|r| r["apiKey"] == "sync (API key of Community Legal Aid Clinic)")
    );
    assert!(reads.iter().any(|r| r["user"].is_string()));

    let staff = l
        .app
        .graphql(Some(&l.receiver), READS, json!({ "org": org_b }))
        .await;
    assert_eq!(staff.error_code(), "FORBIDDEN", "{}", staff.body);
    let other_admin = l.app.token_of("admin", ORG_A).await;
    let other = l
        .app
        .graphql(Some(&other_admin), READS, json!({ "org": org_b }))
        .await;
    assert_eq!(other.error_code(), "FORBIDDEN", "{}", other.body);
    let anonymous = l.app.graphql(None, READS, json!({ "org": org_b })).await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");

    let own = l
        .app
        .graphql(
            Some(&other_admin),
            READS,
            json!({ "org": l.app.org_id(ORG_A).await }),
        )
        .await;
    assert!(
        own.data("personalDataReads.nodes")
            .as_array()
            .expect("nodes")
            .iter()
            .all(|r| r["organization"]["slug"] == ORG_A),
        "the owner's admin lists its own people's reads, not the partner's: {}",
        own.body
    );
}

#[tokio::test]
async fn reading_a_page_and_listing_its_disclosures_cost_the_same_statements_for_2_or_10() {
    let l = setup().await;
    let mut referrals = Vec::new();
    for i in 0..10 {
        referrals.push(
            l.send(Some(&format!("bulk-{i}")))
                .await
                .data("sendReferral.id")
                .clone(),
        );
    }
    let inbox =
        "query($first: Int!) { referrals(filter: {direction: INBOX}, first: $first) { nodes {
        reason interpreterLanguage client { displayName } notes { body } history { note } } } }";
    let mut reading = Vec::new();
    for first in [2, 10] {
        let before = l.app.statements();
        let answer = l
            .app
            .graphql(Some(&l.receiver), inbox, json!({ "first": first }))
            .await;
        assert_eq!(
            answer.data("referrals.nodes").as_array().map(Vec::len),
            Some(first as usize)
        );
        reading.push(l.app.statements() - before);
    }
    assert_eq!(
        reading[0], reading[1],
        "the reads of a page are written in one statement: {reading:?}"
    );

    // The latest reads alternate between a person and a key, each through
    // another referral, so both pages name every kind of reader.
    let (_, key) = l.app.api_key(ORG_B, "STAFF").await;
    for id in &referrals[..5] {
        for credential in [&l.receiver, &key] {
            read_referral(&l, credential, id.as_str().expect("id")).await;
        }
    }
    let latest = "query($id: ID!, $last: Int) { node(id: $id) { ... on Client {
        disclosures(last: $last) { nodes { at clientId organization { name } user apiKey
          referral { id status receivingOrganization { slug } } parts } } } } }";
    let mut listing = Vec::new();
    for last in [2, 10] {
        let before = l.app.statements();
        let answer = l
            .app
            .graphql(
                Some(&l.sender),
                latest,
                json!({ "id": l.client, "last": last }),
            )
            .await;
        let nodes = answer
            .data("node.disclosures.nodes")
            .as_array()
            .expect("nodes");
        assert_eq!(nodes.len(), last as usize);
        assert!(nodes.iter().any(|n| n["apiKey"].is_string()), "{nodes:?}");
        listing.push(l.app.statements() - before);
    }
    assert_eq!(
        listing[0], listing[1],
        "listing disclosures must not grow with the page: {listing:?}"
    );
}
