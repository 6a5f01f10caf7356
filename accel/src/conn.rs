//! Per-connection time limits, enforced by wrapping the socket: a request head
//! must arrive within `header_timeout` (else `408` and close), and an idle
//! keep-alive connection is closed after `keepalive_timeout`.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

const TIMEOUT_408: &[u8] =
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain\r\ncontent-length: 16\r\nconnection: close\r\n\r\nRequest Timeout\n";

/// How often a busy connection re-checks whether it became idle.
const RECHECK: Duration = Duration::from_secs(1);

/// Activity of one connection, shared by the socket wrapper and the request handlers.
pub(crate) struct ConnState {
    base: Instant,
    in_flight: AtomicUsize,
    head_started: AtomicBool,
    head_started_ms: AtomicU64,
    last_activity_ms: AtomicU64,
    http2: AtomicBool,
    /// The head being read named both Content-Length and Transfer-Encoding
    /// (hyper silently drops one; we refuse the request instead).
    framing_conflict: AtomicBool,
    /// The next response answers an HTTP/1.0 request: write `HTTP/1.1` in its status line.
    upgrade_status_line: AtomicBool,
}

impl ConnState {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(ConnState {
            base: Instant::now(),
            in_flight: AtomicUsize::new(0),
            head_started: AtomicBool::new(false),
            head_started_ms: AtomicU64::new(0),
            last_activity_ms: AtomicU64::new(0),
            http2: AtomicBool::new(false),
            framing_conflict: AtomicBool::new(false),
            upgrade_status_line: AtomicBool::new(false),
        })
    }

    fn now_ms(&self) -> u64 {
        self.base.elapsed().as_millis() as u64
    }

    fn at(&self, ms: u64) -> Instant {
        self.base + Duration::from_millis(ms)
    }

    /// A request head was parsed: it now counts as in flight until the guard drops.
    pub(crate) fn enter(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.head_started.store(false, Ordering::Release);
        InFlight(self.clone())
    }

    /// Take the "both Content-Length and Transfer-Encoding" flag of the head just parsed.
    pub(crate) fn take_framing_conflict(&self) -> bool {
        self.framing_conflict.swap(false, Ordering::AcqRel)
    }

    /// Answer the current HTTP/1.0 request with an `HTTP/1.1` status line (RFC 9110 §6.2:
    /// a server sends its own highest version; hyper would downgrade it).
    pub(crate) fn upgrade_next_status_line(&self) {
        self.upgrade_status_line.store(true, Ordering::Release);
    }

    /// Whether the connection speaks HTTP/2 (ALPN or prior-knowledge preface).
    pub(crate) fn is_http2(&self) -> bool {
        self.http2.load(Ordering::Acquire)
    }

    /// Whether any request has been received on this connection.
    pub(crate) fn served_any(&self) -> bool {
        self.last_activity_ms.load(Ordering::Acquire) > 0 || self.in_flight() > 0
    }

    /// How long the connection has had nothing in flight and no partial request.
    pub(crate) fn idle_for(&self) -> Duration {
        if self.in_flight() > 0 || self.head_started.load(Ordering::Acquire) {
            return Duration::ZERO;
        }
        let last = self.last_activity_ms.load(Ordering::Acquire);
        Duration::from_millis(self.now_ms().saturating_sub(last))
    }

    /// Requests of this connection that have not finished yet.
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }
}

/// Marks one request in flight; dropping it ends the request.
pub(crate) struct InFlight(Arc<ConnState>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let now = self.0.now_ms();
        self.0.last_activity_ms.store(now, Ordering::Release);
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What a deadline means when it passes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Deadline {
    /// Request head incomplete: answer 408 (HTTP/1) and close.
    Head(Instant),
    /// Idle keep-alive: close quietly.
    Idle(Instant),
    /// Busy: look again later.
    Recheck(Instant),
}

impl Deadline {
    fn instant(self) -> Instant {
        match self {
            Deadline::Head(i) | Deadline::Idle(i) | Deadline::Recheck(i) => i,
        }
    }
}

/// The socket wrapper enforcing the head and idle timeouts.
pub(crate) struct TimedIo<I> {
    inner: I,
    state: Arc<ConnState>,
    header_timeout: Duration,
    keepalive_timeout: Duration,
    http1: bool,
    sleep: Pin<Box<Sleep>>,
    armed: Option<Instant>,
    reply_written: Option<usize>,
    first_read: bool,
}

impl<I> TimedIo<I> {
    pub(crate) fn new(
        inner: I,
        state: Arc<ConnState>,
        header_timeout: Duration,
        keepalive_timeout: Duration,
        http1: bool,
    ) -> Self {
        if !http1 {
            state.http2.store(true, Ordering::Release);
        }
        TimedIo {
            inner,
            state,
            header_timeout,
            keepalive_timeout,
            http1,
            sleep: Box::pin(tokio::time::sleep_until(Instant::now() + RECHECK)),
            armed: None,
            reply_written: None,
            first_read: true,
        }
    }

    fn deadline(&self) -> Deadline {
        let state = &self.state;
        if state.in_flight() > 0 {
            Deadline::Recheck(Instant::now() + RECHECK)
        } else if state.head_started.load(Ordering::Acquire) {
            Deadline::Head(state.at(state.head_started_ms.load(Ordering::Acquire)) + self.header_timeout)
        } else {
            Deadline::Idle(state.at(state.last_activity_ms.load(Ordering::Acquire)) + self.keepalive_timeout)
        }
    }
}

impl<I: AsyncRead + AsyncWrite + Unpin> TimedIo<I> {
    /// Write the canned 408 answer (best effort), then report the timeout.
    fn poll_timeout_reply(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut written = self.reply_written.unwrap_or(0);
        while written < TIMEOUT_408.len() {
            match ready!(Pin::new(&mut self.inner).poll_write(cx, &TIMEOUT_408[written..])) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    written += n;
                    self.reply_written = Some(written);
                }
            }
        }
        self.reply_written = Some(TIMEOUT_408.len());
        let _ = ready!(Pin::new(&mut self.inner).poll_flush(cx));
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "request head not received in time",
        )))
    }
}

