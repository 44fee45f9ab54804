//! The object types of the referral network: clients as their own staff see
//! them, referrals (and their client) as each party may see them, consents,
//! history, notes, the accounting of disclosures and the network's
//! statistics. What a viewer sees of a client is decided by
//! [`crate::policy::client_parts`]; every client detail handed out is noted
//! in the request's read log, with the parts read.

use super::enums::{
    ClientRecordPart, ConsentMethod, ContactChannel, NoteVisibility, ReferralStatus, Urgency,
};
use super::prime::prime_disclosures;
use crate::audit::reads::{ReadLog, ReadPart, RecordedRead};
use crate::directory::localize::PreferredLanguages;
use crate::directory::services::graphql::Service;
use crate::error::AppError;
use crate::graphql::context::{actor, loaders, state};
use crate::graphql::organization::{Organization, load_organization as organization};
use crate::graphql::scalars::Date;
use crate::pagination::{PageRequest, complexity};
use crate::policy::{self, ClientParts, ReferralSide};
use crate::referrals::clients::languages_of;
use crate::referrals::domain::{OPEN, effective_status};
use crate::referrals::{clients, consents, disclosures};
use crate::{connection, ids};
use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{client, consent, consent_recipient, referral, referral_event, referral_note};
use std::sync::Arc;
use uuid::Uuid;

connection!(ReferralConnection, ReferralEdge, Referral, "referrals");
connection!(ClientConnection, ClientEdge, Client, "clients");
connection!(
    DisclosureConnection,
    DisclosureEdge,
    Disclosure,
    "disclosures"
);

pub(super) fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

pub(super) fn reads<'a>(ctx: &Context<'a>) -> Result<&'a ReadLog> {
    Ok(ctx
        .data::<ReadLog>()
        .map_err(|_| internal("request without a read log"))?)
}

pub(super) async fn user_name(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<String>> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(loaders(ctx)?
        .accounts
        .users
        .load_one(id)
        .await
        .map_err(internal)?
        .map(|u| u.display_name))
}

/// An API key as a referral's history names it: its name and organization,
/// so each side knows which partner application acted.
async fn key_name(ctx: &Context<'_>, id: Uuid) -> Result<String> {
    let accounts = &loaders(ctx)?.accounts;
    let key = accounts
        .api_keys
        .load_one(id)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal("step by a missing API key"))?;
    let organization = accounts
        .organizations
        .load_one(key.organization_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal("API key without organization"))?;
    Ok(format!("{} (API key of {})", key.name, organization.name))
}

/// A person served by an organization, as its own staff see them.
pub struct Client(pub client::Model);

/// A person served by an organization, as its own staff see them.
#[Object]
impl Client {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Client", self.0.id)
    }
    /// A name chosen with the person (a first name or initials); empty once the record is erased.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// Preferred languages (BCP 47).
    async fn preferred_languages(&self) -> Vec<String> {
        languages_of(&self.0)
    }
    /// How to reach them.
    async fn contact_channel(&self) -> Option<ContactChannel> {
        self.0.contact_channel.map(Into::into)
    }
    /// The number or address for the channel.
    async fn contact_value(&self) -> Option<&str> {
        self.0.contact_value.as_deref()
    }
    /// Year of birth.
    async fn birth_year(&self) -> Option<i32> {
        self.0.birth_year
    }
    /// What they need, briefly.
    async fn needs_summary(&self) -> Option<&str> {
        self.0.needs_summary.as_deref()
    }
    /// The organization that serves them.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        organization(ctx, self.0.organization_id).await
    }
    /// Other records of the same person in this organization, linked by staff.
    async fn linked_clients(&self, ctx: &Context<'_>) -> Result<Vec<Client>> {
        let found =
            clients::linked_clients(&state(ctx)?.db, actor(ctx)?, reads(ctx)?, self.0.id).await?;
        Ok(found.into_iter().map(Client).collect())
    }
    /// Every referral of this person, across linked records, oldest first.
    async fn referrals(&self, ctx: &Context<'_>) -> Result<Vec<Referral>> {
        let found =
            clients::client_history(&state(ctx)?.db, actor(ctx)?, reads(ctx)?, self.0.id).await?;
        Ok(found.into_iter().map(Referral).collect())
    }
    /// Their consents, revoked ones included.
    async fn consents(&self, ctx: &Context<'_>) -> Result<Vec<Consent>> {
        let found = consents::consents_of(&state(ctx)?.db, actor(ctx)?, self.0.id).await?;
        Ok(found.into_iter().map(Consent).collect())
    }
    /// When the record was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the person's details were erased, on request or by the retention sweep; null while they are kept.
    async fn erased_at(&self) -> Option<DateTime<Utc>> {
        self.0.erased_at
    }
    /// Who read which parts of this person's record, when and through which
    /// referral, oldest first (`last` gives the latest): the accounting of
    /// disclosures, for the staff who work the record.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn disclosures(
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
    ) -> Result<DisclosureConnection> {
        let request = PageRequest::new(first, after, last, before)?;
        let found =
            disclosures::disclosures(&state(ctx)?.db, actor(ctx)?, self.0.id, &request).await?;
        prime_disclosures(ctx, &found.items).await?;
        Ok(DisclosureConnection::from_page(found, Disclosure))
    }
}

