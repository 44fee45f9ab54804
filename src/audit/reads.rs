//! Reads of personal data noted during a request and written to the audit
//! log when it ends, and read back as the accounting of who saw what of a
//! person's record. This file alone knows how a read is stored
//! (`client.read`, its details), so writing and reading agree.

use super::service::{AuditEvent, ReadEvent, record_many};
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::pagination::{Page, PageRequest, paginate};
use crate::policy::ClientParts;
use chrono::{DateTime, Utc};
use entity::audit_entry;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Mutex;
use uuid::Uuid;

/// The audit action of a read of personal data.
pub const CLIENT_READ: &str = "client.read";

/// A part of a person's record that can be read, directly or through a
/// referral. Stored by these names in the read's audit details.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReadPart {
    /// The client's display name.
    Name,
    /// The client's contact channel and value.
    Contact,
    /// The client's preferred languages.
    Languages,
    /// The client's needs summary.
    Needs,
    /// The client's year of birth.
    BirthYear,
    /// A referral's reason.
    Reason,
    /// A referral's notes.
    Notes,
    /// The notes given with a referral's steps.
    StepNotes,
    /// A referral's interpreter language.
    InterpreterLanguage,
}

impl ReadPart {
    /// The whole client record, as its own organization's staff read it.
    pub const CLIENT_RECORD: [ReadPart; 5] = [
        ReadPart::Name,
        ReadPart::Contact,
        ReadPart::Languages,
        ReadPart::Needs,
        ReadPart::BirthYear,
    ];

    /// The client fields a referral hands out under `parts`. The year of birth
    /// is not among them: no consent part covers it and a referral never
    /// shows it.
    pub fn handed_out(parts: ClientParts) -> Vec<ReadPart> {
        [
            (parts.name, ReadPart::Name),
            (parts.contact, ReadPart::Contact),
            (parts.languages, ReadPart::Languages),
            (parts.needs, ReadPart::Needs),
        ]
        .into_iter()
        .filter_map(|(read, part)| read.then_some(part))
        .collect()
    }
}

/// One read noted during a request.
struct Noted {
    client: Uuid,
    owner: Uuid,
    reader: Option<Uuid>,
    via: Option<Uuid>,
    parts: BTreeSet<ReadPart>,
}

/// Reads of clients' details during one request, written to the audit log in
/// one statement when the request ends (so reading a page of referrals costs
/// the same number of statements whatever its size).
#[derive(Default)]
pub struct ReadLog(Mutex<Vec<Noted>>);

impl ReadLog {
    /// Notes that `parts` of client `client` of organization `owner` were read
    /// by the actor acting for organization `reader`, through referral `via`
    /// if any. Reads of one client through one referral (or directly) in a
    /// request make one entry with every part read.
    pub fn note(
        &self,
        client: Uuid,
        owner: Uuid,
        reader: Option<Uuid>,
        via: Option<Uuid>,
        parts: impl IntoIterator<Item = ReadPart>,
    ) {
        let parts: BTreeSet<ReadPart> = parts.into_iter().collect();
        if parts.is_empty() {
            return;
        }
        let Ok(mut reads) = self.0.lock() else {
            return;
        };
        match reads
            .iter_mut()
            .find(|r| r.client == client && r.via == via)
        {
            Some(read) => read.parts.extend(parts),
            None => reads.push(Noted {
                client,
                owner,
                reader,
                via,
                parts,
            }),
        }
    }

    /// Notes that the staff of `owner` read the whole record of their client
    /// `client`.
    pub fn note_whole_record(&self, client: Uuid, owner: Uuid) {
        self.note(client, owner, Some(owner), None, ReadPart::CLIENT_RECORD);
    }

    /// Writes the noted reads as audit entries of the owning organizations.
    pub async fn flush(&self, conn: &impl ConnectionTrait, actor: &Actor) -> AppResult<()> {
        let reads = match self.0.lock() {
            Ok(mut reads) => std::mem::take(&mut *reads),
            Err(_) => return Err(AppError::Internal("read log poisoned".into())),
        };
        record_many(
            conn,
            actor,
            reads
                .into_iter()
                .map(|read| ReadEvent {
                    event: AuditEvent {
                        organization_id: Some(read.owner),
                        action: CLIENT_READ,
                        record_type: "Client",
                        record_id: Some(read.client),
                        details: Some(match read.via {
                            Some(referral) => json!({ "referral": referral, "parts": read.parts }),
                            None => json!({ "parts": read.parts }),
                        }),
                    },
                    reader_organization_id: read.reader,
                })
                .collect(),
        )
        .await
    }
}

/// A read of a person's record, as the audit log kept it.
#[derive(Clone, Debug)]
pub struct RecordedRead {
    /// The audit entry's id.
    pub id: Uuid,
    /// When the read happened.
    pub created_at: DateTime<Utc>,
    /// The client read.
    pub client_id: Uuid,
    /// The organization the reader acted for (unknown for reads recorded
    /// before it was kept).
    pub reader_organization_id: Option<Uuid>,
    /// The user who read, when a user did.
    pub user_id: Option<Uuid>,
    /// The API key that read, when a key did.
    pub api_key_id: Option<Uuid>,
    /// The referral read through, if any.
    pub referral_id: Option<Uuid>,
    /// The parts read (none known for reads recorded before they were kept).
    pub parts: Vec<ReadPart>,
}

