//! Reading GraphQL requests from HTTP: a POST body holding one request or a
//! batch (a JSON array), a GET query string, and the budget a batch shares.
//!
//! Parameters are checked as GraphQL over HTTP defines them before anything
//! runs: `query` a string, `operationName` a string or null, `variables` and
//! `extensions` maps or null. A request that breaks one is refused (400
//! `BAD_USER_INPUT` naming the parameter), never guessed at.

use crate::error::AppError;
use crate::graphql::limits::{PASSWORD_MUTATIONS, mutation_fields};
use serde_json::Value;

/// What a POST body asked for.
pub enum Body {
    /// One operation.
    Single(Box<async_graphql::Request>),
    /// A JSON array of operations, answered by an array in the same order.
    Batch(Vec<async_graphql::Request>),
}

/// Reads a POST body (bounded by the body limit layer already).
pub fn from_body(bytes: &[u8]) -> Result<Body, AppError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| AppError::bad_input("body", format!("the request body is not JSON: {e}")))?;
    match value {
        Value::Array(items) => Ok(Body::Batch(
            items
                .into_iter()
                .enumerate()
                .map(|(index, item)| one(item, &format!("body.{index}")))
                .collect::<Result<_, _>>()?,
        )),
        item => one(item, "body").map(|one| Body::Single(Box::new(one))),
    }
}

/// One request object, its parameters checked.
fn one(value: Value, at: &str) -> Result<async_graphql::Request, AppError> {
    let Value::Object(mut map) = value else {
        return Err(AppError::bad_input(
            at,
            "a GraphQL request is a JSON object with a `query` string",
        ));
    };
    let persisted = map
        .get("extensions")
        .and_then(|e| e.get("persistedQuery"))
        .is_some();
    match map.get("query") {
        Some(Value::String(_)) => {}
        // An Apollo persisted query may leave the document out.
        None if persisted => {}
        None => return Err(AppError::bad_input(format!("{at}.query"), "is missing")),
        Some(_) => {
            return Err(AppError::bad_input(
                format!("{at}.query"),
                "must be a string",
            ));
        }
    }
    for (name, want) in [
        ("operationName", "a string or null"),
        ("variables", "an object or null"),
        ("extensions", "an object or null"),
    ] {
        let fits = match map.get(name) {
            None | Some(Value::Null) => true,
            Some(Value::String(_)) => name == "operationName",
            Some(Value::Object(_)) => name != "operationName",
            Some(_) => false,
        };
        if !fits {
            return Err(AppError::bad_input(
                format!("{at}.{name}"),
                format!("must be {want}"),
            ));
        }
        if map.get(name) == Some(&Value::Null) {
            map.remove(name);
        }
    }
    serde_json::from_value(Value::Object(map))
        .map_err(|e| AppError::bad_input(at, format!("the request is not a GraphQL request: {e}")))
}

/// Reads a GET query string (`query`, `operationName`, and `variables` and
/// `extensions` as JSON text).
pub fn from_query_string(query: Option<&str>) -> Result<async_graphql::Request, AppError> {
    let query = query.ok_or_else(|| {
        AppError::bad_input(
            "query",
            "send the GraphQL document as the `query` parameter",
        )
    })?;
    async_graphql::http::parse_query_string(query).map_err(|e| {
        AppError::bad_input(
            "query",
            format!("the request is not a GraphQL request: {e}"),
        )
    })
}

/// Whether a GET request asks for anything but a query (a mutation or a
/// subscription), which GET never runs.
pub fn asks_more_than_a_query(request: &async_graphql::Request) -> bool {
    async_graphql::parser::parse_query(&request.query).is_ok_and(|doc| {
        doc.operations
            .iter()
            .any(|(_, op)| op.node.ty != async_graphql::parser::types::OperationType::Query)
    })
}

/// What one batch may hold.
#[derive(Clone, Copy, Debug)]
pub struct BatchLimits {
    /// Most operations (`GRAPHQL_MAX_BATCH`).
    pub max_operations: usize,
    /// Most mutation fields, all operations together (`GRAPHQL_MAX_MUTATIONS`).
    pub max_mutations: usize,
}

/// Refuses a batch that is empty, holds more operations than allowed, or
/// whose mutations together exceed one request's budget (a batch cannot
/// multiply it, and runs a password mutation at most once). Each operation
/// still meets every other limit on its own when it runs.
pub fn check_batch(
    requests: &[async_graphql::Request],
    limits: BatchLimits,
) -> Result<(), AppError> {
    if requests.is_empty() {
        return Err(AppError::bad_input(
            "body",
            "the batch is empty: send at least one operation",
        ));
    }
    if requests.len() > limits.max_operations {
        return Err(AppError::bad_input(
            "body",
            format!(
                "a batch may hold at most {} operations; this one holds {}",
                limits.max_operations,
                requests.len()
            ),
        ));
    }
    let documents: Vec<_> = requests
        .iter()
        .map(|r| (async_graphql::parser::parse_query(&r.query).ok(), r))
        .collect();
    // A document that does not parse runs nothing; its own answer says why.
    let mutations: Vec<&str> = documents
        .iter()
        .filter_map(|(doc, r)| doc.as_ref().map(|d| (d, r)))
        .flat_map(|(doc, r)| mutation_fields(doc, r.operation_name.as_deref()))
        .collect();
    if mutations.len() > limits.max_mutations {
        return Err(AppError::bad_input(
            "body",
            format!(
                "the batch runs {} mutations; at most {} are allowed in one request, batch or not",
                mutations.len(),
                limits.max_mutations
            ),
        ));
    }
    for name in PASSWORD_MUTATIONS {
        if mutations.iter().filter(|m| **m == name).count() > 1 {
            return Err(AppError::bad_input(
                "body",
                format!("`{name}` may be asked once per request, batch or not"),
            ));
        }
    }
    Ok(())
}
