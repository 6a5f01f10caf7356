//! Accept loops and connection serving (HTTP/1.1 and HTTP/2 through
//! hyper-util's auto builder, optionally behind TLS), with a graceful stop:
//! the accept backlog is drained, in-flight requests finish (bounded by the
//! drain timeout), then Python is told the worker has stopped.

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio_rustls::TlsAcceptor;

use super::http::{handle, Peer};
use super::io::{LoopEvent, LoopQueue};
use crate::conn::{ConnState, TimedIo};
use crate::limits::Limits;
use crate::logging;
use crate::net::{Endpoint, Listener};
use crate::statics::StaticTable;
use crate::workers::HttpMode;

/// How long an HTTP/1 connection must have been idle to be closed during a stop
/// (a client may be about to send on it; a new connection gets longer).
const STOP_IDLE: Duration = Duration::from_millis(250);
const STOP_IDLE_UNUSED: Duration = Duration::from_millis(1000);

/// Everything a connection task needs, shared by all of them.
pub(crate) struct ServeContext {
    pub limits: Limits,
    pub statics: StaticTable,
    pub queue: Arc<LoopQueue>,
    pub runtime: tokio::runtime::Handle,
    pub access_log: bool,
    pub max_requests: u64,
    pub requests: AtomicU64,
    /// Set once a stop began: responses then carry `Connection: close`.
    pub draining: AtomicBool,
    pub stop: watch::Sender<bool>,
    pub mode: HttpMode,
    pub tls: Option<TlsAcceptor>,
    builder: auto::Builder<TokioExecutor>,
}

impl ServeContext {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        limits: Limits,
        statics: StaticTable,
        queue: Arc<LoopQueue>,
        runtime: tokio::runtime::Handle,
        access_log: bool,
        max_requests: u64,
        stop: watch::Sender<bool>,
        mode: HttpMode,
        tls: Option<TlsAcceptor>,
    ) -> Self {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .keep_alive(true)
            .half_close(false)
            .max_buf_size(limits.max_header_size.max(8192) + 1024)
            .header_read_timeout(None);
        builder
            .http2()
            .max_concurrent_streams(Some(256))
            .max_header_list_size(limits.max_header_size.min(u32::MAX as usize) as u32);
        let builder = match mode {
            HttpMode::Http1 => builder.http1_only(),
            HttpMode::Http2 => builder.http2_only(),
            HttpMode::Auto => builder,
        };
        ServeContext {
            limits,
            statics,
            queue,
            runtime,
            access_log,
            max_requests,
            requests: AtomicU64::new(0),
            draining: AtomicBool::new(false),
            stop,
            mode,
            tls,
            builder,
        }
    }

    /// Count a request; reaching `max_requests` starts a graceful stop (the
    /// supervisor then starts a fresh worker).
    pub(crate) fn count_request(&self) {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        if self.max_requests > 0 && n == self.max_requests {
            self.stop.send_replace(true);
        }
    }
}

/// Run all listeners until a stop is requested, then drain and report `Stopped`.
pub(crate) async fn run(listeners: Vec<Listener>, ctx: Arc<ServeContext>, drain_timeout: Arc<AtomicU64>) {
    let slots = Arc::new(Semaphore::new(ctx.limits.max_connections.max(1)));
    let mut loops = Vec::new();
    for listener in listeners {
        loops.push(tokio::spawn(accept_loop(listener, ctx.clone(), slots.clone())));
    }
    for accept in loops {
        let _ = accept.await;
    }
    let wait = Duration::from_millis(drain_timeout.load(Ordering::Acquire));
    let all = ctx.limits.max_connections.max(1) as u32;
    if tokio::time::timeout(wait, slots.acquire_many(all)).await.is_err() {
        logging::error(&format!(
            "drain timeout ({:.1}s) reached with {} connection(s) still open; closing them",
            wait.as_secs_f64(),
            all as usize - slots.available_permits()
        ));
    }
    ctx.queue.push(LoopEvent::Stopped);
}

