//! The ASGI `receive` and `send` callables and the state they share with the
//! Tokio side of one request.
//!
//! Both run on the Python thread with the GIL held and never block: `send`
//! returns an already-complete awaitable ([`Ready`]) unless the response
//! stream is full, and `receive` returns one whenever data is already there;
//! only then is an asyncio future created, resolved later via the loop queue.

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Response, StatusCode};
use pyo3::exceptions::{PyRuntimeError, PyStopIteration, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};
use pyo3::{intern, PyTraverseError, PyVisit};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{oneshot, Notify};

use super::io::{LoopEvent, LoopQueue};
use crate::body::{BodySender, ResponseBody};

/// Chunks a streamed response may queue before `send()` starts to wait.
const STREAM_CAPACITY: usize = 16;
/// Request-body bytes buffered ahead of the application before reading pauses.
pub(crate) const BODY_HIGH_WATER: usize = 256 * 1024;

/// Where the request body stands, from the application's point of view.
#[derive(Default)]
pub(crate) struct BodyState {
    pub chunks: VecDeque<Bytes>,
    pub buffered: usize,
    /// All body bytes have arrived.
    pub complete: bool,
    /// The final `http.request` message has been handed out.
    pub delivered: bool,
}

/// Mutable half of a request, guarded by one mutex.
pub(crate) struct Inner {
    pub body: BodyState,
    /// The client went away, or the response is fully sent.
    pub disconnected: bool,
    pub receive_waiter: Option<Py<PyAny>>,
    responder: Option<oneshot::Sender<Response<ResponseBody>>>,
    start: Option<(StatusCode, HeaderMap)>,
    stream: Option<BodySender>,
    finished: bool,
    /// Starts reading the body on the first `receive()` (requests with
    /// `Expect: 100-continue`, so `100 Continue` is sent only if the app reads).
    pub deferred_pump: Option<Box<dyn FnOnce() + std::marker::Send>>,
    /// Status actually sent, for the access log.
    pub status: u16,
    pub bytes_sent: u64,
}

/// Shared by the Tokio request task, the body pump and the Python callables.
pub(crate) struct RequestState {
    inner: Mutex<Inner>,
    queue: Arc<LoopQueue>,
    /// Wakes the body pump when the application consumed buffered data.
    pub pump: Notify,
}

