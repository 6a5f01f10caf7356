"""Process-wide shutdown callbacks: cleanup that libraries register and every app's lifespan shutdown runs.

Framework parts that hold resources bound to the event loop (the ORM's connection pools, for one) register a
callback here the first time they open such a resource. ``covet.core`` runs the registered callbacks at
lifespan shutdown, after the app's own shutdown hooks (which may still use those resources). This keeps the
imports one-way: the library imports this module, the core imports this module, and the core never
imports the library.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

ShutdownCallback = Callable[[], Awaitable[Any] | Any]

_callbacks: list[ShutdownCallback] = []


def register_shutdown_callback(callback: ShutdownCallback) -> ShutdownCallback:
    """Run ``callback`` (async, or sync in a worker thread) at every lifespan shutdown; registering the
    same callback again does nothing. Usable as a decorator."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def unregister_shutdown_callback(callback: ShutdownCallback) -> None:
    """Forget ``callback``; no error when it wasn't registered."""
    if callback in _callbacks:
        _callbacks.remove(callback)


def shutdown_callbacks() -> list[ShutdownCallback]:
    """The registered callbacks, in registration order (a copy)."""
    return list(_callbacks)
