//! The Tokio runtime of one worker process.

use std::io;
use tokio::runtime::{Builder, Runtime};

/// Build the multi-thread runtime that does all socket I/O of a worker.
///
/// `threads` is the number of Tokio worker threads; one is usually best because
/// the Python thread of the worker needs the other core.
pub(crate) fn build(threads: usize) -> io::Result<Runtime> {
    Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .thread_name("covet-io")
        .enable_io()
        .enable_time()
        .build()
}
