//! Limits on the size of one document, counted on the parsed document before
//! async-graphql validates it.
//!
//! async-graphql's depth and complexity visitors walk a fragment again at each
//! of its spreads, and give `__typename` no cost: a 906-byte document of
//! fragments each spread ten times, ten deep, expands 10^10 times, and both its
//! validation and its execution would run for hours. Here each fragment's
//! expanded size is counted once (memoized by name), so the check costs one
//! pass over the document, and every field, `__typename` included, counts.

use async_graphql::ServerError;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, OperationDefinition, OperationType,
    Selection, SelectionSet,
};
use async_graphql::{Name, Positioned};
use std::collections::HashMap;

/// Mutations that check or hash a password: at most one per request, so that
/// one request cannot ask for hundreds of Argon2 computations.
pub const PASSWORD_MUTATIONS: [&str; 2] = ["login", "acceptInvitation"];

/// The expanded-size budget of a document.
#[derive(Clone, Copy, Debug)]
pub struct SizeLimits {
    /// Most fields a document may select once its fragments are expanded.
    pub max_selections: usize,
    /// Most root fields the mutation that runs may have.
    pub max_mutations: usize,
}

/// Refuses a document whose expanded selections, or whose executed mutation's
/// root fields, exceed `limits`. Counts are exact up to `u64::MAX`.
pub fn check(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    limits: SizeLimits,
) -> Result<(), ServerError> {
    let mut sizes = Sizes {
        fragments: &document.fragments,
        memo: HashMap::new(),
        open: Vec::new(),
    };
    let mut selections: u64 = 0;
    for (_, operation) in document.operations.iter() {
        selections = selections.saturating_add(sizes.of(&operation.node.selection_set.node)?);
    }
    if selections > limits.max_selections as u64 {
        return Err(refusal(format!(
            "the query selects {selections} fields once its fragments are expanded; \
             at most {} are allowed (every field counts, __typename included)",
            limits.max_selections
        )));
    }
    let Some(operation) = executed(&document.operations, operation_name) else {
        return Ok(());
    };
    if operation.ty != OperationType::Mutation {
        return Ok(());
    }
    let mut roots = Vec::new();
    root_fields(
        &document.fragments,
        &operation.selection_set.node,
        &mut roots,
        0,
    );
    if roots.len() > limits.max_mutations {
        return Err(refusal(format!(
            "the request runs {} mutations; at most {} are allowed in one request",
            roots.len(),
            limits.max_mutations
        )));
    }
    for name in PASSWORD_MUTATIONS {
        if roots.iter().filter(|root| **root == name).count() > 1 {
            return Err(refusal(format!("`{name}` may be asked once per request")));
        }
    }
    Ok(())
}

/// Whether the executed operation asks the schema about itself (`__schema`
/// or `__type` at its root).
pub fn asks_introspection(document: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    let Some(operation) = executed(&document.operations, operation_name) else {
        return false;
    };
    let mut roots = Vec::new();
    root_fields(
        &document.fragments,
        &operation.selection_set.node,
        &mut roots,
        0,
    );
    roots
        .iter()
        .any(|root| matches!(*root, "__schema" | "__type"))
}

/// The root fields of the mutation a request runs (none for a query),
/// fragments expanded: what [`check`] counts against `max_mutations`, for a
/// caller that adds several requests up (a batch shares one budget).
pub fn mutation_fields<'a>(
    document: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Vec<&'a str> {
    let mut roots = Vec::new();
    if let Some(operation) = executed(&document.operations, operation_name)
        && operation.ty == OperationType::Mutation
    {
        root_fields(
            &document.fragments,
            &operation.selection_set.node,
            &mut roots,
            0,
        );
    }
    roots
}

fn refusal(message: String) -> ServerError {
    ServerError::new(message, None)
}

/// The operation async-graphql will run: the named one, or the only one.
pub fn executed<'a>(
    operations: &'a DocumentOperations,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

struct Sizes<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    memo: HashMap<&'a str, u64>,
    open: Vec<&'a str>,
}

