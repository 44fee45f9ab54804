//! The directory's services and profiles as navigators, partner agencies and
//! library websites meet them: search and its filters, languages of content,
//! visibility of contacts and locations, edit rights, verification.

use crate::helpers::{ORG_A, ORG_B, TestApp};
use entity::enums::OrgRole;
use serde_json::{Value, json};

const SEARCH: &str =
    "query($filter: ServiceFilterInput, $locale: String, $first: Int, $after: String) {
  services(filter: $filter, locale: $locale, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { rank distanceKm node { id name { text language } status languages cost
      organization { slug } categories { code }
      locations { address neighborhood latitude contactRoute visibility } } }
  }
}";

async fn search(app: &TestApp, credential: Option<&str>, filter: Value) -> Vec<Value> {
    let answer = app
        .graphql(
            credential,
            SEARCH,
            json!({ "filter": filter, "first": 100 }),
        )
        .await;
    answer
        .data("services.edges")
        .as_array()
        .expect("edges")
        .clone()
}

fn names(edges: &[Value]) -> Vec<String> {
    edges
        .iter()
        .map(|e| {
            e["node"]["name"]["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_public_finds_active_services_by_language_and_category() {
    let app = TestApp::spawn().await;
    let found = search(
        &app,
        None,
        json!({ "languages": ["es"], "categories": ["legal"] }),
    )
    .await;
    assert_eq!(
        names(&found),
        vec![
            "Citizenship preparation classes",
            "Immigration legal consultations"
        ],
        "both are filed under narrower terms of `legal`; the closed tenant clinic is hidden"
    );
    let all = search(&app, None, json!({})).await;
    assert!(all.iter().all(|e| e["node"]["status"] == "ACTIVE"));
    let staff = app.token_of("staff", ORG_A).await;
    let members = search(&app, Some(&staff), json!({ "categories": ["legal"] })).await;
    assert!(
        names(&members).contains(&"Tenant rights clinic".to_owned()),
        "members see services that are not active"
    );
}

#[tokio::test]
async fn a_confidential_address_never_appears_in_any_response() {
    let app = TestApp::spawn().await;
    let coordinator = app.token("coordinator@demo.test").await;
    for credential in [None, Some(coordinator.as_str())] {
        let answer = app
            .graphql(
                credential,
                SEARCH,
                json!({ "filter": { "text": "shelter families" }, "first": 10 }),
            )
            .await;
        let body = answer.body.to_string();
        assert!(
            body.contains("24-hour hotline"),
            "the contact route is shown: {body}"
        );
        assert!(
            !body.contains("Undisclosed"),
            "no address or neighborhood: {body}"
        );
        assert!(!body.contains("41.77"), "no coordinates: {body}");
        let near = app
            .graphql(
                credential,
                SEARCH,
                json!({ "filter": { "near": { "latitude": 41.77, "longitude": -72.67, "radiusKm": 0.5 } }, "first": 10 }),
            )
            .await;
        assert_eq!(
            near.data("services.totalCount"),
            0,
            "a confidential place cannot be found by distance"
        );
        let hood = app
            .graphql(
                credential,
                SEARCH,
                json!({ "filter": { "neighborhood": "Undisclosed" }, "first": 10 }),
            )
            .await;
        assert_eq!(hood.data("services.totalCount"), 0, "nor by neighborhood");
    }
}

#[tokio::test]
async fn members_only_locations_are_absent_for_the_public() {
    let app = TestApp::spawn().await;
    let filter = json!({ "text": "case management" });
    let public = search(&app, None, filter.clone()).await;
    assert_eq!(public.len(), 1);
    assert_eq!(public[0]["node"]["locations"], json!([]));
    let staff = app.token_of("staff", ORG_B).await;
    let member = search(&app, Some(&staff), filter).await;
    assert_eq!(
        member[0]["node"]["locations"][0]["address"],
        "1600 Park Street"
    );
}

#[tokio::test]
async fn coalition_contacts_are_for_members_and_public_ones_for_all() {
    let app = TestApp::spawn().await;
    let query = "query($slug: String!) { organization(slug: $slug) { website languages neighborhoods contacts { kind value visibility } } }";
    let public = app.graphql(None, query, json!({ "slug": ORG_A })).await;
    let contacts = public
        .data("organization.contacts")
        .as_array()
        .expect("contacts")
        .clone();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["visibility"], "PUBLIC");
    assert!(
        !public.body.to_string().contains("555-0100"),
        "the members' phone line is not in the public answer"
    );
    let viewer = app
        .add_member("reader@riverside-library.demo.test", ORG_A, OrgRole::Viewer)
        .await;
    let member = app
        .graphql(Some(&viewer), query, json!({ "slug": ORG_A }))
        .await;
    assert_eq!(
        member
            .data("organization.contacts")
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        member.data("organization.website"),
        "https://riverside-library.example.org"
    );
}

#[tokio::test]
async fn texts_come_in_the_language_asked_for_with_a_fallback_to_the_default() {
    let app = TestApp::spawn().await;
    let filter = json!({ "text": "Immigration legal consultations" });
    let name_in = |locale: Option<&str>| {
        let filter = filter.clone();
        let locale = locale.map(str::to_owned);
        let app = &app;
        async move {
            let answer = app
                .graphql(
                    None,
                    SEARCH,
                    json!({ "filter": filter, "locale": locale, "first": 1 }),
                )
                .await;
            answer.data("services.edges.0.node.name").clone()
        }
    };
    assert_eq!(
        name_in(Some("es")).await,
        json!({ "text": "Consultas legales de inmigración", "language": "es" })
    );
    assert_eq!(
        name_in(Some("es-MX")).await["language"],
        "es",
        "a regional variant falls back to its language"
    );
    assert_eq!(name_in(Some("ar")).await["language"], "ar");
    assert_eq!(
        name_in(Some("sw")).await,
        json!({ "text": "Immigration legal consultations", "language": "en" }),
        "no Swahili text: the default, labelled as English"
    );
    let header = app
        .graphql_with_headers(
            None,
            SEARCH,
            json!({ "filter": filter, "first": 1 }),
            &[("accept-language", "fr;q=0.4, es;q=0.9")],
        )
        .await;
    assert_eq!(
        header.data("services.edges.0.node.name.language"),
        "es",
        "Accept-Language is honoured by quality"
    );
    let description = app
        .graphql(
            None,
            "query($slug: String!) { organization(slug: $slug) { description(locale: \"es\") { text language } } }",
            json!({ "slug": ORG_A }),
        )
        .await;
    assert_eq!(description.data("organization.description.language"), "es");
}

#[tokio::test]
async fn words_rank_services_named_for_them_first() {
    let app = TestApp::spawn().await;
    let found = search(&app, None, json!({ "text": "english" })).await;
    assert!(found.len() >= 2, "{:?}", names(&found));
    assert!(
        names(&found)[0].to_lowercase().contains("english"),
        "{:?}",
        names(&found)
    );
    let ranks: Vec<f64> = found
        .iter()
        .map(|e| e["rank"].as_f64().unwrap_or(0.0))
        .collect();
    assert!(
        ranks.windows(2).all(|w| w[0] >= w[1]),
        "ranked best first: {ranks:?}"
    );
    assert!(
        search(&app, None, json!({ "text": "xylophone" }))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn each_filter_narrows_the_results_alone_and_combined() {
    let app = TestApp::spawn().await;
    let count = |filter: Value| {
        let app = &app;
        async move { names(&search(app, None, filter).await) }
    };
    assert_eq!(
        count(json!({ "languages": ["pt"] })).await,
        vec![
            "ESL conversation circles",
            "Primary care for uninsured patients"
        ]
    );
    assert_eq!(count(json!({ "neighborhood": "north end" })).await.len(), 2);
    assert_eq!(
        count(json!({ "costs": ["SLIDING_SCALE"] })).await,
        vec!["Primary care for uninsured patients"]
    );
    assert!(
        count(json!({ "costs": ["FEE"] }))
            .await
            .contains(&"Evening English classes".to_owned())
    );
    let for_a_child = count(json!({ "age": 10 })).await;
    assert!(for_a_child.contains(&"Homework help for children".to_owned()));
    assert!(
        !for_a_child.contains(&"Evening English classes".to_owned()),
        "16 and over"
    );
    assert!(
        !count(json!({ "age": 19 }))
            .await
            .contains(&"Homework help for children".to_owned())
    );
    assert_eq!(
        count(json!({ "organizationKinds": ["HEALTH_CLINIC"] }))
            .await
            .len(),
        2
    );
    assert!(
        count(json!({ "acceptingReferrals": false }))
            .await
            .is_empty(),
        "the public sees only active, accepting services"
    );
    assert_eq!(
        count(json!({ "categories": ["esl"], "languages": ["uk"], "neighborhood": "North End" }))
            .await,
        vec!["ESL conversation circles"]
    );
    assert!(
        count(json!({ "categories": ["esl"], "languages": ["sw"] }))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn near_a_point_results_come_nearest_first_within_the_radius() {
    let app = TestApp::spawn().await;
    // Frog Hollow, by the legal aid clinic.
    let found = search(
        &app,
        None,
        json!({ "near": { "latitude": 41.7581, "longitude": -72.6880, "radiusKm": 3.0 } }),
    )
    .await;
    assert_eq!(
        found[0]["node"]["organization"]["slug"],
        "community-legal-aid"
    );
    let distances: Vec<f64> = found
        .iter()
        .map(|e| e["distanceKm"].as_f64().expect("distance"))
        .collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert!(distances.iter().all(|d| *d <= 3.0));
    let narrow = search(
        &app,
        None,
        json!({ "near": { "latitude": 41.7581, "longitude": -72.6880, "radiusKm": 0.2 } }),
    )
    .await;
    assert!(
        narrow
            .iter()
            .all(|e| e["node"]["organization"]["slug"] == "community-legal-aid")
    );
    let bad = app
        .graphql(None, SEARCH, json!({ "filter": { "near": { "latitude": 100.0, "longitude": 0.0, "radiusKm": 1.0 } } }))
        .await;
    assert_eq!(bad.error_code(), "BAD_USER_INPUT");
}

async fn create_service(
    app: &TestApp,
    credential: &str,
    org: &str,
    service: Value,
) -> crate::helpers::Answer {
    app.graphql(
        Some(credential),
        "mutation($org: ID!, $service: ServiceInput!) { createService(input: {organizationId: $org, service: $service}) { id name { text } lastVerifiedAt updatedAt } }",
        json!({ "org": org, "service": service }),
    )
    .await
}

fn hours_service(hours: Value, exceptions: Value) -> Value {
    json!({
        "name": "Walk-in help desk", "description": "Questions about anything.", "cost": "FREE",
        "acceptingReferrals": true, "categories": ["community"], "languages": ["en"],
        "hours": hours, "exceptions": exceptions,
        "locations": [{ "address": "1 Test Street", "neighborhood": "Testville", "visibility": "PUBLIC" }]
    })
}

#[tokio::test]
async fn open_now_follows_the_weekly_hours_and_holidays() {
    let app = TestApp::spawn().await;
    let staff = app.token_of("staff", ORG_A).await;
    let org = app.org_id(ORG_A).await;
    // 2030-01-07 is a Monday; 2030-01-14 another, declared a holiday; 2030-01-21 has special hours.
    let created = create_service(
        &app,
        &staff,
        &org,
        hours_service(
            json!([{ "weekday": 1, "opensAt": "09:00", "closesAt": "12:00" }]),
            json!([{ "date": "2030-01-14", "note": "Holiday" }, { "date": "2030-01-21", "opensAt": "13:00", "closesAt": "15:00" }]),
        ),
    )
    .await;
    let id = created.data("createService.id").clone();
    let open_at = |instant: &'static str| {
        let app = &app;
        let id = id.clone();
        async move {
            let by_filter = names(
                &search(
                    app,
                    None,
                    json!({ "openAt": instant, "neighborhood": "Testville" }),
                )
                .await,
            );
            let by_field = app
                .graphql(None, "query($id: ID!, $at: DateTime!) { node(id: $id) { ... on Service { openAt(at: $at) } } }", json!({ "id": id, "at": instant }))
                .await
                .data("node.openAt")
                .as_bool();
            assert_eq!(
                by_filter.len() == 1,
                by_field == Some(true),
                "filter and field agree at {instant}"
            );
            by_field == Some(true)
        }
    };
    // New York is UTC-5 in January.
    assert!(
        open_at("2030-01-07T14:00:00Z").await,
        "Monday 09:00 local: opens"
    );
    assert!(open_at("2030-01-07T16:59:00Z").await, "Monday 11:59 local");
    assert!(
        !open_at("2030-01-07T17:00:00Z").await,
        "Monday 12:00 local: closed (closing time is exclusive)"
    );
    assert!(!open_at("2030-01-07T13:59:00Z").await, "Monday 08:59 local");
    assert!(!open_at("2030-01-08T15:00:00Z").await, "Tuesday: no hours");
    assert!(
        !open_at("2030-01-14T15:00:00Z").await,
        "holiday Monday: closed"
    );
    assert!(
        !open_at("2030-01-21T15:00:00Z").await,
        "special hours: closed at 10:00"
    );
    assert!(
        open_at("2030-01-21T18:30:00Z").await,
        "special hours: open at 13:30"
    );
}

#[tokio::test]
async fn directory_entries_are_edited_by_their_organization_and_coordinators_only() {
    let app = TestApp::spawn().await;
    let org = app.org_id(ORG_A).await;
    let service = hours_service(json!([]), json!([]));
    let viewer = app
        .add_member("reader@riverside-library.demo.test", ORG_A, OrgRole::Viewer)
        .await;
    let (_, staff_key) = app.api_key(ORG_A, "STAFF").await;
    let (_, viewer_key) = app.api_key(ORG_A, "VIEWER").await;
    let cases = [
        ("staff A", Some(app.token_of("staff", ORG_A).await), None),
        ("admin A", Some(app.token_of("admin", ORG_A).await), None),
        (
            "coordinator",
            Some(app.token("coordinator@demo.test").await),
            None,
        ),
        ("STAFF key of A", Some(staff_key), None),
        ("viewer A", Some(viewer), Some("FORBIDDEN")),
        ("VIEWER key of A", Some(viewer_key), Some("FORBIDDEN")),
        (
            "admin B",
            Some(app.token_of("admin", ORG_B).await),
            Some("FORBIDDEN"),
        ),
        (
            "clerk",
            Some(app.token("clerk@demo.test").await),
            Some("FORBIDDEN"),
        ),
        ("anonymous", None, Some("UNAUTHENTICATED")),
    ];
    for (who, credential, expected) in cases {
        let answer = app
            .graphql(
                credential.as_deref(),
                "mutation($org: ID!, $service: ServiceInput!) { createService(input: {organizationId: $org, service: $service}) { id } }",
                json!({ "org": org, "service": service }),
            )
            .await;
        assert_eq!(answer.code(), expected, "{who}: {}", answer.body);
        let profile = app
            .graphql(
                credential.as_deref(),
                "mutation($org: ID!) { updateOrganizationProfile(input: {organizationId: $org, website: \"https://new.example.org\"}) { website } }",
                json!({ "org": org }),
            )
            .await;
        assert_eq!(
            profile.code(),
            expected,
            "profile as {who}: {}",
            profile.body
        );
    }
}

#[tokio::test]
async fn invalid_service_input_names_the_field() {
    let app = TestApp::spawn().await;
    let staff = app.token_of("staff", ORG_A).await;
    let org = app.org_id(ORG_A).await;
    let mut service = hours_service(json!([]), json!([]));
    let cases = [
        ("languages", json!(["english"]), "input.service.languages.0"),
        (
            "categories",
            json!(["no-such-term"]),
            "input.service.categories.0",
        ),
        (
            "hours",
            json!([{ "weekday": 8, "opensAt": "09:00", "closesAt": "10:00" }]),
            "input.service.hours.0.weekday",
        ),
        (
            "hours",
            json!([{ "weekday": 1, "opensAt": "11:00", "closesAt": "10:00" }]),
            "input.service.hours.0.closesAt",
        ),
        (
            "locations",
            json!([{ "visibility": "CONFIDENTIAL", "address": "1 Secret Road" }]),
            "input.service.locations.0.contactRoute",
        ),
        ("name", json!("   "), "input.service.name"),
    ];
    for (key, value, field) in cases {
        let original = service[key].clone();
        service[key] = value;
        let answer = create_service(&app, &staff, &org, service.clone()).await;
        assert_eq!(answer.error_code(), "BAD_USER_INPUT", "{key}");
        assert_eq!(
            answer.body["errors"][0]["extensions"]["field"], field,
            "{}",
            answer.body
        );
        service[key] = original;
    }
}

#[tokio::test]
async fn an_edit_is_not_a_verification_and_stale_entries_are_listed_for_coordinators() {
    let app = TestApp::spawn().await;
    let staff = app.token_of("staff", ORG_A).await;
    let org = app.org_id(ORG_A).await;
    let created = create_service(&app, &staff, &org, hours_service(json!([]), json!([]))).await;
    let id = created.data("createService.id").clone();
    let verified_at = created.data("createService.lastVerifiedAt").clone();
    let updated = app
        .graphql(
            Some(&staff),
            "mutation($id: ID!, $service: ServiceInput!) { updateService(input: {serviceId: $id, service: $service}) { name { text } lastVerifiedAt } }",
            json!({ "id": id, "service": hours_service(json!([]), json!([])) }),
        )
        .await;
    assert_eq!(
        updated.data("updateService.lastVerifiedAt"),
        &verified_at,
        "editing keeps the verification date"
    );
    let verify = "mutation($id: ID!) { verifyService(input: {serviceId: $id}) { lastVerifiedAt lastVerifiedBy } }";
    let confirmed = app.graphql(Some(&staff), verify, json!({ "id": id })).await;
    assert_ne!(confirmed.data("verifyService.lastVerifiedAt"), &verified_at);
    assert_eq!(
        confirmed.data("verifyService.lastVerifiedBy"),
        "Staff, Riverside Public Library"
    );

    let stale = "query($days: Int!) { unverifiedServices(days: $days, first: 100) { totalCount } }";
    let coordinator = app.token("coordinator@demo.test").await;
    assert_eq!(
        app.graphql(Some(&coordinator), stale, json!({ "days": 30 }))
            .await
            .data("unverifiedServices.totalCount"),
        0
    );
    assert_eq!(
        app.graphql(Some(&coordinator), stale, json!({ "days": 0 }))
            .await
            .data("unverifiedServices.totalCount"),
        13,
        "with zero days, every service is due"
    );
    assert_eq!(
        app.graphql(Some(&staff), stale, json!({ "days": 30 }))
            .await
            .error_code(),
        "FORBIDDEN"
    );
}

#[tokio::test]
async fn search_pages_are_complete_and_cost_the_same_statements_for_5_or_50() {
    let app = TestApp::spawn().await;
    let staff = app.token_of("staff", ORG_A).await;
    let org = app.org_id(ORG_A).await;
    for i in 0..45 {
        let mut service = hours_service(
            json!([{ "weekday": 2, "opensAt": "09:00", "closesAt": "17:00" }]),
            json!([]),
        );
        service["name"] = json!(format!("Extra service {i}"));
        service["translations"] =
            json!([{ "field": "name", "locale": "es", "text": format!("Servicio {i}") }]);
        create_service(&app, &staff, &org, service)
            .await
            .data("createService.id");
    }
    let query = "query($first: Int, $after: String) { services(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        nodes { name { text } organization { name } languages categories { name } locations { address } hours { weekday } } } }";
    let mut counts = Vec::new();
    for first in [5, 50] {
        let before = app.statements();
        let answer = app
            .graphql(Some(&staff), query, json!({ "first": first }))
            .await;
        assert_eq!(
            answer.data("services.nodes").as_array().map(Vec::len),
            Some(first as usize)
        );
        counts.push(app.statements() - before);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for 5 and 50 services: {counts:?}"
    );

    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .graphql(Some(&staff), query, json!({ "first": 7, "after": after }))
            .await;
        let page = page.data("services").clone();
        seen.extend(
            page["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|n| n["name"]["text"].clone()),
        );
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let total = app
        .graphql(Some(&staff), query, json!({ "first": 1 }))
        .await
        .data("services.totalCount")
        .as_u64();
    assert_eq!(Some(seen.len() as u64), total);
    let mut unique = seen.clone();
    unique.sort_by_key(|v| v.to_string());
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no service twice");
}

#[tokio::test]
async fn the_taxonomy_is_public_and_managed_by_coordinators() {
    let app = TestApp::spawn().await;
    let terms = app
        .graphql(
            None,
            "{ taxonomy { code name parent { code } } }",
            json!({}),
        )
        .await;
    let list = terms.data("taxonomy").as_array().expect("terms").clone();
    let esl = list.iter().find(|t| t["code"] == "esl").expect("esl term");
    assert_eq!(esl["parent"]["code"], "education");
    let create = "mutation { createTaxonomyTerm(input: {code: \"driving-lessons\", name: \"Driving lessons\", description: \"Learning to drive.\"}) { code } }";
    let staff = app.token_of("staff", ORG_A).await;
    assert_eq!(
        app.graphql(Some(&staff), create, json!({}))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let coordinator = app.token("coordinator@demo.test").await;
    assert_eq!(
        app.graphql(Some(&coordinator), create, json!({}))
            .await
            .data("createTaxonomyTerm.code"),
        "driving-lessons"
    );
    assert_eq!(
        app.graphql(Some(&coordinator), create, json!({}))
            .await
            .error_code(),
        "CONFLICT"
    );
}

#[tokio::test]
async fn organization_pages_with_profiles_cost_the_same_statements_for_2_or_6() {
    let app = TestApp::spawn().await;
    let staff = app.token_of("staff", ORG_A).await;
    let query = "query($first: Int) { organizations(first: $first) { nodes { name website languages
        description(locale: \"es\") { text } localizedName { text } contacts { value } } } }";
    let mut counts = Vec::new();
    for first in [2, 6] {
        let before = app.statements();
        let answer = app
            .graphql(Some(&staff), query, json!({ "first": first }))
            .await;
        assert_eq!(
            answer.data("organizations.nodes").as_array().map(Vec::len),
            Some(first as usize)
        );
        assert_eq!(
            answer
                .data("organizations.nodes.0.contacts")
                .as_array()
                .map(Vec::len),
            Some(2)
        );
        counts.push(app.statements() - before);
    }
    assert_eq!(counts[0], counts[1], "{counts:?}");
}
