//! The text a service is found by: its own and its organization's names and
//! descriptions in every language, kept with the service and recomputed when
//! any of them changes.

use crate::error::AppResult;
use entity::{organization, organization_profile, service, translation};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

/// The lowercased text search looks in: the service's and its organization's
/// names and descriptions, in every language they are written in.
#[tracing::instrument(skip_all, fields(service = %service_id))]
pub async fn search_document(
    conn: &impl ConnectionTrait,
    service_id: Uuid,
    name: &str,
    description: &str,
    organization_id: Uuid,
) -> AppResult<String> {
    let organization = crate::db::find::<organization::Entity>(conn, organization_id).await?;
    let profile = organization_profile::Entity::find_by_id(organization_id)
        .one(conn)
        .await?;
    let translated = translation::Entity::find()
        .filter(
            Condition::any()
                .add(translation::Column::RecordId.eq(service_id))
                .add(translation::Column::RecordId.eq(organization_id)),
        )
        .filter(translation::Column::Field.is_in(["name", "description"]))
        .all(conn)
        .await?;
    let mut parts = vec![name.to_owned(), description.to_owned(), organization.name];
    parts.extend(profile.and_then(|p| p.description));
    parts.extend(translated.into_iter().map(|t| t.text));
    Ok(parts.join(" \n ").to_lowercase())
}

/// Recomputes the search text of every service of an organization (after its
/// name, profile or translations changed).
#[tracing::instrument(skip_all, fields(organization = %organization_id))]
pub async fn refresh_search_documents(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
) -> AppResult<()> {
    let services = service::Entity::find()
        .filter(service::Column::OrganizationId.eq(organization_id))
        .all(conn)
        .await?;
    for found in services {
        let document = search_document(
            conn,
            found.id,
            &found.name,
            &found.description,
            organization_id,
        )
        .await?;
        let mut active = found.into_active_model();
        active.search_document = Set(document);
        active.update(conn).await?;
    }
    Ok(())
}
