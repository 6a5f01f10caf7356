//! The per-process worker object Python drives: configuration, start (Tokio
//! runtime + listeners), the `drain` callback run by the asyncio loop, and the
//! graceful stop.

use bytes::Bytes;
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::Runtime;
use tokio::sync::watch;

use crate::asgi::callbacks::{complete_receive, Flusher, Outbox, Ready, Receive, Send, Shared};
use crate::asgi::io::{LoopEvent, LoopQueue};
use crate::asgi::serve::{self, ServeContext};
use crate::asgi::types::ScopeConstants;
use crate::limits::Limits;
use crate::net::{BindSpec, Endpoint};
use crate::statics::{FileRoot, StaticTable};
use crate::{logging, runtime, tls};

/// Which HTTP versions a worker speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HttpMode {
    Http1,
    Http2,
    Auto,
}

impl HttpMode {
    fn parse(text: &str) -> PyResult<Self> {
        match text {
            "1" => Ok(HttpMode::Http1),
            "2" => Ok(HttpMode::Http2),
            "auto" => Ok(HttpMode::Auto),
            other => Err(PyValueError::new_err(format!(
                "http must be '1', '2' or 'auto', not {other:?}"
            ))),
        }
    }
}

/// Parse a bind: `HOST:PORT`, `[V6]:PORT`, `fd:N` (inherited TCP) or `unix-fd:N`.
fn parse_bind(text: &str) -> PyResult<BindSpec> {
    if let Some(fd) = text.strip_prefix("fd:") {
        return fd
            .parse()
            .map(BindSpec::InheritedTcp)
            .map_err(|_| PyValueError::new_err(format!("bad fd bind {text:?}")));
    }
    if let Some(fd) = text.strip_prefix("unix-fd:") {
        return fd
            .parse()
            .map(BindSpec::InheritedUnix)
            .map_err(|_| PyValueError::new_err(format!("bad fd bind {text:?}")));
    }
    text.parse::<SocketAddr>().map(BindSpec::Tcp).map_err(|_| {
        PyValueError::new_err(format!(
            "cannot parse bind address {text:?}: use HOST:PORT, e.g. 127.0.0.1:8000"
        ))
    })
}

/// A `router.static(...)` route as Python passes it: (path, body, content type, extra headers).
type StaticRouteSpec = (String, Vec<u8>, String, Vec<(String, String)>);

/// What Python hands to `start` and the objects kept for `drain`.
struct Running {
    runtime: Runtime,
    ctx: Arc<ServeContext>,
    shared: Arc<Shared>,
    constants: ScopeConstants,
    runner: Py<PyAny>,
    create_task: Py<PyAny>,
    on_stopped: Py<PyAny>,
}

/// One worker process's server. Python creates it, calls `start(loop, runner,
/// on_stopped)`, watches `fileno()` with `loop.add_reader(fd, worker.drain)`,
/// and calls `stop(drain_timeout)` on SIGTERM.
#[pyclass(module = "covet_accel")]
pub struct Worker {
    binds: Vec<BindSpec>,
    backlog: i32,
    threads: usize,
    mode: HttpMode,
    certfile: Option<String>,
    keyfile: Option<String>,
    limits: Limits,
    access_log: bool,
    max_requests: u64,
    statics: Option<StaticTable>,
    queue: Arc<LoopQueue>,
    stop: watch::Sender<bool>,
    drain_timeout: Arc<AtomicU64>,
    running: Option<Running>,
    addresses: Vec<String>,
}

