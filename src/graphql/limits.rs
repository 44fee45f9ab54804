//! Limits on the size of one document, counted on the parsed document before
//! async-graphql validates it.
//!
//! async-graphql's depth and complexity visitors walk a fragment again at each
//! of its spreads, and give `__typename` no cost: a 906-byte document of
//! fragments each spread ten times, ten deep, expands 10^10 times, and both its
//! validation and its execution would run for hours. Here each fragment's
//! expanded size is counted once (memoized by name), so the check costs one
//! pass over the document, and every field, `__typename` included, counts
//! towards the selections. Depth is counted here too, for the same reason.
//!
//! What a document asks under `__schema` and `__type` is counted apart, with
//! its own budget ([`IntrospectionLimits`]): the tools' standard introspection
//! query is 15 levels deep, and must not need a depth limit that would let
//! real queries nest as deep.

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
    /// Most fields a document may select once its fragments are expanded,
    /// introspection aside.
    pub max_selections: usize,
    /// Deepest selection allowed, introspection aside (`__typename` adds no level).
    pub max_depth: usize,
    /// Most root fields the mutation that runs may have.
    pub max_mutations: usize,
    /// The separate budget of what a document asks the schema about itself.
    pub introspection: IntrospectionLimits,
}

/// The budget of the selections under `__schema` and `__type`: the standard
/// introspection queries of the tools (graphql-js `getIntrospectionQuery()`
/// selects about 230 fields, 15 deep) fit; a query that multiplies the
/// schema by itself does not.
#[derive(Clone, Copy, Debug)]
pub struct IntrospectionLimits {
    /// Most fields selected under `__schema` and `__type`, fragments expanded.
    pub max_selections: usize,
    /// Deepest introspection selection, counted from the document's root.
    pub max_depth: usize,
}

impl Default for IntrospectionLimits {
    fn default() -> Self {
        IntrospectionLimits {
            max_selections: 1_000,
            max_depth: 20,
        }
    }
}

/// Nested lists of types (`fields`, `interfaces`, `possibleTypes`,
/// `inputFields`) one introspection path may go through before it is
/// refused: graphql-js's `MaxIntrospectionDepthRule` limit.
const MAX_INTROSPECTION_LISTS: u64 = 3;

/// What a document asks for once its fragments are expanded, split between
/// the data and the schema's description of itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct Shape {
    data: Part,
    schema: Part,
}

impl Shape {
    /// What async-graphql's complexity count gives the selections under
    /// `__schema` and `__type` (one per field, `__typename` free): the part of
    /// its count that the introspection budget covers instead.
    pub fn introspection_complexity(&self) -> usize {
        usize::try_from(self.schema.cost).unwrap_or(usize::MAX)
    }

    fn add(&mut self, other: Shape) {
        self.data.add(other.data);
        self.schema.add(other.schema);
    }
}

/// One side of a [`Shape`].
#[derive(Clone, Copy, Debug, Default)]
struct Part {
    /// Fields, `__typename` included.
    fields: u64,
    /// Fields async-graphql gives a cost or a level: all but `__typename`.
    cost: u64,
    /// Deepest level, `__typename` aside.
    depth: u64,
    /// Most nested lists of types on one path.
    lists: u64,
}

impl Part {
    fn add(&mut self, other: Part) {
        self.fields = self.fields.saturating_add(other.fields);
        self.cost = self.cost.saturating_add(other.cost);
        self.depth = self.depth.max(other.depth);
        self.lists = self.lists.max(other.lists);
    }

    /// This part as seen from the field that selects it.
    fn under(self, name: &str) -> Part {
        let typename = name == "__typename";
        let list = matches!(
            name,
            "fields" | "interfaces" | "possibleTypes" | "inputFields"
        );
        Part {
            fields: self.fields.saturating_add(1),
            cost: self.cost.saturating_add(u64::from(!typename)),
            depth: if typename { 0 } else { self.depth + 1 },
            lists: self.lists + u64::from(list),
        }
    }

    /// This part below a field that is not itself counted in it: its levels
    /// still count from the root.
    fn below(self) -> Part {
        Part {
            depth: if self.fields == 0 { 0 } else { self.depth + 1 },
            ..self
        }
    }
}

