//! Opaque global ids: base64url of `Type:uuid`, so that `node(id:)` can find
//! any record and clients never build ids by hand.

use crate::error::{AppError, AppResult};
use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

/// The global id of the record `id` of GraphQL type `type_name`.
pub fn encode(type_name: &str, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}")))
}

/// Splits a global id into its type name and uuid. `field` names the argument
/// in the error when the id is malformed.
pub fn decode(id: &ID, field: &str) -> AppResult<(String, Uuid)> {
    let malformed = || AppError::bad_input(field, "is not a valid id");
    let bytes = URL_SAFE_NO_PAD
        .decode(id.as_str())
        .map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let (type_name, uuid) = text.split_once(':').ok_or_else(malformed)?;
    let uuid = Uuid::parse_str(uuid).map_err(|_| malformed())?;
    Ok((type_name.to_owned(), uuid))
}

/// The uuid of a global id that must be of type `type_name`.
pub fn decode_as(id: &ID, type_name: &str, field: &str) -> AppResult<Uuid> {
    let (actual, uuid) = decode(id, field)?;
    if actual != type_name {
        return Err(AppError::bad_input(
            field,
            format!("is not the id of a {type_name}"),
        ));
    }
    Ok(uuid)
}

/// A new time-ordered id for a row.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encoded_id_decodes_to_its_type_and_uuid() {
        let uuid = new_id();
        let id = encode("Organization", uuid);
        assert_eq!(
            decode(&id, "id").unwrap(),
            ("Organization".to_owned(), uuid)
        );
    }

    #[test]
    fn an_id_of_another_type_is_rejected_naming_the_field() {
        let id = encode("User", new_id());
        let err = decode_as(&id, "Organization", "input.organizationId").unwrap_err();
        assert!(
            matches!(err, AppError::BadInput { ref field, .. } if field == "input.organizationId")
        );
    }

    #[test]
    fn garbage_is_a_bad_input_not_a_panic() {
        for raw in ["", "!!!", "T3JnYW5pemF0aW9u", "T3JnOm5vdC1hLXV1aWQ"] {
            assert!(decode(&ID(raw.into()), "id").is_err(), "{raw}");
        }
    }
}