#[pymethods]
impl Worker {
    #[new]
    #[pyo3(signature = (
        binds, *, threads = 1, backlog = 1024, http = "auto", certfile = None, keyfile = None,
        max_header_size = 65536, max_body_size = 10485760, header_timeout = 10.0, body_timeout = 30.0,
        keepalive_timeout = 5.0, max_connections = 10000, max_requests = 0, access_log = false,
        static_routes = Vec::new(), static_files = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        binds: Vec<String>,
        threads: usize,
        backlog: i32,
        http: &str,
        certfile: Option<String>,
        keyfile: Option<String>,
        max_header_size: usize,
        max_body_size: u64,
        header_timeout: f64,
        body_timeout: f64,
        keepalive_timeout: f64,
        max_connections: usize,
        max_requests: u64,
        access_log: bool,
        static_routes: Vec<StaticRouteSpec>,
        static_files: Option<(String, String)>,
    ) -> PyResult<Self> {
        if binds.is_empty() {
            return Err(PyValueError::new_err("at least one bind address is needed"));
        }
        if certfile.is_some() != keyfile.is_some() {
            return Err(PyValueError::new_err("TLS needs both certfile and keyfile"));
        }
        let seconds = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(Duration::from_secs_f64(v))
            } else {
                Err(PyValueError::new_err(format!(
                    "{name} must be a positive number of seconds"
                )))
            }
        };
        let limits = Limits {
            max_header_size,
            max_body_size,
            header_timeout: seconds("header_timeout", header_timeout)?,
            body_timeout: seconds("body_timeout", body_timeout)?,
            keepalive_timeout: seconds("keepalive_timeout", keepalive_timeout)?,
            max_connections: max_connections.max(1),
            ..Limits::default()
        };
        let mut statics = StaticTable::default();
        for (path, body, content_type, headers) in static_routes {
            statics
                .add(&path, Bytes::from(body), &content_type, &headers)
                .map_err(|e| PyValueError::new_err(e.0))?;
        }
        if let Some((prefix, root)) = static_files {
            statics.files = Some(
                FileRoot::new(&prefix, &root)
                    .map_err(|e| PyValueError::new_err(format!("static files root {root:?} unusable: {e}")))?,
            );
        }
        let (stop, _) = watch::channel(false);
        Ok(Worker {
            binds: binds.iter().map(|b| parse_bind(b)).collect::<PyResult<_>>()?,
            backlog,
            threads,
            mode: HttpMode::parse(http)?,
            certfile,
            keyfile,
            limits,
            access_log,
            max_requests,
            statics: Some(statics),
            queue: LoopQueue::new().map_err(|e| PyOSError::new_err(format!("cannot create wake-up socket: {e}")))?,
            stop,
            drain_timeout: Arc::new(AtomicU64::new(30_000)),
            running: None,
            addresses: Vec::new(),
        })
    }

    /// Bind the listeners and start serving. `runner(scope, receive, send)`
    /// must return a coroutine; it is scheduled with `spawn(coroutine)`, by
    /// default `loop.create_task`.
    #[pyo3(signature = (event_loop, runner, on_stopped, lifespan_state = None, root_path = "", spawn = None))]
    #[allow(clippy::too_many_arguments)]
    fn start(
        &mut self,
        py: Python<'_>,
        event_loop: &Bound<'_, PyAny>,
        runner: Py<PyAny>,
        on_stopped: Py<PyAny>,
        lifespan_state: Option<Py<PyDict>>,
        root_path: &str,
        spawn: Option<Py<PyAny>>,
    ) -> PyResult<()> {
        if self.running.is_some() {
            return Err(PyRuntimeError::new_err("worker already started"));
        }
        let tls = match (&self.certfile, &self.keyfile) {
            (Some(cert), Some(key)) => {
                Some(tls::acceptor(cert, key, self.mode).map_err(|e| PyValueError::new_err(e.to_string()))?)
            }
            _ => None,
        };
        let runtime =
            runtime::build(self.threads).map_err(|e| PyOSError::new_err(format!("cannot start Tokio: {e}")))?;
        let listeners = {
            let _guard = runtime.enter();
            self.binds
                .iter()
                .map(|b| {
                    b.open(self.backlog)
                        .map_err(|e| PyOSError::new_err(format!("cannot listen on {b:?}: {e}")))
                })
                .collect::<PyResult<Vec<_>>>()?
        };
        self.addresses = listeners
            .iter()
            .map(|l| match l.local_endpoint() {
                Endpoint::Ip(addr) => addr.to_string(),
                Endpoint::Unix(path) => format!("unix:{path}"),
            })
            .collect();
        let ctx = Arc::new(ServeContext::new(
            self.limits.clone(),
            self.statics.take().unwrap_or_default(),
            self.queue.clone(),
            runtime.handle().clone(),
            self.access_log,
            self.max_requests,
            self.stop.clone(),
            self.mode,
            tls,
        ));
        let asgi = PyDict::new(py);
        asgi.set_item("version", "3.0")?;
        asgi.set_item("spec_version", "2.3")?;
        let shared = Arc::new(Shared {
            queue: self.queue.clone(),
            runtime: runtime.handle().clone(),
            create_future: event_loop.getattr(intern!(py, "create_future"))?.unbind(),
            ready_none: Py::new(py, Ready::new(py.None()))?,
            outbox: Outbox::default(),
            call_soon: event_loop.getattr(intern!(py, "call_soon"))?.unbind(),
            flusher: std::sync::OnceLock::new(),
        });
        let flusher = Py::new(
            py,
            Flusher {
                shared: Arc::downgrade(&shared),
            },
        )?
        .into_any();
        let _ = shared.flusher.set(flusher);
        runtime.spawn(serve::run(listeners, ctx.clone(), self.drain_timeout.clone()));
        self.running = Some(Running {
            runtime,
            ctx,
            shared,
            constants: ScopeConstants {
                asgi: asgi.unbind(),
                lifespan_state,
                root_path: PyString::new(py, root_path).unbind(),
            },
            runner,
            create_task: match spawn {
                Some(spawn) => spawn,
                None => event_loop.getattr(intern!(py, "create_task"))?.unbind(),
            },
            on_stopped,
        });
        Ok(())
    }

    /// The descriptor to watch with `loop.add_reader(fd, worker.drain)`.
    fn fileno(&self) -> i32 {
        self.queue.fileno()
    }

    /// The addresses actually bound (`HOST:PORT` or `unix:PATH`).
    #[getter]
    fn addresses(&self) -> Vec<String> {
        self.addresses.clone()
    }

    /// Requests this worker has received so far.
    #[getter]
    fn requests(&self) -> u64 {
        self.running
            .as_ref()
            .map(|r| r.ctx.requests.load(Ordering::Relaxed))
            .unwrap_or(0)
    }

    /// Run everything Tokio queued: start application tasks, complete waiting
    /// `receive()`/`send()` futures. Called by the asyncio loop.
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        let Some(running) = &self.running else { return Ok(()) };
        for event in self.queue.take() {
            let outcome = match event {
                LoopEvent::Request(pending) => {
                    let result = start_request(py, running, &pending);
                    if result.is_err() {
                        pending
                            .state
                            .fail(http::StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
                    }
                    result
                }
                LoopEvent::ReceiveReady(state) => complete_receive(py, &state),
                LoopEvent::SendReady(future) => resolve(py, future),
                LoopEvent::Stopped => running.on_stopped.call0(py).map(|_| ()),
            };
            if let Err(err) = outcome {
                logging::error("while handing a request to Python:");
                err.print(py);
            }
        }
        Ok(())
    }

    /// Begin a graceful stop: close the listeners (after taking in connections
    /// already queued), let in-flight requests finish for up to `drain_timeout`
    /// seconds, then call `on_stopped`.
    #[pyo3(signature = (drain_timeout = 30.0))]
    fn stop(&self, drain_timeout: f64) {
        let ms = if drain_timeout.is_finite() && drain_timeout > 0.0 {
            (drain_timeout * 1000.0) as u64
        } else {
            0
        };
        self.drain_timeout.store(ms, Ordering::Release);
        // send_replace stores the value even if no accept loop has subscribed yet
        // (a stop right after start); send() would drop it.
        self.stop.send_replace(true);
    }

    /// Shut the Tokio runtime down (after `on_stopped`), waiting at most `timeout` seconds.
    #[pyo3(signature = (timeout = 1.0))]
    fn close(&mut self, py: Python<'_>, timeout: f64) {
        if let Some(running) = self.running.take() {
            let Running { runtime, .. } = running;
            py.allow_threads(|| runtime.shutdown_timeout(Duration::from_secs_f64(timeout.max(0.0))));
        }
    }
}

