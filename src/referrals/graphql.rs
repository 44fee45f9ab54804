//! GraphQL types, queries and mutations of the referral network. What a
//! viewer sees of a client is decided by `crate::policy::client_parts`; every
//! client detail handed out is noted in the request's read log.

use super::feed::{ChangeKind, ReferralChange};
use super::service::{
    self, Action, CancelReason as CancelReasonCode, ClientDraft, ConsentDraft,
    DeclineReason as DeclineReasonCode, Direction as DirectionCode, Outcome as OutcomeCode,
    ReferralDraft, ReferralFilter,
};
use super::statistics;
use crate::audit::reads::ReadLog;
use crate::auth::session::{Session, SessionEnd};
use crate::directory::localize::PreferredLanguages;
use crate::directory::services::graphql::Service;
use crate::error::AppError;
use crate::graphql::connection::selects;
use crate::graphql::context::{actor, loaders, state};
use crate::graphql::loaders::prime;
use crate::graphql::organization::{Organization, load_organization as organization};
use crate::pagination::{PageRequest, complexity};
use crate::policy::{self, ClientParts, ReferralSide};
use crate::{connection, ids, mirror_enum};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject, Subscription};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{client, consent, referral, referral_event, referral_note};
use futures_util::Stream;
use std::sync::Arc;
use uuid::Uuid;

mirror_enum! {
    /// Where a referral stands.
    ReferralStatus mirrors entity::enums::ReferralStatus {
        /// Sent; waiting for the receiving organization.
        Sent,
        /// Accepted by the receiving organization.
        Accepted,
        /// Declined by the receiving organization (see `statusReason`).
        Declined,
        /// Being worked.
        InProgress,
        /// Paused by the receiving organization.
        OnHold,
        /// Closed with an outcome (see `statusReason`).
        Completed,
        /// Cancelled by the referring organization, or because consent was revoked.
        Cancelled,
        /// Not answered within the service's response window.
        Expired,
    }
}

mirror_enum! {
    /// How soon a referral needs an answer.
    Urgency mirrors entity::enums::Urgency {
        /// Within the usual response window.
        Routine,
        /// Within days.
        Soon,
        /// As soon as possible.
        Urgent,
    }
}

mirror_enum! {
    /// How a client can be reached.
    ContactChannel mirrors entity::enums::ContactChannel {
        /// By phone call.
        Phone,
        /// By email.
        Email,
        /// By text message.
        Text,
        /// Only through the navigator who referred them.
        ViaNavigator,
    }
}

mirror_enum! {
    /// How consent was given.
    ConsentMethod mirrors entity::enums::ConsentMethod {
        /// Spoken.
        Verbal,
        /// On paper.
        Written,
        /// On a screen or by message.
        Electronic,
    }
}

mirror_enum! {
    /// Who may read a note.
    NoteVisibility mirrors entity::enums::NoteVisibility {
        /// Both organizations.
        Shared,
        /// The author's organization only.
        Internal,
    }
}

mirror_enum! {
    /// Why a receiving organization declines a referral.
    DeclineReason mirrors DeclineReasonCode {
        /// The client is not eligible for the service.
        NotEligible,
        /// No capacity now.
        NoCapacity,
        /// The service is not offered (any more).
        ServiceNotOffered,
        /// The client could not be reached.
        ClientUnreachable,
        /// The client was already referred.
        Duplicate,
        /// Another reason (explain in the note).
        Other,
    }
}

mirror_enum! {
    /// How a referral ended.
    Outcome mirrors OutcomeCode {
        /// The service was provided.
        ServiceProvided,
        /// Part of the service was provided.
        PartiallyProvided,
        /// The client could not be reached.
        ClientUnreachable,
        /// The client declined the service.
        ClientDeclined,
        /// The client turned out not to be eligible.
        NotEligible,
        /// Another outcome (explain in the note).
        Other,
    }
}

