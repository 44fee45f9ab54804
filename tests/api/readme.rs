//! The README, followed from top to bottom against the demo coalition as a new
//! user would: every GraphQL example and every curl request, in README order,
//! with the credential the README says to use, feeding the ids of earlier
//! answers into later steps, and checking the answers the README shows.

use crate::helpers::TestApp;
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

/// One operation of the README, as written there.
struct Example {
    name: String,
    query: String,
    variables: Value,
}

/// `query Name`, `mutation Name(...)` or `subscription Name`: the name, or
/// `None` for an anonymous operation (which code generators refuse).
fn operation_name(document: &str) -> Option<String> {
    let document = document.trim_start();
    let (kind, rest) = document.split_once(char::is_whitespace)?;
    if !["query", "mutation", "subscription"].contains(&kind) {
        return None;
    }
    let name: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The request body of a curl line (`-d '{...}'`, or `q '{...}'` in a script).
fn curl_body(line: &str) -> Option<Value> {
    let start = line.find("'{\"query\"")?;
    let end = line.rfind("}'")?;
    Some(serde_json::from_str(&line[start + 1..=end]).expect("a curl example's body is JSON"))
}

/// Every operation of the README in order: fenced `graphql` blocks and the
/// bodies of the curl requests in `sh` blocks.
fn examples(readme: &str) -> Vec<Example> {
    let mut found = Vec::new();
    let mut fence: Option<(String, String)> = None;
    for line in readme.lines() {
        let trimmed = line.trim_start();
        match &mut fence {
            None => {
                if let Some(lang) = trimmed.strip_prefix("```") {
                    fence = Some((lang.to_owned(), String::new()));
                }
            }
            Some((lang, block)) if trimmed == "```" => {
                if lang == "graphql" {
                    found.push(Example {
                        name: named(block),
                        query: std::mem::take(block),
                        variables: json!({}),
                    });
                }
                fence = None;
            }
            Some((lang, block)) => {
                if lang == "sh"
                    && let Some(body) = curl_body(line)
                {
                    let query = body["query"].as_str().expect("query").to_owned();
                    found.push(Example {
                        name: named(&query),
                        query,
                        variables: body.get("variables").cloned().unwrap_or(json!({})),
                    });
                }
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    found
}

fn named(document: &str) -> String {
    operation_name(document)
        .unwrap_or_else(|| panic!("a README operation has no name:\n{document}"))
}

/// The README's walk: the credentials and ids a reader carries from one step
/// to the next.
struct Reader<'a> {
    app: &'a TestApp,
    documents: HashMap<String, String>,
    values: HashMap<&'static str, Value>,
}

impl Reader<'_> {
    async fn run(&self, credential: Option<&str>, name: &str, variables: Value) -> Value {
        let query = &self.documents[name];
        let answer = self.app.graphql(credential, query, variables).await;
        assert!(
            answer.body.get("errors").is_none(),
            "the README's {name} failed:\n{query}\n{}",
            answer.body
        );
        answer.body["data"].clone()
    }

    fn get(&self, key: &str) -> Value {
        self.values
            .get(key)
            .unwrap_or_else(|| panic!("the README's walk has no {key} yet"))
            .clone()
    }

    fn text(&self, key: &str) -> String {
        self.get(key).as_str().expect("a string").to_owned()
    }

    /// Step 2 of the meeting cycle at `meeting`, moving `item`; returns the
    /// passed motion.
    async fn hold(&self, clerk: &str, meeting: &Value, item: &Value) -> Value {
        let voters = self.get("voters");
        let voters = voters.as_array().expect("voters");
        let present: Vec<_> = voters
            .iter()
            .map(|p| json!({ "personId": p, "status": "PRESENT" }))
            .collect();
        let quorum = self
            .run(
                Some(clerk),
                "Attendance",
                json!({ "meeting": meeting, "members": present }),
            )
            .await;
        assert_eq!(
            quorum["recordAttendance"]["quorum"],
            json!({ "required": 6, "present": 9, "met": true })
        );
        let motion = self
            .run(
                Some(clerk),
                "Move",
                json!({ "item": item, "mover": voters[0], "seconder": voters[1] }),
            )
            .await["makeMotion"]["id"]
            .clone();
        let yes: Vec<_> = voters
            .iter()
            .map(|p| json!({ "personId": p, "choice": "YES" }))
            .collect();
        let vote = self
            .run(
                Some(clerk),
                "Vote",
                json!({ "motion": motion, "votes": yes }),
            )
            .await;
        assert_eq!(vote["recordVotes"]["result"], "PASSED");
        assert_eq!(
            vote["recordVotes"]["tally"],
            json!({ "yes": 9, "no": 0, "abstain": 0, "recused": 0 })
        );
        motion
    }
}

fn names(list: &Value, path: &str) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|n| {
            n.pointer(path)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_new_user_can_follow_the_readme_from_top_to_bottom() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let examples = examples(&readme);
    let app = TestApp::spawn().await;
    let riverside = app.token("admin@riverside-library.demo.test").await;
    let legal_aid = app.token("admin@community-legal-aid.demo.test").await;
    let coordinator = app.token("coordinator@demo.test").await;
    let clerk = app.token("clerk@demo.test").await;
    let mut reader = Reader {
        app: &app,
        documents: HashMap::new(),
        values: HashMap::new(),
    };
    let mut seen = HashSet::new();
    for example in &examples {
        let name = example.name.as_str();
        reader
            .documents
            .insert(example.name.clone(), example.query.clone());
        // Code generators refuse two operations of one name.
        assert!(
            seen.insert(example.name.clone()),
            "two README operations are named {name}"
        );
        let vars = example.variables.clone();
        match name {
            "Login" | "LoginFromShell" => {
                let data = reader.run(None, name, vars).await;
                assert!(data["login"]["token"].is_string(), "{data}");
            }
            "Viewer" => {
                let me = reader.run(Some(&riverside), name, vars.clone()).await;
                assert_eq!(me["viewer"]["kind"], "USER");
                let org = &me["viewer"]["memberships"][0]["organization"];
                assert_eq!(org["name"], "Riverside Public Library");
                // The API-key section asks for Community Legal Aid's own id.
                let theirs = reader.run(Some(&legal_aid), name, vars).await;
                let org = &theirs["viewer"]["memberships"][0]["organization"];
                assert_eq!(org["name"], "Community Legal Aid Clinic");
                reader.values.insert("org", org["id"].clone());
            }
            "CreateApiKey" => {
                let made = reader
                    .run(Some(&legal_aid), name, json!({ "org": reader.get("org") }))
                    .await;
                assert_eq!(made["createApiKey"]["apiKey"]["role"], "STAFF");
                reader
                    .values
                    .insert("key", made["createApiKey"]["secret"].clone());
            }
            "WhoAmI" => {
                let key = reader.text("key");
                let me = reader.run(Some(&key), name, vars).await;
                assert_eq!(me["viewer"]["kind"], "API_KEY");
                assert_eq!(
                    me["viewer"]["apiKey"]["organization"]["name"],
                    "Community Legal Aid Clinic"
                );
            }
            "FindHelp" => {
                reader.run(None, name, vars).await;
            }
            "SpanishEsl" => {
                let found = reader.run(None, name, vars).await;
                let nodes = &found["services"]["nodes"];
                assert_eq!(
                    names(nodes, "/name/text"),
                    ["ESL conversation circles", "Evening English classes"]
                );
                assert_eq!(
                    names(nodes, "/organization/name"),
                    ["Northgate Branch Library", "Adult ESL Learning Center"]
                );
            }
            "CommissionAndPeople" => {
                let found = reader.run(Some(&riverside), name, vars).await;
                let body = &found["body"];
                assert_eq!(
                    (&body["seats"], &body["vacancies"]),
                    (&json!(11), &json!(2))
                );
                let members = &body["currentMembers"];
                assert_eq!(members[0]["post"], "CHAIR");
                assert_eq!(members[0]["person"]["name"], "Mariam Haddad");
                let holdovers: Vec<_> = (members.as_array().expect("members").iter())
                    .filter(|m| m["holdover"] == true)
                    .map(|m| m["person"]["name"].clone())
                    .collect();
                assert_eq!(holdovers, [json!("Farid Ahmadzai")]);
                assert_eq!(
                    found["people"]["nodes"],
                    json!([{
                        "name": "Mariam Haddad",
                        "expertise": ["asylum", "immigration law"],
                        "contacts": [
                            { "kind": "EMAIL", "value": "mariam.haddad@example.org" },
                            { "kind": "PHONE", "value": "+1 555 010 0101" }
                        ]
                    }])
                );
            }
            "Inbox" => {
                let key = reader.text("key");
                let inbox = reader.run(Some(&key), name, vars).await;
                let nodes = &inbox["referrals"]["nodes"];
                assert_eq!(names(nodes, "/client/displayName"), ["Amina K."]);
                assert_eq!(
                    nodes[0]["referringOrganization"]["name"],
                    "Riverside Public Library"
                );
                reader.values.insert("referral", nodes[0]["id"].clone());
            }
            "Accept" | "AddNote" | "Start" | "Complete" => {
                let key = reader.text("key");
                let mut vars = vars;
                assert_eq!(vars["id"], "<referral id>", "the README says which id");
                vars["id"] = reader.get("referral");
                let done = reader.run(Some(&key), name, vars).await;
                let expected = match name {
                    "Accept" => json!({ "acceptReferral": { "status": "ACCEPTED", "version": 2 } }),
                    "AddNote" => {
                        json!({ "addReferralNote": { "body": "Appointment set for Tuesday" } })
                    }
                    "Start" => {
                        json!({ "startReferral": { "status": "IN_PROGRESS", "version": 3 } })
                    }
                    _ => json!("COMPLETED"),
                };
                if name == "Complete" {
                    assert_eq!(done["completeReferral"]["status"], expected);
                } else {
                    assert_eq!(done, expected);
                }
            }
            "Changes" => {
                let key = reader.text("key");
                let changed = reader.run(Some(&key), name, vars).await;
                let referral = reader.text("referral");
                assert!(
                    names(&changed["referrals"]["nodes"], "/id").contains(&referral),
                    "{changed}"
                );
            }
            "NetworkHealth" => {
                let stats = reader.run(Some(&coordinator), name, vars).await;
                let stats = &stats["referralStatistics"];
                assert_eq!(stats["total"], 7);
                let by_org: HashMap<String, (Value, Value)> =
                    (stats["byOrganization"].as_array().expect("orgs").iter())
                        .map(|o| {
                            let name = o["organization"]["name"].as_str().unwrap_or("");
                            (name.to_owned(), (o["sent"].clone(), o["received"].clone()))
                        })
                        .collect();
                assert_eq!(by_org["Riverside Public Library"].0, 4);
                assert_eq!(by_org["Northgate Branch Library"].0, 3);
                assert_eq!(by_org["Community Legal Aid Clinic"].1, 2);
                // After the partner's day above, Amina K.'s referral is completed too.
                let by_status: HashMap<_, _> = (stats["byStatus"].as_array().expect("statuses"))
                    .iter()
                    .map(|s| {
                        (
                            s["status"].as_str().unwrap_or("").to_owned(),
                            s["count"].clone(),
                        )
                    })
                    .collect();
                assert_eq!(by_status["COMPLETED"], 2);
                assert_eq!(by_status["ON_HOLD"], 1);
            }
            // A subscription needs a WebSocket: the subscriptions tests run
            // it; here it only has to be named.
            "ReferralChanges" => {}
            "WhatWasDecided" => {
                let decided = reader.run(None, name, vars).await;
                let nodes = &decided["meetings"]["nodes"];
                assert_eq!(names(nodes, "/status"), ["HELD", "HELD", "HELD"]);
            }
            "TodaysMeeting" => {
                let found = reader.run(Some(&clerk), name, vars).await;
                reader.values.insert("body", found["body"]["id"].clone());
                let voters: Vec<Value> = (found["body"]["currentMembers"].as_array())
                    .expect("members")
                    .iter()
                    .filter(|m| m["holdsSeat"] == true)
                    .map(|m| m["person"]["id"].clone())
                    .collect();
                assert_eq!(voters.len(), 9, "nine members hold a seat");
                reader.values.insert("voters", Value::from(voters));
                let meeting = &found["meetings"]["nodes"][0];
                assert_eq!(meeting["title"], "Special meeting: language access plan");
                assert_eq!(meeting["agendaPublished"], true);
                let item = &meeting["agenda"][2];
                assert_eq!(
                    (&item["number"], &item["title"], &item["kind"]),
                    (
                        &json!(3),
                        &json!("Language access plan for city services"),
                        &json!("ACTION")
                    )
                );
                reader.values.insert("meeting", meeting["id"].clone());
                reader.values.insert("item", item["id"].clone());
            }
            "Attendance" | "Move" => {}
            "Vote" => {
                let (meeting, item) = (reader.get("meeting"), reader.get("item"));
                reader.hold(&clerk, &meeting, &item).await;
            }
            "Held" => {
                let held = reader
                    .run(
                        Some(&clerk),
                        name,
                        json!({ "meeting": reader.get("meeting") }),
                    )
                    .await;
                assert_eq!(held["markMeetingHeld"]["status"], "HELD");
            }
            "Draft" => {
                let draft = reader
                    .run(
                        Some(&clerk),
                        name,
                        json!({ "meeting": reader.get("meeting") }),
                    )
                    .await;
                assert_eq!(draft["draftMinutes"]["status"], "DRAFT");
                reader
                    .values
                    .insert("minutes", draft["draftMinutes"]["id"].clone());
            }
            "Schedule" => {
                let at = |hours| {
                    (Utc::now() + Duration::hours(hours)).to_rfc3339_opts(SecondsFormat::Secs, true)
                };
                let scheduled = reader
                    .run(
                        Some(&clerk),
                        name,
                        json!({ "body": reader.get("body"), "startsAt": at(0), "endsAt": at(2) }),
                    )
                    .await;
                assert_eq!(scheduled["scheduleMeeting"]["status"], "SCHEDULED");
                reader
                    .values
                    .insert("next", scheduled["scheduleMeeting"]["id"].clone());
            }
            "AddItem" => {
                let added = reader
                    .run(
                        Some(&clerk),
                        name,
                        json!({ "meeting": reader.get("next"), "title": "Approval of the minutes" }),
                    )
                    .await;
                assert_eq!(added["addAgendaItem"]["number"], 1);
                reader
                    .values
                    .insert("approval item", added["addAgendaItem"]["id"].clone());
            }
            "Publish" => {
                let published = reader
                    .run(Some(&clerk), name, json!({ "meeting": reader.get("next") }))
                    .await;
                assert_eq!(published["publishAgenda"]["agendaPublished"], true);
            }
            "Approve" => {
                // Step 5: step 2 again, at the next meeting.
                let (next, item) = (reader.get("next"), reader.get("approval item"));
                let motion = reader.hold(&clerk, &next, &item).await;
                let approved = reader
                    .run(
                        Some(&clerk),
                        name,
                        json!({ "minutes": reader.get("minutes"), "motion": motion }),
                    )
                    .await;
                assert_eq!(approved["approveMinutes"]["status"], "APPROVED");
            }
            "PublishMinutes" => {
                let published = reader
                    .run(
                        Some(&clerk),
                        name,
                        json!({ "minutes": reader.get("minutes") }),
                    )
                    .await;
                assert_eq!(published["publishMinutes"]["status"], "PUBLISHED");
            }
            other => panic!(
                "the README shows an operation {other} that this test does not follow yet: add it"
            ),
        }
    }
    for expected in [
        "Login",
        "Viewer",
        "CreateApiKey",
        "WhoAmI",
        "FindHelp",
        "SpanishEsl",
        "CommissionAndPeople",
        "Inbox",
        "Accept",
        "AddNote",
        "Start",
        "Complete",
        "Changes",
        "NetworkHealth",
        "ReferralChanges",
        "WhatWasDecided",
        "TodaysMeeting",
        "Attendance",
        "Move",
        "Vote",
        "Held",
        "Draft",
        "Schedule",
        "AddItem",
        "Publish",
        "Approve",
        "PublishMinutes",
    ] {
        assert!(
            seen.contains(expected),
            "the README no longer shows {expected}"
        );
    }
}