/// One read of a person's record, from the read audit: who read which parts,
/// when, through which referral.
pub struct Disclosure(pub RecordedRead);

/// One read of a person's record, from the read audit: who read which parts,
/// when, through which referral.
#[Object]
impl Disclosure {
    /// When it was read.
    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Opaque global id of the client whose record was read (nothing more of
    /// them: the reader's admins need no more to account for the read).
    async fn client_id(&self) -> ID {
        ids::encode("Client", self.0.client_id)
    }
    /// The organization the reader acted for; null for reads recorded before it was kept.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.0.reader_organization_id {
            Some(id) => Ok(Some(organization(ctx, id).await?)),
            None => Ok(None),
        }
    }
    /// The person who read it, by display name; null when an API key or the service did.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        user_name(ctx, self.0.user_id).await
    }
    /// The API key that read it, with its organization ("Intake sync (API key of Community Legal Aid Clinic)"); null when a person or the service did.
    async fn api_key(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        match self.0.api_key_id {
            Some(id) => Ok(Some(key_name(ctx, id).await?)),
            None => Ok(None),
        }
    }
    /// The referral it was read through; null for a read of the record itself.
    async fn referral(&self, ctx: &Context<'_>) -> Result<Option<Referral>> {
        let Some(id) = self.0.referral_id else {
            return Ok(None);
        };
        let found = loaders(ctx)?
            .referrals
            .referrals
            .load_one(id)
            .await
            .map_err(internal)?;
        let actor = actor(ctx)?;
        Ok(found
            .filter(|r| {
                policy::may_see_referral(
                    actor,
                    r.referring_organization_id,
                    r.receiving_organization_id,
                )
            })
            .map(Referral))
    }
    /// The parts read; empty for reads recorded before parts were kept.
    async fn parts(&self) -> Vec<ClientRecordPart> {
        self.0.parts.iter().map(|p| (*p).into()).collect()
    }
}

/// What the viewer may see of a referral's client: fields not shared with the
/// viewer's organization are null.
pub struct ReferralClient {
    row: client::Model,
    parts: ClientParts,
}

/// What the viewer may see of a referral's client: fields not shared with the
/// viewer's organization are null.
#[Object]
impl ReferralClient {
    /// A name chosen with the person, if shared.
    async fn display_name(&self) -> Option<&str> {
        self.parts.name.then_some(self.row.display_name.as_str())
    }
    /// Preferred languages, if shared.
    async fn preferred_languages(&self) -> Option<Vec<String>> {
        self.parts.languages.then(|| languages_of(&self.row))
    }
    /// How to reach them, if shared.
    async fn contact_channel(&self) -> Option<ContactChannel> {
        if self.parts.contact {
            self.row.contact_channel.map(Into::into)
        } else {
            None
        }
    }
    /// The number or address for the channel, if shared.
    async fn contact_value(&self) -> Option<&str> {
        if self.parts.contact {
            self.row.contact_value.as_deref()
        } else {
            None
        }
    }
    /// What they need, if shared.
    async fn needs_summary(&self) -> Option<&str> {
        if self.parts.needs {
            self.row.needs_summary.as_deref()
        } else {
            None
        }
    }
}

/// A client's consent to share parts of their record.
pub struct Consent(pub consent::Model);

