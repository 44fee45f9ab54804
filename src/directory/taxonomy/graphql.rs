//! GraphQL view of the taxonomy.

use super::service::{self, NewTerm, TermPatch};
use crate::domain::required_text;
use crate::domain::{Name, Slug};
use crate::error::AppError;
use crate::graphql::context::{actor, loaders, state};
use crate::ids;
use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::taxonomy_term;

/// A term of the coalition's service taxonomy (HSDS `taxonomy_term`). Terms nest.
pub struct TaxonomyTerm(pub taxonomy_term::Model);

/// A term of the coalition's service taxonomy (HSDS `taxonomy_term`). Terms nest.
#[Object]
impl TaxonomyTerm {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("TaxonomyTerm", self.0.id)
    }
    /// Stable code, used in filters and imports (e.g. `immigration-legal-help`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What belongs under this term.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The broader term, if any.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<TaxonomyTerm>> {
        let Some(parent) = self.0.parent_id else {
            return Ok(None);
        };
        let found = loaders(ctx)?
            .directory
            .terms
            .load_one(parent)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(found.map(TaxonomyTerm))
    }
}

/// A term's content.
#[derive(InputObject)]
pub struct TaxonomyTermInput {
    /// Stable code: lowercase letters, digits and inner hyphens.
    pub code: String,
    /// Display name.
    pub name: String,
    /// What belongs under the term.
    pub description: String,
    /// The broader term, if any.
    pub parent_id: Option<ID>,
}

impl TaxonomyTermInput {
    fn parse(self) -> Result<TermPatch, AppError> {
        Ok(TermPatch {
            code: Slug::parse(&self.code, "input.code")?.as_str().to_owned(),
            name: Name::parse(&self.name, "input.name")?.as_str().to_owned(),
            description: required_text(&self.description, "input.description", 2000)?,
            parent_id: self
                .parent_id
                .map(|id| ids::decode_as(&id, "TaxonomyTerm", "input.parentId"))
                .transpose()?,
        })
    }
}

/// A term to change, with its new content.
#[derive(InputObject)]
pub struct UpdateTaxonomyTermInput {
    /// The term to change.
    pub term_id: ID,
    /// Its new content (every field replaced).
    #[graphql(flatten)]
    pub term: TaxonomyTermInput,
}

/// Queries of the taxonomy.
#[derive(Default)]
pub struct TaxonomyQuery;

#[Object]
impl TaxonomyQuery {
    /// Every term of the taxonomy, broader terms before narrower ones. Public.
    async fn taxonomy(&self, ctx: &Context<'_>) -> Result<Vec<TaxonomyTerm>> {
        Ok(service::terms(&state(ctx)?.db)
            .await?
            .into_iter()
            .map(TaxonomyTerm)
            .collect())
    }
}

/// Mutations of the taxonomy (coordinators).
#[derive(Default)]
pub struct TaxonomyMutation;

#[Object]
impl TaxonomyMutation {
    /// Adds a term to the taxonomy (coordinators).
    async fn create_taxonomy_term(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The term.")] input: TaxonomyTermInput,
    ) -> Result<TaxonomyTerm> {
        let input = NewTerm {
            id: None,
            term: input.parse()?,
        };
        Ok(TaxonomyTerm(
            service::create_term(&state(ctx)?.db, actor(ctx)?, input).await?,
        ))
    }

    /// Renames, redescribes or moves a term (coordinators).
    async fn update_taxonomy_term(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The term and its new content.")] input: UpdateTaxonomyTermInput,
    ) -> Result<TaxonomyTerm> {
        let id = ids::decode_as(&input.term_id, "TaxonomyTerm", "input.termId")?;
        let input = input.term.parse()?;
        Ok(TaxonomyTerm(
            service::update_term(&state(ctx)?.db, actor(ctx)?, id, input).await?,
        ))
    }
}
