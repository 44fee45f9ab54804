//! A person's rights over their data, as a navigator and the people they
//! refer would try them: a record corrected without the old values lingering,
//! erased on both sides of every referral, swept once the retention period
//! has run, and consents that say what they are for and, for a shelter,
//! when they end.

use crate::helpers::{ORG_A, ORG_B, TestApp};
use crate::referrals::{Loop, setup};
use chrono::{Duration, Utc};
use coalition::privacy::Privacy;
use coalition::referrals::retention::sweep_retention;
use entity::enums::OrgRole;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

const STATISTICS: &str = "query($from: DateTime!, $to: DateTime!) { referralStatistics(from: $from, to: $to) {
    total byStatus { status count } byCategory { code count } byOrganization { organization { slug } sent received }
    medianHoursToAccept medianHoursToComplete } }";

async fn statistics(app: &TestApp) -> Value {
    let coordinator = app.token("coordinator@demo.test").await;
    let window = json!({ "from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z" });
    let answer = app.graphql(Some(&coordinator), STATISTICS, window).await;
    answer.data("referralStatistics").clone()
}

async fn audit_of(app: &TestApp, record: &str) -> Vec<Value> {
    let admin = app.token_of("admin", ORG_A).await;
    let answer = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { auditEntries(recordId: $id, last: 50) { nodes { action details actorKind } } }",
            json!({ "id": record }),
        )
        .await;
    answer
        .data("auditEntries.nodes")
        .as_array()
        .expect("entries")
        .clone()
}

/// Every row of the tables that hold anything about clients and referrals,
/// as JSON text, to look for what an erasure must have removed.
async fn every_row(app: &TestApp) -> String {
    let db = &app.state.db;
    let mut rows: Vec<Value> = Vec::new();
    rows.extend(
        entity::client::Entity::find()
            .into_json()
            .all(db)
            .await
            .expect("clients"),
    );
    rows.extend(
        entity::consent::Entity::find()
            .into_json()
            .all(db)
            .await
            .expect("consents"),
    );
    rows.extend(
        entity::referral::Entity::find()
            .into_json()
            .all(db)
            .await
            .expect("referrals"),
    );
    rows.extend(
        entity::referral_event::Entity::find()
            .into_json()
            .all(db)
            .await
            .expect("events"),
    );
    rows.extend(
        entity::referral_note::Entity::find()
            .into_json()
            .all(db)
            .await
            .expect("notes"),
    );
    rows.extend(
        entity::client_link::Entity::find()
            .into_json()
            .all(db)
            .await
            .expect("links"),
    );
    rows.extend(
        entity::audit_entry::Entity::find()
            .into_json()
            .all(db)
            .await
            .expect("audit"),
    );
    rows.extend(
        entity::idempotency_key::Entity::find()
            .into_json()
            .all(db)
            .await
            .expect("keys"),
    );
    serde_json::to_string(&rows).expect("json")
}

async fn note(l: &Loop, credential: &str, id: &Value, visibility: &str, body: &str) {
    let answer = l
        .app
        .graphql(
            Some(credential),
            &format!("mutation($id: ID!, $b: String!) {{ addReferralNote(input: {{referralId: $id, visibility: {visibility}, body: $b}}) {{ body }} }}"),
            json!({ "id": id, "b": body }),
        )
        .await;
    assert_eq!(answer.data("addReferralNote.body"), body, "{}", answer.body);
}

/// Sends a referral, has it accepted, started and completed with notes on
/// both sides and in its history; returns its id.
async fn completed_referral(l: &Loop) -> Value {
    let id = l.sent().await["id"].clone();
    l.step(&l.receiver, "acceptReferral", &id, 1, "").await;
    l.step(
        &l.receiver,
        "startReferral",
        &id,
        2,
        ", note: \"Met her with an Arabic interpreter\"",
    )
    .await;
    note(
        l,
        &l.sender,
        &id,
        "SHARED",
        "Her cell is 860-555-0100; evenings only",
    )
    .await;
    note(
        l,
        &l.receiver,
        &id,
        "INTERNAL",
        "Lives with her sister on Elm Street",
    )
    .await;
    let done = l
        .step(
            &l.receiver,
            "completeReferral",
            &id,
            3,
            ", outcome: SERVICE_PROVIDED, note: \"Renewal filed\"",
        )
        .await;
    assert_eq!(
        done.data("completeReferral.status"),
        "COMPLETED",
        "{}",
        done.body
    );
    id
}

const ERASE: &str = "mutation($id: ID!, $key: String) { eraseClient(input: {clientId: $id, idempotencyKey: $key}) { id erasedAt displayName needsSummary contactValue birthYear preferredLanguages } }";

