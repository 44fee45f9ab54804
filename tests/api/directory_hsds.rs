//! The HSDS 3.0 API and dumps: required fields of every object, only public
//! data, incremental sync, and a lossless round trip through import.

use crate::helpers::{ORG_A, TestApp};
use coalition::directory::hsds::{export, import};
use serde_json::{Value, json};

fn is_uuid(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| uuid::Uuid::parse_str(s).is_ok())
}

fn require(object: &Value, fields: &[&str], what: &str) {
    for field in fields {
        let value = &object[*field];
        assert!(!value.is_null(), "{what} lacks required {field}: {object}");
        if *field == "id" || field.ends_with("_id") {
            assert!(is_uuid(value), "{what}.{field} is not a UUID: {value}");
        }
    }
}

fn check_service(service: &Value) {
    require(service, &["id", "name", "status"], "service");
    let status = service["status"].as_str().unwrap_or_default();
    assert!(
        ["active", "inactive", "defunct", "temporarily closed"].contains(&status),
        "{status}"
    );
    for language in service["languages"].as_array().into_iter().flatten() {
        require(language, &["id"], "language");
    }
    for schedule in service["schedules"].as_array().into_iter().flatten() {
        require(schedule, &["id"], "schedule");
        assert!(
            ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
                .contains(&schedule["byday"].as_str().unwrap_or(""))
        );
    }
    for link in service["service_at_locations"]
        .as_array()
        .into_iter()
        .flatten()
    {
        require(link, &["id"], "service_at_location");
        let location = &link["location"];
        require(location, &["id", "location_type"], "location");
        assert!(
            ["physical", "postal", "virtual"]
                .contains(&location["location_type"].as_str().unwrap_or(""))
        );
        for address in location["addresses"].as_array().into_iter().flatten() {
            require(
                address,
                &[
                    "id",
                    "address_1",
                    "city",
                    "state_province",
                    "postal_code",
                    "country",
                    "address_type",
                ],
                "address",
            );
        }
        for item in location["accessibility"].as_array().into_iter().flatten() {
            require(item, &["id"], "accessibility");
        }
    }
    for attribute in service["attributes"].as_array().into_iter().flatten() {
        require(attribute, &["id"], "attribute");
        require(
            &attribute["taxonomy_term"],
            &["id", "name", "description"],
            "taxonomy_term",
        );
    }
}

fn check_page(page: &Value) {
    for field in [
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    ] {
        assert!(!page[field].is_null(), "page lacks {field}");
    }
}

#[tokio::test]
async fn every_hsds_object_carries_the_fields_the_specification_requires() {
    let app = TestApp::spawn().await;
    let (status, orgs) = app.get_json("/hsds/organizations").await;
    assert_eq!(status, 200);
    check_page(&orgs);
    assert_eq!(orgs["total_items"], 6);
    for org in orgs["contents"].as_array().expect("contents") {
        require(org, &["id", "name", "description"], "organization");
        for phone in org["phones"].as_array().into_iter().flatten() {
            require(phone, &["id", "number"], "phone");
        }
        let (status, full) = app
            .get_json(&format!(
                "/hsds/organizations/{}",
                org["id"].as_str().expect("id")
            ))
            .await;
        assert_eq!(status, 200);
        full["services"]
            .as_array()
            .expect("services")
            .iter()
            .for_each(check_service);
    }
    let (_, services) = app.get_json("/hsds/services?per_page=100").await;
    check_page(&services);
    assert_eq!(services["total_items"], 11, "active services only");
    for service in services["contents"].as_array().expect("contents") {
        check_service(service);
        let (status, one) = app
            .get_json(&format!(
                "/hsds/services/{}",
                service["id"].as_str().expect("id")
            ))
            .await;
        assert_eq!(status, 200);
        assert_eq!(&one, service);
    }
    let (_, terms) = app.get_json("/hsds/taxonomy_terms?per_page=100").await;
    check_page(&terms);
    for term in terms["contents"].as_array().expect("contents") {
        require(term, &["id", "name", "description"], "taxonomy_term");
    }
}

