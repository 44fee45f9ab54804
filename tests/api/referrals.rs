//! The referral network as a library navigator and a partner agency's app meet
//! it: the closed loop, its illegal steps, safe retries, and who sees what of
//! the person referred.

use crate::helpers::{Answer, ORG_A, ORG_B, TestApp};
use entity::enums::OrgRole;
use serde_json::{Value, json};

pub(crate) const REFERRAL: &str = "id status statusReason version reason referredBy assignee
    client { displayName preferredLanguages contactValue needsSummary }
    service { name { text } } receivingOrganization { slug } referringOrganization { slug }
    history { fromStatus toStatus reason note by } notes { visibility body }";

pub(crate) struct Loop {
    pub(crate) app: TestApp,
    pub(crate) sender: String,
    pub(crate) receiver: String,
    pub(crate) client: String,
    pub(crate) consent: String,
    pub(crate) service: String,
}

async fn service_id(app: &TestApp, name: &str) -> String {
    let answer = app
        .graphql(
            None,
            "query($t: String) { services(filter: {text: $t}) { nodes { id name { text } } } }",
            json!({ "t": name }),
        )
        .await;
    answer
        .data("services.nodes")
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["name"]["text"] == name)
        .and_then(|n| n["id"].as_str())
        .expect("service")
        .to_owned()
}

/// A navigator of org A with a client who consented to share name, languages
/// and needs (not contact) with org B, the legal aid clinic.
pub(crate) async fn setup() -> Loop {
    let app = TestApp::spawn().await;
    let sender = app.token_of("staff", ORG_A).await;
    let receiver = app.token_of("staff", ORG_B).await;
    let client = app
        .graphql(
            Some(&sender),
            "mutation($org: ID!) { createClient(input: {organizationId: $org, displayName: \"Amina K.\",
              preferredLanguages: [\"ar\", \"fr\"], contactChannel: PHONE, contactValue: \"860-555-0142\",
              birthYear: 1990, needsSummary: \"Advice on a work permit renewal\"}) { id } }",
            json!({ "org": app.org_id(ORG_A).await }),
        )
        .await
        .data("createClient.id")
        .as_str()
        .expect("client")
        .to_owned();
    let consent = app
        .graphql(
            Some(&sender),
            "mutation($client: ID!, $org: ID!) { recordConsent(input: {clientId: $client,
              recipients: [{organizationId: $org}], sharesName: true, sharesContact: false,
              sharesLanguages: true, sharesNeeds: true, method: VERBAL}) { id inForce } }",
            json!({ "client": client, "org": app.org_id(ORG_B).await }),
        )
        .await
        .data("recordConsent.id")
        .as_str()
        .expect("consent")
        .to_owned();
    let service = service_id(&app, "Immigration legal consultations").await;
    Loop {
        app,
        sender,
        receiver,
        client,
        consent,
        service,
    }
}

impl Loop {
    pub(crate) async fn send(&self, key: Option<&str>) -> Answer {
        self.app
            .graphql(
                Some(&self.sender),
                &format!("mutation($client: ID!, $consent: ID!, $service: ID!, $key: String) {{ sendReferral(input: {{
                  clientId: $client, consentId: $consent, serviceId: $service, reason: \"Needs legal advice\",
                  urgency: SOON, interpreterNeeded: true, interpreterLanguage: \"ar\", idempotencyKey: $key}}) {{ {REFERRAL} }} }}"),
                json!({ "client": self.client, "consent": self.consent, "service": self.service, "key": key }),
            )
            .await
    }

    pub(crate) async fn sent(&self) -> Value {
        self.send(None).await.data("sendReferral").clone()
    }

    pub(crate) async fn sent_answer(&self) -> Answer {
        self.send(None).await
    }

    pub(crate) async fn step(
        &self,
        credential: &str,
        mutation: &str,
        id: &Value,
        version: i64,
        extra: &str,
    ) -> Answer {
        self.app
            .graphql(
                Some(credential),
                &format!("mutation($id: ID!, $v: Int!) {{ {mutation}(input: {{referralId: $id, version: $v {extra}}}) {{ {REFERRAL} }} }}"),
                json!({ "id": id, "v": version }),
            )
            .await
    }

    pub(crate) async fn read(&self, credential: Option<&str>, id: &Value) -> Answer {
        self.app
            .graphql(
                credential,
                &format!(
                    "query($id: ID!) {{ node(id: $id) {{ ... on Referral {{ {REFERRAL} }} }} }}"
                ),
                json!({ "id": id }),
            )
            .await
    }
}

#[tokio::test]
async fn a_referral_travels_the_whole_loop_and_both_sides_see_each_step() {
    let l = setup().await;
    let sent = l.sent().await;
    assert_eq!(
        (sent["status"].clone(), sent["version"].clone()),
        (json!("SENT"), json!(1))
    );
    let id = sent["id"].clone();
    for (version, (who, mutation, extra, expected)) in (1..).zip([
        (&l.receiver, "acceptReferral", "", "ACCEPTED"),
        (&l.receiver, "startReferral", "", "IN_PROGRESS"),
        (
            &l.receiver,
            "holdReferral",
            ", note: \"Waiting for documents\"",
            "ON_HOLD",
        ),
        (&l.receiver, "resumeReferral", "", "IN_PROGRESS"),
        (
            &l.receiver,
            "completeReferral",
            ", outcome: SERVICE_PROVIDED",
            "COMPLETED",
        ),
    ]) {
        let answer = l.step(who, mutation, &id, version, extra).await;
        assert_eq!(
            answer.data(&format!("{mutation}.status")),
            expected,
            "{mutation}"
        );
        let seen = l.read(Some(&l.sender), &id).await;
        assert_eq!(
            seen.data("node.status"),
            expected,
            "the sender sees {mutation}"
        );
    }
    let done = l.read(Some(&l.sender), &id).await;
    assert_eq!(done.data("node.statusReason"), "SERVICE_PROVIDED");
    let history: Vec<(Value, Value)> = done
        .data("node.history")
        .as_array()
        .expect("history")
        .iter()
        .map(|e| (e["fromStatus"].clone(), e["toStatus"].clone()))
        .collect();
    assert_eq!(
        history,
        vec![
            (Value::Null, json!("SENT")),
            (json!("SENT"), json!("ACCEPTED")),
            (json!("ACCEPTED"), json!("IN_PROGRESS")),
            (json!("IN_PROGRESS"), json!("ON_HOLD")),
            (json!("ON_HOLD"), json!("IN_PROGRESS")),
            (json!("IN_PROGRESS"), json!("COMPLETED")),
        ]
    );
    assert_eq!(done.data("node.history.3.note"), "Waiting for documents");
    assert_eq!(
        done.data("node.referredBy"),
        "Staff, Riverside Public Library"
    );
}

