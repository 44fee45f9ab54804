//! The object types and enums of bodies, people, contacts and memberships.
//! Nested lists come from the request's loaders and pass through the
//! services' visibility filters before they are shown.

use crate::directory::graphql::{ContactKind, ContactVisibility};
use crate::directory::people::contacts::visible_contacts;
use crate::directory::people::memberships::{self, visible_memberships};
use crate::directory::people::seating::{self, MembershipView};
use crate::error::{AppError, AppResult};
use crate::graphql::context::{actor, loaders, state};
use crate::graphql::loaders::{list_of, prime, record_of};
use crate::graphql::organization::{Organization, load_organization};
use crate::graphql::scalars::Date;
use crate::pagination::{PageRequest, complexity};
use crate::{connection, ids, mirror_enum, policy};
use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{body, person, person_contact};
use std::collections::HashSet;
use uuid::Uuid;

mirror_enum! {
    /// What kind of body it is.
    BodyKind mirrors entity::body::BodyKind {
        /// Community stakeholders who share information and resources across agencies.
        AdvisoryGroup,
        /// A working committee of the coalition.
        Committee,
        /// A neighborhood welcoming committee, usually run by a library.
        WelcomingCommittee,
        /// A public commission that meets, votes and keeps minutes.
        Commission,
    }
}

mirror_enum! {
    /// The post a person holds on a body.
    BodyPost mirrors entity::body_membership::Post {
        /// Presides; holds a voting seat.
        Chair,
        /// Presides in the chair's absence; holds a voting seat.
        ViceChair,
        /// Holds a voting seat.
        Member,
        /// Sits by virtue of another office; takes no seat.
        ExOfficio,
        /// Staff supporting the body; takes no seat.
        StaffLiaison,
        /// Keeps the body's records; holds a voting seat.
        Secretary,
    }
}

connection!(BodyConnection, BodyEdge, Body, "bodies");
connection!(PersonConnection, PersonEdge, Person, "people");
connection!(
    BodyMembershipConnection,
    BodyMembershipEdge,
    BodyMembership,
    "body memberships"
);

/// Loads, in one query per kind, what the selected fields of `members` will
/// ask for, so a roster costs the same number of statements whatever its size.
async fn prime_members(
    ctx: &Context<'_>,
    members: &[MembershipView],
    wants: impl Fn(&str) -> bool,
    wants_in_person: impl Fn(&str) -> bool,
) -> AppResult<()> {
    let loaders = loaders(ctx)?;
    let people = || members.iter().map(|m| m.membership.person_id);
    if wants("person") {
        prime(&loaders.people.people, people()).await?;
    }
    let lists = &loaders.people;
    if wants_in_person("contacts") {
        prime(&lists.contacts, people()).await?;
    }
    if wants_in_person("languages") {
        prime(&lists.languages, people()).await?;
    }
    if wants_in_person("expertise") {
        prime(&lists.expertise, people()).await?;
    }
    if wants_in_person("memberships") {
        prime(&lists.memberships, people()).await?;
    }
    if wants("organization") {
        prime(
            &loaders.accounts.organizations,
            members.iter().filter_map(|m| m.membership.organization_id),
        )
        .await?;
    }
    if wants("body") {
        prime(
            &loaders.people.bodies,
            members.iter().map(|m| m.membership.body_id),
        )
        .await?;
    }
    Ok(())
}

/// A body people sit on: the advisory group, a committee, a neighborhood
/// welcoming committee, the commission. Non-public bodies are visible to
/// members of the coalition only.
pub struct Body(pub body::Model);