#[tokio::test]
async fn the_export_holds_public_data_only() {
    let app = TestApp::spawn().await;
    let (_, services) = app.get_json("/hsds/services?per_page=100").await;
    let text = services.to_string();
    assert!(
        text.contains("24-hour hotline"),
        "a confidential location keeps its contact route"
    );
    for secret in [
        "Undisclosed",
        "41.77,",
        "1600 Park Street",
        "Tenant rights clinic",
    ] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into the public export"
        );
    }
    let (_, orgs) = app.get_json("/hsds/organizations?per_page=100").await;
    assert!(
        !orgs.to_string().contains("555-0100"),
        "members-only phone lines stay out"
    );
    let dump = export::dump(&app.state.db, "America/New_York")
        .await
        .expect("dump")
        .to_string();
    assert!(!dump.contains("Undisclosed") && !dump.contains("1600 Park Street"));
}

#[tokio::test]
async fn pages_and_modified_after_let_other_tools_sync() {
    let app = TestApp::spawn().await;
    let (_, first) = app.get_json("/hsds/services?per_page=5").await;
    assert_eq!(
        (
            first["size"].clone(),
            first["total_pages"].clone(),
            first["first_page"].clone()
        ),
        (json!(5), json!(3), json!(true))
    );
    let (_, last) = app.get_json("/hsds/services?per_page=5&page=3").await;
    assert_eq!(
        (last["size"].clone(), last["last_page"].clone()),
        (json!(1), json!(true))
    );
    let (_, future) = app
        .get_json("/hsds/services?modified_after=2100-01-01T00:00:00Z")
        .await;
    assert_eq!(future["total_items"], 0);

    let mark = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let staff = app.token_of("staff", ORG_A).await;
    app.graphql(
        Some(&staff),
        "mutation($org: ID!) { updateOrganizationProfile(input: {organizationId: $org, description: \"Now with more books.\"}) { id } }",
        json!({ "org": app.org_id(ORG_A).await }),
    )
    .await
    .data("updateOrganizationProfile.id");
    let (_, changed) = app
        .get_json(&format!(
            "/hsds/organizations?modified_after={}",
            mark.replace('+', "%2B")
        ))
        .await;
    assert_eq!(changed["total_items"], 1);
    assert_eq!(
        changed["contents"][0]["description"],
        "Now with more books."
    );

    for bad in [
        "/hsds/services?per_page=101",
        "/hsds/services?page=0",
        "/hsds/services?modified_after=yesterday",
    ] {
        let (status, body) = app.get_json(bad).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(body["error"]["details"]["code"], "BAD_USER_INPUT");
    }
    let (status, _) = app.get_json("/hsds/services/not-a-uuid").await;
    assert_eq!(status, 404);
}

/// Drops what a load legitimately renews: modification and verification
/// dates, and the ids of rows that are not organizations or services (terms
/// are matched by code; locations, schedules and links get new ids).
fn normalized(dump: &Value) -> Value {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for key in [
                    "last_modified",
                    "assured_date",
                    "location_id",
                    "taxonomy_term_id",
                    "parent_id",
                ] {
                    map.remove(key);
                }
                let organization_or_service =
                    map.contains_key("services") || map.contains_key("status");
                if !organization_or_service {
                    map.remove("id");
                }
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut copy = dump.clone();
    strip(&mut copy);
    copy
}

#[tokio::test]
async fn an_export_imported_into_an_empty_directory_gives_the_same_directory() {
    let source = TestApp::spawn().await;
    let dump = export::dump(&source.state.db, "America/New_York")
        .await
        .expect("dump");
    let target = TestApp::spawn_empty().await;
    let report = import::import(&target.state.db, &dump.to_string())
        .await
        .expect("import");
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!((report.organizations, report.services), (6, 11));
    let again = export::dump(&target.state.db, "America/New_York")
        .await
        .expect("dump");
    assert_eq!(normalized(&again), normalized(&dump));
    let found = target
        .graphql(None, "{ services(filter: {languages: [\"ar\"], categories: [\"legal\"]}) { nodes { name { text } } } }", json!({}))
        .await;
    assert_eq!(
        found.data("services.nodes.0.name.text"),
        "Immigration legal consultations",
        "imported services are searchable"
    );
}

