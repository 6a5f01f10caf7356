//! The Tokio side of one HTTP request: checks, static answers, body prefetch,
//! hand-off to Python and waiting for the response.

use bytes::Bytes;
use http::header::HeaderValue;
use http::{Method, Request, Response, StatusCode, Version};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tokio::sync::oneshot;
use tokio::time::timeout;

use super::callbacks::{plain_response, RequestState, BODY_HIGH_WATER};
use super::io::LoopEvent;
use super::serve::ServeContext;
use super::types::{PendingRequest, ScopeAddresses};
use crate::body::{DoneGuard, ResponseBody};
use crate::conn::{ConnState, InFlight};
use crate::limits::check_head;
use crate::logging;
use crate::net::Endpoint;
use crate::urlpath::decode_path;

/// Facts about the connection a request arrived on.
#[derive(Clone)]
pub(crate) struct Peer {
    pub client: Option<SocketAddr>,
    pub server: Arc<Endpoint>,
    pub tls: bool,
    /// The scope's `client` and `server` tuples, built by the first request of
    /// the connection and shared by the ones after it.
    pub addresses: Arc<OnceLock<ScopeAddresses>>,
}

impl Peer {
    pub(crate) fn new(client: Option<SocketAddr>, server: Arc<Endpoint>, tls: bool) -> Self {
        Peer {
            client,
            server,
            tls,
            addresses: Arc::new(OnceLock::new()),
        }
    }
}

/// Marks the request disconnected when dropped (connection closed, or the
/// response fully written), which `receive()` reports as `http.disconnect`.
struct DisconnectOnDrop(Arc<RequestState>);

impl Drop for DisconnectOnDrop {
    fn drop(&mut self) {
        self.0.mark_disconnected();
    }
}

/// What the access log needs once the response is done.
struct LogEntry {
    client: Option<SocketAddr>,
    method: Method,
    target: String,
    version: Version,
    started: Instant,
}

impl LogEntry {
    fn write(&self, status: u16, bytes: u64) {
        let client = self.client.map(|c| c.to_string()).unwrap_or_else(|| "-".into());
        let elapsed = self.started.elapsed().as_secs_f64() * 1000.0;
        logging::log(format!(
            "{client} - \"{} {} {:?}\" {status} {bytes} {elapsed:.2}ms",
            self.method, self.target, self.version
        ));
    }
}

