//! The HSDS 3.0 API and dumps: required fields of every object, only public
//! data, incremental sync, and a lossless round trip through import.

use crate::helpers::{ORG_A, TestApp};
use coalition::directory::hsds::{export, import};
use sea_orm::ActiveModelTrait;
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
    let (_, services) = app.get_json("/hsds/services?per_page=100&full=true").await;
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
    let (_, services) = app.get_json("/hsds/services?per_page=100&full=true").await;
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

/// Where the HSDS 3.0 schemas are published; their `$ref`s are relative to it.
const PUBLISHED: &str = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/";

/// Reads the schemas a `$ref` names from the local copy of the specification,
/// so that validating fetches nothing.
struct LocalSchemas(std::path::PathBuf);

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        // The OpenAPI names `compiled/` schemas (`service_list.json` for a
        // list's items) built from the plain ones the folder holds.
        let name = uri.as_str().rsplit('/').next().unwrap_or_default();
        let file = self.0.join(name.replace("_list.json", ".json"));
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("{uri} read as {}: {e}", file.display()))?;
        Ok(serde_json::from_str(&text)?)
    }
}

/// The HSDS 3.0 JSON Schemas and OpenAPI, read from `$HSDS_SCHEMA_DIR` or
/// the shared standards folder beside the project.
struct Hsds {
    dir: std::path::PathBuf,
    openapi: Value,
}

impl Hsds {
    fn load() -> Self {
        let dir = std::env::var_os("HSDS_SCHEMA_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../shared/standards/hsds-3.0")
            });
        let openapi = std::fs::read_to_string(dir.join("openapi.json")).unwrap_or_else(|e| {
            panic!(
                "the HSDS 3.0 schemas are not at {} ({e}): set HSDS_SCHEMA_DIR to a copy of the \
                 schema/ folder of openreferral/specification, branch 3.0",
                dir.display()
            )
        });
        let openapi = serde_json::from_str(&openapi).expect("openapi.json is JSON");
        Hsds { dir, openapi }
    }

    fn build(&self, schema: &Value, base: &str) -> jsonschema::Validator {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .with_base_uri(base)
            .with_retriever(LocalSchemas(self.dir.clone()))
            .build(schema)
            .unwrap_or_else(|e| panic!("HSDS schema at {base}: {e}"))
    }

    /// The schema of one object, e.g. `service`.
    fn object(&self, name: &str) -> jsonschema::Validator {
        let file = self.dir.join(format!("{name}.json"));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
        self.build(&schema, &format!("{PUBLISHED}{name}.json"))
    }

    /// The schema of the OpenAPI's 200 answer to `GET path`, with the
    /// OpenAPI's components beside it for its `#/components/...` references.
    fn response(&self, path: &str) -> jsonschema::Validator {
        let pointer = format!(
            "/paths/{}/get/responses/200/content/application~1json/schema",
            path.replace('~', "~0").replace('/', "~1")
        );
        let mut schema = self
            .openapi
            .pointer(&pointer)
            .unwrap_or_else(|| panic!("the OpenAPI has no GET {path}"))
            .clone();
        schema["components"] = self.openapi["components"].clone();
        self.build(&schema, &format!("{PUBLISHED}openapi.json"))
    }
}

fn assert_valid(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} breaks the HSDS schema:\n{}\n{value:#}",
        errors.join("\n")
    );
}

/// HSDS leaves an unknown value out; `null` is of no type its schemas allow.
fn assert_no_nulls(value: &Value, at: &str) {
    match value {
        Value::Null => panic!("null at {at}"),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| assert_no_nulls(v, &format!("{at}.{k}"))),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| assert_no_nulls(v, &format!("{at}[{i}]"))),
        _ => {}
    }
}