/// A client's consent to share parts of their record.
#[Object]
impl Consent {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Consent", self.0.id)
    }
    /// Who may receive the parts it shares: organizations, each for all its
    /// services or for one.
    async fn recipients(&self, ctx: &Context<'_>) -> Result<Vec<ConsentRecipient>> {
        let mut rows = loaders(ctx)?
            .referrals
            .recipients
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        rows.sort_by_key(|r| r.id);
        Ok(rows.into_iter().map(ConsentRecipient).collect())
    }
    /// The staff member who recorded it.
    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        user_name(ctx, self.0.recorded_by).await
    }
    /// The staff member who recorded its revocation.
    async fn revoked_by(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        user_name(ctx, self.0.revoked_by).await
    }
    /// How it was given.
    async fn method(&self) -> ConsentMethod {
        self.0.method.into()
    }
    /// What the person agreed their details are shared for, as told to them; null when not recorded or once the client is erased.
    async fn purpose(&self) -> Option<&str> {
        Some(self.0.purpose.as_str()).filter(|p| !p.is_empty())
    }
    /// What it was taken from (a signed form kept on file, a verbal statement); null when not recorded or once the client is erased.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    /// When it was given.
    async fn given_at(&self) -> DateTime<Utc> {
        self.0.given_at
    }
    /// When it lapses.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    /// When it was revoked.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    /// Whether it may be used now.
    async fn in_force(&self) -> bool {
        consents::grant(&self.0, Utc::now()).in_force
    }
    /// Whether the name may be shared.
    async fn shares_name(&self) -> bool {
        self.0.share_name
    }
    /// Whether the contact details may be shared.
    async fn shares_contact(&self) -> bool {
        self.0.share_contact
    }
    /// Whether the languages may be shared.
    async fn shares_languages(&self) -> bool {
        self.0.share_languages
    }
    /// Whether the needs summary may be shared.
    async fn shares_needs(&self) -> bool {
        self.0.share_needs
    }
}

/// An organization a consent lets receive the client's shared parts.
pub struct ConsentRecipient(consent_recipient::Model);

/// An organization a consent lets receive the client's shared parts, for all
/// its services or for one.
#[Object]
impl ConsentRecipient {
    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        organization(ctx, self.0.organization_id).await
    }
    /// The one service the consent names, or null for any of the organization's.
    async fn service(&self, ctx: &Context<'_>) -> Result<Option<Service>> {
        let Some(id) = self.0.service_id else {
            return Ok(None);
        };
        let row = loaders(ctx)?
            .directory
            .services
            .load_one(id)
            .await
            .map_err(internal)?
            .ok_or_else(|| internal("consent naming a missing service"))?;
        Ok(Some(Service::new(
            row,
            Arc::new(PreferredLanguages::default()),
        )))
    }
}

/// One step in a referral's history.
#[derive(SimpleObject)]
pub struct ReferralEvent {
    /// Status before the step (none for the first).
    pub from_status: Option<ReferralStatus>,
    /// Status after the step.
    pub to_status: ReferralStatus,
    /// Decline reason, outcome or cancellation reason code.
    pub reason: Option<String>,
    /// Note given with the step; null when the viewer may not read the client's needs.
    pub note: Option<String>,
    /// Who took the step: a person's name, an API key's name with its organization ("Intake sync (API key of Community Legal Aid Clinic)"), or "system".
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A note on a referral.
#[derive(SimpleObject)]
pub struct ReferralNote {
    /// Shared with both organizations or internal to the author's.
    pub visibility: NoteVisibility,
    /// The text.
    pub body: String,
    /// Who wrote it: a person's name, or an API key's name with its organization.
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

async fn event_view(ctx: &Context<'_>, e: referral_event::Model) -> Result<ReferralEvent> {
    let by = match (e.actor_user_id, e.actor_api_key_id) {
        (Some(user), _) => user_name(ctx, Some(user)).await?.unwrap_or_default(),
        (None, Some(key)) => key_name(ctx, key).await?,
        (None, None) => "system".into(),
    };
    Ok(ReferralEvent {
        from_status: e.from_status.map(Into::into),
        to_status: e.to_status.into(),
        reason: e.reason,
        note: e.note,
        by,
        at: e.created_at,
    })
}

/// A referral of a client to a partner's service, as the viewer may see it.
pub struct Referral(pub referral::Model);

impl Referral {
    async fn consent(&self, ctx: &Context<'_>) -> Result<consent::Model> {
        Ok(loaders(ctx)?
            .referrals
            .consents
            .load_one(self.0.consent_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| internal("referral without consent"))?)
    }

    async fn client_row(&self, ctx: &Context<'_>) -> Result<client::Model> {
        Ok(loaders(ctx)?
            .referrals
            .clients
            .load_one(self.0.client_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| internal("referral without client"))?)
    }

    /// Whether the viewer reads the notes given with `steps`; noted in the
    /// read log when one of them has a note to show.
    async fn step_notes_readable(
        &self,
        ctx: &Context<'_>,
        steps: &[referral_event::Model],
    ) -> Result<bool> {
        if steps.iter().all(|e| e.note.is_none()) {
            return Ok(true);
        }
        if !policy::may_read_step_notes(self.parts(ctx).await?) {
            return Ok(false);
        }
        self.read_about_client(ctx, [ReadPart::StepNotes])?;
        Ok(true)
    }