async fn accept_loop(listener: Listener, ctx: Arc<ServeContext>, slots: Arc<Semaphore>) {
    let server = Arc::new(listener.local_endpoint());
    let mut stop = ctx.stop.subscribe();
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit { Ok(p) => p, Err(_) => return },
            _ = stopped(&mut stop) => break,
        };
        tokio::select! {
            accepted = accept(&listener) => match accepted {
                Ok((io, client)) => spawn_connection(io, client, server.clone(), ctx.clone(), permit),
                Err(e) => {
                    // EMFILE and friends: back off instead of spinning.
                    logging::error(&format!("accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = stopped(&mut stop) => break,
        }
    }
    ctx.draining.store(true, Ordering::Release);
    // Connections the kernel already completed would be reset when the listener
    // closes: take them in and serve them before closing it. A plain accept(2)
    // sees them even if Tokio has not polled the readiness event yet.
    loop {
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            break;
        };
        match accept_now(&listener) {
            Some((io, client)) => spawn_connection(io, client, server.clone(), ctx.clone(), permit),
            None => break,
        }
    }
    drop(listener);
}

/// Resolve once a stop has been requested.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// An accepted socket of either family.
enum Accepted {
    Tcp(tokio::net::TcpStream),
    Unix(tokio::net::UnixStream),
}

async fn accept(listener: &Listener) -> std::io::Result<(Accepted, Option<SocketAddr>)> {
    match listener {
        Listener::Tcp(l) => {
            let (stream, addr) = l.accept().await?;
            let _ = stream.set_nodelay(true);
            Ok((Accepted::Tcp(stream), Some(addr)))
        }
        Listener::Unix(l) => {
            let (stream, _) = l.accept().await?;
            Ok((Accepted::Unix(stream), None))
        }
    }
}

/// One non-blocking accept(2) straight on the socket; `None` when the queue is empty.
fn accept_now(listener: &Listener) -> Option<(Accepted, Option<SocketAddr>)> {
    match listener {
        Listener::Tcp(l) => {
            let (socket, addr) = socket2::SockRef::from(l).accept().ok()?;
            socket.set_nonblocking(true).ok()?;
            let _ = socket.set_nodelay(true);
            let stream = tokio::net::TcpStream::from_std(std::net::TcpStream::from(socket)).ok()?;
            Some((Accepted::Tcp(stream), addr.as_socket()))
        }
        Listener::Unix(l) => {
            let (socket, _) = socket2::SockRef::from(l).accept().ok()?;
            socket.set_nonblocking(true).ok()?;
            let std = std::os::unix::net::UnixStream::from(std::os::fd::OwnedFd::from(socket));
            let stream = tokio::net::UnixStream::from_std(std).ok()?;
            Some((Accepted::Unix(stream), None))
        }
    }
}

fn spawn_connection(
    io: Accepted,
    client: Option<SocketAddr>,
    server: Arc<Endpoint>,
    ctx: Arc<ServeContext>,
    permit: OwnedSemaphorePermit,
) {
    let runtime = ctx.runtime.clone();
    runtime.spawn(async move {
        match io {
            Accepted::Tcp(s) => with_tls(s, client, server, ctx).await,
            Accepted::Unix(s) => with_tls(s, client, server, ctx).await,
        }
        drop(permit);
    });
}

async fn with_tls<I>(io: I, client: Option<SocketAddr>, server: Arc<Endpoint>, ctx: Arc<ServeContext>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    match ctx.tls.clone() {
        None => {
            serve_connection(
                io,
                Peer::new(client, server, false),
                ctx,
                None,
            )
            .await
        }
        Some(acceptor) => {
            let handshake = tokio::time::timeout(ctx.limits.header_timeout, acceptor.accept(io)).await;
            let Ok(Ok(stream)) = handshake else { return };
            let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
            serve_connection(
                stream,
                Peer::new(client, server, true),
                ctx,
                Some(h2),
            )
            .await
        }
    }
}

/// Serve one connection until it closes, following the stop protocol.
async fn serve_connection<I>(io: I, peer: Peer, ctx: Arc<ServeContext>, alpn_h2: Option<bool>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let conn_state = ConnState::new();
    let http1_hint = match (alpn_h2, ctx.mode) {
        (Some(h2), _) => !h2,
        (None, HttpMode::Http2) => false,
        _ => true,
    };
    let timed = TimedIo::new(
        io,
        conn_state.clone(),
        ctx.limits.header_timeout,
        ctx.limits.keepalive_timeout,
        http1_hint,
    );
    let service = {
        let ctx = ctx.clone();
        let conn_state = conn_state.clone();
        service_fn(move |req| handle(req, ctx.clone(), conn_state.clone(), peer.clone()))
    };
    let conn = ctx.builder.serve_connection(TokioIo::new(timed), service);
    tokio::pin!(conn);
    let mut stop = ctx.stop.subscribe();
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stopped(&mut stop) => {}
    }
    if conn_state.is_http2() {
        conn.as_mut().graceful_shutdown();
        let _ = conn.await;
        return;
    }
    // HTTP/1: responses now carry `Connection: close`; close once idle.
    loop {
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = tokio::time::sleep(Duration::from_millis(50)) => {
                let limit = if conn_state.served_any() { STOP_IDLE } else { STOP_IDLE_UNUSED };
                if conn_state.idle_for() >= limit {
                    return;
                }
            }
        }
    }
}