impl<'a> Sizes<'a> {
    fn of(&mut self, set: &'a SelectionSet) -> Result<u64, ServerError> {
        let mut total: u64 = 0;
        for selection in &set.items {
            let size = match &selection.node {
                Selection::Field(field) => {
                    1u64.saturating_add(self.of(&field.node.selection_set.node)?)
                }
                Selection::InlineFragment(inline) => self.of(&inline.node.selection_set.node)?,
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str())?
                }
            };
            total = total.saturating_add(size);
        }
        Ok(total)
    }

    fn fragment(&mut self, name: &'a str) -> Result<u64, ServerError> {
        if let Some(size) = self.memo.get(name) {
            return Ok(*size);
        }
        // An unknown fragment is left for validation to name.
        let Some(fragment) = self.fragments.get(name) else {
            return Ok(0);
        };
        if self.open.contains(&name) {
            return Err(refusal(format!("fragment `{name}` spreads itself")));
        }
        self.open.push(name);
        let size = self.of(&fragment.node.selection_set.node)?;
        self.open.pop();
        self.memo.insert(name, size);
        Ok(size)
    }
}

/// Names of the root fields of `set`, fragments expanded. `depth` stops a
/// fragment cycle (which `Sizes` has refused already) from recursing forever.
fn root_fields<'a>(
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    set: &'a SelectionSet,
    names: &mut Vec<&'a str>,
    depth: usize,
) {
    if depth > fragments.len() {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => names.push(field.node.name.node.as_str()),
            Selection::InlineFragment(inline) => {
                root_fields(fragments, &inline.node.selection_set.node, names, depth + 1)
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(spread.node.fragment_name.node.as_str()) {
                    root_fields(
                        fragments,
                        &fragment.node.selection_set.node,
                        names,
                        depth + 1,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    const LIMITS: SizeLimits = SizeLimits {
        max_selections: 1_000,
        max_mutations: 3,
    };

    fn checked(query: &str) -> Result<(), ServerError> {
        check(&parse_query(query).expect("parses"), None, LIMITS)
    }

    fn fragment_bomb(levels: usize, fan_out: usize) -> String {
        let mut query = String::from("{ ...L0 }");
        for level in 0..levels {
            let spreads = format!("...L{} ", level + 1).repeat(fan_out);
            query.push_str(&format!(" fragment L{level} on Query {{ {spreads}}}"));
        }
        query.push_str(&format!(" fragment L{levels} on Query {{ __typename }}"));
        query
    }

    #[test]
    fn a_fragment_bomb_is_counted_without_being_expanded() {
        let error = checked(&fragment_bomb(10, 10)).unwrap_err();
        assert!(
            error.message.contains("10000000000 fields"),
            "{}",
            error.message
        );
    }

    #[test]
    fn typename_counts_like_any_field() {
        let aliases: String = (0..1_001).map(|i| format!("a{i}: __typename ")).collect();
        assert!(checked(&format!("{{ {aliases} }}")).is_err());
        assert!(checked("{ a: __typename b: __typename }").is_ok());
    }

    #[test]
    fn a_fragment_spread_twice_is_counted_twice() {
        let query = "{ ...F ...F } fragment F on Query { a b }";
        let mut sizes = Sizes {
            fragments: &parse_query(query).unwrap().fragments,
            memo: HashMap::new(),
            open: Vec::new(),
        };
        assert_eq!(sizes.fragment("F").unwrap(), 2);
        assert!(checked(query).is_ok());
    }

    #[test]
    fn mutations_are_capped_and_a_password_mutation_runs_once() {
        assert!(checked("mutation { a b c }").is_ok());
        assert!(checked("mutation { a b c d }").is_err());
        assert!(checked("mutation { ...M } fragment M on Mutation { a b c d }").is_err());
        let twice = checked("mutation { x: login(i: 1) { t } y: login(i: 2) { t } }");
        assert!(twice.unwrap_err().message.contains("login"));
    }

    #[test]
    fn a_fragment_that_spreads_itself_is_refused() {
        assert!(
            checked("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }").is_err()
        );
    }
}