#[tokio::test]
async fn a_client_s_record_is_corrected_and_the_audit_names_only_the_fields_changed() {
    let l = setup().await;
    let corrected = l
        .app
        .graphql(
            Some(&l.sender),
            "mutation($id: ID!) { correctClient(input: {clientId: $id, displayName: \"Amina Karimi\",
              contactChannel: null, contactValue: null, needsSummary: \"Advice on renewing a work permit\"}) {
              displayName contactChannel contactValue needsSummary birthYear preferredLanguages } }",
            json!({ "id": l.client }),
        )
        .await;
    assert_eq!(
        corrected.data("correctClient"),
        &json!({
            "displayName": "Amina Karimi",
            "contactChannel": null,
            "contactValue": null,
            "needsSummary": "Advice on renewing a work permit",
            "birthYear": 1990,
            "preferredLanguages": ["ar", "fr"],
        }),
        "fields left out stay; null clears"
    );
    let entries = audit_of(&l.app, &l.client).await;
    let entry = entries
        .iter()
        .find(|e| e["action"] == "client.corrected")
        .expect("a client.corrected entry");
    let details: Value =
        serde_json::from_str(entry["details"].as_str().expect("details")).expect("json");
    assert_eq!(
        details,
        json!({ "fields": ["displayName", "contactChannel", "contactValue", "needsSummary"] })
    );
    let audit_text = serde_json::to_string(&entries).expect("json");
    for value in ["Amina", "860-555-0142", "work permit"] {
        assert!(
            !audit_text.contains(value),
            "the audit keeps no value: {value}"
        );
    }

    let refused = l
        .app
        .graphql(
            Some(&l.sender),
            "mutation($id: ID!) { correctClient(input: {clientId: $id, needsSummary: \"A-123-456-789 renewal\"}) { id } }",
            json!({ "id": l.client }),
        )
        .await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        refused.body["errors"][0]["extensions"]["field"],
        "input.needsSummary"
    );

    let viewer = l
        .app
        .add_member(
            "volunteer@riverside-library.demo.test",
            ORG_A,
            OrgRole::Viewer,
        )
        .await;
    for (who, credential) in [
        ("sending viewer", viewer),
        ("receiving staff", l.receiver.clone()),
    ] {
        let answer = l
            .app
            .graphql(
                Some(&credential),
                "mutation($id: ID!) { correctClient(input: {clientId: $id, displayName: \"X\"}) { id } }",
                json!({ "id": l.client }),
            )
            .await;
        assert_eq!(answer.error_code(), "NOT_FOUND", "{who}");
    }
}