mirror_enum! {
    /// Why the referring organization cancels a referral.
    CancelReason mirrors CancelReasonCode {
        /// The client no longer wants it.
        ClientWithdrew,
        /// The need was met otherwise.
        NoLongerNeeded,
        /// Sent by mistake.
        SentInError,
        /// Another reason (explain in the note).
        Other,
    }
}

mirror_enum! {
    /// Which referrals of the viewer's organizations to list.
    ReferralDirection mirrors DirectionCode {
        /// Received by the viewer's organizations.
        Inbox,
        /// Sent by the viewer's organizations.
        Outbox,
        /// Both.
        All,
    }
}

connection!(ReferralConnection, ReferralEdge, Referral, "referrals");
connection!(ClientConnection, ClientEdge, Client, "clients");

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

fn reads<'a>(ctx: &Context<'a>) -> Result<&'a ReadLog> {
    Ok(ctx
        .data::<ReadLog>()
        .map_err(|_| internal("request without a read log"))?)
}

fn languages_of(row: &client::Model) -> Vec<String> {
    // Written by this module only; an unreadable list reads as empty.
    serde_json::from_str(&row.preferred_languages).unwrap_or_default()
}

async fn user_name(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<String>> {
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

/// A person served by an organization, as its own staff see them.
pub struct Client(pub client::Model);

/// A person served by an organization, as its own staff see them.
#[Object]
impl Client {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode("Client", self.0.id)
    }
    /// A name chosen with the person (a first name or initials).
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
            service::linked_clients(&state(ctx)?.db, actor(ctx)?, reads(ctx)?, self.0.id).await?;
        Ok(found.into_iter().map(Client).collect())
    }
    /// Every referral of this person, across linked records, oldest first.
    async fn referrals(&self, ctx: &Context<'_>) -> Result<Vec<Referral>> {
        let found =
            service::client_history(&state(ctx)?.db, actor(ctx)?, reads(ctx)?, self.0.id).await?;
        Ok(found.into_iter().map(Referral).collect())
    }
    /// Their consents, revoked ones included.
    async fn consents(&self, ctx: &Context<'_>) -> Result<Vec<Consent>> {
        let found = service::consents_of(&state(ctx)?.db, actor(ctx)?, self.0.id).await?;
        Ok(found.into_iter().map(Consent).collect())
    }
    /// When the record was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
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
    /// How it was given.
    async fn method(&self) -> ConsentMethod {
        self.0.method.into()
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
        service::grant(&self.0, Utc::now()).in_force
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

/// One step in a referral's history.
#[derive(SimpleObject)]
pub struct ReferralEvent {
    /// Status before the step (none for the first).
    pub from_status: Option<ReferralStatus>,
    /// Status after the step.
    pub to_status: ReferralStatus,
    /// Decline reason, outcome or cancellation reason code.
    pub reason: Option<String>,
    /// Note given with the step.
    pub note: Option<String>,
    /// Who took the step (a person's name, or "API key", or "system").
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
    /// Who wrote it (a person's name, or "API key").
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

async fn event_view(ctx: &Context<'_>, e: referral_event::Model) -> Result<ReferralEvent> {
    let by = match (e.actor_user_id, e.actor_api_key_id) {
        (Some(user), _) => user_name(ctx, Some(user)).await?.unwrap_or_default(),
        (None, Some(_)) => "API key".into(),
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

    async fn parts(&self, ctx: &Context<'_>) -> Result<ClientParts> {
        let consent = self.consent(ctx).await?;
        let now = Utc::now();
        let open = service::OPEN.contains(&service::effective_status(&self.0, now));
        let owner = self.0.referring_organization_id;
        Ok(policy::client_parts(
            actor(ctx)?,
            owner,
            Some((
                self.0.receiving_organization_id,
                open,
                service::grant(&consent, now),
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
        service::effective_status(&self.0, Utc::now()).into()
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
    /// Why the client is referred (null for the receiver once the client's consent is withdrawn or the referral closed).
    async fn reason(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        let visible = self.parts(ctx).await?.any();
        Ok(visible.then_some(self.0.reason.as_str()))
    }
    /// Whether an interpreter is needed.
    async fn interpreter_needed(&self) -> bool {
        self.0.interpreter_needed
    }
    /// The interpreter's language.
    async fn interpreter_language(&self) -> Option<&str> {
        self.0.interpreter_language.as_deref()
    }
    /// When it should be done by.
    async fn due_date(&self) -> Option<NaiveDate> {
        self.0.due_date
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
        let row = loaders(ctx)?
            .referrals
            .clients
            .load_one(self.0.client_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| internal("referral without client"))?;
        reads(ctx)?.note(row.id, row.organization_id, Some(self.0.id));
        Ok(Some(ReferralClient { row, parts }))
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
        let mut events = Vec::with_capacity(rows.len());
        for row in rows {
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
        match rows.into_iter().max_by_key(|e| (e.created_at, e.id)) {
            Some(row) => Ok(Some(event_view(ctx, row).await?)),
            None => Ok(None),
        }
    }
    /// Notes the viewer may read: shared ones, and internal ones of the viewer's organization.
    async fn notes(&self, ctx: &Context<'_>) -> Result<Vec<ReferralNote>> {
        let actor = actor(ctx)?;
        let mut rows: Vec<referral_note::Model> = loaders(ctx)?
            .referrals
            .notes
            .load_one(self.0.id)
            .await
            .map_err(internal)?
            .unwrap_or_default();
        rows.retain(|n| service::may_read_note(actor, n));
        rows.sort_by_key(|n| (n.created_at, n.id));
        let mut notes = Vec::with_capacity(rows.len());
        for n in rows {
            let author = match n.author_user_id {
                Some(user) => user_name(ctx, Some(user)).await?.unwrap_or_default(),
                None => "API key".into(),
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

/// Loads what a page of referrals will need in one query per kind.
async fn prime_referrals(ctx: &Context<'_>, rows: &[referral::Model]) -> Result<()> {
    let loaders = loaders(ctx)?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    prime(
        &loaders.referrals.consents,
        rows.iter().map(|r| r.consent_id),
    )
    .await?;
    if selects(ctx, "client") {
        prime(&loaders.referrals.clients, rows.iter().map(|r| r.client_id)).await?;
    }
    if selects(ctx, "referringOrganization") || selects(ctx, "receivingOrganization") {
        prime(
            &loaders.accounts.organizations,
            rows.iter()
                .flat_map(|r| [r.referring_organization_id, r.receiving_organization_id]),
        )
        .await?;
    }
    if selects(ctx, "service") {
        prime(
            &loaders.directory.services,
            rows.iter().map(|r| r.service_id),
        )
        .await?;
        prime(
            &loaders.directory.translations,
            rows.iter().map(|r| r.service_id),
        )
        .await?;
    }
    if selects(ctx, "history") || selects(ctx, "latestEvent") {
        prime(&loaders.referrals.events, ids.iter().copied()).await?;
    }
    if selects(ctx, "notes") {
        prime(&loaders.referrals.notes, ids.iter().copied()).await?;
    }
    let mut users: Vec<Uuid> = rows.iter().filter_map(|r| r.assignee_user_id).collect();
    users.extend(rows.iter().filter_map(|r| r.referring_user_id));
    if selects(ctx, "history") || selects(ctx, "latestEvent") {
        for events in loaders
            .referrals
            .events
            .load_many(ids.iter().copied())
            .await
            .map_err(internal)?
            .into_values()
        {
            users.extend(events.iter().filter_map(|e| e.actor_user_id));
        }
    }
    prime(&loaders.accounts.users, users).await?;
    Ok(())
}

/// Filters of the inbox and outbox.
#[derive(InputObject, Default)]
pub struct ReferralFilterInput {
    /// Received, sent, or both (`ALL` when omitted).
    pub direction: Option<ReferralDirection>,
    /// Any of these statuses.
    #[graphql(default)]
    pub statuses: Vec<ReferralStatus>,
    /// To this service.
    pub service_id: Option<ID>,
    /// Only those assigned to the viewer.
    #[graphql(default)]
    pub assigned_to_me: bool,
    /// Any of these urgencies.
    #[graphql(default)]
    pub urgencies: Vec<Urgency>,
    /// Changed after this instant (for polling).
    pub updated_since: Option<DateTime<Utc>>,
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
    organization_id: Uuid,
    sent: u64,
    received: u64,
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

/// Queries of the referral network.
#[derive(Default)]
pub struct ReferralsQuery;

#[Object]
impl ReferralsQuery {
    /// The referrals of the viewer's organizations, oldest first (stable while new ones arrive).
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn referrals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which referrals.")] filter: Option<ReferralFilterInput>,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<ReferralConnection> {
        let filter = filter.unwrap_or_default();
        let parsed = ReferralFilter {
            direction: filter.direction.unwrap_or(ReferralDirection::All).into(),
            statuses: filter.statuses.into_iter().map(Into::into).collect(),
            service_id: filter
                .service_id
                .map(|id| ids::decode_as(&id, "Service", "filter.serviceId"))
                .transpose()?,
            assigned_to_me: filter.assigned_to_me,
            urgencies: filter.urgencies.into_iter().map(Into::into).collect(),
            updated_since: filter.updated_since,
        };
        let request = PageRequest::new(first, after, last, before)?;
        let found = service::referrals(&state(ctx)?.db, actor(ctx)?, &parsed, &request).await?;
        prime_referrals(ctx, &found.items).await?;
        Ok(ReferralConnection::from_page(found, Referral))
    }

    /// The network's health between two instants (coordinators): counts by
    /// status, category and organization, median times to accept and complete.
    async fn referral_statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Start of the period (referrals sent from then on).")] from: DateTime<Utc>,
        #[graphql(desc = "End of the period (exclusive).")] to: DateTime<Utc>,
    ) -> Result<ReferralStatistics> {
        let db = &state(ctx)?.db;
        let stats = statistics::network_statistics(db, actor(ctx)?, from, to).await?;
        let names = statistics::term_names(db, stats.by_category.keys().copied().collect()).await?;
        Ok(ReferralStatistics {
            total: stats.total,
            by_status: stats
                .by_status
                .iter()
                .map(|(status, count)| StatusCount {
                    status: (*status).into(),
                    count: *count,
                })
                .collect(),
            by_category: stats
                .by_category
                .iter()
                .filter_map(|(id, count)| {
                    names.get(id).map(|(code, name)| CategoryCount {
                        code: code.clone(),
                        name: name.clone(),
                        count: *count,
                    })
                })
                .collect(),
            by_organization: stats
                .by_organization
                .iter()
                .map(|(id, (sent, received))| OrganizationCount {
                    organization_id: *id,
                    sent: *sent,
                    received: *received,
                })
                .collect(),
            median_hours_to_accept: stats.median_hours_to_accept,
            median_hours_to_complete: stats.median_hours_to_complete,
        })
    }

    /// An organization's clients (its staff and admins).
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn clients(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization.")] organization_id: ID,
        #[graphql(desc = "Return the first n items after `after` (at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items before `before` (at most 100).")] last: Option<
            i32,
        >,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<ClientConnection> {
        let org = ids::decode_as(&organization_id, "Organization", "organizationId")?;
        let request = PageRequest::new(first, after, last, before)?;
        let found =
            service::clients(&state(ctx)?.db, actor(ctx)?, reads(ctx)?, org, &request).await?;
        Ok(ClientConnection::from_page(found, Client))
    }
}

/// A new client.
#[derive(InputObject)]
pub struct CreateClientInput {
    /// The organization serving them.
    pub organization_id: ID,
    /// A name chosen with the person (a first name or initials are enough).
    pub display_name: String,
    /// Preferred languages (BCP 47).
    #[graphql(default)]
    pub preferred_languages: Vec<String>,
    /// How to reach them.
    pub contact_channel: Option<ContactChannel>,
    /// The number or address for the channel.
    pub contact_value: Option<String>,
    /// Year of birth.
    pub birth_year: Option<i32>,
    /// What they need, briefly.
    pub needs_summary: Option<String>,
    /// Retrying with the same key within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// An organization (and optionally one of its services) a consent covers.
#[derive(InputObject)]
pub struct ConsentRecipientInput {
    /// The organization.
    pub organization_id: ID,
    /// Only this service of it.
    pub service_id: Option<ID>,
}

/// A client's consent.
#[derive(InputObject)]
pub struct RecordConsentInput {
    /// The client.
    pub client_id: ID,
    /// Who may receive their details.
    pub recipients: Vec<ConsentRecipientInput>,
    /// The name may be shared.
    pub shares_name: bool,
    /// The contact details may be shared.
    pub shares_contact: bool,
    /// The languages may be shared.
    pub shares_languages: bool,
    /// The needs summary may be shared.
    pub shares_needs: bool,
    /// How it was given.
    pub method: ConsentMethod,
    /// When it was given (now when omitted).
    pub given_at: Option<DateTime<Utc>>,
    /// When it lapses.
    pub expires_at: Option<DateTime<Utc>>,
    /// Retrying with the same key within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// Two records of the same person.
#[derive(InputObject)]
pub struct LinkClientsInput {
    /// One record.
    pub client_id: ID,
    /// The other record, of the same organization.
    pub other_client_id: ID,
}

/// Revoking a consent.
#[derive(InputObject)]
pub struct RevokeConsentInput {
    /// The consent.
    pub consent_id: ID,
}

/// A new referral.
#[derive(InputObject)]
pub struct SendReferralInput {
    /// The client.
    pub client_id: ID,
    /// The consent it is sent under; it must cover the service's organization.
    pub consent_id: ID,
    /// The service; it must take referrals now.
    pub service_id: ID,
    /// Why the client is referred.
    pub reason: String,
    /// How soon (`ROUTINE` when omitted).
    pub urgency: Option<Urgency>,
    /// Whether an interpreter is needed.
    #[graphql(default)]
    pub interpreter_needed: bool,
    /// The interpreter's language (BCP 47).
    pub interpreter_language: Option<String>,
    /// When it should be done by.
    pub due_date: Option<NaiveDate>,
    /// Retrying with the same key within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// A step that needs no reason.
#[derive(InputObject)]
pub struct ReferralStepInput {
    /// The referral.
    pub referral_id: ID,
    /// The version last seen; a newer one is a `CONFLICT`.
    pub version: i32,
    /// A note for the history.
    pub note: Option<String>,
    /// Retrying with the same key within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// Declining a referral.
#[derive(InputObject)]
pub struct DeclineReferralInput {
    /// The referral.
    pub referral_id: ID,
    /// The version last seen.
    pub version: i32,
    /// Why.
    pub reason: DeclineReason,
    /// More detail.
    pub note: Option<String>,
    /// Retrying with the same key within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// Completing a referral.
#[derive(InputObject)]
pub struct CompleteReferralInput {
    /// The referral.
    pub referral_id: ID,
    /// The version last seen.
    pub version: i32,
    /// How it ended.
    pub outcome: Outcome,
    /// More detail.
    pub note: Option<String>,
    /// Retrying with the same key within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// Cancelling a referral.
#[derive(InputObject)]
pub struct CancelReferralInput {
    /// The referral.
    pub referral_id: ID,
    /// The version last seen.
    pub version: i32,
    /// Why.
    pub reason: CancelReason,
    /// More detail.
    pub note: Option<String>,
    /// Retrying with the same key within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// Assigning a referral.
#[derive(InputObject)]
pub struct AssignReferralInput {
    /// The referral.
    pub referral_id: ID,
    /// The version last seen.
    pub version: i32,
    /// A staff member or admin of the receiving organization.
    pub assignee_id: ID,
    /// Retrying with the same key within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// A note on a referral.
#[derive(InputObject)]
pub struct AddReferralNoteInput {
    /// The referral.
    pub referral_id: ID,
    /// Shared with both organizations or internal.
    pub visibility: NoteVisibility,
    /// The text.
    pub body: String,
    /// Retrying with the same key within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

async fn step(
    ctx: &Context<'_>,
    id: &ID,
    version: i32,
    action: Action,
    note: Option<String>,
    key: Option<String>,
) -> Result<Referral> {
    let id = ids::decode_as(id, "Referral", "input.referralId")?;
    let state = state(ctx)?;
    let changed = service::transition(
        &state.db,
        actor(ctx)?,
        id,
        version,
        action,
        note,
        key.as_deref(),
    )
    .await?;
    state
        .referral_feed
        .publish(ReferralChange::of(&changed, ChangeKind::StatusChanged));
    Ok(Referral(changed))
}

/// Mutations of the referral network.
#[derive(Default)]
pub struct ReferralsMutation;

#[Object]
impl ReferralsMutation {
    /// Records a client of an organization (its staff and admins, STAFF keys).
    async fn create_client(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The client.")] input: CreateClientInput,
    ) -> Result<Client> {
        let org = ids::decode_as(
            &input.organization_id,
            "Organization",
            "input.organizationId",
        )?;
        let key = input.idempotency_key.clone();
        let draft = ClientDraft {
            display_name: input.display_name,
            preferred_languages: input.preferred_languages,
            contact_channel: input.contact_channel.map(Into::into),
            contact_value: input.contact_value,
            birth_year: input.birth_year,
            needs_summary: input.needs_summary,
        };
        Ok(Client(
            service::create_client(&state(ctx)?.db, actor(ctx)?, org, draft, key.as_deref())
                .await?,
        ))
    }

    /// Links two records of the same person so their referrals read as one
    /// history (the organization's staff); nothing is merged or lost.
    async fn link_clients(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The two records.")] input: LinkClientsInput,
    ) -> Result<Client> {
        let a = ids::decode_as(&input.client_id, "Client", "input.clientId")?;
        let b = ids::decode_as(&input.other_client_id, "Client", "input.otherClientId")?;
        Ok(Client(
            service::link_clients(&state(ctx)?.db, actor(ctx)?, a, b).await?,
        ))
    }

    /// Undoes a link between two records.
    async fn unlink_clients(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The two records.")] input: LinkClientsInput,
    ) -> Result<Client> {
        let a = ids::decode_as(&input.client_id, "Client", "input.clientId")?;
        let b = ids::decode_as(&input.other_client_id, "Client", "input.otherClientId")?;
        Ok(Client(
            service::unlink_clients(&state(ctx)?.db, actor(ctx)?, a, b).await?,
        ))
    }

    /// Records a client's consent (the client's organization's staff).
    async fn record_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The consent.")] input: RecordConsentInput,
    ) -> Result<Consent> {
        let mut recipients = Vec::with_capacity(input.recipients.len());
        for (i, r) in input.recipients.iter().enumerate() {
            recipients.push((
                ids::decode_as(
                    &r.organization_id,
                    "Organization",
                    &format!("input.recipients.{i}.organizationId"),
                )?,
                r.service_id
                    .as_ref()
                    .map(|s| {
                        ids::decode_as(s, "Service", &format!("input.recipients.{i}.serviceId"))
                    })
                    .transpose()?,
            ));
        }
        let key = input.idempotency_key.clone();
        let draft = ConsentDraft {
            client_id: ids::decode_as(&input.client_id, "Client", "input.clientId")?,
            recipients,
            parts: ClientParts {
                name: input.shares_name,
                contact: input.shares_contact,
                languages: input.shares_languages,
                needs: input.shares_needs,
                birth_year: false,
            },
            method: input.method.into(),
            given_at: input.given_at,
            expires_at: input.expires_at,
        };
        Ok(Consent(
            service::record_consent(&state(ctx)?.db, actor(ctx)?, draft, key.as_deref()).await?,
        ))
    }

    /// Revokes a consent; its open referrals are cancelled (`CONSENT_REVOKED`) at once.
    async fn revoke_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The consent.")] input: RevokeConsentInput,
    ) -> Result<Consent> {
        let id = ids::decode_as(&input.consent_id, "Consent", "input.consentId")?;
        let state = state(ctx)?;
        let (revoked, cancelled) = service::revoke_consent(&state.db, actor(ctx)?, id).await?;
        for row in &cancelled {
            state
                .referral_feed
                .publish(ReferralChange::of(row, ChangeKind::StatusChanged));
        }
        Ok(Consent(revoked))
    }

    /// Sends a referral to a partner's service (the client's organization's staff, STAFF keys).
    async fn send_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The referral.")] input: SendReferralInput,
    ) -> Result<Referral> {
        let draft = ReferralDraft {
            client_id: ids::decode_as(&input.client_id, "Client", "input.clientId")?,
            consent_id: ids::decode_as(&input.consent_id, "Consent", "input.consentId")?,
            service_id: ids::decode_as(&input.service_id, "Service", "input.serviceId")?,
            reason: input.reason,
            urgency: input.urgency.unwrap_or(Urgency::Routine).into(),
            interpreter_needed: input.interpreter_needed,
            interpreter_language: input.interpreter_language,
            due_date: input.due_date,
        };
        let state = state(ctx)?;
        let sent = service::send_referral(
            &state.db,
            actor(ctx)?,
            draft,
            input.idempotency_key.as_deref(),
        )
        .await?;
        state
            .referral_feed
            .publish(ReferralChange::of(&sent, ChangeKind::Sent));
        Ok(Referral(sent))
    }

    /// Accepts a `SENT` referral (the receiving organization).
    async fn accept_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The step.")] input: ReferralStepInput,
    ) -> Result<Referral> {
        step(
            ctx,
            &input.referral_id,
            input.version,
            Action::Accept,
            input.note,
            input.idempotency_key,
        )
        .await
    }

    /// Declines a `SENT` referral with a reason (the receiving organization).
    async fn decline_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The step.")] input: DeclineReferralInput,
    ) -> Result<Referral> {
        let action = Action::Decline(input.reason.into());
        step(
            ctx,
            &input.referral_id,
            input.version,
            action,
            input.note,
            input.idempotency_key,
        )
        .await
    }

    /// Starts work on an `ACCEPTED` referral (the receiving organization).
    async fn start_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The step.")] input: ReferralStepInput,
    ) -> Result<Referral> {
        step(
            ctx,
            &input.referral_id,
            input.version,
            Action::Start,
            input.note,
            input.idempotency_key,
        )
        .await
    }

    /// Puts an accepted referral on hold (the receiving organization).
    async fn hold_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The step.")] input: ReferralStepInput,
    ) -> Result<Referral> {
        step(
            ctx,
            &input.referral_id,
            input.version,
            Action::Hold,
            input.note,
            input.idempotency_key,
        )
        .await
    }

    /// Resumes a referral on hold where it was (the receiving organization).
    async fn resume_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The step.")] input: ReferralStepInput,
    ) -> Result<Referral> {
        step(
            ctx,
            &input.referral_id,
            input.version,
            Action::Resume,
            input.note,
            input.idempotency_key,
        )
        .await
    }

    /// Completes an `IN_PROGRESS` referral with an outcome (the receiving organization).
    async fn complete_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The step.")] input: CompleteReferralInput,
    ) -> Result<Referral> {
        let action = Action::Complete(input.outcome.into());
        step(
            ctx,
            &input.referral_id,
            input.version,
            action,
            input.note,
            input.idempotency_key,
        )
        .await
    }

    /// Cancels an open referral (the referring organization).
    async fn cancel_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The step.")] input: CancelReferralInput,
    ) -> Result<Referral> {
        let action = Action::Cancel(input.reason.into());
        step(
            ctx,
            &input.referral_id,
            input.version,
            action,
            input.note,
            input.idempotency_key,
        )
        .await
    }

    /// Assigns a referral to a staff member of the receiving organization.
    async fn assign_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The assignment.")] input: AssignReferralInput,
    ) -> Result<Referral> {
        let id = ids::decode_as(&input.referral_id, "Referral", "input.referralId")?;
        let assignee = ids::decode_as(&input.assignee_id, "User", "input.assigneeId")?;
        Ok(Referral(
            service::assign(
                &state(ctx)?.db,
                actor(ctx)?,
                id,
                input.version,
                assignee,
                input.idempotency_key.as_deref(),
            )
            .await?,
        ))
    }

    /// Adds a note to a referral (staff of either organization).
    async fn add_referral_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The note.")] input: AddReferralNoteInput,
    ) -> Result<ReferralNote> {
        let id = ids::decode_as(&input.referral_id, "Referral", "input.referralId")?;
        let note = service::add_note(
            &state(ctx)?.db,
            actor(ctx)?,
            id,
            input.visibility.into(),
            &input.body,
            input.idempotency_key.as_deref(),
        )
        .await?;
        let author = user_name(ctx, note.author_user_id)
            .await?
            .unwrap_or_else(|| "API key".into());
        Ok(ReferralNote {
            visibility: note.visibility.into(),
            body: note.body,
            author,
            created_at: note.created_at,
        })
    }
}

/// What happened to a referral, for subscribers.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferralChangeKind {
    /// A new referral was sent.
    Sent,
    /// A referral's status changed.
    StatusChanged,
}

/// A change to a referral the subscriber may see, with the referral as the
/// subscriber sees it now.
pub struct ReferralUpdate {
    kind: ReferralChangeKind,
    referral: Referral,
}

/// A change to a referral the subscriber may see, with the referral as the
/// subscriber sees it now.
#[Object]
impl ReferralUpdate {
    /// What happened.
    async fn kind(&self) -> ReferralChangeKind {
        self.kind
    }
    /// The referral, read for the subscriber (the privacy rules apply).
    async fn referral(&self) -> &Referral {
        &self.referral
    }
}

/// Subscriptions of the referral network.
#[derive(Default)]
pub struct ReferralsSubscription;

#[Subscription]
impl ReferralsSubscription {
    /// Every new referral and every status change of the referrals of the
    /// subscriber's organizations (over `graphql-transport-ws`, authenticated in
    /// `connection_init`). Nothing is delivered about a referral the subscriber
    /// may not read.
    async fn referral_changes(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = ReferralUpdate>> {
        let state = state(ctx)?.clone();
        let actor = actor(ctx)?.clone();
        let session = ctx.data_opt::<Session>().cloned();
        policy::authorize(
            &actor,
            policy::may_follow_referrals(&actor),
            "follow referrals",
        )?;
        let receiver = state.referral_feed.subscribe();
        Ok(futures_util::stream::unfold(
            (receiver, state, actor, session),
            |(mut receiver, state, mut actor, session)| async move {
                loop {
                    let change = match receiver.recv().await {
                        Ok(change) => change,
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    };
                    if !policy::may_see_referral(
                        &actor,
                        change.referring_organization_id,
                        change.receiving_organization_id,
                    ) {
                        continue;
                    }
                    // The credential may have ended since the socket opened
                    // (key revoked, member removed, token expired): check it
                    // again before reading anything for it.
                    if let Some(session) = &session {
                        match session.actor(&state.auth, &state.db).await {
                            Some(current) if policy::may_follow_referrals(&current) => {
                                actor = current
                            }
                            Some(_) => {
                                session.end(SessionEnd::Refused);
                                return None;
                            }
                            None => return None,
                        }
                    }
                    // Read again as the subscriber: the policy decides what it sees.
                    let Ok(row) = service::referral(&state.db, &actor, change.referral_id).await
                    else {
                        continue;
                    };
                    let kind = match change.kind {
                        ChangeKind::Sent => ReferralChangeKind::Sent,
                        ChangeKind::StatusChanged => ReferralChangeKind::StatusChanged,
                    };
                    return Some((
                        ReferralUpdate {
                            kind,
                            referral: Referral(row),
                        },
                        (receiver, state, actor, session),
                    ));
                }
            },
        ))
    }
}
