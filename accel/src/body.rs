//! The response body type every route produces: empty, one buffer, or a
//! stream fed through a bounded channel (backpressure), plus a guard that
//! runs when hyper is done with the response.

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// Runs its closure when dropped: when hyper has written (or given up on) the response.
pub(crate) struct DoneGuard(Option<Box<dyn FnOnce() + Send>>);

impl DoneGuard {
    pub(crate) fn new(f: impl FnOnce() + Send + 'static) -> Self {
        DoneGuard(Some(Box::new(f)))
    }
}

impl Drop for DoneGuard {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            f();
        }
    }
}

/// The producing half of a streamed body; `finish` marks a clean end.
pub(crate) struct BodySender {
    pub tx: mpsc::Sender<Bytes>,
    pub complete: Arc<AtomicBool>,
}

impl BodySender {
    /// Mark the stream as complete; dropping `tx` afterwards ends the body cleanly.
    pub(crate) fn finish(&self) {
        self.complete.store(true, Ordering::Release);
    }
}

enum Kind {
    Full(Option<Bytes>),
    Stream {
        rx: mpsc::Receiver<Bytes>,
        complete: Arc<AtomicBool>,
    },
}

/// Response body handed to hyper.
pub(crate) struct ResponseBody {
    kind: Kind,
    _guard: Option<DoneGuard>,
}

impl ResponseBody {
    /// A body of one buffer (possibly empty).
    pub(crate) fn full(data: Bytes) -> Self {
        ResponseBody {
            kind: Kind::Full(if data.is_empty() { None } else { Some(data) }),
            _guard: None,
        }
    }

    /// An empty body.
    pub(crate) fn empty() -> Self {
        Self::full(Bytes::new())
    }

    /// A streamed body with a channel of `capacity` chunks; ends with an error
    /// (aborting the connection) unless the sender called `finish`.
    pub(crate) fn channel(capacity: usize) -> (BodySender, Self) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let complete = Arc::new(AtomicBool::new(false));
        let body = ResponseBody {
            kind: Kind::Stream {
                rx,
                complete: complete.clone(),
            },
            _guard: None,
        };
        (BodySender { tx, complete }, body)
    }

    /// Attach a guard dropped together with the body.
    pub(crate) fn with_guard(mut self, guard: DoneGuard) -> Self {
        self._guard = Some(guard);
        self
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        match &mut this.kind {
            Kind::Full(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            Kind::Stream { rx, complete } => match rx.poll_recv(cx) {
                Poll::Ready(Some(chunk)) => Poll::Ready(Some(Ok(Frame::data(chunk)))),
                Poll::Ready(None) if complete.load(Ordering::Acquire) => Poll::Ready(None),
                Poll::Ready(None) => Poll::Ready(Some(Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the application stopped before finishing its response",
                )))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(&self.kind, Kind::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(Some(d)) => SizeHint::with_exact(d.len() as u64),
            Kind::Full(None) => SizeHint::with_exact(0),
            Kind::Stream { .. } => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn unfinished_stream_is_an_error_and_finished_stream_ends() {
        let (sender, body) = ResponseBody::channel(2);
        let _ = sender.tx.send(Bytes::from_static(b"a")).await;
        drop(sender);
        assert!(body.collect().await.is_err());

        let (sender, body) = ResponseBody::channel(2);
        let _ = sender.tx.send(Bytes::from_static(b"ab")).await;
        sender.finish();
        drop(sender);
        let collected = body.collect().await.map(|c| c.to_bytes());
        assert_eq!(collected.ok(), Some(Bytes::from_static(b"ab")));
    }

    #[test]
    fn guard_runs_when_body_is_dropped() {
        let flag = Arc::new(AtomicBool::new(false));
        let seen = flag.clone();
        let body = ResponseBody::full(Bytes::from_static(b"x")).with_guard(DoneGuard::new(move || {
            seen.store(true, Ordering::SeqCst);
        }));
        drop(body);
        assert!(flag.load(Ordering::SeqCst));
    }
}
