//! The standard introspection queries of the tools fit the default limits,
//! which still hold real queries; operators can switch introspection off.

use crate::helpers::TestApp;
use axum::body::Body;
use axum::http::Request;
use coalition::config::HttpSettings;
use coalition::graphql::Limits;
use serde_json::{Value, json};
use tower::ServiceExt;

/// graphql-js 16.15.0: `getIntrospectionQuery()`.
pub const DEFAULT: &str = r#"
    query IntrospectionQuery {
      __schema {
        
        queryType { name kind }
        mutationType { name kind }
        subscriptionType { name kind }
        types {
          ...FullType
        }
        directives {
          name
          description
          
          
          
          locations
          args {
            ...InputValue
          }
        }
      }
    }

    fragment FullType on __Type {
      kind
      name
      description
      
      
      fields(includeDeprecated: true) {
        name
        description
        args {
          ...InputValue
        }
        type {
          ...TypeRef
        }
        isDeprecated
        deprecationReason
      }
      inputFields {
        ...InputValue
      }
      interfaces {
        ...TypeRef
      }
      enumValues(includeDeprecated: true) {
        name
        description
        isDeprecated
        deprecationReason
      }
      possibleTypes {
        ...TypeRef
      }
    }

    fragment InputValue on __InputValue {
      name
      description
      type { ...TypeRef }
      defaultValue
      
      
    }

    fragment TypeRef on __Type {
      kind
      name
      ofType {
        name
        kind
        ofType {
          name
          kind
          ofType {
            name
            kind
            ofType {
              name
              kind
              ofType {
                name
                kind
                ofType {
                  name
                  kind
                  ofType {
                    name
                    kind
                    ofType {
                      name
                      kind
                      ofType {
                        name
                        kind
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  "#;

/// graphql-js 16.15.0: `getIntrospectionQuery({ descriptions: false })`.
pub const WITHOUT_DESCRIPTIONS: &str = r#"
    query IntrospectionQuery {
      __schema {
        
        queryType { name kind }
        mutationType { name kind }
        subscriptionType { name kind }
        types {
          ...FullType
        }
        directives {
          name
          
          
          
          
          locations
          args {
            ...InputValue
          }
        }
      }
    }

    fragment FullType on __Type {
      kind
      name
      
      
      
      fields(includeDeprecated: true) {
        name
        
        args {
          ...InputValue
        }
        type {
          ...TypeRef
        }
        isDeprecated
        deprecationReason
      }
      inputFields {
        ...InputValue
      }
      interfaces {
        ...TypeRef
      }
      enumValues(includeDeprecated: true) {
        name
        
        isDeprecated
        deprecationReason
      }
      possibleTypes {
        ...TypeRef
      }
    }

    fragment InputValue on __InputValue {
      name
      
      type { ...TypeRef }
      defaultValue
      
      
    }

    fragment TypeRef on __Type {
      kind
      name
      ofType {
        name
        kind
        ofType {
          name
          kind
          ofType {
            name
            kind
            ofType {
              name
              kind
              ofType {
                name
                kind
                ofType {
                  name
                  kind
                  ofType {
                    name
                    kind
                    ofType {
                      name
                      kind
                      ofType {
                        name
                        kind
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  "#;

/// graphql-js 16.15.0: `getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true })`.
pub const EVERY_OPTION: &str = r#"
    query IntrospectionQuery {
      __schema {
        description
        queryType { name kind }
        mutationType { name kind }
        subscriptionType { name kind }
        types {
          ...FullType
        }
        directives {
          name
          description
          isRepeatable
          
          
          locations
          args(includeDeprecated: true) {
            ...InputValue
          }
        }
      }
    }

    fragment FullType on __Type {
      kind
      name
      description
      specifiedByURL
      
      fields(includeDeprecated: true) {
        name
        description
        args(includeDeprecated: true) {
          ...InputValue
        }
        type {
          ...TypeRef
        }
        isDeprecated
        deprecationReason
      }
      inputFields(includeDeprecated: true) {
        ...InputValue
      }
      interfaces {
        ...TypeRef
      }
      enumValues(includeDeprecated: true) {
        name
        description
        isDeprecated
        deprecationReason
      }
      possibleTypes {
        ...TypeRef
      }
    }

    fragment InputValue on __InputValue {
      name
      description
      type { ...TypeRef }
      defaultValue
      isDeprecated
      deprecationReason
    }

    fragment TypeRef on __Type {
      kind
      name
      ofType {
        name
        kind
        ofType {
          name
          kind
          ofType {
            name
            kind
            ofType {
              name
              kind
              ofType {
                name
                kind
                ofType {
                  name
                  kind
                  ofType {
                    name
                    kind
                    ofType {
                      name
                      kind
                      ofType {
                        name
                        kind
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  "#;

/// Every standard query, by name.
const STANDARD: [(&str, &str); 3] = [
    ("default", DEFAULT),
    ("without descriptions", WITHOUT_DESCRIPTIONS),
    ("every option", EVERY_OPTION),
];

/// 13 levels: one more than the default limit.
const THIRTEEN_DEEP: &str = "query Deep { viewer { memberships { organization { members(first: 1) { nodes { organization { members(first: 1) { nodes { organization { members(first: 1) { nodes { organization { name } } } } } } } } } } } } }";

#[tokio::test]
async fn every_standard_introspection_query_passes_the_default_limits() {
    let app = TestApp::spawn().await;
    for (name, query) in STANDARD {
        let answer = app.graphql(None, query, json!({})).await;
        assert!(
            answer.body.get("errors").is_none(),
            "{name}: {}",
            answer.body["errors"]
        );
        let types = answer.data("__schema.types").as_array().expect("types");
        assert!(types.iter().any(|t| t["name"] == "Meeting"), "{name}");
        assert_eq!(answer.data("__schema.mutationType.name"), "Mutation");
    }
    let answer = app.graphql(None, EVERY_OPTION, json!({})).await;
    let types = answer.data("__schema.types").as_array().expect("types");
    let scalar = |name: &str| types.iter().find(|t| t["name"] == name).cloned();
    let specified = |name: &str| scalar(name).map(|t| t["specifiedByURL"].clone());
    assert_eq!(
        specified("DateTime"),
        Some(json!("https://datatracker.ietf.org/doc/html/rfc3339"))
    );
    assert!(specified("Date").is_some_and(|url| url.is_string()));
}

#[tokio::test]
async fn a_real_query_deeper_than_the_limit_is_still_refused() {
    let app = TestApp::spawn().await;
    let token = app.token("admin@riverside-library.demo.test").await;
    let answer = app.graphql(Some(&token), THIRTEEN_DEEP, json!({})).await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT");
    assert!(
        answer.message().contains("13 levels deep"),
        "{}",
        answer.body
    );
    // Asking the schema about itself beside it does not widen the budget.
    let beside = THIRTEEN_DEEP.replace(
        "query Deep {",
        "query Deep { __schema { queryType { name } }",
    );
    let answer = app.graphql(Some(&token), &beside, json!({})).await;
    assert!(
        answer.message().contains("13 levels deep"),
        "{}",
        answer.body
    );
    // Twelve levels pass.
    let twelve = THIRTEEN_DEEP.replace("organization { name }", "__typename");
    let answer = app.graphql(Some(&token), &twelve, json!({})).await;
    assert!(answer.body.get("errors").is_none(), "{}", answer.body);
}

#[tokio::test]
async fn a_real_query_over_the_complexity_limit_is_still_refused() {
    let app = TestApp::spawn().await;
    let token = app.token("admin@riverside-library.demo.test").await;
    let query = "query Wide { organizations(first: 100) { nodes { members(first: 100) { nodes { user { email displayName } } } } } }";
    let answer = app.graphql(Some(&token), query, json!({})).await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT");
    assert!(answer.message().contains("complexity"), "{}", answer.body);
}

#[tokio::test]
async fn introspection_that_multiplies_the_schema_is_refused() {
    let app = TestApp::spawn().await;
    let query =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let answer = app.graphql(None, query, json!({})).await;
    assert_eq!(answer.error_code(), "BAD_USER_INPUT");
    assert!(
        answer
            .message()
            .contains("Maximum introspection depth exceeded"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn switched_off_introspection_refuses_every_standard_query() {
    let app = TestApp::spawn().await;
    let closed = Limits {
        introspection: false,
        ..Limits::default()
    };
    let router = coalition::startup::router(app.state.clone(), &HttpSettings::default(), closed);
    for (name, query) in STANDARD {
        let request = Request::post("/graphql")
            .header("content-type", "application/json")
            .body(Body::from(json!({ "query": query }).to_string()))
            .expect("request");
        let response = router.clone().oneshot(request).await.expect("response");
        use http_body_util::BodyExt;
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body: Value = serde_json::from_slice(&bytes).expect("json");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("introspection is switched off"),
            "{name}: {body}"
        );
        assert!(body["data"].is_null(), "{name}: {body}");
    }
}