    /// Notes in the read log that the viewer read `parts` of what is known
    /// about the referred person through this referral, acting for the side
    /// it stands on (the owner, whose staff see all, or else the receiver).
    fn read_about_client(
        &self,
        ctx: &Context<'_>,
        parts: impl IntoIterator<Item = ReadPart>,
    ) -> Result<()> {
        let (referring, receiving) = (
            self.0.referring_organization_id,
            self.0.receiving_organization_id,
        );
        let reader =
            policy::referral_side(actor(ctx)?, referring, receiving).map(|side| match side {
                ReferralSide::Sender => referring,
                ReferralSide::Receiver => receiving,
            });
        reads(ctx)?.note(self.0.client_id, referring, reader, Some(self.0.id), parts);
        Ok(())
    }

    async fn parts(&self, ctx: &Context<'_>) -> Result<ClientParts> {
        let consent = self.consent(ctx).await?;
        let now = Utc::now();
        let open = OPEN.contains(&effective_status(&self.0, now));
        let owner = self.0.referring_organization_id;
        Ok(policy::client_parts(
            actor(ctx)?,
            owner,
            Some((
                self.0.receiving_organization_id,
                open,
                consents::grant(&consent, now),
            )),
        ))
    }
}

/// A referral of a client to a partner's service, as the viewer may see it.
#[Object]
impl Referral {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Referral", self.0.id)
    }
    /// Where it stands now.
    async fn status(&self) -> ReferralStatus {
        effective_status(&self.0, Utc::now()).into()
    }
    /// Decline reason, outcome or cancellation reason code (e.g. `CONSENT_REVOKED`).
    async fn status_reason(&self) -> Option<&str> {
        self.0.status_reason.as_deref()
    }
    /// Grows with every change: send it back with the next step.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// How soon it needs an answer.
    async fn urgency(&self) -> Urgency {
        self.0.urgency.into()
    }
    /// Why the client is referred; it describes the person's needs, so it is null when the viewer may not read them (the receiver without a consent that shares needs, or once the consent is withdrawn or the referral closed; viewers).
    async fn reason(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        if self.0.reason.is_empty() || !policy::may_read_referral_reason(self.parts(ctx).await?) {
            return Ok(None);
        }
        self.read_about_client(ctx, [ReadPart::Reason])?;
        Ok(Some(self.0.reason.as_str()))
    }
    /// Whether an interpreter is needed.
    async fn interpreter_needed(&self) -> bool {
        self.0.interpreter_needed
    }
    /// The interpreter's language; null when the viewer may not read the client's languages.
    async fn interpreter_language(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        let Some(language) = self.0.interpreter_language.as_deref() else {
            return Ok(None);
        };
        if !policy::may_read_interpreter_language(self.parts(ctx).await?) {
            return Ok(None);
        }
        self.read_about_client(ctx, [ReadPart::InterpreterLanguage])?;
        Ok(Some(language))
    }
    /// When it should be done by.
    async fn due_date(&self) -> Option<Date> {
        self.0.due_date.map(Into::into)
    }
    /// Until when the receiving organization can answer before the referral expires.
    async fn respond_by(&self) -> DateTime<Utc> {
        self.0.respond_by
    }
    /// The client, as far as the viewer may see them; null when nothing is shared with the viewer.
    async fn client(&self, ctx: &Context<'_>) -> Result<Option<ReferralClient>> {
        let parts = self.parts(ctx).await?;
        if !parts.any() {
            return Ok(None);
        }
        let row = self.client_row(ctx).await?;
        if row.erased_at.is_some() {
            return Ok(None);
        }
        self.read_about_client(ctx, ReadPart::handed_out(parts))?;
        Ok(Some(ReferralClient { row, parts }))
    }
    /// Whether the client's details were erased (on request or at the end of the retention period): the referral stays, with nothing about the person.
    async fn client_erased(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.client_row(ctx).await?.erased_at.is_some())
    }
    /// The organization that referred the client.
    async fn referring_organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        organization(ctx, self.0.referring_organization_id).await
    }
    /// The navigator who referred the client.
    async fn referred_by(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        user_name(ctx, self.0.referring_user_id).await
    }
    /// The organization the client is referred to.
    async fn receiving_organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        organization(ctx, self.0.receiving_organization_id).await
    }
    /// The service the client is referred to.
    async fn service(&self, ctx: &Context<'_>) -> Result<Service> {
        let row = loaders(ctx)?
            .directory
            .services
            .load_one(self.0.service_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| internal("referral without service"))?;
        Ok(Service::new(row, Arc::new(PreferredLanguages::default())))
    }
    /// The receiving organization's staff member working it.
    async fn assignee(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        user_name(ctx, self.0.assignee_user_id).await
    }
    /// Every step so far, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<ReferralEvent>> {
        let mut rows = loaders(ctx)?
            .referrals
            .events
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        rows.sort_by_key(|e| (e.created_at, e.id));
        let notes = self.step_notes_readable(ctx, &rows).await?;
        let mut events = Vec::with_capacity(rows.len());
        for mut row in rows {
            if !notes {
                row.note = None;
            }
            events.push(event_view(ctx, row).await?);
        }
        Ok(events)
    }
    /// The most recent step.
    async fn latest_event(&self, ctx: &Context<'_>) -> Result<Option<ReferralEvent>> {
        let rows = loaders(ctx)?
            .referrals
            .events
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        let Some(mut row) = rows.into_iter().max_by_key(|e| (e.created_at, e.id)) else {
            return Ok(None);
        };
        if !self
            .step_notes_readable(ctx, std::slice::from_ref(&row))
            .await?
        {
            row.note = None;
        }
        Ok(Some(event_view(ctx, row).await?))
    }
    /// Notes the viewer may read: while the consent shares the client's needs, shared ones and the viewer's organization's own; its own internal ones always (viewers read none).
    async fn notes(&self, ctx: &Context<'_>) -> Result<Vec<ReferralNote>> {
        let actor = actor(ctx)?;
        let mut rows: Vec<referral_note::Model> = loaders(ctx)?
            .referrals
            .notes
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        let parts = self.parts(ctx).await?;
        rows.retain(|n| policy::may_read_note(actor, parts, n.visibility, n.organization_id));
        if !rows.is_empty() {
            self.read_about_client(ctx, [ReadPart::Notes])?;
        }
        rows.sort_by_key(|n| (n.created_at, n.id));
        let mut notes = Vec::with_capacity(rows.len());
        for n in rows {
            let author = match (n.author_user_id, n.author_api_key_id) {
                (Some(user), _) => user_name(ctx, Some(user)).await?.unwrap_or_default(),
                (None, Some(key)) => key_name(ctx, key).await?,
                (None, None) => "system".into(),
            };
            notes.push(ReferralNote {
                visibility: n.visibility.into(),
                body: n.body,
                author,
                created_at: n.created_at,
            });
        }
        Ok(notes)
    }
    /// Which side the viewer may act for: `SENDER`, `RECEIVER`, or null (read only).
    async fn viewer_side(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let side = policy::referral_side(
            actor(ctx)?,
            self.0.referring_organization_id,
            self.0.receiving_organization_id,
        );
        Ok(side.map(|s| match s {
            ReferralSide::Sender => "SENDER".into(),
            ReferralSide::Receiver => "RECEIVER".into(),
        }))
    }
    /// When it was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A count of referrals.
