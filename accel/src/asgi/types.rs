//! The request as handed from Tokio to Python, and the ASGI `http` scope built
//! from it on the Python thread.

use bytes::Bytes;
use http::{HeaderMap, Method, Version};
use pyo3::exceptions::PyRuntimeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use std::sync::Arc;

use super::callbacks::RequestState;
use super::http::Peer;
use crate::net::Endpoint;
use crate::urlpath::decode_path;

/// Everything Python needs to start the application for one request; plain
/// Rust data, so it crosses threads without the GIL.
pub(crate) struct PendingRequest {
    pub method: Method,
    pub version: Version,
    pub tls: bool,
    pub raw_path: Bytes,
    pub query: Bytes,
    pub headers: HeaderMap,
    /// `:authority` of an HTTP/2 request, exposed as a `host` header.
    pub authority: Option<String>,
    pub peer: Peer,
    pub state: Arc<RequestState>,
}

/// Python objects shared by every scope of a worker.
pub(crate) struct ScopeConstants {
    pub asgi: Py<PyDict>,
    pub lifespan_state: Option<Py<PyDict>>,
    pub root_path: Py<PyString>,
}

fn method_str<'py>(py: Python<'py>, method: &Method) -> Bound<'py, PyString> {
    match *method {
        Method::GET => intern!(py, "GET").clone(),
        Method::POST => intern!(py, "POST").clone(),
        Method::HEAD => intern!(py, "HEAD").clone(),
        Method::PUT => intern!(py, "PUT").clone(),
        Method::DELETE => intern!(py, "DELETE").clone(),
        Method::PATCH => intern!(py, "PATCH").clone(),
        Method::OPTIONS => intern!(py, "OPTIONS").clone(),
        _ => PyString::new(py, method.as_str()),
    }
}

fn version_str(py: Python<'_>, version: Version) -> Bound<'_, PyString> {
    match version {
        Version::HTTP_10 => intern!(py, "1.0").clone(),
        Version::HTTP_2 => intern!(py, "2").clone(),
        _ => intern!(py, "1.1").clone(),
    }
}

fn endpoint_tuple<'py>(py: Python<'py>, endpoint: &Endpoint) -> PyResult<Bound<'py, PyAny>> {
    Ok(match endpoint {
        Endpoint::Ip(addr) => PyTuple::new(
            py,
            [
                addr.ip().to_string().into_pyobject(py)?.into_any(),
                addr.port().into_pyobject(py)?.into_any(),
            ],
        )?
        .into_any(),
        Endpoint::Unix(path) => {
            PyTuple::new(py, [path.into_pyobject(py)?.into_any(), py.None().into_bound(py)])?.into_any()
        }
    })
}

/// The scope's `client` and `server` values of one connection.
pub(crate) struct ScopeAddresses {
    client: Py<PyAny>,
    server: Py<PyAny>,
}

fn scope_addresses(py: Python<'_>, peer: &Peer) -> PyResult<ScopeAddresses> {
    let client = match &peer.client {
        Some(addr) => endpoint_tuple(py, &Endpoint::Ip(*addr))?.unbind(),
        None => py.None(),
    };
    Ok(ScopeAddresses {
        client,
        server: endpoint_tuple(py, &peer.server)?.unbind(),
    })
}

impl PendingRequest {
    /// Build the ASGI 3 `http` scope.
    pub(crate) fn scope<'py>(&self, py: Python<'py>, constants: &ScopeConstants) -> PyResult<Bound<'py, PyDict>> {
        let scope = PyDict::new(py);
        scope.set_item(intern!(py, "type"), intern!(py, "http"))?;
        scope.set_item(intern!(py, "asgi"), constants.asgi.bind(py))?;
        scope.set_item(intern!(py, "http_version"), version_str(py, self.version))?;
        scope.set_item(intern!(py, "method"), method_str(py, &self.method))?;
        scope.set_item(
            intern!(py, "scheme"),
            if self.tls {
                intern!(py, "https")
            } else {
                intern!(py, "http")
            },
        )?;
        scope.set_item(intern!(py, "path"), PyString::new(py, &decode_path(&self.raw_path)))?;
        scope.set_item(intern!(py, "raw_path"), PyBytes::new(py, &self.raw_path))?;
        scope.set_item(intern!(py, "query_string"), PyBytes::new(py, &self.query))?;
        scope.set_item(intern!(py, "root_path"), constants.root_path.bind(py))?;

        let headers = PyList::empty(py);
        if let Some(authority) = &self.authority {
            if !self.headers.contains_key(http::header::HOST) {
                headers.append((PyBytes::new(py, b"host"), PyBytes::new(py, authority.as_bytes())))?;
            }
        }
        for (name, value) in &self.headers {
            headers.append(PyTuple::new(
                py,
                [
                    PyBytes::new(py, name.as_str().as_bytes()),
                    PyBytes::new(py, value.as_bytes()),
                ],
            )?)?;
        }
        scope.set_item(intern!(py, "headers"), headers)?;

        let addresses = match self.peer.addresses.get() {
            Some(addresses) => addresses,
            None => {
                let _ = self.peer.addresses.set(scope_addresses(py, &self.peer)?);
                self.peer.addresses.get().ok_or_else(|| PyRuntimeError::new_err("addresses unset"))?
            }
        };
        scope.set_item(intern!(py, "client"), addresses.client.bind(py))?;
        scope.set_item(intern!(py, "server"), addresses.server.bind(py))?;
        if let Some(state) = &constants.lifespan_state {
            scope.set_item(intern!(py, "state"), state.bind(py).copy()?)?;
        }
        Ok(scope)
    }
}