#[tokio::test]
async fn erasing_a_client_leaves_referrals_and_statistics_and_nothing_personal_anywhere() {
    let l = setup().await;
    let app = &l.app;
    let consent = app
        .graphql(
            Some(&l.sender),
            "mutation($client: ID!, $org: ID!) { recordConsent(input: {clientId: $client,
              recipients: [{organizationId: $org}], sharesName: true, sharesContact: true,
              sharesLanguages: true, sharesNeeds: true, method: WRITTEN,
              purpose: \"So the clinic can call Amina about her work permit\",
              source: \"Signed release form kept in Amina's file\"}) { id } }",
            json!({ "client": l.client, "org": app.org_id(ORG_B).await }),
        )
        .await;
    assert!(consent.body["errors"].is_null(), "{}", consent.body);
    let id = completed_referral(&l).await;
    let before = statistics(app).await;

    let staff = app
        .graphql(Some(&l.sender), ERASE, json!({ "id": l.client }))
        .await;
    assert_eq!(staff.error_code(), "FORBIDDEN", "only admins erase");
    let partner_admin = app.token_of("admin", ORG_B).await;
    let partner = app
        .graphql(Some(&partner_admin), ERASE, json!({ "id": l.client }))
        .await;
    assert_eq!(
        partner.error_code(),
        "NOT_FOUND",
        "the receiver cannot even see the record"
    );

    let admin = app.token_of("admin", ORG_A).await;
    let vars = json!({ "id": l.client, "key": "erase-amina" });
    let erased = app.graphql(Some(&admin), ERASE, vars.clone()).await;
    let client = erased.data("eraseClient").clone();
    assert!(client["erasedAt"].is_string(), "{}", erased.body);
    assert_eq!(client["displayName"], "");
    for field in ["needsSummary", "contactValue", "birthYear"] {
        assert!(client[field].is_null(), "{field}");
    }
    assert_eq!(client["preferredLanguages"], json!([]));
    let retried = app.graphql(Some(&admin), ERASE, vars).await;
    assert_eq!(
        retried.data("eraseClient"),
        &client,
        "a retry answers the same"
    );
    let again = app
        .graphql(Some(&admin), ERASE, json!({ "id": l.client }))
        .await;
    assert_eq!(
        again.data("eraseClient.erasedAt"),
        &client["erasedAt"],
        "erasing twice changes nothing"
    );

    assert_eq!(
        statistics(app).await,
        before,
        "the network's statistics do not move"
    );

    let rows = every_row(app).await;
    let (_, uuid) = coalition::ids::decode(&l.client.clone().into(), "id").expect("id");
    let row = entity::client::Entity::find_by_id(uuid)
        .into_json()
        .one(&app.state.db)
        .await
        .expect("client")
        .expect("the row stays");
    assert_eq!(row["display_name"], "", "{row}");
    for personal in [
        "call Amina",
        "860-555-0142",
        "860-555-0100",
        "work permit",
        "Needs legal advice",
        "Arabic interpreter",
        "Elm Street",
        "Renewal filed",
        "Signed release form",
    ] {
        let at = rows.find(personal);
        assert!(
            at.is_none(),
            "{personal:?} is still stored: {}",
            at.map(|i| &rows[i.saturating_sub(300)..(i + 100).min(rows.len())])
                .unwrap_or_default()
        );
    }

    let entries = audit_of(app, &l.client).await;
    let erasures: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == "client.erased")
        .collect();
    assert_eq!(erasures.len(), 1, "one erasure, audited once");
    let details: Value =
        serde_json::from_str(erasures[0]["details"].as_str().expect("details")).expect("json");
    assert_eq!(details["cause"], "request");
    assert_eq!(details["referrals"], 1);

    for credential in [&l.receiver, &l.sender] {
        let seen = app
            .graphql(
                Some(credential),
                "query($id: ID!) { node(id: $id) { ... on Referral { status statusReason clientErased client { displayName }
                  reason interpreterLanguage notes { body } history { toStatus note } } } }",
                json!({ "id": id }),
            )
            .await;
        let referral = seen.data("node");
        assert_eq!(
            referral["status"], "COMPLETED",
            "the referral stays with its status"
        );
        assert_eq!(referral["statusReason"], "SERVICE_PROVIDED");
        assert_eq!(
            referral["clientErased"], true,
            "each side sees the client as erased"
        );
        assert!(referral["client"].is_null());
        assert!(referral["reason"].is_null());
        assert!(referral["interpreterLanguage"].is_null());
        assert_eq!(referral["notes"], json!([]));
        let history = referral["history"].as_array().expect("history");
        assert_eq!(history.len(), 4, "every step stays");
        assert!(history.iter().all(|e| e["note"].is_null()), "{history:?}");
    }

    let consents = app
        .graphql(
            Some(&l.sender),
            "query($id: ID!) { node(id: $id) { ... on Client { consents { purpose source inForce } } } }",
            json!({ "id": l.client }),
        )
        .await;
    for c in consents.data("node.consents").as_array().expect("consents") {
        assert!(c["purpose"].is_null() && c["source"].is_null(), "{c}");
        assert_eq!(
            c["inForce"], false,
            "an erased person's consents are withdrawn"
        );
    }

    let resend = l.sent_answer().await;
    assert_eq!(
        resend.error_code(),
        "CONFLICT",
        "nothing is sent about an erased person"
    );
    let correct = app
        .graphql(
            Some(&l.sender),
            "mutation($id: ID!) { correctClient(input: {clientId: $id, displayName: \"Amina\"}) { id } }",
            json!({ "id": l.client }),
        )
        .await;
    assert_eq!(correct.error_code(), "CONFLICT");
}

#[tokio::test]
async fn erasing_a_client_cancels_their_open_referrals_for_the_receiver() {
    let l = setup().await;
    let id = l.sent().await["id"].clone();
    l.step(&l.receiver, "acceptReferral", &id, 1, "").await;
    let admin = l.app.token_of("admin", ORG_A).await;
    let erased = l
        .app
        .graphql(Some(&admin), ERASE, json!({ "id": l.client }))
        .await;
    assert!(erased.body["errors"].is_null(), "{}", erased.body);
    let seen = l
        .app
        .graphql(
            Some(&l.receiver),
            "query($id: ID!) { node(id: $id) { ... on Referral { status statusReason clientErased client { displayName } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        seen.data("node"),
        &json!({ "status": "CANCELLED", "statusReason": "CLIENT_ERASED", "clientErased": true, "client": null })
    );
}

