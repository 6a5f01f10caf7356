//! `covet_accel`: the Tokio/hyper production server behind `covet serve --prod`.
//!
//! This file only wires the modules together and declares the Python module.
//! Python imports `covet_accel`, builds a [`workers::Worker`] per worker process,
//! registers its wake-up file descriptor with the asyncio loop and lets the
//! loop call [`workers::Worker::drain`] whenever Tokio has handed over work.

mod asgi;
mod body;
mod conn;
mod limits;
mod logging;
mod net;
mod runtime;
mod statics;
mod tls;
mod urlpath;
mod workers;

use pyo3::prelude::*;

/// The native module: the worker handle and the ASGI callables it hands to Python.
#[pymodule]
fn covet_accel(m: &Bound<'_, PyModule>) -> PyResult<()> {
    logging::install_panic_hook();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<workers::Worker>()?;
    m.add_class::<asgi::callbacks::Receive>()?;
    m.add_class::<asgi::callbacks::Send>()?;
    m.add_class::<asgi::callbacks::Ready>()?;
    m.add_class::<asgi::callbacks::Flusher>()?;
    Ok(())
}