impl RequestState {
    pub(crate) fn new(queue: Arc<LoopQueue>, responder: oneshot::Sender<Response<ResponseBody>>) -> Arc<Self> {
        Arc::new(RequestState {
            inner: Mutex::new(Inner {
                body: BodyState::default(),
                disconnected: false,
                receive_waiter: None,
                responder: Some(responder),
                start: None,
                stream: None,
                finished: false,
                deferred_pump: None,
                status: 0,
                bytes_sent: 0,
            }),
            queue,
            pump: Notify::new(),
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        match self.inner.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Wake a pending `receive()` (if one waits) through the loop queue.
    fn wake_receiver(self: &Arc<Self>, inner: &Inner) {
        if inner.receive_waiter.is_some() {
            self.queue.push(LoopEvent::ReceiveReady(self.clone()));
        }
    }

    /// Defer body reading until the application first calls `receive()`.
    pub(crate) fn defer_pump(&self, start: impl FnOnce() + std::marker::Send + 'static) {
        self.lock().deferred_pump = Some(Box::new(start));
    }

    /// Add body bytes read by the pump.
    pub(crate) fn push_body(self: &Arc<Self>, chunk: Bytes, complete: bool) {
        let mut inner = self.lock();
        inner.body.buffered += chunk.len();
        if !chunk.is_empty() {
            inner.body.chunks.push_back(chunk);
        }
        inner.body.complete |= complete;
        self.wake_receiver(&inner);
    }

    /// The connection is gone or the response is complete: `receive()` now
    /// reports `http.disconnect`, and the pump stops.
    pub(crate) fn mark_disconnected(self: &Arc<Self>) {
        let mut inner = self.lock();
        if !inner.disconnected {
            inner.disconnected = true;
            self.wake_receiver(&inner);
        }
        drop(inner);
        self.pump.notify_one();
    }

    /// Answer with an error if the application has not started a response yet;
    /// the response closes the connection. Returns whether it answered.
    pub(crate) fn fail(self: &Arc<Self>, status: StatusCode, reason: &'static str) -> bool {
        let mut inner = self.lock();
        let answered = match inner.responder.take() {
            Some(tx) => {
                inner.finished = true;
                inner.status = status.as_u16();
                tx.send(plain_response(status, reason, true)).is_ok()
            }
            None => {
                // Mid-stream: drop the stream unfinished so hyper aborts the connection.
                inner.stream = None;
                false
            }
        };
        inner.disconnected = true;
        self.wake_receiver(&inner);
        answered
    }

    /// Status and bytes for the access log.
    pub(crate) fn outcome(&self) -> (u16, u64) {
        let inner = self.lock();
        (inner.status, inner.bytes_sent)
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The application vanished without answering: never leave hyper hanging.
        if let Some(tx) = self.responder.take() {
            let _ = tx.send(plain_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal Server Error",
                false,
            ));
        }
    }
}

/// A small text response; `close` asks hyper to close the connection after it.
pub(crate) fn plain_response(status: StatusCode, text: &str, close: bool) -> Response<ResponseBody> {
    let mut body = text.to_string();
    body.push('\n');
    let mut response = Response::new(ResponseBody::full(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if close {
        headers.insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// An awaitable that is already complete: `await` returns `value` without
/// suspending and without touching the event loop.
#[pyclass(frozen, module = "covet_accel")]
pub struct Ready {
    value: Py<PyAny>,
}

impl Ready {
    pub(crate) fn new(value: Py<PyAny>) -> Self {
        Ready { value }
    }
}

#[pymethods]
impl Ready {
    fn __await__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<()> {
        Err(PyStopIteration::new_err((self.value.clone_ref(py),)))
    }

    fn send(&self, py: Python<'_>, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        self.__next__(py)
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.value)
    }
}

/// A complete response waiting for the end of the current loop iteration.
type Deferred = (
    oneshot::Sender<Response<ResponseBody>>,
    Response<ResponseBody>,
    Arc<RequestState>,
);

/// Complete responses are not handed to Tokio one by one: each hand-off may
/// wake the parked Tokio thread (a syscall and, on a shared core, a context
/// switch). They wait here until the loop runs the flush it scheduled with
/// `call_soon`, after every task that was ready in this iteration had its turn.
#[derive(Default)]
pub(crate) struct Outbox {
    items: Mutex<Vec<Deferred>>,
    scheduled: std::sync::atomic::AtomicBool,
}

impl Outbox {
    fn lock(&self) -> MutexGuard<'_, Vec<Deferred>> {
        match self.items.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// Objects created once per worker and reused by every request.
pub(crate) struct Shared {
    pub queue: Arc<LoopQueue>,
    pub outbox: Outbox,
    /// `loop.call_soon`, and the callable it is given to flush the outbox.
    pub call_soon: Py<PyAny>,
    pub flusher: std::sync::OnceLock<Py<PyAny>>,
    pub runtime: tokio::runtime::Handle,
    pub create_future: Py<PyAny>,
    pub ready_none: Py<Ready>,
}

impl Shared {
    /// Queue a complete response; schedule one flush per loop iteration.
    fn defer(&self, py: Python<'_>, item: Deferred) -> PyResult<()> {
        self.outbox.lock().push(item);
        if !self.outbox.scheduled.swap(true, std::sync::atomic::Ordering::AcqRel) {
            if let Some(flusher) = self.flusher.get() {
                self.call_soon.call1(py, (flusher.clone_ref(py),))?;
            } else {
                self.flush();
            }
        }
        Ok(())
    }

    /// Hand every queued response to its connection. The batch crosses to
    /// Tokio as one task, so the Tokio thread is woken once per flush rather
    /// than once per response.
    pub(crate) fn flush(&self) {
        self.outbox.scheduled.store(false, std::sync::atomic::Ordering::Release);
        let items = std::mem::take(&mut *self.outbox.lock());
        match items.len() {
            0 => {}
            1 => deliver(items),
            _ => {
                self.runtime.spawn(async move { deliver(items) });
            }
        }
    }
}

fn deliver(items: Vec<Deferred>) {
    for (responder, response, state) in items {
        if responder.send(response).is_err() {
            state.mark_disconnected();
        }
    }
}

/// Flushes the outbox of a worker; `loop.call_soon` runs it.
#[pyclass(frozen, module = "covet_accel")]
pub struct Flusher {
    pub(crate) shared: std::sync::Weak<Shared>,
}

#[pymethods]
impl Flusher {
    fn __call__(&self) {
        if let Some(shared) = self.shared.upgrade() {
            shared.flush();
        }
    }
}

/// The ASGI `receive` callable of one request.
#[pyclass(frozen, module = "covet_accel")]
pub struct Receive {
    pub(crate) state: Arc<RequestState>,
    pub(crate) shared: Arc<Shared>,
}

/// Build the next message for `receive()`, or `None` if it must wait.
pub(crate) fn next_message<'py>(
    py: Python<'py>,
    inner: &mut Inner,
    pump: &Notify,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    if !inner.body.delivered {
        if let Some(first) = inner.body.chunks.pop_front() {
            // Join what is buffered into one message: fewer round trips for the app.
            let mut data = first;
            if !inner.body.chunks.is_empty() {
                let mut joined = Vec::with_capacity(inner.body.buffered);
                joined.extend_from_slice(&data);
                for chunk in inner.body.chunks.drain(..) {
                    joined.extend_from_slice(&chunk);
                }
                data = Bytes::from(joined);
            }
            inner.body.buffered = 0;
            pump.notify_one();
            let more = !inner.body.complete;
            inner.body.delivered = !more;
            return request_message(py, &data, more).map(Some);
        }
        if inner.body.complete {
            inner.body.delivered = true;
            return request_message(py, b"", false).map(Some);
        }
        if inner.disconnected {
            return disconnect_message(py).map(Some);
        }
        return Ok(None);
    }
    if inner.disconnected {
        return disconnect_message(py).map(Some);
    }
    Ok(None)
}

fn request_message<'py>(py: Python<'py>, body: &[u8], more: bool) -> PyResult<Bound<'py, PyDict>> {
    let message = PyDict::new(py);
    message.set_item(intern!(py, "type"), intern!(py, "http.request"))?;
    message.set_item(intern!(py, "body"), PyBytes::new(py, body))?;
    message.set_item(intern!(py, "more_body"), more)?;
    Ok(message)
}

fn disconnect_message(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let message = PyDict::new(py);
    message.set_item(intern!(py, "type"), intern!(py, "http.disconnect"))?;
    Ok(message)
}

#[pymethods]
impl Receive {
    fn __call__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let mut inner = self.state.lock();
        if let Some(start) = inner.deferred_pump.take() {
            start();
        }
        if let Some(message) = next_message(py, &mut inner, &self.state.pump)? {
            return Ok(Py::new(py, Ready::new(message.into_any().unbind()))?.into_any());
        }
        if inner.receive_waiter.is_some() {
            return Err(PyRuntimeError::new_err(
                "receive() called again while a previous receive() is pending",
            ));
        }
        let future = self.shared.create_future.call0(py)?;
        inner.receive_waiter = Some(future.clone_ref(py));
        Ok(future)
    }
}

/// The ASGI `send` callable of one request.
#[pyclass(frozen, module = "covet_accel")]
pub struct Send {
    pub(crate) state: Arc<RequestState>,
    pub(crate) shared: Arc<Shared>,
}

fn parse_headers(raw: &Bound<'_, PyAny>) -> PyResult<HeaderMap> {
    let mut headers = HeaderMap::new();
    let mut add = |pair: Bound<'_, PyAny>| -> PyResult<()> {
        let (name, value) = if let Ok(tuple) = pair.downcast::<PyTuple>() {
            (tuple.get_item(0)?, tuple.get_item(1)?)
        } else {
            (pair.get_item(0)?, pair.get_item(1)?)
        };
        let name: &[u8] = name
            .extract()
            .map_err(|_| PyTypeError::new_err("ASGI header names must be bytes"))?;
        let value: &[u8] = value
            .extract()
            .map_err(|_| PyTypeError::new_err("ASGI header values must be bytes"))?;
        let name = HeaderName::from_bytes(name).map_err(|_| {
            PyValueError::new_err(format!(
                "invalid response header name {:?}",
                String::from_utf8_lossy(name)
            ))
        })?;
        let value = HeaderValue::from_bytes(value)
            .map_err(|_| PyValueError::new_err(format!("invalid value for response header {name}")))?;
        headers.append(name, value);
        Ok(())
    };
    if let Ok(list) = raw.downcast::<PyList>() {
        for pair in list.iter() {
            add(pair)?;
        }
    } else {
        for pair in raw.try_iter()? {
            add(pair?)?;
        }
    }
    Ok(headers)
}

fn get<'py>(
    message: &Bound<'py, PyAny>,
    key: &Bound<'py, pyo3::types::PyString>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    if let Ok(dict) = message.downcast::<PyDict>() {
        return dict.get_item(key);
    }
    match message.get_item(key) {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyKeyError>(message.py()) => Ok(None),
        Err(e) => Err(e),
    }
}