#[tokio::test]
async fn a_consent_says_what_it_is_for_and_a_shelter_s_consents_must_expire() {
    let l = setup().await;
    let app = &l.app;
    let recorded = app
        .graphql(
            Some(&l.sender),
            "mutation($client: ID!, $org: ID!) { recordConsent(input: {clientId: $client,
              recipients: [{organizationId: $org}], sharesName: true, sharesContact: false,
              sharesLanguages: true, sharesNeeds: true, method: VERBAL,
              purpose: \"So the clinic can offer an appointment\", source: \"Verbal statement at the help desk\"}) {
              purpose source method recordedBy } }",
            json!({ "client": l.client, "org": app.org_id(ORG_B).await }),
        )
        .await;
    assert_eq!(
        recorded.data("recordConsent"),
        &json!({
            "purpose": "So the clinic can offer an appointment",
            "source": "Verbal statement at the help desk",
            "method": "VERBAL",
            "recordedBy": "Staff, Riverside Public Library",
        }),
        "{}",
        recorded.body
    );

    let coordinator = app.token("coordinator@demo.test").await;
    let shelter = app
        .graphql(
            Some(&coordinator),
            "mutation { createOrganization(input: {name: \"Harbor Shelter\", slug: \"harbor-shelter\", kind: SHELTER}) { id consentMaxDays } }",
            json!({}),
        )
        .await;
    assert_eq!(
        shelter.data("createOrganization.consentMaxDays"),
        Privacy::default().shelter_consent_max_days
    );
    let shelter_id = shelter.data("createOrganization.id").clone();
    let advocate = app
        .add_member(
            "advocate@harbor-shelter.test",
            "harbor-shelter",
            OrgRole::Staff,
        )
        .await;
    let client = app
        .graphql(
            Some(&advocate),
            "mutation($org: ID!) { createClient(input: {organizationId: $org, displayName: \"R.\"}) { id } }",
            json!({ "org": shelter_id }),
        )
        .await
        .data("createClient.id")
        .clone();
    let consent = |expires: Option<String>| {
        let advocate = advocate.clone();
        let client = client.clone();
        async move {
            app.graphql(
                Some(&advocate),
                "mutation($client: ID!, $org: ID!, $expires: DateTime) { recordConsent(input: {clientId: $client,
                  recipients: [{organizationId: $org}], sharesName: true, sharesContact: false,
                  sharesLanguages: false, sharesNeeds: true, method: WRITTEN, expiresAt: $expires}) { expiresAt } }",
                json!({ "client": client, "org": app.org_id(ORG_B).await, "expires": expires }),
            )
            .await
        }
    };
    let open_ended = consent(None).await;
    assert_eq!(
        open_ended.error_code(),
        "BAD_USER_INPUT",
        "{}",
        open_ended.body
    );
    assert_eq!(
        open_ended.body["errors"][0]["extensions"]["field"],
        "input.expiresAt"
    );
    assert!(
        open_ended.message().contains("at most 90 days"),
        "{}",
        open_ended.message()
    );
    let too_long = consent(Some((Utc::now() + Duration::days(120)).to_rfc3339())).await;
    assert_eq!(too_long.error_code(), "BAD_USER_INPUT");
    let month = consent(Some((Utc::now() + Duration::days(30)).to_rfc3339())).await;
    assert!(month.body["errors"].is_null(), "{}", month.body);

    let limit = "mutation($org: ID!, $days: Int) { limitConsents(input: {organizationId: $org, maxDays: $days}) { consentMaxDays } }";
    let library = app.org_id(ORG_A).await;
    let by_staff = app
        .graphql(
            Some(&l.sender),
            limit,
            json!({ "org": library, "days": 30 }),
        )
        .await;
    assert_eq!(by_staff.error_code(), "FORBIDDEN");
    let admin = app.token_of("admin", ORG_A).await;
    let zero = app
        .graphql(Some(&admin), limit, json!({ "org": library, "days": 0 }))
        .await;
    assert_eq!(zero.error_code(), "BAD_USER_INPUT");
    let set = app
        .graphql(Some(&admin), limit, json!({ "org": library, "days": 30 }))
        .await;
    assert_eq!(set.data("limitConsents.consentMaxDays"), 30);
    let unlimited = app
        .graphql(
            Some(&l.sender),
            "mutation($client: ID!, $org: ID!) { recordConsent(input: {clientId: $client,
              recipients: [{organizationId: $org}], sharesName: true, sharesContact: false,
              sharesLanguages: false, sharesNeeds: true, method: VERBAL}) { id } }",
            json!({ "client": l.client, "org": app.org_id(ORG_B).await }),
        )
        .await;
    assert_eq!(
        unlimited.error_code(),
        "BAD_USER_INPUT",
        "the library now limits its consents"
    );
    let lifted = app
        .graphql(Some(&admin), limit, json!({ "org": library, "days": null }))
        .await;
    assert!(lifted.data("limitConsents.consentMaxDays").is_null());
    let shelter_lift = app
        .graphql(
            Some(&coordinator),
            limit,
            json!({ "org": shelter_id, "days": null }),
        )
        .await;
    assert_eq!(
        shelter_lift.error_code(),
        "FORBIDDEN",
        "the shelter's own admins set its limit"
    );
}

