//! Null propagation as the GraphQL specification defines it (§6.4.4, "Handling
//! Field Errors"): a field that fails is `null`, and when its type is non-null
//! the `null` moves up to the nearest nullable parent (list item, field, or in
//! the end `data` itself).
//!
//! async-graphql 7.2 does not do this: its `do_resolve_container`
//! (`resolver_utils/container.rs`) records a failed field's error and leaves
//! the field out of its object, so `organization { id members }` answered
//! `{"organization": {"id": ...}}`, an object generated clients cannot read.
//! This extension repairs each object as its field completes: it remembers
//! which fields failed and, one level up, puts in the `null` (nullable field)
//! or nulls the parent (non-null field), recursively.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextResolve, ResolveInfo,
};
use async_graphql::registry::MetaTypeName;
use async_graphql::{QueryPathNode, QueryPathSegment, Response, ServerResult, Value};
use std::sync::{Arc, Mutex};

/// Factory of the null-propagation extension (one instance per request).
pub struct NullPropagation;

impl ExtensionFactory for NullPropagation {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(NullPropagationExtension::default())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// A field whose value is missing from its object.
struct Failure {
    path: Vec<Segment>,
    non_null: bool,
}

#[derive(Default)]
struct NullPropagationExtension {
    failures: Mutex<Vec<Failure>>,
}

impl NullPropagationExtension {
    fn record(&self, path: Vec<Segment>, non_null: bool) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.push(Failure { path, non_null });
        }
    }

    /// Repairs `value`, found at `here` with type `ty`, for the failures of
    /// its direct fields; true when `value` itself must become null.
    fn repair(&self, value: &mut Value, ty: &str, here: &[Segment]) -> bool {
        let mine: Vec<Failure> = match self.failures.lock() {
            Ok(mut failures) if !failures.is_empty() => {
                let (mine, others) = failures
                    .drain(..)
                    .partition(|f| is_direct_field(&f.path, here));
                *failures = others;
                mine
            }
            _ => return false,
        };
        // Non-null failures first: they null objects, and a nullable failure
        // inside an object nulled that way must not bring it back.
        let (strict, lenient): (Vec<_>, Vec<_>) = mine.into_iter().partition(|f| f.non_null);
        let mut nulled: Vec<&[Segment]> = Vec::new();
        for failure in strict.iter().chain(&lenient) {
            let rel = &failure.path[here.len()..];
            if nulled.iter().any(|prefix| rel.starts_with(prefix)) {
                continue;
            }
            match apply(value, ty, rel, 0, failure.non_null) {
                Effect::Whole => return true,
                Effect::NulledAt(len) => nulled.push(&rel[..len]),
                Effect::Nothing => {}
            }
        }
        false
    }
}

/// Whether `path` is `here` followed by list indices and one field name.
fn is_direct_field(path: &[Segment], here: &[Segment]) -> bool {
    path.len() > here.len()
        && path.starts_with(here)
        && matches!(path.last(), Some(Segment::Key(_)))
        && path[here.len()..path.len() - 1]
            .iter()
            .all(|s| matches!(s, Segment::Index(_)))
}

/// What applying one failure did.
#[derive(Debug, PartialEq, Eq)]
enum Effect {
    /// A `null` was written in place of the missing field.
    Nothing,
    /// The list item at this many segments of the failure's path became null.
    NulledAt(usize),
    /// The value itself must become null.
    Whole,
}

/// Applies the failure at `rel[at..]` below `value` (of type `ty`).
fn apply(value: &mut Value, ty: &str, rel: &[Segment], at: usize, non_null: bool) -> Effect {
    let ty = match MetaTypeName::create(ty) {
        MetaTypeName::NonNull(inner) => inner,
        _ => ty,
    };
    match (&rel[at..], value) {
        ([Segment::Key(_)], _) if non_null => Effect::Whole,
        ([Segment::Key(key)], Value::Object(object)) => {
            object.insert(async_graphql::Name::new(key), Value::Null);
            Effect::Nothing
        }
        // async-graphql answers null for an object all of whose fields failed.
        ([Segment::Key(key)], value @ Value::Null) => {
            let mut object = async_graphql::indexmap::IndexMap::new();
            object.insert(async_graphql::Name::new(key), Value::Null);
            *value = Value::Object(object);
            Effect::Nothing
        }
        ([Segment::Index(i), ..], Value::List(items)) => {
            let MetaTypeName::List(item_ty) = MetaTypeName::create(ty) else {
                return Effect::Nothing;
            };
            let Some(item) = items.get_mut(*i) else {
                return Effect::Nothing;
            };
            match apply(item, item_ty, rel, at + 1, non_null) {
                Effect::Whole
                    if matches!(MetaTypeName::create(item_ty), MetaTypeName::NonNull(_)) =>
                {
                    Effect::Whole
                }
                Effect::Whole => {
                    *item = Value::Null;
                    Effect::NulledAt(at + 1)
                }
                other => other,
            }
        }
        _ => Effect::Nothing,
    }
}

