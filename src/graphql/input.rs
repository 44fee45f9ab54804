//! Checks every value a request carries (variables and literal arguments)
//! against what no field accepts, before anything runs: control characters in
//! text (a NUL byte makes PostgreSQL fail the statement) and dates outside a
//! sane range. The walk follows the schema's input types, so a date is known
//! as a date wherever it sits, and the error names the field as the client
//! wrote it (`input.displayName`, `filter.from`).

use crate::error::AppError;
use async_graphql::ServerError;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{Value as ConstValue, Variables};
use chrono::{DateTime, Datelike, NaiveDate};
use std::convert::Infallible;

/// The first day a date input may name.
pub const EARLIEST_DATE: &str = "1900-01-01";
/// The last day a date input may name.
pub const LATEST_DATE: &str = "2199-12-31";
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Refuses the request when a variable of the executed operation, or a literal
/// argument anywhere in the document, carries a value no field accepts.
pub fn check(
    registry: &Registry,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Result<(), ServerError> {
    let walker = Walker { registry };
    for (_, operation) in document.operations.iter() {
        let root = match operation.node.ty {
            async_graphql::parser::types::OperationType::Query => Some(&registry.query_type),
            async_graphql::parser::types::OperationType::Mutation => {
                registry.mutation_type.as_ref()
            }
            async_graphql::parser::types::OperationType::Subscription => {
                registry.subscription_type.as_ref()
            }
        };
        if let Some(root) = root {
            walker.selections(&operation.node.selection_set.node, root)?;
        }
    }
    for fragment in document.fragments.values() {
        let on = fragment.node.type_condition.node.on.node.as_str();
        walker.selections(&fragment.node.selection_set.node, on)?;
    }
    if let Some(operation) = super::limits::executed(&document.operations, operation_name) {
        for definition in &operation.variable_definitions {
            let name = definition.node.name.node.as_str();
            if let Some(value) = variables.get(name) {
                let ty = definition.node.var_type.node.to_string();
                walker.value(value, &ty, name)?;
            }
        }
    }
    Ok(())
}

struct Walker<'a> {
    registry: &'a Registry,
}

impl Walker<'_> {
    fn selections(&self, set: &SelectionSet, parent: &str) -> Result<(), ServerError> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    // Unknown fields and types are left for validation to name.
                    let Some(meta) = self
                        .registry
                        .types
                        .get(parent)
                        .and_then(|ty| ty.field_by_name(field.node.name.node.as_str()))
                    else {
                        continue;
                    };
                    for (name, value) in &field.node.arguments {
                        let Some(argument) = meta.args.get(name.node.as_str()) else {
                            continue;
                        };
                        let literal = value
                            .node
                            .clone()
                            .into_const_with(|_| Ok::<_, Infallible>(ConstValue::Null))
                            .unwrap_or(ConstValue::Null);
                        self.value(&literal, &argument.ty, name.node.as_str())?;
                    }
                    self.selections(
                        &field.node.selection_set.node,
                        MetaTypeName::concrete_typename(&meta.ty),
                    )?;
                }
                Selection::InlineFragment(inline) => {
                    let on = inline
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(parent, |c| c.node.on.node.as_str());
                    self.selections(&inline.node.selection_set.node, on)?;
                }
                // Fragments are walked once each, from their definitions.
                Selection::FragmentSpread(_) => {}
            }
        }
        Ok(())
    }

    fn value(&self, value: &ConstValue, ty: &str, path: &str) -> Result<(), ServerError> {
        match (MetaTypeName::create(ty), value) {
            (MetaTypeName::NonNull(inner), _) => self.value(value, inner, path),
            (MetaTypeName::List(inner), ConstValue::List(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(item, inner, &format!("{path}.{i}"))?;
                }
                Ok(())
            }
            // A single value where a list is expected is coerced to a list of one.
            (MetaTypeName::List(inner), _) => self.value(value, inner, path),
            (MetaTypeName::Named(name), ConstValue::Object(fields)) => {
                let Some(MetaType::InputObject { input_fields, .. }) =
                    self.registry.types.get(name)
                else {
                    return Ok(());
                };
                for (key, field_value) in fields {
                    if let Some(field) = input_fields.get(key.as_str()) {
                        self.value(field_value, &field.ty, &format!("{path}.{key}"))?;
                    }
                }
                Ok(())
            }
            (MetaTypeName::Named(name), ConstValue::String(text)) => {
                text_is_clean(text, path)?;
                match name {
                    "DateTime" => date_in_range(
                        DateTime::parse_from_rfc3339(text).ok().map(|d| d.year()),
                        path,
                    ),
                    "Date" => date_in_range(text.parse::<NaiveDate>().ok().map(|d| d.year()), path),
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }
}

/// Whether `c` is a control character that no text field accepts: C0 and C1
/// controls and DEL, except tab, line feed and carriage return.
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

fn text_is_clean(text: &str, path: &str) -> Result<(), ServerError> {
    match text.chars().find(|c| is_forbidden_control(*c)) {
        None => Ok(()),
        Some(c) => Err(refusal(
            path,
            format!(
                "must not contain control characters (found U+{:04X})",
                c as u32
            ),
        )),
    }
}

/// An unparsable date is left to the scalar, which names what it expects.
fn date_in_range(year: Option<i32>, path: &str) -> Result<(), ServerError> {
    match year {
        Some(year) if !YEARS.contains(&year) => Err(refusal(
            path,
            format!("must be a date between {EARLIEST_DATE} and {LATEST_DATE}"),
        )),
        _ => Ok(()),
    }
}

fn refusal(path: &str, message: String) -> ServerError {
    let (message, extensions) = AppError::bad_input(path, message).client_view();
    let mut error = ServerError::new(message, None);
    error.extensions = Some(extensions);
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_new_lines_are_text_but_nul_and_escape_are_not() {
        assert!(text_is_clean("line one\n\tline two\r\n", "f").is_ok());
        for bad in ["a\0b", "\u{1b}[31m", "\u{7f}", "\u{85}"] {
            assert!(text_is_clean(bad, "f").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dates_are_bounded_by_a_sane_range() {
        assert!(date_in_range(Some(1900), "d").is_ok());
        assert!(date_in_range(Some(2199), "d").is_ok());
        assert!(date_in_range(Some(-1), "d").is_err());
        assert!(date_in_range(Some(9999), "d").is_err());
        assert!(date_in_range(None, "d").is_ok());
    }
}