async fn erased_at(l: &Loop, client: &Value) -> Value {
    l.app
        .graphql(
            Some(&l.sender),
            "query($id: ID!) { node(id: $id) { ... on Client { erasedAt } } }",
            json!({ "id": client }),
        )
        .await
        .data("node.erasedAt")
        .clone()
}

async fn new_client(l: &Loop, name: &str) -> Value {
    l.app
        .graphql(
            Some(&l.sender),
            "mutation($org: ID!, $name: String!) { createClient(input: {organizationId: $org, displayName: $name}) { id } }",
            json!({ "org": l.app.org_id(ORG_A).await, "name": name }),
        )
        .await
        .data("createClient.id")
        .clone()
}

#[tokio::test]
async fn the_retention_sweep_erases_a_client_years_after_their_last_referral_closed() {
    let l = setup().await;
    let app = &l.app;
    let closed = l.sent().await["id"].clone();
    l.step(
        &l.receiver,
        "declineReferral",
        &closed,
        1,
        ", reason: NO_CAPACITY",
    )
    .await;
    let never_referred = new_client(&l, "Walk-in").await;
    let still_served = new_client(&l, "Omar").await;
    let consent = app
        .graphql(
            Some(&l.sender),
            "mutation($client: ID!, $org: ID!) { recordConsent(input: {clientId: $client,
              recipients: [{organizationId: $org}], sharesName: true, sharesContact: false,
              sharesLanguages: false, sharesNeeds: true, method: VERBAL}) { id } }",
            json!({ "client": still_served, "org": app.org_id(ORG_B).await }),
        )
        .await
        .data("recordConsent.id")
        .clone();
    let open = app
        .graphql(
            Some(&l.sender),
            "mutation($client: ID!, $consent: ID!, $service: ID!) { sendReferral(input: {clientId: $client,
              consentId: $consent, serviceId: $service, reason: \"Legal advice\", interpreterNeeded: false}) { id } }",
            json!({ "client": still_served, "consent": consent, "service": l.service }),
        )
        .await
        .data("sendReferral.id")
        .clone();
    l.step(&l.receiver, "acceptReferral", &open, 1, "").await;

    let days = Privacy::default().client_retention_days;
    let six_years = Utc::now() + Duration::days(6 * 365);
    sweep_retention(&app.state.db, days, six_years)
        .await
        .expect("sweep");
    let amina = json!(l.client);
    for client in [&amina, &never_referred, &still_served] {
        assert!(
            erased_at(&l, client).await.is_null(),
            "kept within seven years"
        );
    }

    let past_retention = Utc::now() + Duration::days(i64::from(days) + 2);
    let erased = sweep_retention(&app.state.db, days, past_retention)
        .await
        .expect("sweep");
    assert!(
        erased_at(&l, &amina).await.is_string(),
        "closed seven years ago"
    );
    assert!(
        erased_at(&l, &never_referred).await.is_string(),
        "no referral, untouched for seven years"
    );
    assert!(
        erased_at(&l, &still_served).await.is_null(),
        "a referral still open keeps the record"
    );
    let again = sweep_retention(&app.state.db, days, past_retention)
        .await
        .expect("sweep");
    assert!(
        again.is_empty(),
        "a second sweep finds nothing: {again:?} after {erased:?}"
    );

    let entries = audit_of(app, &l.client).await;
    let erasure = entries
        .iter()
        .find(|e| e["action"] == "client.erased")
        .expect("audited");
    assert_eq!(erasure["actorKind"], "SYSTEM");
    let details: Value =
        serde_json::from_str(erasure["details"].as_str().expect("details")).expect("json");
    assert_eq!(details["cause"], "retention");
    let seen = app
        .graphql(
            Some(&l.receiver),
            "query($id: ID!) { node(id: $id) { ... on Referral { status clientErased } } }",
            json!({ "id": closed }),
        )
        .await;
    assert_eq!(
        seen.data("node"),
        &json!({ "status": "DECLINED", "clientErased": true })
    );
}
