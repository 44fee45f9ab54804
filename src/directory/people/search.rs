//! Finding people: "who in the network speaks this language and knows this
//! area", optionally among those sitting today on a body (coalition members).

use super::bodies::body;
use super::domain::{ExpertiseTerm, LanguageTag};
use super::seating::{seated_by_body, today_at};
use crate::auth::Actor;
use crate::error::AppResult;
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy;
use entity::{person, person_expertise, person_language};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// What to look for among people; every given criterion must match.
#[derive(Default)]
pub struct PeopleFilter {
    /// Speaks this language; `pt` also finds `pt-BR`.
    pub language: Option<LanguageTag>,
    /// Knows an area whose name contains this text, ignoring case.
    pub expertise: Option<ExpertiseTerm>,
    /// Sits on this body today.
    pub body_id: Option<Uuid>,
}

/// Escapes `%`, `_` and `\` for a `LIKE` pattern with `\` as escape.
fn like_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// A page of people matching `filter`: "who in the network speaks this
/// language and knows this area" (coalition members).
#[tracing::instrument(skip_all)]
pub async fn people(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: PeopleFilter,
    page: &PageRequest,
) -> AppResult<Page<person::Model>> {
    policy::authorize(
        actor,
        policy::is_coalition_member(actor),
        "search the people of the directory",
    )?;
    let mut select = person::Entity::find();
    if let Some(language) = filter.language {
        let speakers = Query::select()
            .column(person_language::Column::PersonId)
            .from(person_language::Entity)
            .cond_where(
                Condition::any()
                    .add(Expr::col(person_language::Column::Tag).eq(language.as_str()))
                    .add(Expr::col(person_language::Column::Tag).like(
                        LikeExpr::new(format!("{}-%", like_escape(language.as_str()))).escape('\\'),
                    )),
            )
            .to_owned();
        select = select.filter(person::Column::Id.in_subquery(speakers));
    }
    if let Some(term) = filter.expertise {
        let pattern = format!("%{}%", like_escape(&term.as_str().to_lowercase()));
        let knowers = Query::select()
            .column(person_expertise::Column::PersonId)
            .from(person_expertise::Entity)
            .and_where(
                Expr::expr(Func::lower(Expr::col(person_expertise::Column::Term)))
                    .like(LikeExpr::new(pattern).escape('\\')),
            )
            .to_owned();
        select = select.filter(person::Column::Id.in_subquery(knowers));
    }
    if let Some(body_id) = filter.body_id {
        let body = body(db, actor, body_id).await?;
        let seated: Vec<Uuid> = seated_by_body(db, &[body.id], today_at)
            .await?
            .remove(&body.id)
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.membership.person_id)
            .collect();
        select = select.filter(person::Column::Id.is_in(seated));
    }
    paginate(
        db,
        select,
        person::Column::CreatedAt,
        person::Column::Id,
        page,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_search_text_are_escaped() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