/// GETs `path`, expecting 200 and an answer without nulls.
async fn hsds_get(app: &TestApp, path: &str) -> Value {
    let (status, body) = app.get_json(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    assert_no_nulls(&body, path);
    body
}

/// The HSDS id of the organization whose name starts with `name`.
async fn hsds_org_id(app: &TestApp, name: &str) -> String {
    let orgs = hsds_get(app, "/hsds/organizations?per_page=100").await;
    orgs["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .find(|o| o["name"].as_str().is_some_and(|n| n.starts_with(name)))
        .and_then(|o| o["id"].as_str())
        .unwrap_or_else(|| panic!("no organization {name}: {orgs}"))
        .to_owned()
}

fn ids_of(page: &Value) -> Vec<String> {
    page["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .map(|item| item["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn every_endpoint_answers_as_the_hsds_openapi_and_schemas_say() {
    let hsds = Hsds::load();
    let app = TestApp::spawn().await;

    // The schemas are read and bite: a page whose service lacks its name,
    // or whose id is no UUID, fails.
    let services_page = hsds.response("/services");
    for broken in [
        json!({ "total_items": 1, "contents": [{ "id": uuid::Uuid::now_v7(), "status": "active" }] }),
        json!({ "total_items": 1, "contents": [{ "id": "x", "name": "n", "status": "active" }] }),
        json!({ "total_items": "one", "contents": [] }),
    ] {
        assert!(!services_page.is_valid(&broken), "{broken}");
    }

    let root = hsds_get(&app, "/hsds/").await;
    assert_valid(&hsds.response("/"), &root, "GET /");
    assert_eq!(
        hsds_get(&app, "/hsds").await,
        root,
        "with or without the slash"
    );
    assert_eq!(root["version"], "3.0");
    assert!(
        root["openapi_url"]
            .as_str()
            .is_some_and(|u| u.ends_with("openapi.json"))
    );
    assert!(root["profile"].is_string());

    let lists = [
        (
            "/services",
            "service",
            vec!["", "full=true", "minimal=true"],
        ),
        (
            "/organizations",
            "organization",
            vec!["", "full=true", "full_service=true"],
        ),
        (
            "/service_at_locations",
            "service_at_location",
            vec!["", "full=true"],
        ),
        ("/taxonomies", "taxonomy", vec![""]),
        ("/taxonomy_terms", "taxonomy_term", vec![""]),
    ];
    for (path, object, variants) in lists {
        let page_schema = hsds.response(path);
        let object_schema = hsds.object(object);
        for variant in variants {
            let url = format!("/hsds{path}?per_page=100&{variant}");
            let page = hsds_get(&app, &url).await;
            assert_valid(&page_schema, &page, &url);
            check_page(&page);
            assert!(page["total_items"].as_u64() > Some(0), "{url} is empty");
            for item in page["contents"].as_array().expect("contents") {
                assert_valid(&object_schema, item, &url);
            }
        }
        let page = hsds_get(&app, &format!("/hsds{path}?per_page=100")).await;
        let single = hsds.response(&format!("{path}/{{id}}"));
        for id in ids_of(&page) {
            let url = format!("/hsds{path}/{id}");
            let one = hsds_get(&app, &url).await;
            assert_eq!(one["id"], id.as_str(), "{url}");
            // The OpenAPI answers `/service_at_locations/{id}` with a
            // service's schema, a slip of the specification: the object is
            // a service at location, checked against that schema.
            if path != "/service_at_locations" {
                assert_valid(&single, &one, &url);
            }
            assert_valid(&object_schema, &one, &url);
        }
    }
    let organization = hsds.object("organization");
    let service = hsds.object("service");
    let orgs = hsds_get(&app, "/hsds/organizations?per_page=100").await;
    for id in ids_of(&orgs) {
        let full = hsds_get(&app, &format!("/hsds/organizations/{id}?full_service=true")).await;
        assert_valid(
            &organization,
            &full,
            "an organization with its full services",
        );
        for one in full["services"].as_array().expect("services") {
            assert_valid(&service, one, "an organization's service");
        }
    }

    let dump = export::dump(&app.state.db, "America/New_York")
        .await
        .expect("dump");
    assert_no_nulls(&dump, "export-hsds");
    let term = hsds.object("taxonomy_term");
    for org in dump["organizations"].as_array().expect("organizations") {
        assert_valid(&organization, org, "an exported organization");
        for one in org["services"].as_array().expect("services") {
            assert_valid(&service, one, "an exported service");
        }
    }
    for one in dump["taxonomy_terms"].as_array().expect("terms") {
        assert_valid(&term, one, "an exported term");
    }
}

#[tokio::test]
async fn lists_give_one_to_one_fields_unless_asked_for_full_or_minimal_objects() {
    let app = TestApp::spawn().await;
    let plain = hsds_get(&app, "/hsds/services?per_page=100").await;
    let full = hsds_get(&app, "/hsds/services?per_page=100&full=true").await;
    let minimal = hsds_get(&app, "/hsds/services?per_page=100&minimal=true").await;
    assert_eq!(ids_of(&plain), ids_of(&full));
    assert_eq!(ids_of(&plain), ids_of(&minimal));
    for item in plain["contents"].as_array().expect("contents") {
        assert!(
            item.as_object()
                .expect("object")
                .values()
                .all(|v| !v.is_array() && !v.is_object()),
            "a plain list holds one-to-one fields: {item}"
        );
        assert!(item["description"].is_string());
    }
    assert!(full["contents"][0]["languages"].is_array());
    for item in minimal["contents"].as_array().expect("contents") {
        let mut keys: Vec<&String> = item.as_object().expect("object").keys().collect();
        keys.sort();
        assert_eq!(keys, ["id", "last_modified", "name", "status"]);
    }

    let orgs = hsds_get(&app, "/hsds/organizations?per_page=100").await;
    assert!(orgs["contents"][0].get("services").is_none());
    let org_id = hsds_org_id(&app, "Welcome Home").await;
    let nested = hsds_get(&app, "/hsds/organizations?per_page=100&full=true").await;
    let listed = nested["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .find(|o| o["id"] == org_id.as_str())
        .expect("organization listed");
    let services = listed["services"].as_array().expect("services");
    assert!(!services.is_empty());
    assert!(services.iter().all(|s| s.get("languages").is_none()));
    let one = hsds_get(&app, &format!("/hsds/organizations/{org_id}")).await;
    assert!(one["services"][0].get("languages").is_none());
    let one = hsds_get(
        &app,
        &format!("/hsds/organizations/{org_id}?full_service=true"),
    )
    .await;
    assert!(one["services"][0]["languages"].is_array());

    let links = hsds_get(&app, "/hsds/service_at_locations?per_page=100").await;
    assert!(links["contents"][0].get("location").is_none());
    let links = hsds_get(&app, "/hsds/service_at_locations?per_page=100&full=true").await;
    assert!(links["contents"][0]["location"]["id"].is_string());
}

#[tokio::test]
async fn service_filters_narrow_and_combine() {
    let app = TestApp::spawn().await;
    let all = ids_of(&hsds_get(&app, "/hsds/services?per_page=100&full=true").await);
    let count = |page: &Value| page["total_items"].as_u64().expect("total");

    let org = hsds_org_id(&app, "Northgate").await;
    let of_org = hsds_get(
        &app,
        &format!("/hsds/services?per_page=100&organization_id={org}"),
    )
    .await;
    assert!((1..all.len() as u64).contains(&count(&of_org)));
    assert!(
        of_org["contents"]
            .as_array()
            .expect("contents")
            .iter()
            .all(|s| s["organization_id"] == org.as_str())
    );

    let terms = hsds_get(&app, "/hsds/taxonomy_terms?per_page=100&search=esl").await;
    let esl = terms["contents"]
        .as_array()
        .expect("contents")
        .iter()
        .find(|t| t["code"] == "esl")
        .and_then(|t| t["id"].as_str())
        .expect("the ESL term")
        .to_owned();
    let housed = hsds_get(
        &app,
        &format!("/hsds/services?per_page=100&full=true&taxonomy_term_id={esl}"),
    )
    .await;
    assert!((1..all.len() as u64).contains(&count(&housed)));
    for s in housed["contents"].as_array().expect("contents") {
        assert!(
            s["attributes"]
                .as_array()
                .expect("attributes")
                .iter()
                .any(|a| a["taxonomy_term_id"] == esl.as_str()),
            "{} is not classified under ESL",
            s["name"]
        );
    }

    let both = hsds_get(
        &app,
        &format!("/hsds/services?per_page=100&organization_id={org}&taxonomy_term_id={esl}"),
    )
    .await;
    let expected: Vec<String> = ids_of(&of_org)
        .into_iter()
        .filter(|id| ids_of(&housed).contains(id))
        .collect();
    assert_eq!(ids_of(&both), expected, "filters combine with AND");
    assert!(
        !expected.is_empty()
            && expected.len() < ids_of(&of_org).len()
            && expected.len() < ids_of(&housed).len(),
        "the demo data has a service in both, and others in each"
    );

    let searched = hsds_get(
        &app,
        "/hsds/services?per_page=100&search=Legal%20consultations",
    )
    .await;
    assert_eq!(count(&searched), 1);
    assert_eq!(
        searched["contents"][0]["name"],
        "Immigration legal consultations"
    );
    let nothing = hsds_get(
        &app,
        &format!("/hsds/services?search=legal&organization_id={org}"),
    )
    .await;
    assert_eq!(count(&nothing), 0, "search and organization_id combine");

    let taxonomy = hsds_get(&app, "/hsds/taxonomies").await;
    let taxonomy_id = taxonomy["contents"][0]["id"]
        .as_str()
        .expect("taxonomy id")
        .to_owned();
    let classified = hsds_get(
        &app,
        &format!("/hsds/services?per_page=100&taxonomy_id={taxonomy_id}"),
    )
    .await;
    assert_eq!(
        count(&classified),
        all.len() as u64,
        "every demo service has a category"
    );
    let other = hsds_get(
        &app,
        &format!("/hsds/services?taxonomy_id={}", uuid::Uuid::now_v7()),
    )
    .await;
    assert_eq!(count(&other), 0);

    let future = hsds_get(&app, "/hsds/services?modified_after=2100-01-01").await;
    assert_eq!(count(&future), 0);
    let past = hsds_get(
        &app,
        "/hsds/services?per_page=100&modified_after=2000-01-01T00:00:00Z",
    )
    .await;
    assert_eq!(count(&past), all.len() as u64);
    let past_of_org = hsds_get(
        &app,
        &format!("/hsds/services?modified_after=2000-01-01&organization_id={org}"),
    )
    .await;
    assert_eq!(count(&past_of_org), count(&of_org));
}

#[tokio::test]
async fn service_at_location_filters_find_only_what_the_public_may_see() {
    let app = TestApp::spawn().await;
    let all = hsds_get(&app, "/hsds/service_at_locations?per_page=100&full=true").await;
    let total = all["total_items"].as_u64().expect("total");
    let text = all.to_string();
    assert!(
        text.contains("24-hour hotline")
            && !text.contains("Undisclosed")
            && !text.contains("1600 Park Street")
    );

    // One more public location, at another postcode.
    let service_id = all["contents"][0]["service_id"]
        .as_str()
        .expect("service")
        .to_owned();
    entity::location::ActiveModel {
        id: sea_orm::Set(uuid::Uuid::now_v7()),
        service_id: sea_orm::Set(uuid::Uuid::parse_str(&service_id).expect("uuid")),
        name: sea_orm::Set(Some("Northside annex".into())),
        address: sea_orm::Set(Some("12 Main Street".into())),
        city: sea_orm::Set(Some("Hartford".into())),
        state_province: sea_orm::Set(Some("CT".into())),
        postal_code: sea_orm::Set(Some("06120".into())),
        country: sea_orm::Set(Some("US".into())),
        neighborhood: sea_orm::Set(None),
        latitude: sea_orm::Set(None),
        longitude: sea_orm::Set(None),
        accessibility: sea_orm::Set(None),
        remote: sea_orm::Set(false),
        contact_route: sea_orm::Set(None),
        visibility: sea_orm::Set(entity::enums::LocationVisibility::Public),
        created_at: sea_orm::Set(chrono::Utc::now()),
    }
    .insert(&app.state.db)
    .await
    .expect("location");

    let count = |page: &Value| page["total_items"].as_u64().expect("total");
    let everything = hsds_get(&app, "/hsds/service_at_locations?per_page=100").await;
    assert_eq!(count(&everything), total + 1);
    let north = hsds_get(&app, "/hsds/service_at_locations?full=true&postcode=06120").await;
    assert_eq!(count(&north), 1);
    assert_eq!(north["contents"][0]["location"]["name"], "Northside annex");
    let central = hsds_get(
        &app,
        "/hsds/service_at_locations?per_page=100&full=true&postcode=06106",
    )
    .await;
    assert_eq!(
        count(&central),
        total - 1,
        "the confidential location is not found by its postcode"
    );
    assert!(!central.to_string().contains("24-hour hotline"));

    let by_name = hsds_get(&app, "/hsds/service_at_locations?search=northside").await;
    assert_eq!(count(&by_name), 1, "search looks in the location too");
    let combined = hsds_get(
        &app,
        "/hsds/service_at_locations?postcode=06106&search=northside",
    )
    .await;
    assert_eq!(count(&combined), 0, "postcode and search combine");

    let service = hsds_get(&app, &format!("/hsds/services/{service_id}")).await;
    let org_id = service["organization_id"]
        .as_str()
        .expect("organization")
        .to_owned();
    let of_org = hsds_get(
        &app,
        &format!("/hsds/service_at_locations?per_page=100&organization_id={org_id}&postcode=06120"),
    )
    .await;
    assert_eq!(count(&of_org), 1);
    let other_org = hsds_get(
        &app,
        &format!(
            "/hsds/service_at_locations?organization_id={}&postcode=06120",
            uuid::Uuid::now_v7()
        ),
    )
    .await;
    assert_eq!(count(&other_org), 0);
    let future = hsds_get(&app, "/hsds/service_at_locations?modified_after=2100-01-01").await;
    assert_eq!(count(&future), 0);
}

#[tokio::test]
async fn taxonomy_term_filters_narrow_and_combine() {
    let app = TestApp::spawn().await;
    let all = hsds_get(&app, "/hsds/taxonomy_terms?per_page=100").await;
    let terms = all["contents"].as_array().expect("contents");
    let child = terms
        .iter()
        .find(|t| t.get("parent_id").is_some())
        .expect("a nested term");
    let parent = child["parent_id"].as_str().expect("parent").to_owned();
    let count = |page: &Value| page["total_items"].as_u64().expect("total");

    let top = hsds_get(&app, "/hsds/taxonomy_terms?per_page=100&top_only=true").await;
    assert!(count(&top) < count(&all));
    assert!(
        top["contents"]
            .as_array()
            .expect("contents")
            .iter()
            .all(|t| t.get("parent_id").is_none())
    );
    let children = hsds_get(
        &app,
        &format!("/hsds/taxonomy_terms?per_page=100&parent_id={parent}"),
    )
    .await;
    assert!(count(&children) >= 1);
    assert!(
        children["contents"]
            .as_array()
            .expect("contents")
            .iter()
            .all(|t| t["parent_id"] == parent.as_str())
    );
    let none = hsds_get(
        &app,
        &format!("/hsds/taxonomy_terms?parent_id={parent}&top_only=true"),
    )
    .await;
    assert_eq!(count(&none), 0, "parent_id and top_only combine");

    let name = child["name"].as_str().expect("name");
    let found = hsds_get(
        &app,
        &format!(
            "/hsds/taxonomy_terms?per_page=100&search={}",
            name.replace(' ', "%20")
        ),
    )
    .await;
    assert!(ids_of(&found).contains(&child["id"].as_str().expect("id").to_owned()));
    assert!(count(&found) < count(&all));

    let taxonomy = child["taxonomy_id"]
        .as_str()
        .expect("taxonomy_id")
        .to_owned();
    let same = hsds_get(
        &app,
        &format!("/hsds/taxonomy_terms?per_page=100&taxonomy_id={taxonomy}"),
    )
    .await;
    assert_eq!(count(&same), count(&all));
    let other = hsds_get(
        &app,
        &format!("/hsds/taxonomy_terms?taxonomy_id={}", uuid::Uuid::now_v7()),
    )
    .await;
    assert_eq!(count(&other), 0);
    let one = hsds_get(&app, &format!("/hsds/taxonomies/{taxonomy}")).await;
    assert_eq!(one["name"], "coalition");
    let found = hsds_get(&app, "/hsds/taxonomies?search=coalition").await;
    assert_eq!(count(&found), 1);
    let missed = hsds_get(&app, "/hsds/taxonomies?search=zebra").await;
    assert_eq!(count(&missed), 0);

    let orgs = hsds_get(&app, "/hsds/organizations?per_page=100").await;
    let searched = hsds_get(&app, "/hsds/organizations?search=LEGAL%20aid").await;
    assert!((1..count(&orgs)).contains(&count(&searched)));
    assert!(
        searched["contents"]
            .as_array()
            .expect("contents")
            .iter()
            .all(|o| o["name"]
                .as_str()
                .is_some_and(|n| n.to_lowercase().contains("legal")))
    );
}

#[tokio::test]
async fn unknown_parameters_and_bad_values_are_refused_with_400_naming_them() {
    let app = TestApp::spawn().await;
    let id = uuid::Uuid::now_v7();
    for (path, field) in [
        ("/hsds/services?serach=food", "serach"),
        ("/hsds/services?postcode=06106", "postcode"),
        ("/hsds/organizations?organization_id=x", "organization_id"),
        ("/hsds/service_at_locations?minimal=true", "minimal"),
        ("/hsds/taxonomies?taxonomy_id=x", "taxonomy_id"),
        ("/hsds/taxonomy_terms?full=true", "full"),
        ("/hsds/?page=1", "page"),
        (&format!("/hsds/services/{id}?full=true"), "full"),
        (&format!("/hsds/taxonomy_terms/{id}?x=1"), "x"),
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error"]["details"]["field"], field, "{path}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(&format!("`{field}` is not a parameter"))),
            "{path}: the error names {field}: {body}"
        );
    }
    for (path, field) in [
        (
            "/hsds/services?organization_id=not-a-uuid",
            "organization_id",
        ),
        ("/hsds/services?taxonomy_term_id=42", "taxonomy_term_id"),
        ("/hsds/service_at_locations?taxonomy_id=", "taxonomy_id"),
        ("/hsds/taxonomy_terms?parent_id=housing", "parent_id"),
        ("/hsds/services?modified_after=yesterday", "modified_after"),
        ("/hsds/services?minimal=yes", "minimal"),
        ("/hsds/organizations?full_service=1", "full_service"),
        ("/hsds/service_at_locations?postcode=", "postcode"),
        (
            "/hsds/service_at_locations?postcode=06106&proximity=500",
            "proximity",
        ),
        ("/hsds/services?format=ndjson", "format"),
        ("/hsds/taxonomy_terms?page=0", "page"),
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error"]["details"]["code"], "BAD_USER_INPUT", "{path}");
        assert_eq!(body["error"]["details"]["field"], field, "{path}");
        assert!(body["error"]["message"].is_string(), "{path}");
    }
}

#[tokio::test]
async fn a_missing_record_is_404() {
    let app = TestApp::spawn().await;
    let id = uuid::Uuid::now_v7();
    for kind in [
        "organizations",
        "services",
        "service_at_locations",
        "taxonomies",
        "taxonomy_terms",
    ] {
        for raw in [id.to_string(), "not-a-uuid".to_owned()] {
            let path = format!("/hsds/{kind}/{raw}");
            let (status, body) = app.get_json(&path).await;
            assert_eq!(status, 404, "{path}: {body}");
            assert_eq!(body["error"]["details"]["code"], "NOT_FOUND", "{path}");
        }
    }
}

#[tokio::test]
async fn the_new_lists_answer_304_to_a_matching_tag() {
    let app = TestApp::spawn().await;
    for path in [
        "/hsds/",
        "/hsds/taxonomies",
        "/hsds/service_at_locations?full=true",
    ] {
        let (status, headers, _) = app
            .request(
                axum::http::Request::get(path)
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(status, 200, "{path}");
        let etag = headers["etag"].to_str().expect("etag").to_owned();
        let (status, _, body) = app
            .request(
                axum::http::Request::get(path)
                    .header("if-none-match", &etag)
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!((status.as_u16(), body.as_str()), (304, ""), "{path}");
    }
}