#[derive(SimpleObject)]
pub struct StatusCount {
    /// The status.
    pub status: ReferralStatus,
    /// How many referrals are in it.
    pub count: u64,
}

/// A count of referrals to services under a taxonomy term.
#[derive(SimpleObject)]
pub struct CategoryCount {
    /// The term's code.
    pub code: String,
    /// The term's name.
    pub name: String,
    /// How many referrals went to services filed under it.
    pub count: u64,
}

/// The referrals an organization sent and received.
pub struct OrganizationCount {
    pub(super) organization_id: Uuid,
    pub(super) sent: u64,
    pub(super) received: u64,
}

/// The referrals an organization sent and received.
#[Object]
impl OrganizationCount {
    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        organization(ctx, self.organization_id).await
    }
    /// Referrals it sent.
    async fn sent(&self) -> u64 {
        self.sent
    }
    /// Referrals it received.
    async fn received(&self) -> u64 {
        self.received
    }
}

/// The network's health over a period: counts and timings, no personal data.
#[derive(SimpleObject)]
pub struct ReferralStatistics {
    /// Referrals sent in the period.
    pub total: u64,
    /// Per status, as of now.
    pub by_status: Vec<StatusCount>,
    /// Per taxonomy term of the receiving service.
    pub by_category: Vec<CategoryCount>,
    /// Per organization.
    pub by_organization: Vec<OrganizationCount>,
    /// Median hours from sending to acceptance.
    pub median_hours_to_accept: Option<f64>,
    /// Median hours from sending to completion.
    pub median_hours_to_complete: Option<f64>,
}