#[tokio::test]
async fn illegal_steps_fail_with_the_party_or_the_state_named() {
    let l = setup().await;
    let sent = l.sent().await;
    let id = sent["id"].clone();
    let sender_accepts = l.step(&l.sender, "acceptReferral", &id, 1, "").await;
    assert_eq!(
        sender_accepts.error_code(),
        "FORBIDDEN",
        "only the receiver moves it forward"
    );
    let receiver_cancels = l
        .step(&l.receiver, "cancelReferral", &id, 1, ", reason: OTHER")
        .await;
    assert_eq!(
        receiver_cancels.error_code(),
        "FORBIDDEN",
        "only the sender cancels"
    );
    let viewer = l
        .app
        .add_member(
            "viewer@community-legal-aid.demo.test",
            ORG_B,
            OrgRole::Viewer,
        )
        .await;
    assert_eq!(
        l.step(&viewer, "acceptReferral", &id, 1, "")
            .await
            .error_code(),
        "FORBIDDEN",
        "viewers read only"
    );
    let too_early = l
        .step(&l.receiver, "completeReferral", &id, 1, ", outcome: OTHER")
        .await;
    assert_eq!(too_early.error_code(), "CONFLICT");
    assert!(
        too_early.message().contains("SENT"),
        "names the current state: {}",
        too_early.message()
    );
    let outsider = l.app.token_of("staff", "eastside-health").await;
    assert_eq!(
        l.step(&outsider, "acceptReferral", &id, 1, "")
            .await
            .error_code(),
        "NOT_FOUND"
    );
    let declined = l
        .step(
            &l.receiver,
            "declineReferral",
            &id,
            1,
            ", reason: NO_CAPACITY, note: \"Full until March\"",
        )
        .await;
    assert_eq!(declined.data("declineReferral.statusReason"), "NO_CAPACITY");
    let after = l.step(&l.receiver, "acceptReferral", &id, 2, "").await;
    assert_eq!(after.error_code(), "CONFLICT");
    assert!(after.message().contains("DECLINED"));
    assert_eq!(
        l.step(&l.sender, "cancelReferral", &id, 2, ", reason: OTHER")
            .await
            .error_code(),
        "CONFLICT",
        "a closed referral cannot be cancelled"
    );
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_a_retried_key_does_the_work_once() {
    let l = setup().await;
    let outbox = "{ referrals(filter: {direction: OUTBOX}) { totalCount } }";
    let before = l
        .app
        .graphql(Some(&l.sender), outbox, json!({}))
        .await
        .data("referrals.totalCount")
        .as_u64();
    let first = l.send(Some("send-1")).await.data("sendReferral").clone();
    let again = l.send(Some("send-1")).await.data("sendReferral").clone();
    assert_eq!(
        first["id"], again["id"],
        "the same key returns the first result"
    );
    let after = l
        .app
        .graphql(Some(&l.sender), outbox, json!({}))
        .await
        .data("referrals.totalCount")
        .as_u64();
    assert_eq!(after, before.map(|n| n + 1), "and sends nothing twice");

    let id = first["id"].clone();
    let accept = |key: &'static str, version: i64| {
        let l = &l;
        let id = id.clone();
        async move {
            l.app
                .graphql(
                    Some(&l.receiver),
                    "mutation($id: ID!, $v: Int!, $k: String) { acceptReferral(input: {referralId: $id, version: $v, idempotencyKey: $k}) { status version history { toStatus } } }",
                    json!({ "id": id, "v": version, "k": key }),
                )
                .await
        }
    };
    let accepted = accept("accept-1", 1).await;
    assert_eq!(accepted.data("acceptReferral.version"), 2);
    let retried = accept("accept-1", 1).await;
    assert_eq!(
        retried.data("acceptReferral.status"),
        "ACCEPTED",
        "a retry after a lost answer succeeds"
    );
    assert_eq!(
        retried
            .data("acceptReferral.history")
            .as_array()
            .map(Vec::len),
        Some(2),
        "without a second step"
    );
    let other_input = accept("accept-1", 2).await;
    assert_eq!(
        other_input.error_code(),
        "CONFLICT",
        "the same key with different input"
    );
    let stale = l.step(&l.receiver, "startReferral", &id, 1, "").await;
    assert_eq!(stale.error_code(), "CONFLICT");
    assert!(stale.message().contains("version 2"), "{}", stale.message());
}

#[tokio::test]
async fn of_two_simultaneous_accepts_one_wins_and_one_conflicts() {
    let l = setup().await;
    let id = l.sent().await["id"].clone();
    let (a, b) = tokio::join!(
        l.step(&l.receiver, "acceptReferral", &id, 1, ""),
        l.step(&l.receiver, "acceptReferral", &id, 1, "")
    );
    let mut codes = vec![a.code().unwrap_or("OK"), b.code().unwrap_or("OK")];
    codes.sort();
    assert_eq!(codes, vec!["CONFLICT", "OK"]);
    let read = l.read(Some(&l.sender), &id).await;
    assert_eq!(
        read.data("node.history").as_array().map(Vec::len),
        Some(2),
        "one accept in the history"
    );
}

#[tokio::test]
async fn refused_sends_explain_what_is_wrong() {
    let l = setup().await;
    let send = |service: String, consent: String| {
        let l = &l;
        async move {
            l.app
                .graphql(
                    Some(&l.sender),
                    "mutation($c: ID!, $k: ID!, $s: ID!) { sendReferral(input: {clientId: $c, consentId: $k, serviceId: $s, reason: \"x\"}) { id } }",
                    json!({ "c": l.client, "k": consent, "s": service }),
                )
                .await
        }
    };
    let elsewhere = service_id(&l.app, "Primary care for uninsured patients").await;
    let uncovered = send(elsewhere, l.consent.clone()).await;
    assert_eq!(
        uncovered.body["errors"][0]["extensions"]["field"], "input.consentId",
        "{}",
        uncovered.body
    );
    let staff_b = l.app.token_of("staff", ORG_B).await;
    let mut service = json!({ "name": "Full clinic", "description": "No room.", "cost": "FREE", "acceptingReferrals": false });
    service["categories"] = json!(["legal"]);
    let closed = l
        .app
        .graphql(
            Some(&staff_b),
            "mutation($org: ID!, $s: ServiceInput!) { createService(input: {organizationId: $org, service: $s}) { id } }",
            json!({ "org": l.app.org_id(ORG_B).await, "s": service }),
        )
        .await
        .data("createService.id")
        .as_str()
        .expect("id")
        .to_owned();
    let refused = send(closed, l.consent.clone()).await;
    assert_eq!(
        refused.body["errors"][0]["extensions"]["field"],
        "input.serviceId"
    );
    assert!(refused.message().contains("does not accept referrals"));
}

async fn sees(l: &Loop, credential: Option<&str>, id: &Value) -> (Option<String>, bool, bool) {
    let answer = l.read(credential, id).await;
    let code = answer.code().map(str::to_owned);
    let node = &answer.body["data"]["node"];
    let name = !node["client"]["displayName"].is_null();
    let contact = !node["client"]["contactValue"].is_null();
    (code, name, contact)
}