fn path_of(node: &QueryPathNode<'_>) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut current = Some(node);
    while let Some(node) = current {
        segments.push(match node.segment {
            QueryPathSegment::Name(name) => Segment::Key(name.to_owned()),
            QueryPathSegment::Index(index) => Segment::Index(index),
        });
        current = node.parent;
    }
    segments.reverse();
    segments
}

#[async_trait::async_trait]
impl Extension for NullPropagationExtension {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let path_node = info.path_node;
        let return_type = info.return_type;
        let non_null = matches!(MetaTypeName::create(return_type), MetaTypeName::NonNull(_));
        match next.run(ctx, info).await {
            // The container records the error and leaves the field out.
            Err(error) => {
                self.record(path_of(path_node), non_null);
                Err(error)
            }
            Ok(Some(mut value)) => {
                let here = path_of(path_node);
                if self.repair(&mut value, return_type, &here) {
                    if non_null {
                        self.record(here, true);
                    }
                    return Ok(Some(Value::Null));
                }
                Ok(Some(value))
            }
            Ok(None) => Ok(None),
        }
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        if self.repair(&mut response.data, "Root!", &[]) {
            response.data = Value::Null;
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::value;

    fn key(k: &str) -> Segment {
        Segment::Key(k.into())
    }

    fn failing(failures: Vec<(Vec<Segment>, bool)>) -> NullPropagationExtension {
        let extension = NullPropagationExtension::default();
        for (path, non_null) in failures {
            extension.record(path, non_null);
        }
        extension
    }

    #[test]
    fn a_failed_nullable_field_becomes_null() {
        let extension = failing(vec![(vec![key("org"), key("members")], false)]);
        let mut org = value!({ "id": "1" });
        assert!(!extension.repair(&mut org, "Organization", &[key("org")]));
        assert_eq!(org, value!({ "id": "1", "members": null }));
    }

    #[test]
    fn a_failed_non_null_field_nulls_its_parent() {
        let extension = failing(vec![(vec![key("org"), key("members")], true)]);
        let mut org = value!({ "id": "1" });
        assert!(extension.repair(&mut org, "Organization", &[key("org")]));
    }

    #[test]
    fn an_object_whose_only_field_failed_gets_that_field_as_null() {
        let extension = failing(vec![(vec![key("org")], false)]);
        let mut data = Value::Null;
        assert!(!extension.repair(&mut data, "Root!", &[]));
        assert_eq!(data, value!({ "org": null }));
    }

    #[test]
    fn a_failed_non_null_field_of_a_nullable_list_item_nulls_only_the_item() {
        let here = [key("things")];
        let extension = failing(vec![
            (vec![key("things"), Segment::Index(1), key("name")], true),
            (vec![key("things"), Segment::Index(1), key("note")], false),
        ]);
        let mut list = value!([{ "id": "1" }, { "id": "2" }]);
        assert!(!extension.repair(&mut list, "[Thing]!", &here));
        assert_eq!(list, value!([{ "id": "1" }, null]));

        let extension = failing(vec![(
            vec![key("things"), Segment::Index(0), key("name")],
            true,
        )]);
        let mut strict = value!([{ "id": "1" }]);
        assert!(extension.repair(&mut strict, "[Thing!]!", &here));
    }

    #[test]
    fn direct_fields_are_told_from_deeper_ones() {
        let here = [key("a")];
        assert!(is_direct_field(&[key("a"), key("b")], &here));
        assert!(is_direct_field(
            &[key("a"), Segment::Index(3), key("b")],
            &here
        ));
        assert!(!is_direct_field(&[key("a"), key("b"), key("c")], &here));
        assert!(!is_direct_field(&[key("x"), key("b")], &here));
    }
}