/// Refuses a document whose expanded selections, depth, introspection, or
/// executed mutation's root fields exceed `limits`. Counts are exact up to
/// `u64::MAX`. Returns the document's shape.
pub fn check(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    limits: SizeLimits,
) -> Result<Shape, ServerError> {
    let mut sizes = Sizes {
        fragments: &document.fragments,
        memo: HashMap::new(),
        open: Vec::new(),
    };
    let mut shape = Shape::default();
    for (_, operation) in document.operations.iter() {
        shape.add(sizes.of(&operation.node.selection_set.node)?);
    }
    check_shape(&shape, limits)?;
    let Some(operation) = executed(&document.operations, operation_name) else {
        return Ok(shape);
    };
    if operation.ty != OperationType::Mutation {
        return Ok(shape);
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
    Ok(shape)
}

fn check_shape(shape: &Shape, limits: SizeLimits) -> Result<(), ServerError> {
    let (data, schema) = (shape.data, shape.schema);
    if data.fields > limits.max_selections as u64 {
        return Err(refusal(format!(
            "the query selects {} fields once its fragments are expanded; \
             at most {} are allowed (every field counts, __typename included)",
            data.fields, limits.max_selections
        )));
    }
    if data.depth > limits.max_depth as u64 {
        return Err(refusal(format!(
            "the query is nested {} levels deep; at most {} are allowed",
            data.depth, limits.max_depth
        )));
    }
    let budget = limits.introspection;
    if schema.fields > budget.max_selections as u64 {
        return Err(refusal(format!(
            "the introspection selects {} fields under __schema and __type once its \
             fragments are expanded; at most {} are allowed",
            schema.fields, budget.max_selections
        )));
    }
    if schema.depth > budget.max_depth as u64 {
        return Err(refusal(format!(
            "the introspection is nested {} levels deep; at most {} are allowed",
            schema.depth, budget.max_depth
        )));
    }
    if schema.lists >= MAX_INTROSPECTION_LISTS {
        return Err(refusal(format!(
            "Maximum introspection depth exceeded: at most {} nested lists of \
             fields, interfaces, possibleTypes or inputFields",
            MAX_INTROSPECTION_LISTS - 1
        )));
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
    memo: HashMap<&'a str, Shape>,
    open: Vec<&'a str>,
}

impl<'a> Sizes<'a> {
    fn of(&mut self, set: &'a SelectionSet) -> Result<Shape, ServerError> {
        let mut total = Shape::default();
        for selection in &set.items {
            let shape = match &selection.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    let inner = self.of(&field.node.selection_set.node)?;
                    if matches!(name, "__schema" | "__type") {
                        // Everything under it describes the schema.
                        let mut whole = inner.data;
                        whole.add(inner.schema);
                        Shape {
                            data: Part::default(),
                            schema: whole.under(name),
                        }
                    } else {
                        Shape {
                            data: inner.data.under(name),
                            schema: inner.schema.below(),
                        }
                    }
                }
                Selection::InlineFragment(inline) => self.of(&inline.node.selection_set.node)?,
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str())?
                }
            };
            total.add(shape);
        }
        Ok(total)
    }

    fn fragment(&mut self, name: &'a str) -> Result<Shape, ServerError> {
        if let Some(shape) = self.memo.get(name) {
            return Ok(*shape);
        }
        // An unknown fragment is left for validation to name.
        let Some(fragment) = self.fragments.get(name) else {
            return Ok(Shape::default());
        };
        if self.open.contains(&name) {
            return Err(refusal(format!("fragment `{name}` spreads itself")));
        }
        self.open.push(name);
        let shape = self.of(&fragment.node.selection_set.node)?;
        self.open.pop();
        self.memo.insert(name, shape);
        Ok(shape)
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
        max_depth: 4,
        max_mutations: 3,
        introspection: IntrospectionLimits {
            max_selections: 50,
            max_depth: 8,
        },
    };

    fn checked(query: &str) -> Result<Shape, ServerError> {
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
        assert_eq!(sizes.fragment("F").unwrap().data.fields, 2);
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

    #[test]
    fn depth_counts_levels_of_fields_but_not_typename() {
        assert!(checked("{ a { b { c { d __typename } } } }").is_ok());
        let error = checked("{ a { b { c { d { e } } } } }").unwrap_err();
        assert!(error.message.contains("5 levels deep"), "{}", error.message);
        assert!(checked("{ ...F } fragment F on Query { a { b { c { d { e } } } } }").is_err());
    }

    #[test]
    fn introspection_has_its_own_budget_and_the_data_keeps_its_own() {
        // Seven levels under `__schema` pass the introspection budget, not the data's.
        let shape =
            checked("{ __schema { types { fields { type { ofType { ofType { name } } } } } } }")
                .expect("within the introspection budget");
        assert_eq!(shape.introspection_complexity(), 7);
        assert_eq!(shape.data.fields, 0);
        // A fragment spread under `__type` is introspection too, and its
        // levels count from the root.
        let deep = "{ __type(name: \"A\") { ...T } } fragment T on __Type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } }";
        assert!(
            checked(deep)
                .unwrap_err()
                .message
                .contains("introspection is nested 9")
        );
        // The data beside it is counted as data.
        let mixed = checked("{ __typename a { b { c { d { e } } } } __schema { types { name } } }");
        assert!(mixed.unwrap_err().message.contains("query is nested 5"));
        let wide: String = (0..51).map(|i| format!("n{i}: name ")).collect();
        assert!(checked(&format!("{{ __schema {{ types {{ {wide} }} }} }}")).is_err());
    }

    #[test]
    fn introspection_that_multiplies_the_schema_by_itself_is_refused() {
        let two = "{ __schema { types { fields { type { inputFields { name } } } } } }";
        assert!(checked(two).is_ok());
        let three =
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
        let error = checked(three).unwrap_err();
        assert!(
            error.message.contains("Maximum introspection depth"),
            "{}",
            error.message
        );
        let through_fragments = "{ __schema { types { ...F } } } fragment F on __Type { fields { type { ...G } } } fragment G on __Type { interfaces { possibleTypes { name } } }";
        assert!(checked(through_fragments).is_err());
    }
}