#[tokio::test]
async fn each_role_sees_what_it_needs_of_the_person_and_nothing_more() {
    let l = setup().await;
    let id = l.sent().await["id"].clone();
    let app = &l.app;
    let (_, receiver_key) = app.api_key(ORG_B, "STAFF").await;
    let actors: Vec<(&str, Option<String>)> = vec![
        ("sender staff", Some(l.sender.clone())),
        ("sender admin", Some(app.token_of("admin", ORG_A).await)),
        (
            "sender viewer",
            Some(
                app.add_member("viewer@riverside-library.demo.test", ORG_A, OrgRole::Viewer)
                    .await,
            ),
        ),
        ("receiver staff", Some(l.receiver.clone())),
        ("receiver admin", Some(app.token_of("admin", ORG_B).await)),
        (
            "receiver viewer",
            Some(
                app.add_member(
                    "viewer@community-legal-aid.demo.test",
                    ORG_B,
                    OrgRole::Viewer,
                )
                .await,
            ),
        ),
        ("receiver API key", Some(receiver_key)),
        (
            "unrelated staff",
            Some(app.token_of("staff", "eastside-health").await),
        ),
        (
            "coordinator",
            Some(app.token("coordinator@demo.test").await),
        ),
        ("anonymous", None),
    ];
    // (code, sees the name, sees the contact) before revocation.
    let open: Vec<(Option<&str>, bool, bool)> = vec![
        (None, true, true),
        (None, true, true),
        (None, false, false),
        (None, true, false),
        (None, true, false),
        (None, false, false),
        (None, true, false),
        (Some("NOT_FOUND"), false, false),
        (Some("NOT_FOUND"), false, false),
        (Some("NOT_FOUND"), false, false),
    ];
    for ((who, credential), (code, name, contact)) in actors.iter().zip(&open) {
        let got = sees(&l, credential.as_deref(), &id).await;
        assert_eq!(
            (got.0.as_deref(), got.1, got.2),
            (*code, *name, *contact),
            "{who} while open"
        );
    }

    let revoked = app
        .graphql(
            Some(&l.sender),
            "mutation($id: ID!) { revokeConsent(input: {consentId: $id}) { inForce } }",
            json!({ "id": l.consent }),
        )
        .await;
    assert_eq!(revoked.data("revokeConsent.inForce"), false);
    let after = l.read(Some(&l.receiver), &id).await;
    assert_eq!(after.data("node.status"), "CANCELLED");
    assert_eq!(after.data("node.statusReason"), "CONSENT_REVOKED");
    assert!(
        after.data("node.client").is_null(),
        "the receiver sees the history, not the person"
    );
    assert!(after.data("node.reason").is_null());
    assert_eq!(after.data("node.history").as_array().map(Vec::len), Some(2));
    let owner = sees(&l, Some(&l.sender), &id).await;
    assert_eq!(
        (owner.1, owner.2),
        (true, true),
        "the owning organization still sees its client"
    );
}

#[tokio::test]
async fn a_completed_referral_no_longer_shows_the_person_to_the_receiver() {
    let l = setup().await;
    let id = l.sent().await["id"].clone();
    for (version, (mutation, extra)) in [
        ("acceptReferral", ""),
        ("startReferral", ""),
        ("completeReferral", ", outcome: SERVICE_PROVIDED"),
    ]
    .iter()
    .enumerate()
    {
        l.step(&l.receiver, mutation, &id, version as i64 + 1, extra)
            .await
            .data(mutation);
    }
    let receiver = sees(&l, Some(&l.receiver), &id).await;
    assert_eq!((receiver.1, receiver.2), (false, false));
    let sender = sees(&l, Some(&l.sender), &id).await;
    assert!(sender.1);
}

#[tokio::test]
async fn every_read_of_a_person_s_details_is_in_the_owning_organization_s_audit_log() {
    let l = setup().await;
    let id = l.sent().await["id"].clone();
    l.read(Some(&l.receiver), &id).await.data("node.client");
    let admin = l.app.token_of("admin", ORG_A).await;
    let entries = l
        .app
        .graphql(
            Some(&admin),
            "query($org: ID!) { auditEntries(organizationId: $org, first: 100) { nodes { action recordId actorUser { email } details } } }",
            json!({ "org": l.app.org_id(ORG_A).await }),
        )
        .await;
    let reads: Vec<&Value> = entries
        .data("auditEntries.nodes")
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["action"] == "client.read")
        .collect();
    assert!(
        reads.iter().any(
            |e| e["actorUser"]["email"] == "staff@community-legal-aid.demo.test"
                && e["recordId"] == l.client.as_str()
        ),
        "the receiver's read is listed for the client's organization: {reads:?}"
    );
}

#[tokio::test]
async fn notes_are_shared_or_internal_and_assignment_names_the_receiver_s_staff() {
    let l = setup().await;
    let id = l.sent().await["id"].clone();
    let note = |credential: &str, visibility: &str, body: &str| {
        let l = &l;
        let (credential, visibility, body, id) = (
            credential.to_owned(),
            visibility.to_owned(),
            body.to_owned(),
            id.clone(),
        );
        async move {
            l.app
                .graphql(
                    Some(&credential),
                    &format!("mutation($id: ID!, $b: String!) {{ addReferralNote(input: {{referralId: $id, visibility: {visibility}, body: $b}}) {{ body }} }}"),
                    json!({ "id": id, "b": body }),
                )
                .await
                .data("addReferralNote.body")
                .clone()
        }
    };
    note(&l.receiver, "SHARED", "We will call on Monday").await;
    note(
        &l.receiver,
        "INTERNAL",
        "Assign to our Arabic-speaking paralegal",
    )
    .await;
    note(&l.sender, "INTERNAL", "Client prefers mornings").await;
    let bodies = |answer: Answer| -> Vec<String> {
        answer
            .data("node.notes")
            .as_array()
            .expect("notes")
            .iter()
            .map(|n| n["body"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(
        bodies(l.read(Some(&l.sender), &id).await),
        vec!["We will call on Monday", "Client prefers mornings"]
    );
    assert_eq!(
        bodies(l.read(Some(&l.receiver), &id).await),
        vec![
            "We will call on Monday",
            "Assign to our Arabic-speaking paralegal"
        ]
    );

    let staff_b = l
        .app
        .graphql(Some(&l.receiver), "{ viewer { user { id } } }", json!({}))
        .await
        .data("viewer.user.id")
        .clone();
    let assign = "mutation($id: ID!, $u: ID!, $v: Int!) { assignReferral(input: {referralId: $id, version: $v, assigneeId: $u}) { assignee version } }";
    let assigned = l
        .app
        .graphql(
            Some(&l.receiver),
            assign,
            json!({ "id": id, "u": staff_b, "v": 1 }),
        )
        .await;
    assert_eq!(
        assigned.data("assignReferral.assignee"),
        "Staff, Community Legal Aid Clinic"
    );
    let sender_user = l
        .app
        .graphql(Some(&l.sender), "{ viewer { user { id } } }", json!({}))
        .await
        .data("viewer.user.id")
        .clone();
    let wrong = l
        .app
        .graphql(
            Some(&l.receiver),
            assign,
            json!({ "id": id, "u": sender_user, "v": 2 }),
        )
        .await;
    assert_eq!(
        wrong.body["errors"][0]["extensions"]["field"],
        "input.assigneeId"
    );
    let mine = l
        .app
        .graphql(
            Some(&l.receiver),
            "{ referrals(filter: {direction: INBOX, assignedToMe: true}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(mine.data("referrals.totalCount"), 1);
}

#[tokio::test]
async fn an_unanswered_referral_expires_after_the_response_window() {
    use sea_orm::{ConnectionTrait, Statement};
    let l = setup().await;
    let id = l.sent().await["id"].clone();
    let (_, uuid) = coalition::ids::decode(
        &async_graphql::ID(id.as_str().expect("id").to_owned()),
        "id",
    )
    .expect("id");
    let db = &l.app.state.db;
    let past = chrono::Utc::now() - chrono::Duration::days(1);
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        if coalition::db::is_postgres(db) {
            "UPDATE referrals SET respond_by = $1 WHERE id = $2"
        } else {
            "UPDATE referrals SET respond_by = ? WHERE id = ?"
        },
        [past.into(), uuid.into()],
    ))
    .await
    .expect("backdate");
    assert_eq!(
        l.read(Some(&l.receiver), &id).await.data("node.status"),
        "EXPIRED",
        "shown expired at once"
    );
    let late = l.step(&l.receiver, "acceptReferral", &id, 1, "").await;
    assert_eq!(late.error_code(), "CONFLICT");
    assert_eq!(
        coalition::referrals::expire_overdue(db)
            .await
            .expect("sweep")
            .len(),
        1
    );
    let swept = l.read(Some(&l.sender), &id).await;
    assert_eq!(
        swept.data("node.history.1.toStatus"),
        "EXPIRED",
        "the sweep writes it into the history"
    );
}

#[tokio::test]
async fn an_inbox_page_of_50_costs_the_same_statements_as_a_page_of_5() {
    let l = setup().await;
    for i in 0..50 {
        l.send(Some(&format!("bulk-{i}")))
            .await
            .data("sendReferral.id");
    }
    let query =
        "query($first: Int!) { referrals(filter: {direction: INBOX}, first: $first) { nodes {
        status client { displayName } referringOrganization { name } receivingOrganization { name }
        service { name { text } } assignee latestEvent { toStatus by } } } }";
    let mut counts = Vec::new();
    for first in [5, 50] {
        let before = l.app.statements();
        let answer = l
            .app
            .graphql(Some(&l.receiver), query, json!({ "first": first }))
            .await;
        assert_eq!(
            answer.data("referrals.nodes").as_array().map(Vec::len),
            Some(first as usize)
        );
        counts.push(l.app.statements() - before);
    }
    assert_eq!(counts[0], counts[1], "{counts:?}");
}

