//! Listening sockets: a file descriptor inherited from the supervisor (what
//! `covet serve --prod` uses for TCP and Unix sockets: one listening socket
//! shared by every worker), or TCP bound here with SO_REUSEPORT when a
//! `Worker` is used on its own.

use socket2::{Domain, Protocol, Socket, Type};
use std::io;
use std::net::SocketAddr;
use std::os::fd::{FromRawFd, RawFd};

/// Where a worker listens.
#[derive(Clone, Debug)]
pub(crate) enum BindSpec {
    /// `HOST:PORT`, bound by this process with SO_REUSEPORT.
    Tcp(SocketAddr),
    /// A listening socket already bound (and listening) by the supervisor.
    InheritedTcp(RawFd),
    /// A listening Unix socket already bound by the supervisor.
    InheritedUnix(RawFd),
}

/// A listening socket ready for Tokio.
pub(crate) enum Listener {
    Tcp(tokio::net::TcpListener),
    Unix(tokio::net::UnixListener),
}

/// The address facts that end up in the ASGI scope.
#[derive(Clone, Debug)]
pub(crate) enum Endpoint {
    Ip(SocketAddr),
    Unix(String),
}

/// Bind `addr` with SO_REUSEADDR + SO_REUSEPORT and listen with `backlog`.
pub(crate) fn bind_tcp(addr: SocketAddr, backlog: i32) -> io::Result<std::net::TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    if addr.is_ipv6() {
        // Dual-stack where the OS allows it; a v6-only socket still works.
        let _ = socket.set_only_v6(false);
    }
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

impl BindSpec {
    /// Open the listener; must run inside the Tokio runtime.
    pub(crate) fn open(&self, backlog: i32) -> io::Result<Listener> {
        match self {
            BindSpec::Tcp(addr) => Ok(Listener::Tcp(tokio::net::TcpListener::from_std(bind_tcp(
                *addr, backlog,
            )?)?)),
            BindSpec::InheritedTcp(fd) => {
                // SAFETY: the supervisor passed us this descriptor for exclusive use as a
                // listening socket; nothing else in this process owns or closes it.
                let std = unsafe { std::net::TcpListener::from_raw_fd(*fd) };
                std.set_nonblocking(true)?;
                Ok(Listener::Tcp(tokio::net::TcpListener::from_std(std)?))
            }
            BindSpec::InheritedUnix(fd) => {
                // SAFETY: as above, an inherited listening Unix socket owned by this worker only.
                let std = unsafe { std::os::unix::net::UnixListener::from_raw_fd(*fd) };
                std.set_nonblocking(true)?;
                Ok(Listener::Unix(tokio::net::UnixListener::from_std(std)?))
            }
        }
    }
}

impl Listener {
    /// The local address for the ASGI `server` scope entry.
    pub(crate) fn local_endpoint(&self) -> Endpoint {
        match self {
            Listener::Tcp(l) => l
                .local_addr()
                .map(Endpoint::Ip)
                .unwrap_or_else(|_| Endpoint::Unix(String::new())),
            Listener::Unix(l) => Endpoint::Unix(
                l.local_addr()
                    .ok()
                    .and_then(|a| a.as_pathname().map(|p| p.display().to_string()))
                    .unwrap_or_default(),
            ),
        }
    }
}
