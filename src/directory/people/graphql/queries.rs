//! Queries of bodies and people: the bodies the viewer may see, one body by
//! its slug, and the people search of the coalition.

use super::types::{Body, BodyConnection, BodyKind, Person, PersonConnection};
use crate::directory::people::bodies;
use crate::directory::people::domain::{ExpertiseTerm, LanguageTag};
use crate::directory::people::search::{self, PeopleFilter};
use crate::graphql::connection::selects;
use crate::graphql::context::{actor, loaders, state};
use crate::graphql::loaders::prime;
use crate::ids;
use crate::pagination::{PageRequest, complexity};
use async_graphql::{Context, ID, InputObject, Object, Result};

/// What to look for among people; every criterion given must match.
#[derive(InputObject, Default)]
pub struct PeopleFilterInput {
    /// Speaks this language (a BCP 47 tag); `pt` also finds speakers of `pt-BR`.
    pub language: Option<String>,
    /// Knows an area whose name contains this text, ignoring case
    /// (`immigration` finds "immigration law").
    pub expertise: Option<String>,
    /// Sits on this body today.
    pub body_id: Option<ID>,
}

/// Queries of bodies and people.
#[derive(Default)]
pub struct PeopleQuery;

#[Object]
impl PeopleQuery {
    /// Bodies in the order they were recorded. The public sees public bodies only.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn bodies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only bodies of this kind.")] kind: Option<BodyKind>,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<BodyConnection> {
        let request = PageRequest::new(first, after, last, before)?;
        let found =
            bodies::bodies(&state(ctx)?.db, actor(ctx)?, kind.map(Into::into), &request).await?;
        if selects(ctx, "currentMembers") || selects(ctx, "vacancies") {
            prime(
                &loaders(ctx)?.people.current_members,
                found.items.iter().map(|b| b.id),
            )
            .await?;
        }
        if selects(ctx, "owningOrganization") {
            prime(
                &loaders(ctx)?.accounts.organizations,
                found.items.iter().filter_map(|b| b.owning_organization_id),
            )
            .await?;
        }
        Ok(BodyConnection::from_page(found, Body))
    }

    /// One body by its slug. `NOT_FOUND` when it does not exist or the viewer
    /// may not see it.
    async fn body(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The body's slug, e.g. `immigrant-advisory-group`.")] slug: String,
    ) -> Result<Body> {
        Ok(Body(
            bodies::body_by_slug(&state(ctx)?.db, actor(ctx)?, &slug).await?,
        ))
    }

    /// People of the directory matching a filter, in the order they were
    /// added: "who in the network speaks this language and knows this area"
    /// (members of the coalition).
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for; all people when absent.")] filter: Option<
            PeopleFilterInput,
        >,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<PersonConnection> {
        let request = PageRequest::new(first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let parsed = PeopleFilter {
            language: filter
                .language
                .as_deref()
                .map(|l| LanguageTag::parse(l, "filter.language"))
                .transpose()?,
            expertise: filter
                .expertise
                .as_deref()
                .map(|t| ExpertiseTerm::parse(t, "filter.expertise"))
                .transpose()?,
            body_id: filter
                .body_id
                .as_ref()
                .map(|id| ids::decode_as(id, "Body", "filter.bodyId"))
                .transpose()?,
        };
        let found = search::people(&state(ctx)?.db, actor(ctx)?, parsed, &request).await?;
        let lists = &loaders(ctx)?.people;
        let ids = || found.items.iter().map(|p| p.id);
        if selects(ctx, "contacts") {
            prime(&lists.contacts, ids()).await?;
        }
        if selects(ctx, "languages") {
            prime(&lists.languages, ids()).await?;
        }
        if selects(ctx, "expertise") {
            prime(&lists.expertise, ids()).await?;
        }
        if selects(ctx, "memberships") {
            prime(&lists.memberships, ids()).await?;
        }
        Ok(PersonConnection::from_page(found, Person))
    }
}
