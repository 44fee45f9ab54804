//! GraphQL subscriptions over WebSockets (`graphql-transport-ws`, and the
//! older `graphql-ws`). A socket authenticates in `connection_init` and must:
//! one without a valid credential is closed with `4403 Forbidden`. The
//! credential is then a [`Session`]: subscriptions check it again before each
//! event, the socket checks it every [`RECHECK`] while idle, and the socket is
//! closed (`4403`) the moment it no longer holds or its token expires.

use super::errors::error_response;
use crate::audit::reads::ReadLog;
use crate::auth::session::{Session, SessionEnd};
use crate::error::AppError;
use crate::graphql::AppSchema;
use crate::graphql::context::Loaders;
use crate::state::AppState;
use async_graphql::Data;
use async_graphql::http::{
    ALL_WEBSOCKET_PROTOCOLS, WebSocket as GraphQLSocket, WebSocketProtocols, WsMessage,
};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::extract::{FromRequestParts, Request, WebSocketUpgrade};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use std::str::FromStr;
use std::time::Duration;

/// How often an idle socket checks its credential again.
pub const RECHECK: Duration = Duration::from_secs(60);

/// Upgrades a GET of `/graphql` to a subscription socket.
pub async fn upgrade(app: AppState, schema: AppSchema, request: Request) -> Response {
    let (mut parts, _body) = request.into_parts();
    let protocol = parts
        .headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|offered| {
            offered
                .split(',')
                .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
        });
    let Some(protocol) = protocol else {
        return error_response(AppError::bad_input(
            "Sec-WebSocket-Protocol",
            "offer graphql-transport-ws (or graphql-ws)",
        ));
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(socket, app, schema, protocol, request_id))
}

/// Runs one socket until the client leaves or its session ends.
async fn serve(
    socket: WebSocket,
    app: AppState,
    schema: AppSchema,
    protocol: WebSocketProtocols,
    request_id: Option<String>,
) {
    let _open = crate::metrics::OpenSocket::open();
    let session = Session::default();
    let (mut sink, source) = socket.split();
    let input = source
        .take_while(|message| futures_util::future::ready(message.is_ok()))
        .filter_map(|message| {
            futures_util::future::ready(match message {
                Ok(message @ (Message::Text(_) | Message::Binary(_))) => Some(message.into_data()),
                _ => None,
            })
        });
    let init = {
        let (app, session) = (app.clone(), session.clone());
        move |payload| connection_init(app, session, payload, request_id)
    };
    let mut outgoing = GraphQLSocket::new(schema, input, protocol).on_connection_init(init);
    let closed = session.closed();
    tokio::pin!(closed);
    let mut recheck = tokio::time::interval(RECHECK);
    recheck.tick().await;
    loop {
        tokio::select! {
            // An ended session closes the socket before anything else goes out.
            biased;
            why = &mut closed => {
                tracing::debug!(reason = why.reason(), "closing a subscription socket");
                let _ = sink.send(close_frame(why)).await;
                break;
            }
            message = outgoing.next() => {
                let Some(message) = message else { break };
                let message = match message {
                    // A refused `connection_init` is `4403 Forbidden` in the
                    // protocol; async-graphql says 1002.
                    WsMessage::Close(code, reason) => match session.ended() {
                        Some(why) => close_frame(why),
                        None => Message::Close(Some(CloseFrame { code, reason: reason.into() })),
                    },
                    WsMessage::Text(text) => Message::Text(text.into()),
                };
                let closing = matches!(message, Message::Close(_));
                if sink.send(message).await.is_err() || closing {
                    break;
                }
            }
            _ = recheck.tick() => {
                session.actor(&app.auth, &app.db).await;
            }
        }
    }
}

fn close_frame(why: SessionEnd) -> Message {
    Message::Close(Some(CloseFrame {
        code: why.code(),
        reason: why.reason().into(),
    }))
}

/// Authenticates a socket from its `connection_init` payload:
/// `{"Authorization": "Bearer <token or key>"}` (or `{"token": "…"}`). No
/// credential, or a bad one, refuses the socket.
async fn connection_init(
    app: AppState,
    session: Session,
    payload: serde_json::Value,
    request_id: Option<String>,
) -> async_graphql::Result<Data> {
    let header = payload
        .get("Authorization")
        .or_else(|| payload.get("authorization"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .or_else(|| {
            payload
                .get("token")
                .and_then(|v| v.as_str())
                .map(|t| format!("Bearer {t}"))
        });
    let Some(header) = header else {
        session.end(SessionEnd::Refused);
        return Err(async_graphql::Error::new(
            "Forbidden: connection_init carries no credential",
        ));
    };
    let (actor, expires_at) = match app
        .auth
        .authenticate_expiring(&app.db, Some(&header), request_id.clone())
        .await
    {
        Ok(found) => found,
        Err(error) => {
            session.end(match error {
                AppError::Unauthenticated => SessionEnd::Refused,
                _ => SessionEnd::Unavailable,
            });
            return Err(async_graphql::Error::new(error.to_string()));
        }
    };
    session.open(header, request_id, expires_at);
    let mut data = Data::default();
    data.insert(actor);
    data.insert(session);
    data.insert(Loaders::new(&app.db));
    data.insert(ReadLog::default());
    Ok(data)
}
