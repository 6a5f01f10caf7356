"""Compose the middleware onion once: ``MIDDLEWARE`` around the view dispatcher, ``ASGI_MIDDLEWARE`` around the app.

A request middleware is a factory called with ``get_response`` (the next layer) that returns an async callable
``(request) -> Response``: a class ``M(get_response)`` with ``async def __call__(self, request)``, or a function
returning an ``async def``. Sync middleware is refused (it would block the event loop).

Consecutive ``HookMiddleware`` layers (``covet.middleware.hooks``) are fused into one coroutine that calls
their hooks in order, with the same results as nesting them: one ``async`` frame for the run instead of two
per layer (the layer and its exception wrapper) on every request.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from covet.conf.importing import import_string
from covet.core.hook_plan import HookPlan
from covet.exceptions import ImproperlyConfigured
from covet.http import Request, Response
from covet.middleware.hooks import HookMiddleware
from covet.routing.route import is_async_callable
from covet.types import ASGIApp

GetResponse = Callable[[Request], Awaitable[Response]]
ErrorResponse = Callable[[Request, Exception], Awaitable[Response]]
MiddlewareFactory = Callable[[GetResponse], GetResponse]
MiddlewareEntry = str | MiddlewareFactory


def _resolve(entry: Any, setting: str) -> Any:
    obj = import_string(entry, setting=setting) if isinstance(entry, str) else entry
    if not callable(obj):
        raise ImproperlyConfigured(f"{setting} entry {entry!r} is not a class or a factory function.")
    return obj


def build_middleware_chain(
    handler: GetResponse,
    middleware: Iterable[MiddlewareEntry],
    error_response: ErrorResponse,
) -> GetResponse:
    """``middleware`` (outermost first) around ``handler``. An exception escaping any layer becomes
    ``error_response(request, exc)``, which the layers outside it still see (as in Django). ``handler`` must turn
    its own exceptions into responses."""
    factories = [_resolve(entry, "MIDDLEWARE") for entry in middleware]
    get_response = handler
    run: list[HookMiddleware] = []  # the hook layers built last, outermost first, fused around run_inner
    run_inner = handler
    for factory in reversed(factories):
        layer = factory(get_response)
        if layer is None or not is_async_callable(layer):
            raise ImproperlyConfigured(
                f"Middleware {_name(factory)} must produce an async callable: define "
                "`async def __call__(self, request)` on the class (or return an `async def` from the factory). "
                "Sync middleware is not supported because it would block the event loop."
            )
        _refuse_async_hooks(layer, factory)
        if _is_fusable(layer):
            run.insert(0, layer)
            get_response = _fuse(tuple(run), run_inner, error_response)
        else:
            run = []
            get_response = run_inner = convert_exceptions(layer, error_response)
    return get_response


def convert_exceptions(get_response: GetResponse, error_response: ErrorResponse) -> GetResponse:
    """``get_response`` with its exceptions turned into ``error_response(request, exc)``."""

    async def converting(request: Request) -> Response:
        try:
            return await get_response(request)
        except Exception as exc:
            return await error_response(request, exc)

    return converting


def _refuse_async_hooks(layer: object, factory: Any) -> None:
    if not isinstance(layer, HookMiddleware):
        return
    for hook in ("process_request", "process_response"):
        if inspect.iscoroutinefunction(getattr(layer, hook)):
            raise ImproperlyConfigured(
                f"Middleware {_name(factory)}.{hook} is `async def`: HookMiddleware hooks are plain functions. "
                "Make it a `def`, or write the middleware with `async def __call__(self, request)` if it must await."
            )


def _is_fusable(layer: object) -> bool:
    return isinstance(layer, HookMiddleware) and type(layer).__call__ is HookMiddleware.__call__


def _fuse(hooks: tuple[HookMiddleware, ...], inner: GetResponse, error_response: ErrorResponse) -> GetResponse:
    """One callable for a run of hook layers (outermost first) around ``inner``: the compiled plan of the built-in
    layers when they all have one (``covet.core.hook_plan``), else the generic fused run."""
    fused = FusedHooks(hooks, inner, error_response)
    plan = HookPlan.build(hooks, inner, fused)
    return plan if plan is not None else fused


class FusedHooks:
    """A run of hook layers (outermost first) around ``inner`` in one coroutine; equal to nesting
    ``convert_exceptions(hook)`` for each of them."""

    __slots__ = ("_count", "_error_response", "_inner", "_process_request", "_process_response", "hooks")

    def __init__(self, hooks: tuple[HookMiddleware, ...], inner: GetResponse, error_response: ErrorResponse) -> None:
        self.hooks = hooks
        self._inner = inner
        self._error_response = error_response
        self._process_request = [hook.process_request for hook in hooks]
        self._process_response = [hook.process_response for hook in reversed(hooks)]  # innermost first
        self._count = len(hooks)

    async def __call__(self, request: Request) -> Response:
        entered = 0  # layers whose process_request returned: their process_response runs
        for before in self._process_request:
            try:
                response = before(request)
            except Exception as exc:  # this layer raised: the layers outside it see the error response
                response = await self._error_response(request, exc)
                break
            entered += 1
            if response is not None:  # answered here: inner layers are skipped, this one's hook still runs
                break
        else:
            response = await self._inner(request)
        return await self.respond(request, response, entered)

    async def respond(self, request: Request, response: Response, entered: int) -> Response:
        """``response`` through the ``process_response`` hooks of the ``entered`` outermost layers, innermost
        first; a hook that raises is replaced by the error response, which the layers outside it see."""
        for after in self._process_response[self._count - entered :]:
            try:
                response = after(request, response)
            except Exception as exc:
                response = await self._error_response(request, exc)
        return response


def wrap_asgi_middleware(app: ASGIApp, middleware: Iterable[str | Callable[[ASGIApp], ASGIApp]]) -> ASGIApp:
    """``app`` wrapped by each raw ASGI middleware (outermost first), each called as ``Middleware(app)``."""
    for entry in reversed(list(middleware)):
        factory = _resolve(entry, "ASGI_MIDDLEWARE")
        app = factory(app)
        if not callable(app):
            raise ImproperlyConfigured(f"ASGI middleware {_name(factory)} did not return an ASGI callable.")
    return app


def _name(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"
