"""The exception handler registry: exception type (looked up along the MRO) or status code -> handler.

A handler is ``async def handler(request, exc) -> Response`` (a plain ``def`` runs in a worker thread).
A status-code key applies to ``HTTPException``s with that status; ``500`` also catches unhandled exceptions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import anyio.to_thread

from covet.conf.importing import import_string
from covet.exceptions import HTTPException, ImproperlyConfigured
from covet.http import Request, Response
from covet.routing.route import is_async_callable

ExceptionHandler = Callable[[Request, Exception], Awaitable[Response] | Response]
HandlerKey = type[BaseException] | int


class ExceptionHandlers:
    """Handlers by exception class or status code."""

    def __init__(self, handlers: Mapping[HandlerKey | str, ExceptionHandler | str] | None = None) -> None:
        self._by_type: dict[type[BaseException], ExceptionHandler] = {}
        self._by_status: dict[int, ExceptionHandler] = {}
        for key, handler in (handlers or {}).items():
            self.add(key, handler)

    def add(self, key: HandlerKey | str, handler: ExceptionHandler | str) -> None:
        """Register ``handler`` (or its dotted path) for an exception class (or its dotted path) or a status code."""
        if isinstance(key, str):
            key = import_string(key, setting="EXCEPTION_HANDLERS")
        if isinstance(handler, str):
            handler = import_string(handler, setting="EXCEPTION_HANDLERS")
        if not callable(handler):
            raise ImproperlyConfigured(f"Exception handler {handler!r} for {key!r} is not callable.")
        if isinstance(key, int) and not isinstance(key, bool):
            if not 400 <= key <= 599:
                raise ImproperlyConfigured(f"Exception handler status {key} must be an error status (400-599).")
            self._by_status[key] = handler
        elif isinstance(key, type) and issubclass(key, BaseException):
            self._by_type[key] = handler
        else:
            raise ImproperlyConfigured(
                f"Exception handler key {key!r} must be an exception class, its dotted path or a status code."
            )

    def lookup(self, exc: Exception) -> ExceptionHandler | None:
        """The handler of the nearest class in ``type(exc).__mro__``, else of its status code, else ``None``."""
        if self._by_type:
            for cls in type(exc).__mro__:
                handler = self._by_type.get(cls)
                if handler is not None:
                    return handler
        if self._by_status:
            status = exc.status_code if isinstance(exc, HTTPException) else 500
            return self._by_status.get(status)
        return None


async def call_handler(handler: ExceptionHandler, request: Request, exc: Exception) -> Response:
    """Run ``handler``; its result must be a ``Response``."""
    result: Any
    if is_async_callable(handler):
        result = await handler(request, exc)  # type: ignore[misc]
    else:
        result = await anyio.to_thread.run_sync(handler, request, exc)
    if not isinstance(result, Response):
        raise TypeError(f"Exception handler {handler!r} returned {type(result).__name__}; it must return a Response.")
    return result