mod subscription {
    use super::*;
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    type Socket = tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >;

    async fn open(addr: std::net::SocketAddr, payload: Value) -> Socket {
        let mut request = format!("ws://{addr}/graphql")
            .into_client_request()
            .expect("request");
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().expect("header"),
        );
        let (mut socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("connect");
        let init = json!({ "type": "connection_init", "payload": payload });
        socket
            .send(Message::text(init.to_string()))
            .await
            .expect("init");
        socket
    }

    async fn subscribe(addr: std::net::SocketAddr, token: &str) -> Socket {
        let mut socket = open(addr, json!({ "Authorization": format!("Bearer {token}") })).await;
        let ack = next_message(&mut socket, 10).await.expect("ack");
        assert_eq!(ack["type"], "connection_ack");
        let subscribe = json!({ "id": "1", "type": "subscribe", "payload": {
            "query": "subscription { referralChanges { kind referral { status client { displayName } } } }" } });
        socket
            .send(Message::text(subscribe.to_string()))
            .await
            .expect("subscribe");
        socket
    }

    /// What a socket does next: a message, a close (with its code), or nothing in time.
    #[derive(Debug, PartialEq)]
    enum Next {
        Message(Value),
        Closed(Option<u16>),
        Silent,
    }

    async fn next_event(socket: &mut Socket, seconds: u64) -> Next {
        loop {
            match tokio::time::timeout(std::time::Duration::from_secs(seconds), socket.next()).await
            {
                Ok(Some(Ok(Message::Text(text)))) => {
                    let value: Value = serde_json::from_str(&text).expect("json");
                    if value["type"] == "ping" || value["type"] == "pong" {
                        continue;
                    }
                    return Next::Message(value);
                }
                Ok(Some(Ok(Message::Close(frame)))) => {
                    return Next::Closed(frame.map(|f| u16::from(f.code)));
                }
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(_)) | None) => return Next::Closed(None),
                Err(_) => return Next::Silent,
            }
        }
    }

    async fn serve(l: &Loop) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = l.app.router.clone();
        tokio::spawn(async move { axum::serve(listener, router).await });
        addr
    }

    /// After `end` ends the credential, the next referral closes the socket
    /// with 4403 and nothing about the person reaches it.
    async fn assert_closed_when_sent(l: &Loop, socket: &mut Socket) {
        l.sent().await;
        loop {
            match next_event(socket, 10).await {
                Next::Closed(code) => return assert_eq!(code, Some(4403)),
                Next::Message(m) if m["type"] == "complete" => continue,
                other => panic!("the socket should have closed, got {other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn a_socket_whose_api_key_is_revoked_is_closed_before_it_hears_anything() {
        let l = setup().await;
        let addr = serve(&l).await;
        let (key_id, secret) = l.app.api_key(ORG_B, "STAFF").await;
        let mut socket = subscribe(addr, &secret).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let admin = l.app.token_of("admin", ORG_B).await;
        l.app
            .graphql(
                Some(&admin),
                "mutation($id: ID!) { revokeApiKey(input: {apiKeyId: $id}) { revokedAt } }",
                json!({ "id": key_id }),
            )
            .await
            .data("revokeApiKey.revokedAt");
        assert_closed_when_sent(&l, &mut socket).await;
    }

    #[tokio::test]
    async fn a_socket_of_a_member_removed_from_the_organization_is_closed() {
        let l = setup().await;
        let addr = serve(&l).await;
        let token = l
            .app
            .add_member("caseworker@legal.example", ORG_B, OrgRole::Staff)
            .await;
        let mut socket = subscribe(addr, &token).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let admin = l.app.token_of("admin", ORG_B).await;
        let members = l
            .app
            .graphql(
                Some(&admin),
                "query($slug: String!) { organization(slug: $slug) { members(first: 50) { nodes { id user { email } } } } }",
                json!({ "slug": ORG_B }),
            )
            .await;
        let membership = members
            .data("organization.members.nodes")
            .as_array()
            .expect("members")
            .iter()
            .find(|m| m["user"]["email"] == "caseworker@legal.example")
            .map(|m| m["id"].clone())
            .expect("membership");
        l.app
            .graphql(
                Some(&admin),
                "mutation($id: ID!) { removeMember(input: {membershipId: $id}) { removedMembershipId } }",
                json!({ "id": membership }),
            )
            .await
            .data("removeMember");
        assert_closed_when_sent(&l, &mut socket).await;
    }

    #[tokio::test]
    async fn a_socket_is_closed_when_its_token_expires() {
        let l = setup().await;
        let addr = serve(&l).await;
        let email = "staff@community-legal-aid.demo.test";
        let user = coalition::accounts::user_by_email(
            &l.app.state.db,
            &coalition::domain::Email::parse(email, "email").expect("email"),
        )
        .await
        .expect("user");
        let now = chrono::Utc::now().timestamp();
        // Accepted for two more seconds, thanks to the 30 s of clock leeway.
        let claims = json!({ "iss": crate::helpers::ISSUER, "aud": crate::helpers::AUDIENCE,
            "sub": user.id.to_string(), "nbf": now - 60, "exp": now - 28 });
        let token = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(crate::helpers::TEST_SECRET),
        )
        .expect("sign");
        let mut socket = subscribe(addr, &token).await;
        assert_eq!(next_event(&mut socket, 10).await, Next::Closed(Some(4403)));
    }

    #[tokio::test]
    async fn a_socket_without_a_credential_is_refused_outright() {
        let l = setup().await;
        let addr = serve(&l).await;
        let mut anonymous = open(addr, json!({})).await;
        assert_eq!(
            next_event(&mut anonymous, 10).await,
            Next::Closed(Some(4403))
        );
        let mut forged = open(
            addr,
            json!({ "Authorization": "Bearer forged.token.value" }),
        )
        .await;
        assert_eq!(next_event(&mut forged, 10).await, Next::Closed(Some(4403)));
    }

    async fn next_message(socket: &mut Socket, seconds: u64) -> Option<Value> {
        loop {
            match tokio::time::timeout(std::time::Duration::from_secs(seconds), socket.next()).await
            {
                Ok(Some(Ok(Message::Text(text)))) => {
                    let value: Value = serde_json::from_str(&text).ok()?;
                    if value["type"] == "ping" || value["type"] == "pong" {
                        continue;
                    }
                    return Some(value);
                }
                Ok(Some(Ok(_))) => continue,
                _ => return None,
            }
        }
    }

    #[tokio::test]
    async fn the_receiving_organization_hears_of_a_new_referral_and_others_do_not() {
        let l = setup().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = l.app.router.clone();
        tokio::spawn(async move { axum::serve(listener, router).await });
        let mut receiver = subscribe(addr, &l.receiver).await;
        let outsider_token = l.app.token_of("staff", "eastside-health").await;
        let mut outsider = subscribe(addr, &outsider_token).await;
        // Let both subscriptions start before anything happens.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;

        let sent = l.sent().await;
        let message = next_message(&mut receiver, 10)
            .await
            .expect("the receiver is told");
        assert_eq!(message["type"], "next", "{message}");
        let update = &message["payload"]["data"]["referralChanges"];
        assert_eq!(update["kind"], "SENT");
        assert_eq!(update["referral"]["status"], "SENT");
        assert_eq!(
            update["referral"]["client"]["displayName"], "Amina K.",
            "seen as the receiver may see it"
        );
        let admin = l.app.token_of("admin", ORG_A).await;
        let audit = l
            .app
            .graphql(
                Some(&admin),
                "query($org: ID!) { auditEntries(organizationId: $org, first: 100) { nodes { action recordId actorUser { email } } } }",
                json!({ "org": l.app.org_id(ORG_A).await }),
            )
            .await;
        let audited = audit
            .data("auditEntries.nodes")
            .as_array()
            .expect("entries")
            .iter()
            .any(|e| {
                e["action"] == "client.read"
                    && e["recordId"] == l.client.as_str()
                    && e["actorUser"]["email"] == "staff@community-legal-aid.demo.test"
            });
        assert!(
            audited,
            "the read delivered by the subscription is audited: {}",
            audit.body
        );

        l.step(&l.receiver, "acceptReferral", &sent["id"], 1, "")
            .await
            .data("acceptReferral");
        let accepted = next_message(&mut receiver, 10)
            .await
            .expect("the status change is told");
        assert_eq!(
            accepted["payload"]["data"]["referralChanges"]["referral"]["status"],
            "ACCEPTED"
        );

        assert!(
            next_message(&mut outsider, 2).await.is_none(),
            "an unrelated organization hears nothing"
        );
        let anonymous = l
            .app
            .graphql(None, "subscription { referralChanges { kind } }", json!({}))
            .await;
        assert!(
            anonymous.code().is_some(),
            "subscriptions are not served over POST: {}",
            anonymous.body
        );
    }
}

#[tokio::test]
async fn coordinators_see_the_network_s_health_without_anyone_s_details() {
    let l = setup().await;
    let id = l.sent().await["id"].clone();
    l.step(&l.receiver, "acceptReferral", &id, 1, "")
        .await
        .data("acceptReferral");
    let query = "query($from: DateTime!, $to: DateTime!) { referralStatistics(from: $from, to: $to) {
        total byStatus { status count } byCategory { code count } byOrganization { organization { slug } sent received }
        medianHoursToAccept medianHoursToComplete } }";
    let window = json!({ "from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z" });
    let coordinator = l.app.token("coordinator@demo.test").await;
    let answer = l
        .app
        .graphql(Some(&coordinator), query, window.clone())
        .await;
    let stats = answer.data("referralStatistics");
    assert_eq!(stats["total"], 8, "seven demo referrals and this one");
    let count_of = |status: &str| {
        stats["byStatus"]
            .as_array()
            .expect("statuses")
            .iter()
            .find(|s| s["status"] == status)
            .map(|s| s["count"].clone())
    };
    assert_eq!(count_of("ACCEPTED"), Some(json!(2)));
    assert_eq!(count_of("COMPLETED"), Some(json!(1)));
    assert!(
        stats["byCategory"]
            .as_array()
            .expect("categories")
            .iter()
            .any(|c| c["code"] == "immigration-legal-help")
    );
    let legal = stats["byOrganization"]
        .as_array()
        .expect("orgs")
        .iter()
        .find(|o| o["organization"]["slug"] == ORG_B)
        .expect("legal aid");
    assert_eq!(legal["received"], 3);
    assert!(
        stats["medianHoursToAccept"]
            .as_f64()
            .is_some_and(|h| h >= 0.0)
    );
    let text = answer.body.to_string();
    for personal in ["Amina", "José", "work permit", "860-555"] {
        assert!(
            !text.contains(personal),
            "{personal} must not appear in statistics"
        );
    }
    assert_eq!(
        l.app
            .graphql(Some(&l.sender), query, window.clone())
            .await
            .error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        l.app.graphql(None, query, window).await.error_code(),
        "UNAUTHENTICATED"
    );
    let backwards = l
        .app
        .graphql(
            Some(&coordinator),
            query,
            json!({ "from": "2100-01-01T00:00:00Z", "to": "2000-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(backwards.body["errors"][0]["extensions"]["field"], "to");
}

#[tokio::test]
async fn two_records_of_one_person_are_linked_into_one_history_and_unlinked_again() {
    let l = setup().await;
    l.sent().await;
    let second = l
        .app
        .graphql(
            Some(&l.sender),
            "mutation($org: ID!) { createClient(input: {organizationId: $org, displayName: \"A. K.\"}) { id } }",
            json!({ "org": l.app.org_id(ORG_A).await }),
        )
        .await
        .data("createClient.id")
        .clone();
    let link = "mutation($a: ID!, $b: ID!) { linkClients(input: {clientId: $a, otherClientId: $b}) { linkedClients { displayName } referrals { status } } }";
    let linked = l
        .app
        .graphql(Some(&l.sender), link, json!({ "a": second, "b": l.client }))
        .await;
    assert_eq!(
        linked.data("linkClients.linkedClients.0.displayName"),
        "Amina K."
    );
    assert_eq!(
        linked
            .data("linkClients.referrals")
            .as_array()
            .map(Vec::len),
        Some(1),
        "the other record's referral is in the history"
    );
    assert_eq!(
        l.app
            .graphql(Some(&l.sender), link, json!({ "a": l.client, "b": second }))
            .await
            .error_code(),
        "CONFLICT"
    );
    assert_eq!(
        l.app
            .graphql(
                Some(&l.receiver),
                link,
                json!({ "a": second, "b": l.client })
            )
            .await
            .error_code(),
        "NOT_FOUND"
    );
    let unlink = "mutation($a: ID!, $b: ID!) { unlinkClients(input: {clientId: $a, otherClientId: $b}) { linkedClients { displayName } referrals { status } } }";
    let undone = l
        .app
        .graphql(
            Some(&l.sender),
            unlink,
            json!({ "a": second, "b": l.client }),
        )
        .await;
    assert_eq!(undone.data("unlinkClients.linkedClients"), &json!([]));
    assert_eq!(undone.data("unlinkClients.referrals"), &json!([]));
    let original = l
        .app
        .graphql(Some(&l.sender), "query($id: ID!) { node(id: $id) { ... on Client { displayName referrals { status } } } }", json!({ "id": l.client }))
        .await;
    assert_eq!(
        original.data("node.displayName"),
        "Amina K.",
        "neither record changed"
    );
    assert_eq!(
        original.data("node.referrals").as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn retried_notes_clients_and_consents_are_recorded_once() {
    let l = setup().await;
    let id = l.sent().await["id"].clone();
    let note = "mutation($id: ID!) { addReferralNote(input: {referralId: $id, visibility: SHARED, body: \"Called twice?\", idempotencyKey: \"note-1\"}) { body } }";
    for _ in 0..2 {
        l.app
            .graphql(Some(&l.receiver), note, json!({ "id": id }))
            .await
            .data("addReferralNote");
    }
    assert_eq!(
        l.read(Some(&l.sender), &id)
            .await
            .data("node.notes")
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    let create = "mutation($org: ID!) { createClient(input: {organizationId: $org, displayName: \"R.\", idempotencyKey: \"client-1\"}) { id } }";
    let org = l.app.org_id(ORG_A).await;
    let first = l
        .app
        .graphql(Some(&l.sender), create, json!({ "org": org }))
        .await
        .data("createClient.id")
        .clone();
    let second = l
        .app
        .graphql(Some(&l.sender), create, json!({ "org": org }))
        .await
        .data("createClient.id")
        .clone();
    assert_eq!(first, second, "one client for one key");

    let consent = "mutation($c: ID!, $o: ID!) { recordConsent(input: {clientId: $c, recipients: [{organizationId: $o}], sharesName: true,
        sharesContact: false, sharesLanguages: false, sharesNeeds: false, method: WRITTEN, idempotencyKey: \"consent-1\"}) { id } }";
    let vars = json!({ "c": first, "o": l.app.org_id(ORG_B).await });
    let a = l
        .app
        .graphql(Some(&l.sender), consent, vars.clone())
        .await
        .data("recordConsent.id")
        .clone();
    let b = l
        .app
        .graphql(Some(&l.sender), consent, vars)
        .await
        .data("recordConsent.id")
        .clone();
    assert_eq!(a, b, "one consent for one key");
}

const AUDIT_OF: &str = "query($record: ID) { auditEntries(recordId: $record, first: 100) { totalCount nodes { action recordType details } } }";

#[tokio::test]
async fn revoking_a_consent_audits_every_referral_it_cancels() {
    let l = setup().await;
    let first = l.sent().await;
    let second = l.sent().await;
    let admin = l.app.token_of("admin", ORG_A).await;
    l.app
        .graphql(
            Some(&l.sender),
            "mutation($id: ID!) { revokeConsent(input: {consentId: $id}) { id } }",
            json!({ "id": l.consent }),
        )
        .await
        .data("revokeConsent");
    for referral in [&first, &second] {
        let trail = l
            .app
            .graphql(Some(&admin), AUDIT_OF, json!({ "record": referral["id"] }))
            .await;
        let cancelled = trail
            .data("auditEntries.nodes")
            .as_array()
            .expect("entries")
            .iter()
            .any(|e| {
                e["action"] == "referral.status_changed"
                    && e["details"]
                        .as_str()
                        .is_some_and(|d| d.contains("CANCELLED") && d.contains("CONSENT_REVOKED"))
            });
        assert!(cancelled, "the cancellation is audited: {}", trail.body);
    }
}

#[tokio::test]
async fn coordinators_read_no_audit_trail_of_referrals_they_cannot_see() {
    let l = setup().await;
    let referral = l.sent().await;
    let coordinator = l.app.token("coordinator@demo.test").await;
    let hidden = l
        .app
        .graphql(
            Some(&coordinator),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": referral["id"] }),
        )
        .await;
    assert_eq!(hidden.error_code(), "NOT_FOUND", "the referral is hidden");
    for record in [referral["id"].clone(), json!(l.client), json!(l.consent)] {
        let trail = l
            .app
            .graphql(Some(&coordinator), AUDIT_OF, json!({ "record": record }))
            .await;
        assert_eq!(
            trail.data("auditEntries.totalCount"),
            0,
            "nothing of {record}: {}",
            trail.body
        );
    }
    let newest = l
        .app
        .graphql(
            Some(&coordinator),
            "{ auditEntries(last: 100) { nodes { recordType action } } }",
            json!({}),
        )
        .await;
    let nodes = newest
        .data("auditEntries.nodes")
        .as_array()
        .expect("entries")
        .clone();
    assert!(!nodes.is_empty(), "coordinators keep the rest of the log");
    assert!(
        nodes.iter().all(|e| !["Client", "Consent", "Referral"]
            .contains(&e["recordType"].as_str().unwrap_or(""))),
        "{nodes:?}"
    );
    let admin = l.app.token_of("admin", ORG_A).await;
    let own = l
        .app
        .graphql(Some(&admin), AUDIT_OF, json!({ "record": referral["id"] }))
        .await;
    assert_eq!(
        own.data("auditEntries.totalCount"),
        1,
        "the referring organization's admin reads it: {}",
        own.body
    );
}

#[tokio::test]
async fn document_numbers_are_refused_wherever_a_person_is_written_about() {
    let l = setup().await;
    let org = l.app.org_id(ORG_A).await;
    let create = "mutation($org: ID!, $name: String!, $needs: String) { createClient(input: {organizationId: $org,
      displayName: $name, preferredLanguages: [\"es\"], needsSummary: $needs}) { id } }";
    let refused = l
        .app
        .graphql(
            Some(&l.sender),
            create,
            json!({ "org": org, "name": "A-number 123456789" }),
        )
        .await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT", "{}", refused.body);
    assert_eq!(
        refused.body["errors"][0]["extensions"]["field"],
        "input.displayName"
    );
    assert!(
        refused.body.to_string().contains("A-number"),
        "the refusal says what it saw: {}",
        refused.body
    );
    let refused = l
        .app
        .graphql(
            Some(&l.sender),
            create,
            json!({ "org": org, "name": "María", "needs": "SSN 123-45-6789, needs a lawyer" }),
        )
        .await;
    assert_eq!(
        refused.body["errors"][0]["extensions"]["field"],
        "input.needsSummary"
    );

    let reason = l
        .app
        .graphql(
            Some(&l.sender),
            "mutation($client: ID!, $consent: ID!, $service: ID!) { sendReferral(input: {clientId: $client,
              consentId: $consent, serviceId: $service, reason: \"Case EAC2190012345 pending\"}) { id } }",
            json!({ "client": l.client, "consent": l.consent, "service": l.service }),
        )
        .await;
    assert_eq!(reason.error_code(), "BAD_USER_INPUT", "{}", reason.body);
    assert_eq!(
        reason.body["errors"][0]["extensions"]["field"],
        "input.reason"
    );

    let sent = l.sent().await;
    let note = "mutation($id: ID!, $b: String!) { addReferralNote(input: {referralId: $id, visibility: SHARED, body: $b}) { body } }";
    let refused = l
        .app
        .graphql(
            Some(&l.sender),
            note,
            json!({ "id": sent["id"], "b": "Passport X1234567 attached" }),
        )
        .await;
    assert_eq!(
        refused.body["errors"][0]["extensions"]["field"], "input.body",
        "{}",
        refused.body
    );
    let kept = l
        .app
        .graphql(
            Some(&l.sender),
            note,
            json!({ "id": sent["id"], "b": "Her cell is 860-555-0100; evenings only" }),
        )
        .await;
    assert_eq!(
        kept.data("addReferralNote.body"),
        "Her cell is 860-555-0100; evenings only",
        "a phone number is not a document number"
    );
}

/// What one viewer reads of the person through a referral: the reason, the
/// interpreter's language, the notes of its steps and its notes; `None` when
/// the referral itself is hidden.
pub(crate) async fn personal_view(
    app: &TestApp,
    credential: Option<&str>,
    id: &Value,
) -> Option<Value> {
    let answer = app
        .graphql(
            credential,
            "query($id: ID!) { node(id: $id) { ... on Referral { reason interpreterLanguage
              history { note } notes { body } } } }",
            json!({ "id": id }),
        )
        .await;
    let node = answer.body["data"]["node"].clone();
    if node.is_null() {
        return None;
    }
    let step_notes: Vec<Value> = node["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|e| e["note"].clone())
        .filter(|n| !n.is_null())
        .collect();
    let notes: Vec<Value> = node["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| n["body"].clone())
        .collect();
    Some(json!({
        "reason": node["reason"],
        "interpreter": node["interpreterLanguage"],
        "stepNotes": step_notes,
        "notes": notes,
    }))
}

pub(crate) fn nothing_personal() -> Option<Value> {
    Some(json!({ "reason": null, "interpreter": null, "stepNotes": [], "notes": [] }))
}

/// How many reads of personal data the audit log holds.
async fn reads_audited(app: &TestApp) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    entity::audit_entry::Entity::find()
        .filter(entity::audit_entry::Column::Action.eq("client.read"))
        .count(&app.state.db)
        .await
        .expect("count")
}

/// Reads a referral as `credential` and checks both what it shows and that
/// the read is in the audit log exactly when something about the person was
/// shown.
async fn check_view(
    app: &TestApp,
    (moment, who, credential, expected): (&str, &str, Option<String>, Option<Value>),
    id: &Value,
) {
    let before = reads_audited(app).await;
    assert_eq!(
        personal_view(app, credential.as_deref(), id).await,
        expected,
        "{moment}: {who}"
    );
    let shown = expected.is_some_and(|v| Some(v) != nothing_personal());
    assert_eq!(
        reads_audited(app).await > before,
        shown,
        "{moment}: {who}'s read is audited exactly when it shows something about the person"
    );
}

#[tokio::test]
async fn consent_governs_every_word_about_the_person_on_a_referral_at_every_moment() {
    let l = setup().await;
    let app = &l.app;
    let sender_viewer = app
        .add_member(
            "volunteer@riverside-library.demo.test",
            ORG_A,
            OrgRole::Viewer,
        )
        .await;
    let receiver_viewer = app
        .add_member(
            "intern@community-legal-aid.demo.test",
            ORG_B,
            OrgRole::Viewer,
        )
        .await;
    let (_, receiver_key) = app.api_key(ORG_B, "STAFF").await;
    let unrelated = app.token_of("staff", "northgate-library").await;
    let coordinator = app.token("coordinator@demo.test").await;
    let note = |credential: String, id: Value, visibility: &'static str, body: &'static str| {
        let app = &l.app;
        async move {
            let answer = app
                .graphql(
                    Some(&credential),
                    &format!("mutation($id: ID!, $b: String!) {{ addReferralNote(input: {{referralId: $id, visibility: {visibility}, body: $b}}) {{ body }} }}"),
                    json!({ "id": id, "b": body }),
                )
                .await;
            assert_eq!(answer.data("addReferralNote.body"), body, "{}", answer.body);
        }
    };
    let open = l.sent().await["id"].clone();
    let closed = l.sent().await["id"].clone();
    for id in [&open, &closed] {
        l.step(&l.receiver, "acceptReferral", id, 1, "").await;
        l.step(
            &l.receiver,
            "holdReferral",
            id,
            2,
            ", note: \"Waiting for her documents\"",
        )
        .await;
        note(
            l.sender.clone(),
            id.clone(),
            "SHARED",
            "Her cell is 860-555-0100; evenings only",
        )
        .await;
        note(
            l.receiver.clone(),
            id.clone(),
            "INTERNAL",
            "Our paralegal speaks Arabic",
        )
        .await;
        note(
            l.receiver.clone(),
            id.clone(),
            "SHARED",
            "We will call on Monday",
        )
        .await;
    }
    l.step(&l.receiver, "resumeReferral", &closed, 3, "").await;
    l.step(&l.receiver, "startReferral", &closed, 4, "").await;
    let completed = l
        .step(
            &l.receiver,
            "completeReferral",
            &closed,
            5,
            ", outcome: SERVICE_PROVIDED",
        )
        .await;
    assert_eq!(
        completed.data("completeReferral.status"),
        "COMPLETED",
        "{}",
        completed.body
    );

    let everything = Some(json!({
        "reason": "Needs legal advice",
        "interpreter": "ar",
        "stepNotes": ["Waiting for her documents"],
        "notes": ["Her cell is 860-555-0100; evenings only", "We will call on Monday"],
    }));
    let receiving = Some(json!({
        "reason": "Needs legal advice",
        "interpreter": "ar",
        "stepNotes": ["Waiting for her documents"],
        "notes": [
            "Her cell is 860-555-0100; evenings only",
            "Our paralegal speaks Arabic",
            "We will call on Monday"
        ],
    }));
    let only_own_internal = Some(json!({
        "reason": null, "interpreter": null, "stepNotes": [], "notes": ["Our paralegal speaks Arabic"],
    }));
    let matrix = |moment: &'static str, receiver: Option<Value>| {
        vec![
            (
                moment,
                "sending staff",
                Some(l.sender.clone()),
                everything.clone(),
            ),
            (
                moment,
                "sending viewer",
                Some(sender_viewer.clone()),
                nothing_personal(),
            ),
            (
                moment,
                "receiving staff",
                Some(l.receiver.clone()),
                receiver.clone(),
            ),
            (
                moment,
                "receiving viewer",
                Some(receiver_viewer.clone()),
                nothing_personal(),
            ),
            (
                moment,
                "receiving STAFF key",
                Some(receiver_key.clone()),
                receiver,
            ),
            (moment, "coordinator", Some(coordinator.clone()), None),
            (
                moment,
                "unrelated organization",
                Some(unrelated.clone()),
                None,
            ),
            (moment, "anonymous", None, None),
        ]
    };
    for row in matrix("open, consent in force", receiving.clone()) {
        check_view(app, row, &open).await;
    }
    for row in matrix("after closure", only_own_internal.clone()) {
        check_view(app, row, &closed).await;
    }
    {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        // The clock moved past the consent's expiry.
        entity::consent::Entity::update_many()
            .col_expr(
                entity::consent::Column::ExpiresAt,
                Expr::value(Some(chrono::Utc::now() - chrono::Duration::minutes(1))),
            )
            .filter(
                entity::consent::Column::Id.eq(coalition::ids::decode_as(
                    &l.consent.clone().into(),
                    "Consent",
                    "id",
                )
                .expect("consent id")),
            )
            .exec(&app.state.db)
            .await
            .expect("expire");
    }
    for row in matrix("after expiry", only_own_internal.clone()) {
        check_view(app, row, &open).await;
    }
    let revoked = app
        .graphql(
            Some(&l.sender),
            "mutation($id: ID!) { revokeConsent(input: {consentId: $id}) { inForce } }",
            json!({ "id": l.consent }),
        )
        .await;
    assert_eq!(
        revoked.data("revokeConsent.inForce"),
        false,
        "{}",
        revoked.body
    );
    for row in matrix("after revocation", only_own_internal) {
        check_view(app, row, &open).await;
    }
    let admin = app.token_of("admin", ORG_A).await;
    let erased = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { eraseClient(input: {clientId: $id}) { erasedAt } }",
            json!({ "id": l.client }),
        )
        .await;
    assert!(
        erased.data("eraseClient.erasedAt").is_string(),
        "{}",
        erased.body
    );
    for id in [&open, &closed] {
        for row in matrix("after erasure", nothing_personal()) {
            let row = if row.1 == "sending staff" {
                (row.0, row.1, row.2, nothing_personal())
            } else {
                row
            };
            check_view(app, row, id).await;
        }
    }
}

#[tokio::test]
async fn a_consent_that_does_not_share_needs_keeps_the_reason_and_notes_from_the_receiver() {
    let l = setup().await;
    let consent = l
        .app
        .graphql(
            Some(&l.sender),
            "mutation($client: ID!, $org: ID!) { recordConsent(input: {clientId: $client,
              recipients: [{organizationId: $org}], sharesName: true, sharesContact: false,
              sharesLanguages: true, sharesNeeds: false, method: VERBAL}) { id } }",
            json!({ "client": l.client, "org": l.app.org_id(ORG_B).await }),
        )
        .await
        .data("recordConsent.id")
        .clone();
    let sent = l
        .app
        .graphql(
            Some(&l.sender),
            "mutation($client: ID!, $consent: ID!, $service: ID!) { sendReferral(input: {clientId: $client,
              consentId: $consent, serviceId: $service, reason: \"Asylum interview preparation\",
              interpreterNeeded: true, interpreterLanguage: \"ar\"}) { id } }",
            json!({ "client": l.client, "consent": consent, "service": l.service }),
        )
        .await;
    let id = sent.data("sendReferral.id").clone();
    let note = l
        .app
        .graphql(
            Some(&l.sender),
            "mutation($id: ID!) { addReferralNote(input: {referralId: $id, visibility: SHARED, body: \"She prefers mornings\"}) { body } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(note.data("addReferralNote.body"), "She prefers mornings");
    assert_eq!(
        personal_view(&l.app, Some(&l.receiver), &id).await,
        Some(json!({ "reason": null, "interpreter": "ar", "stepNotes": [], "notes": [] })),
        "the languages are shared, the needs are not"
    );
    assert_eq!(
        personal_view(&l.app, Some(&l.sender), &id)
            .await
            .expect("sender")["reason"],
        "Asylum interview preparation"
    );
}

