//! Mutations of the referral network: clients and their links, consents,
//! sending a referral, its steps, assignment and notes. Each change of a
//! referral's status is published on the referral feed for subscribers.

use super::enums::{
    CancelReason, ConsentMethod, ContactChannel, DeclineReason, NoteVisibility, Outcome, Urgency,
};
use super::types::{Client, Consent, Referral, ReferralNote, user_name};
use crate::graphql::context::{actor, state};
use crate::graphql::organization::Organization;
use crate::graphql::scalars::Date;
use crate::ids;
use crate::policy::ClientParts;
use crate::referrals::clients::{self, ClientCorrection, NewClient};
use crate::referrals::consents::{self, NewConsent};
use crate::referrals::domain::Action;
use crate::referrals::erasure;
use crate::referrals::feed::{ChangeKind, ReferralChange};
use crate::referrals::lifecycle::{self, NewReferral};
use crate::referrals::notes;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use chrono::{DateTime, Utc};

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

/// A correction of a client's record: the fields given replace the stored
/// ones (null clears an optional field); fields left out stay as they are.
#[derive(InputObject)]
pub struct CorrectClientInput {
    /// The client.
    pub client_id: ID,
    /// The corrected name.
    pub display_name: Option<String>,
    /// The corrected languages (BCP 47).
    pub preferred_languages: Option<Vec<String>>,
    /// The corrected contact channel (null: none).
    pub contact_channel: MaybeUndefined<ContactChannel>,
    /// The corrected number or address (null: none).
    pub contact_value: MaybeUndefined<String>,
    /// The corrected year of birth (null: unknown).
    pub birth_year: MaybeUndefined<i32>,
    /// The corrected needs (null: none).
    pub needs_summary: MaybeUndefined<String>,
}

/// Erasing a client.
#[derive(InputObject)]
pub struct EraseClientInput {
    /// The client.
    pub client_id: ID,
    /// Retrying with the same key within 24 hours returns the first result.
    pub idempotency_key: Option<String>,
}

/// How long an organization's consents may last.
#[derive(InputObject)]
pub struct LimitConsentsInput {
    /// The organization.
    pub organization_id: ID,
    /// Most days a consent may last from when it was given; null lifts the limit (a shelter's consents stay limited to the coalition's maximum for shelters).
    pub max_days: Option<i32>,
}

fn given<T, U>(field: MaybeUndefined<T>, into: impl FnOnce(T) -> U) -> Option<Option<U>> {
    match field {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(into(v))),
    }
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
    /// When it lapses; required by organizations that limit how long a consent lasts (shelters always do).
    pub expires_at: Option<DateTime<Utc>>,
    /// What the person agreed their details are shared for, as told to them (e.g. "to get an appointment for legal advice").
    pub purpose: Option<String>,
    /// What it was taken from: a signed form kept on file, a verbal statement over the phone...
    pub source: Option<String>,
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
    pub due_date: Option<Date>,
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
    let changed = lifecycle::transition(
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
        let new = NewClient {
            display_name: input.display_name,
            preferred_languages: input.preferred_languages,
            contact_channel: input.contact_channel.map(Into::into),
            contact_value: input.contact_value,
            birth_year: input.birth_year,
            needs_summary: input.needs_summary,
        };
        Ok(Client(
            clients::create_client(&state(ctx)?.db, actor(ctx)?, org, new, key.as_deref()).await?,
        ))
    }

    /// Corrects a client's record (its organization's staff and admins, STAFF keys); the audit entry names the fields changed, never their values.
    async fn correct_client(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The correction.")] input: CorrectClientInput,
    ) -> Result<Client> {
        let id = ids::decode_as(&input.client_id, "Client", "input.clientId")?;
        let correction = ClientCorrection {
            display_name: input.display_name,
            preferred_languages: input.preferred_languages,
            contact_channel: given(input.contact_channel, Into::into),
            contact_value: given(input.contact_value, |v| v),
            birth_year: given(input.birth_year, |v| v),
            needs_summary: given(input.needs_summary, |v| v),
        };
        Ok(Client(
            clients::correct_client(&state(ctx)?.db, actor(ctx)?, id, correction).await?,
        ))
    }

    /// Erases a client (the owning organization's admins): their details, their consents' purpose and source, and every note and history note of their referrals, on both sides, at once. Referrals keep their statuses and dates; open ones are cancelled (`CLIENT_ERASED`). Cannot be undone.
    async fn erase_client(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The client.")] input: EraseClientInput,
    ) -> Result<Client> {
        let id = ids::decode_as(&input.client_id, "Client", "input.clientId")?;
        let state = state(ctx)?;
        let (erased, cancelled) =
            erasure::erase_client(&state.db, actor(ctx)?, id, input.idempotency_key.as_deref())
                .await?;
        for row in &cancelled {
            state
                .referral_feed
                .publish(ReferralChange::of(row, ChangeKind::StatusChanged));
        }
        Ok(Client(erased))
    }

    /// Sets how many days an organization's consents may last at most (its admins); recording a consent without an expiry, or a longer one, is then refused.
    async fn limit_consents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The limit.")] input: LimitConsentsInput,
    ) -> Result<Organization> {
        let org = ids::decode_as(
            &input.organization_id,
            "Organization",
            "input.organizationId",
        )?;
        Ok(Organization(
            consents::limit_consents(&state(ctx)?.db, actor(ctx)?, org, input.max_days).await?,
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
            clients::link_clients(&state(ctx)?.db, actor(ctx)?, a, b).await?,
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
            clients::unlink_clients(&state(ctx)?.db, actor(ctx)?, a, b).await?,
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
        let new = NewConsent {
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
            purpose: input.purpose,
            source: input.source,
        };
        Ok(Consent({
            let state = state(ctx)?;
            consents::record_consent(&state.db, actor(ctx)?, state.privacy, new, key.as_deref())
                .await?
        }))
    }

    /// Revokes a consent; its open referrals are cancelled (`CONSENT_REVOKED`) at once.
    async fn revoke_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The consent.")] input: RevokeConsentInput,
    ) -> Result<Consent> {
        let id = ids::decode_as(&input.consent_id, "Consent", "input.consentId")?;
        let state = state(ctx)?;
        let (revoked, cancelled) = consents::revoke_consent(&state.db, actor(ctx)?, id).await?;
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
        let new = NewReferral {
            client_id: ids::decode_as(&input.client_id, "Client", "input.clientId")?,
            consent_id: ids::decode_as(&input.consent_id, "Consent", "input.consentId")?,
            service_id: ids::decode_as(&input.service_id, "Service", "input.serviceId")?,
            reason: input.reason,
            urgency: input.urgency.unwrap_or(Urgency::Routine).into(),
            interpreter_needed: input.interpreter_needed,
            interpreter_language: input.interpreter_language,
            due_date: input.due_date.map(Into::into),
        };
        let state = state(ctx)?;
        let sent = lifecycle::send_referral(
            &state.db,
            actor(ctx)?,
            new,
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
            lifecycle::assign(
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
        let note = notes::add_note(
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