#[tokio::test]
async fn a_malformed_file_changes_nothing() {
    let app = TestApp::spawn_empty().await;
    for document in [
        "{ not json",
        "[1, 2, 3]",
        "{\"organizations\": 5}",
        "{\"organizations\": [], \"taxonomy_terms\": {}}",
    ] {
        let error = import::import(&app.state.db, document)
            .await
            .expect_err(document);
        assert_eq!(error.code(), "BAD_USER_INPUT");
    }
    let (_, orgs) = app.get_json("/hsds/organizations").await;
    assert_eq!(orgs["total_items"], 0);
}

#[tokio::test]
async fn bad_records_are_reported_one_by_one_and_the_rest_load() {
    let app = TestApp::spawn_empty().await;
    let org = |id: &str, name: &str, services: Value| json!({ "id": id, "name": name, "description": "A partner.", "services": services });
    let service = |id: &str, status: &str| json!({ "id": id, "name": "Help desk", "status": status, "languages": [{ "code": "es" }] });
    let document = json!({
        "organizations": [
            org("0195f3a0-0000-7000-8000-000000000001", "Good Partner", json!([
                service("0195f3a0-0000-7000-8000-0000000000a1", "active"),
                service("0195f3a0-0000-7000-8000-0000000000a2", "open all hours"),
                { "id": "0195f3a0-0000-7000-8000-0000000000a3", "name": "Bad language", "status": "active", "languages": [{ "code": "klingon!" }] },
            ])),
            { "id": "not-a-uuid", "name": "Broken", "description": "x" },
            { "id": "0195f3a0-0000-7000-8000-000000000003", "name": "No description" },
        ]
    });
    let report = import::import(&app.state.db, &document.to_string())
        .await
        .expect("import");
    assert_eq!((report.organizations, report.services), (1, 1));
    let reasons: Vec<String> = report
        .rejected
        .iter()
        .map(|r| format!("{}: {}", r.record, r.reason))
        .collect();
    assert_eq!(reasons.len(), 4, "{reasons:#?}");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("services[1]") && r.contains("open all hours")),
        "{reasons:#?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("services[2]") && r.contains("languages")),
        "{reasons:#?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("organizations[1]") && r.contains("UUID")),
        "{reasons:#?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("organizations[2]") && r.contains("description")),
        "{reasons:#?}"
    );
    let (_, services) = app.get_json("/hsds/services").await;
    assert_eq!(services["total_items"], 1);
}

#[tokio::test]
async fn export_hsds_writes_schedules_in_the_time_zone_it_is_given() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("directory.json");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_coalition"))
        .args([
            "export-hsds",
            file.to_str().expect("path"),
            "--time-zone",
            "Europe/Paris",
        ])
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .status()
        .expect("run export-hsds");
    assert!(status.success());
    let dump = std::fs::read_to_string(&file).expect("dump");
    assert!(
        dump.contains("Local time (Europe/Paris)"),
        "schedules name the zone given"
    );
    assert!(!dump.contains("America/New_York"));
}

#[tokio::test]
async fn import_hsds_reports_its_progress_on_a_large_file() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("big.json");
    let organizations: Vec<serde_json::Value> = (0..40)
        .map(|i| {
            serde_json::json!({
                "id": uuid::Uuid::now_v7(),
                "name": format!("Partner agency {i}"),
                "description": "A partner of the coalition",
            })
        })
        .collect();
    std::fs::write(
        &file,
        serde_json::json!({ "organizations": organizations }).to_string(),
    )
    .expect("write");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("c.db").display());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_coalition"))
        .args(["import-hsds", file.to_str().expect("path")])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run import-hsds");
    assert!(output.status.success());
    let progress = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = progress
        .lines()
        .filter(|l| l.starts_with("imported "))
        .collect();
    assert_eq!(
        lines.first(),
        Some(&"imported 0 of 40 organizations"),
        "{progress}"
    );
    assert_eq!(
        lines.last(),
        Some(&"imported 40 of 40 organizations"),
        "{progress}"
    );
    assert!(
        (3..=11).contains(&lines.len()),
        "a line every tenth, not every organization: {progress}"
    );
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(summary.contains("imported 40 organizations"), "{summary}");
}
