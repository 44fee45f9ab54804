//! The credential of a long-lived connection (a WebSocket), checked again
//! before each use. A socket authenticates once in `connection_init`, but the
//! key behind it may be revoked, the user removed from their organization, the
//! token expire: whatever reads data for the socket asks [`Session::actor`]
//! first, and the socket closes as soon as the credential no longer holds, or
//! when the token expires, whichever comes first.

use super::{Actor, Authenticator};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use std::sync::{Arc, OnceLock};
use tokio::sync::watch;

/// Why a session ended, as the socket's close frame tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionEnd {
    /// The credential was refused, or is no longer valid: `4403 Forbidden`.
    Refused,
    /// The token expired: `4403 Forbidden` too (the client logs in again).
    Expired,
    /// The service could not check the credential (e.g. the database is
    /// unreachable): `1011`, so the client reconnects and catches up.
    Unavailable,
}

impl SessionEnd {
    /// The WebSocket close code.
    pub fn code(self) -> u16 {
        match self {
            SessionEnd::Refused | SessionEnd::Expired => 4403,
            SessionEnd::Unavailable => 1011,
        }
    }

    /// The close frame's reason.
    pub fn reason(self) -> &'static str {
        match self {
            SessionEnd::Refused => "Forbidden",
            SessionEnd::Expired => "Forbidden: the token expired",
            SessionEnd::Unavailable => "the credential cannot be checked now; reconnect",
        }
    }
}

struct Credential {
    header: String,
    request_id: Option<String>,
}

#[derive(Clone, Copy, Default)]
struct State {
    expires_at: Option<DateTime<Utc>>,
    ended: Option<SessionEnd>,
}

/// One connection's credential (cheap to clone; clones share it).
#[derive(Clone)]
pub struct Session {
    credential: Arc<OnceLock<Credential>>,
    state: Arc<watch::Sender<State>>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            credential: Arc::default(),
            state: Arc::new(watch::Sender::new(State::default())),
        }
    }
}

impl Session {
    /// Records the credential the connection authenticated with, and when it
    /// expires (API keys do not).
    pub fn open(
        &self,
        header: String,
        request_id: Option<String>,
        expires_at: Option<DateTime<Utc>>,
    ) {
        let _ = self.credential.set(Credential { header, request_id });
        self.state.send_modify(|s| s.expires_at = expires_at);
    }

    /// Ends the session; the first reason given is kept.
    pub fn end(&self, why: SessionEnd) {
        self.state.send_modify(|s| {
            s.ended.get_or_insert(why);
        });
    }

    /// Why the session ended, if it has.
    pub fn ended(&self) -> Option<SessionEnd> {
        self.state.borrow().ended
    }

    /// The actor the credential stands for now, authenticated afresh (keys
    /// revoked, memberships and roles as they are now, token expiry). `None`
    /// when it no longer authenticates, and then the session is ended.
    pub async fn actor(&self, auth: &Authenticator, db: &DatabaseConnection) -> Option<Actor> {
        if self.ended().is_some() {
            return None;
        }
        let Some(credential) = self.credential.get() else {
            self.end(SessionEnd::Refused);
            return None;
        };
        match auth
            .authenticate(db, Some(&credential.header), credential.request_id.clone())
            .await
        {
            Ok(actor) if !actor.is_anonymous() => Some(actor),
            Ok(_) | Err(AppError::Unauthenticated) => {
                self.end(SessionEnd::Refused);
                None
            }
            Err(error) => {
                tracing::warn!(error = %error, "a socket's credential could not be checked");
                self.end(SessionEnd::Unavailable);
                None
            }
        }
    }

    /// Waits until the session ends: someone ended it, or its token expired.
    pub async fn closed(&self) -> SessionEnd {
        let mut state = self.state.subscribe();
        loop {
            let now = *state.borrow_and_update();
            if let Some(why) = now.ended {
                return why;
            }
            let expiry = now.expires_at.map(|at| {
                (at - Utc::now())
                    .to_std()
                    .unwrap_or(std::time::Duration::ZERO)
            });
            match expiry {
                Some(left) => {
                    tokio::select! {
                        changed = state.changed() => if changed.is_err() { return SessionEnd::Refused },
                        () = tokio::time::sleep(left) => {
                            self.end(SessionEnd::Expired);
                        }
                    }
                }
                None => {
                    if state.changed().await.is_err() {
                        return SessionEnd::Refused;
                    }
                }
            }
        }
    }
}
