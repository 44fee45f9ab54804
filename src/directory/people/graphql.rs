//! GraphQL types, queries and mutations of bodies, people and memberships.
//! Resolvers parse input, call [`super::service`] with the actor and map the
//! result; nested lists come from the request's loaders.

use super::domain::{
    ContactValue, ExpertiseTerm, LanguageTag, Seats, Text, TimeZone, expertise_list, language_list,
};
use super::service::{self, MembershipView};
use crate::directory::graphql::{ContactKind, ContactVisibility};
use crate::domain::{Name, Slug};
use crate::error::{AppError, AppResult};
use crate::graphql::connection::selects;
use crate::graphql::context::{actor, loaders, state};
use crate::graphql::loaders::{list_of, prime, record_of};
use crate::graphql::organization::{Organization, load_organization};
use crate::ids;
use crate::pagination::{PageRequest, complexity};
use crate::{connection, mirror_enum};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
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

// ---------------------------------------------------------------- Body

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
        Ok(service::vacancies(&self.0, &seated))
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
            service::body_memberships(&state(ctx)?.db, actor(ctx)?, &self.0, &request).await?;
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
        Ok(crate::policy::may_manage_body_memberships(
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

// ---------------------------------------------------------------- Person

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
        Ok(service::visible_contacts(actor(ctx)?, all)
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
        let visible = service::visible_memberships(actor(ctx)?, all, |b| public.contains(&b));
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
        Ok(service::may_edit(actor(ctx)?, &self.0))
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

// ---------------------------------------------------------------- PersonContact

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

// ---------------------------------------------------------------- BodyMembership

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
    async fn start_date(&self) -> NaiveDate {
        self.0.membership.start_date
    }
    /// Scheduled last day of the term; null for an open-ended place.
    async fn end_date(&self) -> Option<NaiveDate> {
        self.0.membership.end_date
    }
    /// The day the person actually left the place (resigned, removed or
    /// replaced); null while they have not.
    async fn ended_on(&self) -> Option<NaiveDate> {
        self.0.membership.ended_on
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
        match service::membership(&state(ctx)?.db, actor(ctx)?, id).await {
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

// ---------------------------------------------------------------- queries

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
            service::bodies(&state(ctx)?.db, actor(ctx)?, kind.map(Into::into), &request).await?;
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
            service::body_by_slug(&state(ctx)?.db, actor(ctx)?, &slug).await?,
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
        let parsed = service::PeopleFilter {
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
        let found = service::people(&state(ctx)?.db, actor(ctx)?, parsed, &request).await?;
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

// ---------------------------------------------------------------- mutations

/// A new body.
#[derive(InputObject)]
pub struct CreateBodyInput {
    /// Unique URL identifier: 2 to 64 lowercase letters, digits or inner hyphens.
    pub slug: String,
    /// Display name, 1 to 200 characters.
    pub name: String,
    /// What kind of body.
    pub kind: BodyKind,
    /// What the body does, at most 4000 characters.
    pub description: String,
    /// The organization that runs the body, if any.
    pub owning_organization_id: Option<ID>,
    /// Number of voting seats, 1 to 500.
    pub seats: i32,
    /// Who appoints the members.
    pub appointing_authority: String,
    /// Whether the body and its current members are public.
    pub records_public: bool,
    /// Whether a member whose term has ended keeps the seat until replaced.
    pub holdovers_allowed: bool,
    /// IANA time zone where the body meets, e.g. `America/New_York`.
    pub time_zone: String,
}

/// Changes to a body; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateBodyInput {
    /// The body to change.
    pub body_id: ID,
    /// New slug.
    pub slug: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New kind.
    pub kind: Option<BodyKind>,
    /// New description.
    pub description: Option<String>,
    /// New owning organization; null makes the body the coalition's own.
    pub owning_organization_id: MaybeUndefined<ID>,
    /// New number of voting seats.
    pub seats: Option<i32>,
    /// New appointing authority.
    pub appointing_authority: Option<String>,
    /// Whether the body and its current members are public.
    pub records_public: Option<bool>,
    /// Whether holdovers keep their seats.
    pub holdovers_allowed: Option<bool>,
    /// New IANA time zone.
    pub time_zone: Option<String>,
}

/// A new person of the directory.
#[derive(InputObject)]
pub struct CreatePersonInput {
    /// Full name, 1 to 200 characters.
    pub name: String,
    /// Pronouns, e.g. "she/her".
    pub pronouns: Option<String>,
    /// A short bio, at most 2000 characters.
    pub bio: Option<String>,
    /// Languages spoken, as BCP 47 tags (`es`, `pt-BR`).
    #[graphql(default)]
    pub languages: Vec<String>,
    /// Areas of expertise (at most 30, each at most 80 characters).
    #[graphql(default)]
    pub expertise: Vec<String>,
    /// The person's user account, so they can edit their own profile.
    pub user_id: Option<ID>,
}

/// Changes to a person; absent fields stay as they are, null clears.
#[derive(InputObject)]
pub struct UpdatePersonInput {
    /// The person to change.
    pub person_id: ID,
    /// New name.
    pub name: Option<String>,
    /// New pronouns, or null to clear them.
    pub pronouns: MaybeUndefined<String>,
    /// New bio, or null to clear it.
    pub bio: MaybeUndefined<String>,
    /// The complete new list of languages.
    pub languages: Option<Vec<String>>,
    /// The complete new list of areas of expertise.
    pub expertise: Option<Vec<String>>,
    /// Link to a user account, or null to unlink (coordinators only).
    pub user_id: MaybeUndefined<ID>,
}

/// A new contact detail of a person.
#[derive(InputObject)]
pub struct AddPersonContactInput {
    /// The person.
    pub person_id: ID,
    /// What it is.
    pub kind: ContactKind,
    /// The email address, phone number or postal address.
    pub value: String,
    /// E.g. "Office".
    pub label: Option<String>,
    /// Who may see it.
    pub visibility: ContactVisibility,
}

/// Removing a contact detail.
#[derive(InputObject)]
pub struct RemovePersonContactInput {
    /// The contact to remove.
    pub contact_id: ID,
}

/// The result of removing a contact detail.
#[derive(SimpleObject)]
pub struct RemovePersonContactPayload {
    /// Id of the contact removed.
    pub removed_contact_id: ID,
}

/// Appointing a person to a body.
#[derive(InputObject)]
pub struct AppointMemberInput {
    /// The body.
    pub body_id: ID,
    /// The person appointed.
    pub person_id: ID,
    /// The post.
    pub post: BodyPost,
    /// The organization the person represents, if any.
    pub organization_id: Option<ID>,
    /// First day of the term.
    pub start_date: NaiveDate,
    /// Scheduled last day of the term; null for an open-ended place.
    pub end_date: Option<NaiveDate>,
    /// Who appointed the person; the body's appointing authority when absent.
    pub appointed_by: Option<String>,
    /// The membership this appointment succeeds: it ends on `startDate`.
    pub replaces_membership_id: Option<ID>,
}

/// Ending a membership.
#[derive(InputObject)]
pub struct EndMembershipInput {
    /// The membership.
    pub membership_id: ID,
    /// The day the person left; today in the body's time zone when absent.
    pub ended_on: Option<NaiveDate>,
}

/// Correcting a current membership's post or dates; absent fields stay.
#[derive(InputObject)]
pub struct CorrectMembershipInput {
    /// The membership, which must be current.
    pub membership_id: ID,
    /// The right post.
    pub post: Option<BodyPost>,
    /// The right first day.
    pub start_date: Option<NaiveDate>,
    /// The right scheduled last day, or null for an open-ended place.
    pub end_date: MaybeUndefined<NaiveDate>,
}

/// Absent → `None`, null → `Some(None)`, a value → `Some(Some(parsed))`.
fn patch<T, U>(
    value: MaybeUndefined<T>,
    parse: impl FnOnce(T) -> AppResult<U>,
) -> AppResult<Option<Option<U>>> {
    Ok(match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(parse(v)?)),
    })
}

fn organization_id(id: &ID, field: &str) -> AppResult<Uuid> {
    ids::decode_as(id, "Organization", field)
}

/// Mutations of bodies and people.
#[derive(Default)]
pub struct PeopleMutation;

#[Object]
impl PeopleMutation {
    /// Creates a body (coordinators).
    async fn create_body(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The body.")] input: CreateBodyInput,
    ) -> Result<Body> {
        let parsed = service::NewBody {
            slug: Slug::parse(&input.slug, "input.slug")?,
            name: Name::parse(&input.name, "input.name")?,
            kind: input.kind.into(),
            description: Text::parse(&input.description, "input.description", 4000)?,
            owning_organization_id: input
                .owning_organization_id
                .as_ref()
                .map(|id| organization_id(id, "input.owningOrganizationId"))
                .transpose()?,
            seats: Seats::parse(input.seats, "input.seats")?,
            appointing_authority: Name::parse(
                &input.appointing_authority,
                "input.appointingAuthority",
            )?,
            records_public: input.records_public,
            holdovers_allowed: input.holdovers_allowed,
            time_zone: TimeZone::parse(&input.time_zone, "input.timeZone")?,
        };
        Ok(Body(
            service::create_body(&state(ctx)?.db, actor(ctx)?, parsed).await?,
        ))
    }

    /// Changes a body (coordinators). The audit log keeps old and new values.
    async fn update_body(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The body and its changes.")] input: UpdateBodyInput,
    ) -> Result<Body> {
        let id = ids::decode_as(&input.body_id, "Body", "input.bodyId")?;
        let parsed = service::BodyPatch {
            slug: input
                .slug
                .as_deref()
                .map(|s| Slug::parse(s, "input.slug"))
                .transpose()?,
            name: input
                .name
                .as_deref()
                .map(|n| Name::parse(n, "input.name"))
                .transpose()?,
            kind: input.kind.map(Into::into),
            description: input
                .description
                .as_deref()
                .map(|d| Text::parse(d, "input.description", 4000))
                .transpose()?,
            owning_organization_id: patch(input.owning_organization_id, |id| {
                organization_id(&id, "input.owningOrganizationId")
            })?,
            seats: input
                .seats
                .map(|s| Seats::parse(s, "input.seats"))
                .transpose()?,
            appointing_authority: input
                .appointing_authority
                .as_deref()
                .map(|a| Name::parse(a, "input.appointingAuthority"))
                .transpose()?,
            records_public: input.records_public,
            holdovers_allowed: input.holdovers_allowed,
            time_zone: input
                .time_zone
                .as_deref()
                .map(|t| TimeZone::parse(t, "input.timeZone"))
                .transpose()?,
        };
        Ok(Body(
            service::update_body(&state(ctx)?.db, actor(ctx)?, id, parsed).await?,
        ))
    }

    /// Adds a person to the directory (coordinators).
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person.")] input: CreatePersonInput,
    ) -> Result<Person> {
        let parsed = service::NewPerson {
            name: Name::parse(&input.name, "input.name")?,
            pronouns: input
                .pronouns
                .as_deref()
                .map(|p| Name::parse(p, "input.pronouns"))
                .transpose()?,
            bio: input
                .bio
                .as_deref()
                .map(|b| Text::parse(b, "input.bio", 2000))
                .transpose()?,
            languages: language_list(&input.languages, "input.languages")?,
            expertise: expertise_list(&input.expertise, "input.expertise")?,
            user_id: input
                .user_id
                .as_ref()
                .map(|id| ids::decode_as(id, "User", "input.userId"))
                .transpose()?,
        };
        Ok(Person(
            service::create_person(&state(ctx)?.db, actor(ctx)?, parsed).await?,
        ))
    }

    /// Changes a person's profile (coordinators, or the person through their
    /// linked account). Only coordinators link or unlink a user account.
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person and the changes.")] input: UpdatePersonInput,
    ) -> Result<Person> {
        let id = ids::decode_as(&input.person_id, "Person", "input.personId")?;
        let parsed = service::PersonPatch {
            name: input
                .name
                .as_deref()
                .map(|n| Name::parse(n, "input.name"))
                .transpose()?,
            pronouns: patch(input.pronouns, |p| Name::parse(&p, "input.pronouns"))?,
            bio: patch(input.bio, |b| Text::parse(&b, "input.bio", 2000))?,
            languages: input
                .languages
                .as_deref()
                .map(|l| language_list(l, "input.languages"))
                .transpose()?,
            expertise: input
                .expertise
                .as_deref()
                .map(|e| expertise_list(e, "input.expertise"))
                .transpose()?,
            user_id: patch(input.user_id, |u| {
                ids::decode_as(&u, "User", "input.userId")
            })?,
        };
        Ok(Person(
            service::update_person(&state(ctx)?.db, actor(ctx)?, id, parsed).await?,
        ))
    }

    /// Adds a contact detail to a person (same rights as `updatePerson`).
    async fn add_person_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person and the contact.")] input: AddPersonContactInput,
    ) -> Result<PersonContact> {
        let id = ids::decode_as(&input.person_id, "Person", "input.personId")?;
        let kind = input.kind.into();
        let parsed = service::NewContact {
            kind,
            value: ContactValue::parse(kind, &input.value, "input.value")?,
            label: input
                .label
                .as_deref()
                .map(|l| Name::parse(l, "input.label"))
                .transpose()?,
            visibility: input.visibility.into(),
        };
        Ok(PersonContact(
            service::add_person_contact(&state(ctx)?.db, actor(ctx)?, id, parsed).await?,
        ))
    }

    /// Removes a contact detail of a person (same rights as `updatePerson`).
    async fn remove_person_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact.")] input: RemovePersonContactInput,
    ) -> Result<RemovePersonContactPayload> {
        let id = ids::decode_as(&input.contact_id, "PersonContact", "input.contactId")?;
        let removed = service::remove_person_contact(&state(ctx)?.db, actor(ctx)?, id).await?;
        Ok(RemovePersonContactPayload {
            removed_contact_id: ids::encode("PersonContact", removed.id),
        })
    }

    /// Appoints a person to a body (coordinators, and admins of the body's
    /// owning organization). With `replacesMembershipId` the predecessor's
    /// membership ends on the new start date and stays in the history.
    /// `CONFLICT` when every seat is taken on the start date.
    async fn appoint_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The appointment.")] input: AppointMemberInput,
    ) -> Result<BodyMembership> {
        let parsed = service::Appointment {
            body_id: ids::decode_as(&input.body_id, "Body", "input.bodyId")?,
            person_id: ids::decode_as(&input.person_id, "Person", "input.personId")?,
            post: input.post.into(),
            organization_id: input
                .organization_id
                .as_ref()
                .map(|id| organization_id(id, "input.organizationId"))
                .transpose()?,
            start_date: input.start_date,
            end_date: input.end_date,
            appointed_by: input
                .appointed_by
                .as_deref()
                .map(|a| Name::parse(a, "input.appointedBy"))
                .transpose()?,
            replaces_membership_id: input
                .replaces_membership_id
                .as_ref()
                .map(|id| ids::decode_as(id, "BodyMembership", "input.replacesMembershipId"))
                .transpose()?,
        };
        Ok(BodyMembership(
            service::appoint_member(&state(ctx)?.db, actor(ctx)?, parsed).await?,
        ))
    }

    /// Ends a membership: the person resigned or was removed (same rights as
    /// `appointMember`). The membership stays in the history with its dates.
    async fn end_membership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership and the day it ends.")] input: EndMembershipInput,
    ) -> Result<BodyMembership> {
        let id = ids::decode_as(&input.membership_id, "BodyMembership", "input.membershipId")?;
        Ok(BodyMembership(
            service::end_membership(&state(ctx)?.db, actor(ctx)?, id, input.ended_on).await?,
        ))
    }

    /// Corrects the post or dates of a current membership (same rights as
    /// `appointMember`). Past memberships are history: `CONFLICT`.
    async fn correct_membership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership and the corrections.")] input: CorrectMembershipInput,
    ) -> Result<BodyMembership> {
        let id = ids::decode_as(&input.membership_id, "BodyMembership", "input.membershipId")?;
        let correction = service::MembershipCorrection {
            post: input.post.map(Into::into),
            start_date: input.start_date,
            end_date: patch(input.end_date, Ok)?,
        };
        Ok(BodyMembership(
            service::correct_membership(&state(ctx)?.db, actor(ctx)?, id, correction).await?,
        ))
    }
}