impl Send {
    fn start(&self, py: Python<'_>, message: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let status: u16 = get(message, intern!(py, "status"))?
            .ok_or_else(|| PyValueError::new_err("http.response.start needs a 'status'"))?
            .extract()?;
        let status =
            StatusCode::from_u16(status).map_err(|_| PyValueError::new_err(format!("invalid HTTP status {status}")))?;
        let headers = match get(message, intern!(py, "headers"))? {
            Some(raw) => parse_headers(&raw)?,
            None => HeaderMap::new(),
        };
        let mut inner = self.state.lock();
        if inner.start.is_some() || inner.finished {
            return Err(PyRuntimeError::new_err("http.response.start sent twice"));
        }
        inner.start = Some((status, headers));
        Ok(self.shared.ready_none.clone_ref(py).into_any())
    }

    fn body(&self, py: Python<'_>, message: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let data = match get(message, intern!(py, "body"))? {
            Some(body) => match body.downcast::<PyBytes>() {
                Ok(b) => Bytes::copy_from_slice(b.as_bytes()),
                Err(_) => Bytes::from(body.extract::<Vec<u8>>()?),
            },
            None => Bytes::new(),
        };
        let more = match get(message, intern!(py, "more_body"))? {
            Some(v) => v.is_truthy()?,
            None => false,
        };
        let ready = || Ok(self.shared.ready_none.clone_ref(py).into_any());
        let mut inner = self.state.lock();
        if inner.finished {
            // Client gone (or a response already completed): nothing to do.
            return if inner.disconnected {
                ready()
            } else {
                Err(PyRuntimeError::new_err("response already complete"))
            };
        }
        inner.bytes_sent += data.len() as u64;
        if inner.stream.is_none() {
            let (status, headers) = inner
                .start
                .take()
                .ok_or_else(|| PyRuntimeError::new_err("http.response.start must be sent first"))?;
            inner.status = status.as_u16();
            let Some(responder) = inner.responder.take() else {
                return ready();
            };
            let body = if more {
                let (sender, body) = ResponseBody::channel(STREAM_CAPACITY);
                inner.stream = Some(sender);
                body
            } else {
                ResponseBody::full(data.clone())
            };
            let mut response = Response::new(body);
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            if !more {
                inner.finished = true;
                drop(inner);
                self.shared.defer(py, (responder, response, self.state.clone()))?;
                return ready();
            }
            if responder.send(response).is_err() {
                inner.finished = true;
                inner.disconnected = true;
                return ready();
            }
        }
        let Some(stream) = inner.stream.as_ref() else {
            return ready();
        };
        let tx = stream.tx.clone();
        if !more {
            stream.finish();
            inner.stream = None;
            inner.finished = true;
        }
        drop(inner);
        if data.is_empty() {
            return ready();
        }
        match tx.try_send(data) {
            Ok(()) => ready(),
            Err(tokio::sync::mpsc::error::TrySendError::Closed(_)) => {
                self.state.mark_disconnected();
                ready()
            }
            Err(tokio::sync::mpsc::error::TrySendError::Full(data)) => {
                // Backpressure: the app waits until hyper has taken earlier chunks.
                let future = self.shared.create_future.call0(py)?;
                let waiter = future.clone_ref(py);
                let queue = self.shared.queue.clone();
                self.shared.runtime.spawn(async move {
                    let _ = tx.send(data).await;
                    queue.push(LoopEvent::SendReady(waiter));
                });
                Ok(future)
            }
        }
    }
}

