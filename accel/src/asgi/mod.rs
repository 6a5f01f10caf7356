//! The ASGI 3 interface: `http` scopes served by hyper on Tokio, applications
//! run on the worker's asyncio loop.
//!
//! * [`types`]: the request as handed over, and the scope built from it.
//! * [`io`]: the batched, GIL-free hand-off queue from Tokio to Python.
//! * [`callbacks`]: the `receive`/`send` callables and their shared state.
//! * [`http`]: the Tokio side of one request.
//! * [`serve`]: accept loops, connections, graceful stop.

pub(crate) mod callbacks;
pub(crate) mod http;
pub(crate) mod io;
pub(crate) mod serve;
pub(crate) mod types;