/// A body people sit on: the advisory group, a committee, a neighborhood
/// welcoming committee, the commission. Non-public bodies are visible to
/// members of the coalition only.
#[Object]
impl Body {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Body", self.0.id)
    }
    /// Unique, URL-friendly identifier.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What kind of body it is.
    async fn kind(&self) -> BodyKind {
        self.0.kind.into()
    }
    /// What the body does.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The organization that runs the body (a library running its welcoming
    /// committee); null for the coalition's and the city's bodies.
    async fn owning_organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        let Some(id) = self.0.owning_organization_id else {
            return Ok(None);
        };
        Ok(Some(load_organization(ctx, id).await?))
    }
    /// Number of voting seats.
    async fn seats(&self) -> i32 {
        self.0.seats
    }
    /// Voting seats nobody holds today (never below zero). Ex officio members
    /// and staff liaisons take no seat.
    async fn vacancies(&self, ctx: &Context<'_>) -> Result<i32> {
        let seated = list_of(&loaders(ctx)?.people.current_members, self.0.id).await?;
        Ok(seating::vacancies(&self.0, &seated))
    }
    /// Who appoints the members, e.g. "The Mayor, with the consent of the Council".
    async fn appointing_authority(&self) -> &str {
        &self.0.appointing_authority
    }
    /// Whether the body and its current members are public.
    async fn records_public(&self) -> bool {
        self.0.records_public
    }
    /// Whether a member whose term has ended keeps the seat until replaced.
    async fn holdovers_allowed(&self) -> bool {
        self.0.holdovers_allowed
    }
    /// IANA time zone where the body meets, e.g. `America/New_York`; "today"
    /// for seating and vacancies is the date there.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }
    /// Who sits on the body today, holdovers included, officers first.
    async fn current_members(&self, ctx: &Context<'_>) -> Result<Vec<BodyMembership>> {
        let seated = list_of(&loaders(ctx)?.people.current_members, self.0.id).await?;
        let ahead = ctx.look_ahead();
        prime_members(
            ctx,
            &seated,
            |f| ahead.field(f).exists(),
            |f| ahead.field("person").field(f).exists(),
        )
        .await?;
        Ok(seated.into_iter().map(BodyMembership).collect())
    }
    /// Every membership of the body over time, past ones included, in the
    /// order they were recorded (members of the coalition).
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn memberships(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<BodyMembershipConnection> {
        let request = PageRequest::new(first, after, last, before)?;
        let found =
            memberships::body_memberships(&state(ctx)?.db, actor(ctx)?, &self.0, &request).await?;
        let ahead = ctx.look_ahead();
        let nodes = [ahead.field("nodes"), ahead.field("edges").field("node")];
        prime_members(
            ctx,
            &found.items,
            |f| nodes.iter().any(|n| n.field(f).exists()),
            |f| nodes.iter().any(|n| n.field("person").field(f).exists()),
        )
        .await?;
        Ok(BodyMembershipConnection::from_page(found, BodyMembership))
    }
    /// Whether the viewer may appoint members to this body and end their memberships.
    async fn viewer_can_manage_memberships(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(policy::may_manage_body_memberships(
            actor(ctx)?,
            self.0.owning_organization_id,
        ))
    }
    /// When the body was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the body's record last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A person of the directory: who sits on which body, what they know, which
/// languages they speak. Members of the coalition see everyone; the public
/// sees people sitting today on a public body.
pub struct Person(pub person::Model);

/// A person of the directory: who sits on which body, what they know, which
/// languages they speak. Members of the coalition see everyone; the public
/// sees people sitting today on a public body.
#[Object]
impl Person {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Person", self.0.id)
    }
    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Pronouns, e.g. "she/her".
    async fn pronouns(&self) -> Option<&str> {
        self.0.pronouns.as_deref()
    }
    /// A short bio.
    async fn bio(&self) -> Option<&str> {
        self.0.bio.as_deref()
    }
    /// Languages spoken, as BCP 47 tags (`es`, `pt-BR`).
    async fn languages(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(list_of(&loaders(ctx)?.people.languages, self.0.id).await?)
    }
    /// Areas of expertise, e.g. "immigration law".
    async fn expertise(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(list_of(&loaders(ctx)?.people.expertise, self.0.id).await?)
    }
    /// Contact details the viewer may see: `PUBLIC` ones for everyone,
    /// `COALITION` ones for members of the coalition. Others are absent.
    async fn contacts(&self, ctx: &Context<'_>) -> Result<Vec<PersonContact>> {
        let all = list_of(&loaders(ctx)?.people.contacts, self.0.id).await?;
        Ok(visible_contacts(actor(ctx)?, all)
            .into_iter()
            .map(PersonContact)
            .collect())
    }
    /// The person's memberships over time, oldest first. The public sees only
    /// the memberships seating the person today on a public body.
    async fn memberships(&self, ctx: &Context<'_>) -> Result<Vec<BodyMembership>> {
        let loaders = loaders(ctx)?;
        let all = list_of(&loaders.people.memberships, self.0.id).await?;
        let public: HashSet<Uuid> = loaders
            .people
            .bodies
            .load_many(all.iter().map(|m| m.membership.body_id))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .into_values()
            .filter(|b| b.records_public)
            .map(|b| b.id)
            .collect();
        let visible = visible_memberships(actor(ctx)?, all, |b| public.contains(&b));
        let ahead = ctx.look_ahead();
        prime_members(
            ctx,
            &visible,
            |f| ahead.field(f).exists(),
            |f| ahead.field("person").field(f).exists(),
        )
        .await?;
        Ok(visible.into_iter().map(BodyMembership).collect())
    }
    /// Whether the viewer may edit this profile and its contacts (coordinators,
    /// and the person through their linked account).
    async fn viewer_can_edit(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(policy::may_edit_person(actor(ctx)?, self.0.user_id))
    }
    /// When the person was added to the directory.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the profile last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A contact detail of a person.
pub struct PersonContact(pub person_contact::Model);

/// A contact detail of a person.
#[Object]
impl PersonContact {
    /// Opaque id, to remove the contact.
    async fn id(&self) -> ID {
        ids::encode("PersonContact", self.0.id)
    }
    /// What it is.
    async fn kind(&self) -> ContactKind {
        self.0.kind.into()
    }
    /// The address or number.
    async fn value(&self) -> &str {
        &self.0.value
    }
    /// E.g. "Office".
    async fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }
    /// Who may see it.
    async fn visibility(&self) -> ContactVisibility {
        self.0.visibility.into()
    }
    /// When it was added.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A person's place on a body in a post for a term. Memberships are history:
/// a successor is a new membership, and an ended one keeps its dates.
pub struct BodyMembership(pub MembershipView);

/// A person's place on a body in a post for a term. Memberships are history:
/// a successor is a new membership, and an ended one keeps its dates.
#[Object]
impl BodyMembership {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("BodyMembership", self.0.membership.id)
    }
    /// The body.
    async fn body(&self, ctx: &Context<'_>) -> Result<Body> {
        let id = self.0.membership.body_id;
        Ok(Body(
            record_of(&loaders(ctx)?.people.bodies, id, "body").await?,
        ))
    }
    /// The person.
    async fn person(&self, ctx: &Context<'_>) -> Result<Person> {
        let id = self.0.membership.person_id;
        Ok(Person(
            record_of(&loaders(ctx)?.people.people, id, "person").await?,
        ))
    }
    /// The post held.
    async fn post(&self) -> BodyPost {
        self.0.membership.post.into()
    }
    /// Whether the post takes one of the body's voting seats (not so for ex
    /// officio members and staff liaisons).
    async fn holds_seat(&self) -> bool {
        self.0.membership.post.holds_seat()
    }
    /// The organization the person represents on the body, if any.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        let Some(id) = self.0.membership.organization_id else {
            return Ok(None);
        };
        Ok(Some(load_organization(ctx, id).await?))
    }
    /// First day of the term.
    async fn start_date(&self) -> Date {
        self.0.membership.start_date.into()
    }
    /// Scheduled last day of the term; null for an open-ended place.
    async fn end_date(&self) -> Option<Date> {
        self.0.membership.end_date.map(Into::into)
    }
    /// The day the person actually left the place (resigned, removed or
    /// replaced); null while they have not.
    async fn ended_on(&self) -> Option<Date> {
        self.0.membership.ended_on.map(Into::into)
    }
    /// Who appointed the person.
    async fn appointed_by(&self) -> &str {
        &self.0.membership.appointed_by
    }
    /// The membership this one succeeded, when the viewer may see it.
    async fn replaces(&self, ctx: &Context<'_>) -> Result<Option<BodyMembership>> {
        let Some(id) = self.0.membership.replaces_membership_id else {
            return Ok(None);
        };
        match memberships::membership(&state(ctx)?.db, actor(ctx)?, id).await {
            Ok(found) => Ok(Some(BodyMembership(found))),
            Err(AppError::NotFound) => Ok(None),
            Err(other) => Err(other.into()),
        }
    }
    /// Whether the person sits on the body today (in the body's time zone).
    async fn seated_today(&self) -> bool {
        self.0.seating.seated
    }
    /// Whether the person sits today as a holdover: the term has ended and
    /// the body keeps members until their successor starts.
    async fn holdover(&self) -> bool {
        self.0.seating.holdover
    }
    /// When the membership was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.membership.created_at
    }
    /// When the membership's record last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.membership.updated_at
    }
}
