//! The `Node` interface and the `node`/`nodes` lookups: any record by its
//! global id, subject to the same policy as everywhere else.

use super::context::{actor, state};
use crate::accounts;
use crate::accounts::graphql::{ApiKey, Invitation, Membership, Organization, User};
use crate::audit::graphql::AuditEntry;
use crate::audit::reads::ReadLog;
use crate::audit::service as audit;
use crate::directory::localize::PreferredLanguages;
use crate::directory::people;
use crate::directory::people::graphql::{Body, BodyMembership, Person};
use crate::directory::services::graphql::Service;
use crate::directory::services::service as services;
use crate::directory::taxonomy::graphql::TaxonomyTerm;
use crate::directory::taxonomy::service as taxonomy;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::records;
use crate::records::graphql::types::{ActionItem, AgendaItem, Meeting, Minutes, Motion};
use crate::referrals;
use crate::referrals::graphql::{Client, Consent, Referral};
use async_graphql::{Context, ID, Interface, Object, Result};
use std::sync::Arc;

/// Anything with a global id that `node(id:)` can find.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    /// A member organization.
    Organization(Organization),
    /// A user account.
    User(User),
    /// A user's role in an organization.
    Membership(Membership),
    /// An invitation to join an organization.
    Invitation(Invitation),
    /// An organization's API key.
    ApiKey(ApiKey),
    /// An audit log entry.
    AuditEntry(AuditEntry),
    /// A service an organization offers.
    Service(Service),
    /// A term of the service taxonomy.
    TaxonomyTerm(TaxonomyTerm),
    /// A person served by an organization (its staff only).
    Client(Client),
    /// A client's consent (the client's organization's staff only).
    Consent(Consent),
    /// A referral (members of either organization only).
    Referral(Referral),
    /// A body of the directory (advisory group, committee, commission).
    Body(Body),
    /// A person of the directory.
    Person(Person),
    /// A person's place on a body for a term.
    BodyMembership(BodyMembership),
    /// A meeting of a body.
    Meeting(Meeting),
    /// An item of a meeting's agenda (the public sees published agendas).
    AgendaItem(AgendaItem),
    /// A motion or amendment.
    Motion(Motion),
    /// Minutes of a meeting (the public sees published ones).
    Minutes(Minutes),
    /// An action item decided at a meeting.
    ActionItem(ActionItem),
}

/// Most ids one `nodes` call may ask for.
const MAX_NODES: usize = 100;

async fn find(ctx: &Context<'_>, id: &ID, field: &str) -> AppResult<Node> {
    let (type_name, uuid) = ids::decode(id, field)?;
    let db = &state(ctx)?.db;
    let actor = actor(ctx)?;
    Ok(match type_name.as_str() {
        "Organization" => Node::Organization(Organization(accounts::organization(db, uuid).await?)),
        "User" => Node::User(User(accounts::user(db, actor, uuid).await?)),
        "Membership" => Node::Membership(Membership(accounts::membership(db, actor, uuid).await?)),
        "Invitation" => Node::Invitation(Invitation(accounts::invitation(db, actor, uuid).await?)),
        "ApiKey" => Node::ApiKey(ApiKey(accounts::api_key(db, actor, uuid).await?)),
        "AuditEntry" => Node::AuditEntry(AuditEntry(audit::get(db, actor, uuid).await?)),
        "Service" => Node::Service(Service::new(
            services::service(db, actor, uuid).await?,
            Arc::new(PreferredLanguages::default()),
        )),
        "TaxonomyTerm" => Node::TaxonomyTerm(TaxonomyTerm(taxonomy::term(db, uuid).await?)),
        "Client" => {
            let reads = ctx
                .data::<ReadLog>()
                .map_err(|_| AppError::Internal("request without a read log".into()))?;
            Node::Client(Client(referrals::client(db, actor, reads, uuid).await?))
        }
        "Consent" => Node::Consent(Consent(referrals::consent(db, actor, uuid).await?)),
        "Referral" => Node::Referral(Referral(referrals::referral(db, actor, uuid).await?)),
        "Body" => Node::Body(Body(people::body(db, actor, uuid).await?)),
        "Person" => Node::Person(Person(people::person(db, actor, uuid).await?)),
        "BodyMembership" => {
            Node::BodyMembership(BodyMembership(people::membership(db, actor, uuid).await?))
        }
        "Meeting" => Node::Meeting(records::graphql::prime::primed_meeting(ctx, uuid).await?),
        "AgendaItem" => {
            let (item, found) = records::agenda::item(db, actor, uuid).await?;
            Node::AgendaItem(AgendaItem::new(item, found.body.access))
        }
        "Motion" => {
            let (m, found) = records::motions::motion(db, actor, uuid).await?;
            Node::Motion(Motion::new(m, found.body.access))
        }
        "Minutes" => {
            let (m, found) = records::minutes::minutes(db, actor, uuid).await?;
            Node::Minutes(Minutes::new(m, found.body.access))
        }
        "ActionItem" => Node::ActionItem(
            records::action_items::action_item(db, actor, uuid)
                .await?
                .into(),
        ),
        _ => return Err(AppError::NotFound),
    })
}

/// The `node` and `nodes` queries.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The record with this global id. `NOT_FOUND` when it does not exist or
    /// the viewer may not see it: the two cannot be told apart.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id.")] id: ID,
    ) -> Result<Node> {
        Ok(find(ctx, &id, "id").await?)
    }

    /// The records with these global ids, in the same order; `null` where a
    /// record does not exist or the viewer may not see it. At most 100 ids.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids (at most 100).")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(
                AppError::bad_input("ids", format!("at most {MAX_NODES} ids per call")).into(),
            );
        }
        let mut found = Vec::with_capacity(ids.len());
        for (index, id) in ids.iter().enumerate() {
            match find(ctx, id, &format!("ids.{index}")).await {
                Ok(node) => found.push(Some(node)),
                Err(AppError::NotFound) => found.push(None),
                Err(other) => return Err(other.into()),
            }
        }
        Ok(found)
    }
}