crate::pagination::keyed_by_creation!(RecordedRead);

/// The details of a read as stored; written by [`ReadLog::flush`] only.
#[derive(Deserialize, Default)]
struct StoredDetails {
    referral: Option<Uuid>,
    #[serde(default)]
    parts: Vec<String>,
}

impl RecordedRead {
    fn from_entry(entry: audit_entry::Model) -> Option<Self> {
        // Written by this file only: unreadable details read as none rather
        // than hiding the read itself.
        let details: StoredDetails = entry
            .details
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default();
        Some(RecordedRead {
            id: entry.id,
            created_at: entry.created_at,
            client_id: entry.record_id?,
            reader_organization_id: entry.actor_organization_id,
            user_id: entry.actor_user_id,
            api_key_id: entry.actor_api_key_id,
            referral_id: details.referral,
            parts: details
                .parts
                .iter()
                .filter_map(|p| serde_json::from_value(json!(p)).ok())
                .collect(),
        })
    }
}

/// Whose reads to list.
#[derive(Clone, Copy, Debug)]
pub enum ReadsOf {
    /// Every read of this client of this owning organization.
    Client {
        /// The client.
        client: Uuid,
        /// Its owning organization.
        owner: Uuid,
    },
    /// Every read by people and keys acting for this organization.
    Reader(Uuid),
}

/// A page of recorded reads, oldest first. No policy here: callers decide
/// who may list which reads.
pub async fn recorded_reads(
    db: &impl ConnectionTrait,
    of: ReadsOf,
    page: &PageRequest,
) -> AppResult<Page<RecordedRead>> {
    let select = audit_entry::Entity::find().filter(audit_entry::Column::Action.eq(CLIENT_READ));
    let select = match of {
        ReadsOf::Client { client, owner } => select
            .filter(audit_entry::Column::RecordId.eq(client))
            .filter(audit_entry::Column::OrganizationId.eq(owner)),
        ReadsOf::Reader(org) => select
            .filter(audit_entry::Column::ActorOrganizationId.eq(org))
            .filter(audit_entry::Column::RecordId.is_not_null()),
    };
    let found = paginate(
        db,
        select,
        audit_entry::Column::CreatedAt,
        audit_entry::Column::Id,
        page,
    )
    .await?;
    // Both filters keep only entries naming their client, so the count
    // still matches the items.
    Ok(found.map_items(|items| {
        items
            .into_iter()
            .filter_map(RecordedRead::from_entry)
            .collect()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_of_one_client_through_one_referral_merge_into_one_entry_with_every_part() {
        let log = ReadLog::default();
        let (client, owner, reader, referral) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        log.note(
            client,
            owner,
            Some(reader),
            Some(referral),
            [ReadPart::Reason],
        );
        log.note(
            client,
            owner,
            Some(reader),
            Some(referral),
            [ReadPart::Name, ReadPart::Reason],
        );
        log.note(client, owner, Some(owner), None, ReadPart::CLIENT_RECORD);
        log.note(client, owner, Some(reader), Some(Uuid::now_v7()), []);
        let reads = log.0.lock().expect("log");
        assert_eq!(reads.len(), 2, "a read of nothing is no read");
        assert_eq!(
            reads[0].parts.iter().copied().collect::<Vec<_>>(),
            vec![ReadPart::Name, ReadPart::Reason]
        );
    }

    #[test]
    fn a_referral_hands_out_consented_client_fields_but_never_the_birth_year() {
        assert_eq!(
            ReadPart::handed_out(ClientParts::ALL),
            vec![
                ReadPart::Name,
                ReadPart::Contact,
                ReadPart::Languages,
                ReadPart::Needs
            ]
        );
        assert!(ReadPart::handed_out(ClientParts::default()).is_empty());
    }

    #[test]
    fn stored_parts_read_back_and_unknown_ones_are_skipped() {
        let entry = audit_entry::Model {
            id: Uuid::now_v7(),
            created_at: Utc::now(),
            actor_kind: entity::enums::ActorKind::User,
            actor_user_id: Some(Uuid::now_v7()),
            actor_api_key_id: None,
            organization_id: Some(Uuid::now_v7()),
            action: CLIENT_READ.into(),
            record_type: "Client".into(),
            record_id: Some(Uuid::now_v7()),
            request_id: None,
            details: Some(
                json!({ "parts": [ReadPart::StepNotes, ReadPart::BirthYear] })
                    .to_string()
                    .replace("BIRTH_YEAR", "SHOE_SIZE"),
            ),
            actor_organization_id: None,
        };
        let read = RecordedRead::from_entry(entry).expect("a read");
        assert_eq!(read.parts, vec![ReadPart::StepNotes]);
        assert_eq!(read.referral_id, None);
    }
}
