//! Reads of personal data noted during a request and written to the audit
//! log when it ends.

use super::service::{AuditEvent, record_many};
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use sea_orm::ConnectionTrait;
use serde_json::json;
use std::sync::Mutex;
use uuid::Uuid;

/// Reads of clients' details during one request, written to the audit log in
/// one statement when the request ends (so reading a page of referrals costs
/// the same number of statements whatever its size).
#[derive(Default)]
pub struct ReadLog(Mutex<Vec<(Uuid, Uuid, Option<Uuid>)>>);

impl ReadLog {
    /// Notes that the details of client `client` of organization `owner` were
    /// read, through referral `via` if any.
    pub fn note(&self, client: Uuid, owner: Uuid, via: Option<Uuid>) {
        if let Ok(mut reads) = self.0.lock()
            && !reads.iter().any(|(c, _, v)| *c == client && *v == via)
        {
            reads.push((client, owner, via));
        }
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
                .map(|(client, owner, via)| AuditEvent {
                    organization_id: Some(owner),
                    action: "client.read",
                    record_type: "Client",
                    record_id: Some(client),
                    details: via.map(|r| json!({ "referral": r })),
                })
                .collect(),
        )
        .await
    }
}
