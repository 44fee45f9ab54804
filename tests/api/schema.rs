//! The published schema: committed, documented, stable.

use crate::helpers::TestApp;
use serde_json::{Value, json};

#[test]
fn the_committed_schema_matches_the_live_schema() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql at the repository root");
    let live = coalition::graphql::sdl();
    assert!(
        committed == live,
        "schema.graphql is out of date: run `cargo run -- schema --output schema.graphql` and commit it"
    );
}

const INTROSPECTION: &str = r#"{
  __schema {
    types {
      name kind description
      fields(includeDeprecated: true) { name description args { name description } }
      inputFields { name description }
      enumValues(includeDeprecated: true) { name description }
    }
  }
}"#;

fn undocumented(types: &[Value]) -> Vec<String> {
    let blank = |v: &Value| {
        v["description"]
            .as_str()
            .is_none_or(|d| d.trim().is_empty())
    };
    let builtin = ["String", "Int", "Float", "Boolean", "ID"];
    let mut missing = Vec::new();
    for ty in types {
        let name = ty["name"].as_str().unwrap_or_default();
        if name.starts_with("__") || builtin.contains(&name) {
            continue;
        }
        if blank(ty) {
            missing.push(name.to_owned());
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            let field_name = format!("{name}.{}", field["name"].as_str().unwrap_or_default());
            if blank(field) {
                missing.push(field_name.clone());
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if blank(arg) {
                    missing.push(format!(
                        "{field_name}({})",
                        arg["name"].as_str().unwrap_or_default()
                    ));
                }
            }
        }
        for key in ["inputFields", "enumValues"] {
            for item in ty[key].as_array().into_iter().flatten() {
                if blank(item) {
                    missing.push(format!(
                        "{name}.{}",
                        item["name"].as_str().unwrap_or_default()
                    ));
                }
            }
        }
    }
    missing
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_has_a_description() {
    let app = TestApp::spawn().await;
    let answer = app.graphql(None, INTROSPECTION, json!({})).await;
    let types = answer
        .data("__schema.types")
        .as_array()
        .expect("types")
        .clone();
    assert!(types.len() > 20, "introspection returned the schema");
    let missing = undocumented(&types);
    assert!(missing.is_empty(), "undocumented: {missing:#?}");
}

#[tokio::test]
async fn every_record_type_is_a_node() {
    let app = TestApp::spawn().await;
    let answer = app
        .graphql(
            None,
            r#"{ __type(name: "Node") { possibleTypes { name } } }"#,
            json!({}),
        )
        .await;
    let names: Vec<&str> = answer
        .data("__type.possibleTypes")
        .as_array()
        .expect("types")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for expected in [
        "Organization",
        "User",
        "Membership",
        "Invitation",
        "ApiKey",
        "AuditEntry",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} is not a Node: {names:?}"
        );
    }
}

#[tokio::test]
async fn every_mutation_takes_one_input_argument_and_nothing_else() {
    let app = TestApp::spawn().await;
    let answer = app
        .graphql(
            None,
            "{ __schema { mutationType { fields { name args { name type { kind ofType { kind name } } } } } } }",
            json!({}),
        )
        .await;
    let fields = answer
        .data("__schema.mutationType.fields")
        .as_array()
        .expect("mutations")
        .clone();
    assert!(fields.len() > 50, "the mutations were listed");
    let mut offending = Vec::new();
    for field in &fields {
        let name = field["name"].as_str().unwrap_or_default();
        let args = field["args"].as_array().cloned().unwrap_or_default();
        let only_input = args.len() == 1
            && args[0]["name"] == "input"
            && args[0]["type"]["kind"] == "NON_NULL"
            && args[0]["type"]["ofType"]["kind"] == "INPUT_OBJECT";
        if !only_input {
            let names: Vec<&str> = args.iter().filter_map(|a| a["name"].as_str()).collect();
            offending.push(format!("{name}({})", names.join(", ")));
        }
    }
    assert!(
        offending.is_empty(),
        "mutations must take one `input: XInput!`: {offending:#?}"
    );
}

#[test]
fn every_custom_scalar_names_its_specification() {
    let sdl = coalition::graphql::sdl();
    let known_gaps: [&str; 0] = [];
    let missing: Vec<&str> = sdl
        .lines()
        .filter_map(|line| line.strip_prefix("scalar "))
        .filter(|rest| !rest.contains("@specifiedBy(url: \"https://"))
        .filter(|rest| !known_gaps.contains(&rest.trim()))
        .collect();
    assert!(
        missing.is_empty(),
        "scalars without @specifiedBy: {missing:?}"
    );
    assert!(
        sdl.contains("scalar Date @specifiedBy("),
        "Date is named Date"
    );
}