#[pymethods]
impl Send {
    fn __call__(&self, py: Python<'_>, message: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let kind =
            get(message, intern!(py, "type"))?.ok_or_else(|| PyValueError::new_err("ASGI message without 'type'"))?;
        if kind.eq(intern!(py, "http.response.body"))? {
            self.body(py, message)
        } else if kind.eq(intern!(py, "http.response.start"))? {
            self.start(py, message)
        } else {
            Err(PyValueError::new_err(format!(
                "unexpected ASGI message type {kind} for an http scope"
            )))
        }
    }

    /// Called by the runner when the application returned or raised: answers
    /// 500 if nothing was sent, aborts a half-sent stream.
    fn finish(&self) {
        let mut inner = self.state.lock();
        if inner.finished {
            return;
        }
        inner.finished = true;
        if let Some(tx) = inner.responder.take() {
            inner.status = 500;
            let _ = tx.send(plain_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal Server Error",
                false,
            ));
        }
        inner.stream = None;
    }

    /// Whether the response has been started (status line sent or queued).
    #[getter]
    fn response_started(&self) -> bool {
        let inner = self.state.lock();
        inner.responder.is_none() || inner.start.is_some()
    }
}

/// Resolve the pending `receive()` future of `state` if its message is ready.
pub(crate) fn complete_receive(py: Python<'_>, state: &Arc<RequestState>) -> PyResult<()> {
    let mut inner = state.lock();
    let Some(waiter) = inner.receive_waiter.take() else {
        return Ok(());
    };
    let waiter = waiter.into_bound(py);
    if waiter.call_method0(intern!(py, "done"))?.is_truthy()? {
        // Cancelled by the app: keep the data for the next receive().
        return Ok(());
    }
    match next_message(py, &mut inner, &state.pump)? {
        Some(message) => {
            drop(inner);
            waiter.call_method1(intern!(py, "set_result"), (message,))?;
        }
        None => inner.receive_waiter = Some(waiter.unbind()),
    }
    Ok(())
}