fn start_request(py: Python<'_>, running: &Running, pending: &crate::asgi::types::PendingRequest) -> PyResult<()> {
    let scope = pending.scope(py, &running.constants)?;
    let receive = Py::new(
        py,
        Receive {
            state: pending.state.clone(),
            shared: running.shared.clone(),
        },
    )?;
    let send = Py::new(
        py,
        Send {
            state: pending.state.clone(),
            shared: running.shared.clone(),
        },
    )?;
    let coroutine = running.runner.call1(py, (scope, receive, send))?;
    running.create_task.call1(py, (coroutine,))?;
    Ok(())
}

fn resolve(py: Python<'_>, future: Py<PyAny>) -> PyResult<()> {
    let future = future.into_bound(py);
    if !future.call_method0(intern!(py, "done"))?.is_truthy()? {
        future.call_method1(intern!(py, "set_result"), (py.None(),))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_parse_or_explain() {
        assert!(matches!(parse_bind("127.0.0.1:8000"), Ok(BindSpec::Tcp(_))));
        assert!(matches!(parse_bind("[::1]:80"), Ok(BindSpec::Tcp(_))));
        assert!(matches!(parse_bind("fd:3"), Ok(BindSpec::InheritedTcp(3))));
        assert!(matches!(parse_bind("unix-fd:4"), Ok(BindSpec::InheritedUnix(4))));
        assert!(parse_bind("localhost").is_err());
        assert!(HttpMode::parse("3").is_err());
    }
}