impl<I: AsyncRead + AsyncWrite + Unpin> AsyncRead for TimedIo<I> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.reply_written.is_some() {
            return this.poll_timeout_reply(cx);
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    if std::mem::take(&mut this.first_read) && buf.filled()[before..].starts_with(b"PRI * HTTP/2") {
                        this.http1 = false;
                        this.state.http2.store(true, Ordering::Release);
                    }
                    if this.http1 && this.state.in_flight() == 0 && has_framing_conflict(&buf.filled()[before..]) {
                        this.state.framing_conflict.store(true, Ordering::Release);
                    }
                    let now = this.state.now_ms();
                    this.state.last_activity_ms.store(now, Ordering::Release);
                    if this.http1
                        && this.state.in_flight() == 0
                        && !this.state.head_started.swap(true, Ordering::AcqRel)
                    {
                        this.state.head_started_ms.store(now, Ordering::Release);
                    }
                }
                return Poll::Ready(Ok(()));
            }
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => {}
        }
        loop {
            let deadline = this.deadline();
            let when = deadline.instant();
            let rearm = match (this.armed, deadline) {
                (Some(_), Deadline::Recheck(_)) => false,
                (Some(armed), _) => armed != when,
                (None, _) => true,
            };
            if rearm {
                this.sleep.as_mut().reset(when);
                this.armed = Some(when);
            }
            if this.sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.armed = None;
            match deadline {
                Deadline::Recheck(_) => continue,
                Deadline::Head(_) if this.http1 => {
                    this.reply_written = Some(0);
                    return this.poll_timeout_reply(cx);
                }
                Deadline::Head(_) | Deadline::Idle(_) => {
                    return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "connection idle")));
                }
            }
        }
    }
}

/// Whether the first head in `data` names both Content-Length and Transfer-Encoding.
pub(crate) fn has_framing_conflict(data: &[u8]) -> bool {
    let head = match data.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(end) => &data[..end + 2],
        None => data,
    };
    let mut content_length = false;
    let mut transfer_encoding = false;
    for (i, _) in head.iter().enumerate().filter(|(_, b)| **b == b'\n') {
        let line = &head[i + 1..];
        let starts = |name: &[u8]| line.len() >= name.len() && line[..name.len()].eq_ignore_ascii_case(name);
        content_length |= starts(b"content-length:");
        transfer_encoding |= starts(b"transfer-encoding:");
    }
    content_length && transfer_encoding
}

const STATUS_10: &[u8] = b"HTTP/1.0 ";

impl<I: AsyncWrite + Unpin> TimedIo<I> {
    /// Write `buf` with its `HTTP/1.0 ` status-line prefix replaced, if this write starts a
    /// response to an HTTP/1.0 request.
    fn poll_write_status(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Option<Poll<io::Result<usize>>> {
        if !buf.starts_with(STATUS_10) || !self.state.upgrade_status_line.swap(false, Ordering::AcqRel) {
            return None;
        }
        let mut patched = buf.to_vec();
        patched[7] = b'1';
        let result = Pin::new(&mut self.inner).poll_write(cx, &patched);
        if let Poll::Pending | Poll::Ready(Err(_)) = result {
            self.state.upgrade_status_line.store(true, Ordering::Release);
        }
        Some(result)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for TimedIo<I> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(result) = this.poll_write_status(cx, buf) {
            return result;
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(first) = bufs.iter().find(|b| !b.is_empty()) {
            if let Some(result) = this.poll_write_status(cx, first) {
                return result;
            }
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_conflict_is_seen_in_either_order_and_any_case() {
        assert!(has_framing_conflict(
            b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
        ));
        assert!(has_framing_conflict(
            b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\nCONTENT-LENGTH: 3\r\n\r\n"
        ));
        assert!(!has_framing_conflict(
            b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
        ));
        assert!(!has_framing_conflict(
            b"POST / HTTP/1.1\r\nX-Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
        ));
        // A second pipelined request does not taint the first.
        let pipelined = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx";
        assert!(!has_framing_conflict(pipelined));
    }
}