/// Serve one request; never fails (errors become HTTP answers).
pub(crate) async fn handle(
    req: Request<Incoming>,
    ctx: Arc<ServeContext>,
    conn: Arc<ConnState>,
    peer: Peer,
) -> Result<Response<ResponseBody>, Infallible> {
    let in_flight = conn.enter();
    ctx.count_request();
    if conn.take_framing_conflict() && req.headers().contains_key(http::header::TRANSFER_ENCODING) {
        let response = plain_response(
            StatusCode::BAD_REQUEST,
            "Content-Length together with Transfer-Encoding",
            true,
        );
        return Ok(local(response, in_flight, None));
    }
    if req.version() == Version::HTTP_10 {
        conn.upgrade_next_status_line();
    }
    let log = ctx.access_log.then(|| LogEntry {
        client: peer.client,
        method: req.method().clone(),
        target: req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_default(),
        version: req.version(),
        started: Instant::now(),
    });
    let mut response = respond(req, &ctx, &peer, in_flight, log).await;
    if ctx.draining.load(Ordering::Acquire) && response.version() != Version::HTTP_2 {
        response
            .headers_mut()
            .insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}

/// Finish a response produced without Python: attach the in-flight guard and the log.
fn local(mut response: Response<ResponseBody>, in_flight: InFlight, log: Option<LogEntry>) -> Response<ResponseBody> {
    let status = response.status().as_u16();
    let body = std::mem::replace(response.body_mut(), ResponseBody::empty());
    let bytes = response
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    *response.body_mut() = body.with_guard(DoneGuard::new(move || {
        drop(in_flight);
        if let Some(log) = log {
            log.write(status, bytes);
        }
    }));
    response
}

async fn respond(
    req: Request<Incoming>,
    ctx: &Arc<ServeContext>,
    peer: &Peer,
    in_flight: InFlight,
    log: Option<LogEntry>,
) -> Response<ResponseBody> {
    let target_len = req.uri().path_and_query().map(|p| p.as_str().len()).unwrap_or(1);
    if let Err(rejection) = check_head(req.method(), req.version(), target_len, req.headers(), &ctx.limits) {
        return local(plain_response(rejection.status, rejection.reason, true), in_flight, log);
    }
    if !ctx.statics.is_empty() {
        if let Some(response) = ctx.statics.route(req.method(), req.uri().path()) {
            return local(response, in_flight, log);
        }
        if let Some(files) = &ctx.statics.files {
            if req.method() == Method::GET || req.method() == Method::HEAD {
                if let Some(path) = files.resolve(&decode_path(req.uri().path().as_bytes())) {
                    if let Some(response) = files.serve(path, req.method(), req.headers()).await {
                        return local(response, in_flight, log);
                    }
                }
            }
        }
    }

    let (parts, mut body) = req.into_parts();
    let parts_expect_continue = |headers: &http::HeaderMap| {
        headers
            .get(http::header::EXPECT)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"))
    };
    let head_over_http2 = parts.method == Method::HEAD && parts.version == Version::HTTP_2;
    let (responder, response_rx) = oneshot::channel();
    let state = RequestState::new(ctx.queue.clone(), responder);

    // Read a first slice of the body here: small bodies are validated (framing,
    // size) before the app runs and arrive with the request in one wake-up.
    let mut total: u64 = 0;
    let mut complete = hyper::body::Body::is_end_stream(&body);
    let expects_continue = parts_expect_continue(&parts.headers);
    // Only what is already there (or arrives while hyper's connection task runs
    // once more) is taken: a slow body is streamed, so the app sees it and its
    // disconnects as they happen.
    let mut yielded = false;
    while !complete && !expects_continue && total < ctx.limits.prefetch_body as u64 {
        let Some(next) = futures_util::FutureExt::now_or_never(body.frame()) else {
            if yielded {
                break;
            }
            yielded = true;
            tokio::task::yield_now().await;
            continue;
        };
        match next {
            None => complete = true,
            Some(Err(_)) => {
                return local(
                    plain_response(StatusCode::BAD_REQUEST, "Invalid request body", true),
                    in_flight,
                    log,
                )
            }
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    total += data.len() as u64;
                    if total > ctx.limits.max_body_size {
                        return local(
                            plain_response(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large", true),
                            in_flight,
                            log,
                        );
                    }
                    state.push_body(data, false);
                }
            }
        }
    }
    if complete {
        state.push_body(Bytes::new(), true);
    } else if expects_continue {
        let (runtime, pump_state, pump_ctx) = (ctx.runtime.clone(), state.clone(), ctx.clone());
        state.defer_pump(move || {
            runtime.spawn(pump_body(body, pump_state, pump_ctx, 0));
        });
    } else {
        ctx.runtime.spawn(pump_body(body, state.clone(), ctx.clone(), total));
    }

    let path_and_query = parts.uri.path_and_query();
    let raw_path = Bytes::copy_from_slice(path_and_query.map(|p| p.path()).unwrap_or("/").as_bytes());
    let query = Bytes::copy_from_slice(path_and_query.and_then(|p| p.query()).unwrap_or("").as_bytes());
    let authority = if parts.version == Version::HTTP_2 {
        parts.uri.authority().map(|a| a.to_string())
    } else {
        None
    };
    let watch = DisconnectOnDrop(state.clone());
    ctx.queue.push(LoopEvent::Request(Box::new(PendingRequest {
        method: parts.method,
        version: parts.version,
        tls: peer.tls,
        raw_path,
        query,
        headers: parts.headers,
        authority,
        peer: peer.clone(),
        state: state.clone(),
    })));

    let mut response = match response_rx.await {
        Ok(response) => response,
        Err(_) => plain_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error", false),
    };
    let body = std::mem::replace(response.body_mut(), ResponseBody::empty());
    let mut body = body.with_guard(DoneGuard::new(move || {
        drop(watch);
        drop(in_flight);
        if let Some(log) = log {
            let (status, bytes) = state.outcome();
            log.write(status, bytes);
        }
    }));
    if head_over_http2 {
        // hyper drops a HEAD response's body on HTTP/1.1 but sends it on HTTP/2.
        // A body the app did send is described (its length, as for GET), then
        // consumed by a task, so the app's send() calls complete; the completion
        // guard goes with it, so the request stays in flight (graceful stop,
        // --max-requests, access log) until the app is done.
        if let Some(len) = http_body::Body::size_hint(&body).exact().filter(|len| *len > 0) {
            response
                .headers_mut()
                .entry(http::header::CONTENT_LENGTH)
                .or_insert_with(|| HeaderValue::from(len));
        }
        ctx.runtime.spawn(async move { while let Some(Ok(_)) = body.frame().await {} });
    } else {
        *response.body_mut() = body;
    }
    response
}

/// The response is complete (or the client went away) while the body is still
/// arriving: read and drop the rest, within the body limits, so the connection
/// stays usable. Closing it with unread bytes in the socket would make the
/// kernel answer with a reset, and the client could lose the response it has
/// not read yet. A client that is gone ends the loop at once.
async fn discard_unread(mut body: Incoming, ctx: &ServeContext, mut total: u64) {
    // One deadline for the whole rest: a client trickling bytes cannot hold the
    // connection (and a graceful stop) for longer than a body timeout.
    let limit = ctx.limits.max_body_size;
    let _ = timeout(ctx.limits.body_timeout, async move {
        while let Some(Ok(frame)) = body.frame().await {
            if let Ok(data) = frame.into_data() {
                total += data.len() as u64;
                if total > limit {
                    return;
                }
            }
        }
    })
    .await;
}

/// Stream the rest of a request body into the request state, pausing while
/// the application has `BODY_HIGH_WATER` bytes unread.
async fn pump_body(mut body: Incoming, state: Arc<RequestState>, ctx: Arc<ServeContext>, mut total: u64) {
    loop {
        loop {
            let done = {
                let inner = state.lock();
                if !inner.disconnected && inner.body.buffered < BODY_HIGH_WATER {
                    break;
                }
                inner.disconnected
            };
            if done {
                discard_unread(body, &ctx, total).await;
                return;
            }
            state.pump.notified().await;
        }
        let frame = tokio::select! {
            frame = timeout(ctx.limits.body_timeout, body.frame()) => frame,
            _ = state.pump.notified() => continue,
        };
        match frame {
            Err(_) => {
                state.fail(StatusCode::REQUEST_TIMEOUT, "Request body timeout");
                return;
            }
            Ok(None) => {
                state.push_body(Bytes::new(), true);
                return;
            }
            Ok(Some(Err(_))) => {
                state.fail(StatusCode::BAD_REQUEST, "Invalid request body");
                return;
            }
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    total += data.len() as u64;
                    if total > ctx.limits.max_body_size {
                        state.fail(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large");
                        return;
                    }
                    state.push_body(data, false);
                }
            }
        }
    }
}