#[tokio::test]
async fn reading_only_a_referral_s_reason_or_notes_is_in_the_read_audit() {
    let l = setup().await;
    let id = l.sent().await["id"].clone();
    let colleague = l
        .app
        .add_member(
            "paralegal@community-legal-aid.demo.test",
            ORG_B,
            OrgRole::Staff,
        )
        .await;
    let answer = l
        .app
        .graphql(
            Some(&colleague),
            "query($id: ID!) { node(id: $id) { ... on Referral { reason } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(answer.data("node.reason"), "Needs legal advice");
    let admin = l.app.token_of("admin", ORG_A).await;
    let entries = l
        .app
        .graphql(
            Some(&admin),
            "query($org: ID!) { auditEntries(organizationId: $org, first: 100) { nodes { action recordId actorUser { email } } } }",
            json!({ "org": l.app.org_id(ORG_A).await }),
        )
        .await;
    assert!(
        entries
            .data("auditEntries.nodes")
            .as_array()
            .expect("entries")
            .iter()
            .any(|e| e["action"] == "client.read"
                && e["recordId"] == l.client.as_str()
                && e["actorUser"]["email"] == "paralegal@community-legal-aid.demo.test"),
        "a read of the reason alone is a read of the person: {}",
        entries.body
    );
}

#[tokio::test]
async fn a_step_taken_by_a_partner_application_names_its_key_and_organization() {
    let l = setup().await;
    let id = l.sent().await["id"].clone();
    let (_, key) = l.app.api_key(ORG_B, "STAFF").await;
    let accepted = l.step(&key, "acceptReferral", &id, 1, "").await;
    assert_eq!(
        accepted.data("acceptReferral.status"),
        "ACCEPTED",
        "{}",
        accepted.body
    );
    let history = l.read(Some(&l.sender), &id).await;
    let steps = history
        .data("node.history")
        .as_array()
        .expect("history")
        .clone();
    assert_eq!(
        steps.last().expect("a step")["by"],
        "sync (API key of Community Legal Aid Clinic)",
        "{steps:?}"
    );
}

#[tokio::test]
async fn a_consent_reads_back_with_whom_it_shares_and_who_recorded_it() {
    let l = setup().await;
    let recorded = l
        .app
        .graphql(
            Some(&l.sender),
            "mutation($client: ID!, $org: ID!, $service: ID!) { recordConsent(input: {clientId: $client,
              recipients: [{organizationId: $org, serviceId: $service}], sharesName: true, sharesContact: false,
              sharesLanguages: true, sharesNeeds: true, method: WRITTEN}) { id } }",
            json!({ "client": l.client, "org": l.app.org_id(ORG_B).await, "service": l.service }),
        )
        .await;
    let id = recorded.data("recordConsent.id").clone();
    let query = "query($id: ID!) { node(id: $id) { ... on Consent { method recordedBy revokedBy
      recipients { organization { slug } service { name { text } } } } } }";
    let shown = l
        .app
        .graphql(Some(&l.sender), query, json!({ "id": id }))
        .await;
    assert_eq!(shown.data("node.method"), "WRITTEN", "{}", shown.body);
    assert_eq!(
        shown.data("node.recipients"),
        &json!([{ "organization": { "slug": ORG_B }, "service": { "name": { "text": "Immigration legal consultations" } } }])
    );
    assert!(shown.data("node.recordedBy").is_string(), "{}", shown.body);
    assert!(shown.data("node.revokedBy").is_null());
    let first = l
        .app
        .graphql(Some(&l.sender), query, json!({ "id": l.consent }))
        .await;
    assert_eq!(
        first.data("node.recipients"),
        &json!([{ "organization": { "slug": ORG_B }, "service": null }]),
        "a consent naming an organization covers all its services"
    );
    let elsewhere = l
        .app
        .graphql(Some(&l.receiver), query, json!({ "id": id }))
        .await;
    assert!(
        elsewhere.body["data"]["node"].is_null(),
        "the consent is the serving organization's record: {}",
        elsewhere.body
    );
}
