//! Mutations of bodies, people, contacts and memberships: each parses its
//! input into the service's `New*` or `*Patch` value and calls the service
//! with the actor.

use super::types::{Body, BodyKind, BodyMembership, BodyPost, Person, PersonContact};
use crate::directory::graphql::{ContactKind, ContactVisibility};
use crate::directory::people::bodies::{self, BodyPatch, NewBody};
use crate::directory::people::contacts::{self, NewContact};
use crate::directory::people::domain::{
    ContactValue, Seats, Text, TimeZone, expertise_list, language_list,
};
use crate::directory::people::memberships::{self, MembershipPatch, NewAppointment};
use crate::directory::people::persons::{self, NewPerson, PersonPatch};
use crate::domain::{Name, Slug};
use crate::error::AppResult;
use crate::graphql::context::{actor, state};
use crate::graphql::scalars::Date;
use crate::ids;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use uuid::Uuid;

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
    pub start_date: Date,
    /// Scheduled last day of the term; null for an open-ended place.
    pub end_date: Option<Date>,
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
    pub ended_on: Option<Date>,
}

/// Correcting a current membership's post or dates; absent fields stay.
#[derive(InputObject)]
pub struct CorrectMembershipInput {
    /// The membership, which must be current.
    pub membership_id: ID,
    /// The right post.
    pub post: Option<BodyPost>,
    /// The right first day.
    pub start_date: Option<Date>,
    /// The right scheduled last day, or null for an open-ended place.
    pub end_date: MaybeUndefined<Date>,
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
        let parsed = NewBody {
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
            bodies::create_body(&state(ctx)?.db, actor(ctx)?, parsed).await?,
        ))
    }

    /// Changes a body (coordinators). The audit log keeps old and new values.
    async fn update_body(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The body and its changes.")] input: UpdateBodyInput,
    ) -> Result<Body> {
        let id = ids::decode_as(&input.body_id, "Body", "input.bodyId")?;
        let parsed = BodyPatch {
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
            bodies::update_body(&state(ctx)?.db, actor(ctx)?, id, parsed).await?,
        ))
    }

    /// Adds a person to the directory (coordinators).
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person.")] input: CreatePersonInput,
    ) -> Result<Person> {
        let parsed = NewPerson {
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
            persons::create_person(&state(ctx)?.db, actor(ctx)?, parsed).await?,
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
        let parsed = PersonPatch {
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
            persons::update_person(&state(ctx)?.db, actor(ctx)?, id, parsed).await?,
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
        let parsed = NewContact {
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
            contacts::add_person_contact(&state(ctx)?.db, actor(ctx)?, id, parsed).await?,
        ))
    }

    /// Removes a contact detail of a person (same rights as `updatePerson`).
    async fn remove_person_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact.")] input: RemovePersonContactInput,
    ) -> Result<RemovePersonContactPayload> {
        let id = ids::decode_as(&input.contact_id, "PersonContact", "input.contactId")?;
        let removed = contacts::remove_person_contact(&state(ctx)?.db, actor(ctx)?, id).await?;
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
        let parsed = NewAppointment {
            body_id: ids::decode_as(&input.body_id, "Body", "input.bodyId")?,
            person_id: ids::decode_as(&input.person_id, "Person", "input.personId")?,
            post: input.post.into(),
            organization_id: input
                .organization_id
                .as_ref()
                .map(|id| organization_id(id, "input.organizationId"))
                .transpose()?,
            start_date: input.start_date.into(),
            end_date: input.end_date.map(Into::into),
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
            memberships::appoint_member(&state(ctx)?.db, actor(ctx)?, parsed).await?,
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
            memberships::end_membership(
                &state(ctx)?.db,
                actor(ctx)?,
                id,
                input.ended_on.map(Into::into),
            )
            .await?,
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
        let correction = MembershipPatch {
            post: input.post.map(Into::into),
            start_date: input.start_date.map(Into::into),
            end_date: patch(input.end_date, |date| Ok(date.into()))?,
        };
        Ok(BodyMembership(
            memberships::correct_membership(&state(ctx)?.db, actor(ctx)?, id, correction).await?,
        ))
    }
}
