//! The hand-off queue from Tokio to the Python event loop.
//!
//! Tokio threads never take the GIL: they push events into a mutex-guarded
//! vector and, only when the queue goes from "already signalled" to "needs a
//! signal", arrange for one byte to be written into a socket pair. The asyncio
//! loop watches the other end with `add_reader` and drains the whole batch in
//! one callback, so a burst of requests costs one wake-up.
//!
//! On a Tokio thread the byte is not written at once: a small task writes it
//! after `yield_now`, which Tokio defers until it has polled its I/O driver or
//! is about to park. Everything Tokio read in that round joins the batch first.
//! (Writing at once wakes the Python thread, which on a shared core often
//! preempts Tokio after a single request: about one context switch per
//! request instead of one per batch.)

use pyo3::prelude::*;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::callbacks::RequestState;
use super::types::PendingRequest;

/// Work for the Python thread.
pub(crate) enum LoopEvent {
    /// A new request: build the scope and start the application task.
    Request(Box<PendingRequest>),
    /// Body data or a disconnect arrived: complete the pending `receive()`, if any.
    ReceiveReady(Arc<RequestState>),
    /// A blocked `send()` may proceed: resolve this future with `None`.
    SendReady(Py<PyAny>),
    /// The server has stopped (shutdown drained or max requests reached).
    Stopped,
}

/// Mutex-guarded batch plus the wake-up socket pair.
pub(crate) struct LoopQueue {
    items: Mutex<Vec<LoopEvent>>,
    signalled: AtomicBool,
    writer: UnixStream,
    reader: UnixStream,
}

impl LoopQueue {
    pub(crate) fn new() -> std::io::Result<Arc<Self>> {
        let (reader, writer) = UnixStream::pair()?;
        reader.set_nonblocking(true)?;
        writer.set_nonblocking(true)?;
        Ok(Arc::new(LoopQueue {
            items: Mutex::new(Vec::with_capacity(64)),
            signalled: AtomicBool::new(false),
            writer,
            reader,
        }))
    }

    /// The descriptor the asyncio loop watches.
    pub(crate) fn fileno(&self) -> RawFd {
        self.reader.as_raw_fd()
    }

    /// Queue an event; wakes the loop unless a wake-up is already pending.
    pub(crate) fn push(self: &Arc<Self>, event: LoopEvent) {
        // The stop notice must not depend on a task the stopping runtime might drop.
        let urgent = matches!(event, LoopEvent::Stopped);
        match self.items.lock() {
            Ok(mut items) => items.push(event),
            Err(poisoned) => poisoned.into_inner().push(event),
        }
        if !self.signalled.swap(true, Ordering::SeqCst) {
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) if !urgent => {
                    let queue = self.clone();
                    runtime.spawn(async move {
                        tokio::task::yield_now().await;
                        queue.wake();
                    });
                }
                _ => self.wake(),
            }
        }
    }

    fn wake(&self) {
        // A full socket buffer means a wake-up is pending anyway.
        let _ = (&self.writer).write(&[1]);
    }

    /// Take everything queued. The order matters: drain the wake-up bytes, then
    /// clear the flag, then take the batch. An event pushed before the flag is
    /// cleared lands in this batch; one pushed after it sees the flag clear and
    /// writes a new byte. (Clearing first could leave the flag set with no byte
    /// pending, and the next event would never wake the loop.)
    pub(crate) fn take(&self) -> Vec<LoopEvent> {
        let mut scratch = [0u8; 64];
        while let Ok(n) = (&self.reader).read(&mut scratch) {
            if n < scratch.len() {
                break;
            }
        }
        self.signalled.store(false, Ordering::SeqCst);
        match self.items.lock() {
            Ok(mut items) => std::mem::take(&mut *items),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_wakeup_byte_per_batch() {
        let queue = LoopQueue::new().unwrap_or_else(|e| panic!("socketpair: {e}"));
        queue.push(LoopEvent::Stopped);
        queue.push(LoopEvent::Stopped);
        let mut buf = [0u8; 8];
        assert_eq!((&queue.reader).read(&mut buf).unwrap_or(0), 1);
        assert_eq!(queue.take().len(), 2);
        assert!(queue.take().is_empty());
        queue.push(LoopEvent::Stopped);
        assert_eq!((&queue.reader).read(&mut buf).unwrap_or(0), 1);
    }

    #[test]
    fn no_event_is_left_without_a_wakeup_under_concurrent_pushes() {
        let queue = LoopQueue::new().unwrap_or_else(|e| panic!("socketpair: {e}"));
        const PRODUCERS: usize = 4;
        const EACH: usize = 20_000;
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|_| {
                let queue = queue.clone();
                std::thread::spawn(move || {
                    for _ in 0..EACH {
                        queue.push(LoopEvent::Stopped);
                    }
                })
            })
            .collect();
        // The consumer only takes after it saw a wake-up byte, like the asyncio loop.
        let mut received = 0;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while received < PRODUCERS * EACH && std::time::Instant::now() < deadline {
            let mut byte = [0u8; 1];
            match (&queue.reader).read(&mut byte) {
                Ok(1) => received += queue.take().len(),
                _ => std::thread::yield_now(),
            }
        }
        for producer in producers {
            let _ = producer.join();
        }
        assert_eq!(received, PRODUCERS * EACH, "events were queued without a wake-up");
    }
}
