"""``CovetApp``: the ASGI 3 application (lifespan, HTTP through the middleware chain to the views, WebSocket)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

import anyio.to_thread

from covet.core.error_responses import RouteNotFound, http_exception_response, server_error_response
from covet.core.exception_handlers import ExceptionHandler, ExceptionHandlers, HandlerKey, call_handler
from covet.core.lifespan import Hook, run_lifespan
from covet.core.middleware_chain import GetResponse, MiddlewareEntry, build_middleware_chain, wrap_asgi_middleware
from covet.core.request_id import request_id_for
from covet.core.return_values import to_response
from covet.core.websocket import WebSocket, WebSocketDisconnect, WebSocketState
from covet.exceptions import HTTPException, MethodNotAllowed
from covet.http import ClientDisconnect, RedirectResponse, Request, Response, State
from covet.http.request import SCOPE_FORM, SCOPE_MAX_BODY_SIZE, SCOPE_MAX_FORM_MEMORY_SIZE
from covet.routing import MatchStatus, Route, RouteMatch, Router
from covet.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger("covet.request")

# Where the route match of the request is kept for the innermost layer.
SCOPE_MATCH = "covet.route_match"

# Characters kept when a decoded ``path`` (no ``raw_path`` from the server) is re-encoded for the router.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def routing_path(scope: Scope) -> str:
    """The percent-encoded path the router matches: ``raw_path`` when the server gives it, without ``root_path``."""
    raw_path = scope.get("raw_path")
    path = raw_path.decode("latin-1").partition("?")[0] if raw_path else quote(scope["path"], safe=_PATH_SAFE)
    root_path = scope.get("root_path")
    if root_path and path.startswith(root_path) and path[len(root_path) : len(root_path) + 1] in ("", "/"):
        path = path[len(root_path) :] or "/"
    return path


class CovetApp:
    """The ASGI 3 application.

    ``router`` serves the requests; ``middleware`` (outermost first: classes or factories, or their dotted paths)
    wraps the view dispatcher once, here; ``exception_handlers`` maps exception classes or status codes to
    handlers; ``on_startup``/``on_shutdown`` run on the lifespan events; ``asgi_middleware`` wraps the whole app.
    ``max_body_size`` bounds request bodies; ``max_form_memory_size`` is how much of one uploaded file stays in
    memory before it spills to disk.
    """

    def __init__(
        self,
        router: Router,
        middleware: Iterable[MiddlewareEntry] = (),
        exception_handlers: Mapping[HandlerKey | str, ExceptionHandler | str] | None = None,
        debug: bool = False,
        on_startup: Iterable[Hook] = (),
        on_shutdown: Iterable[Hook] = (),
        *,
        append_slash: bool = True,
        asgi_middleware: Iterable[str | Callable[[ASGIApp], ASGIApp]] = (),
        max_body_size: int | None = None,
        max_form_memory_size: int | None = None,
    ) -> None:
        self.router = router
        self.debug = debug
        self.append_slash = append_slash
        self.max_body_size = max_body_size
        self.max_form_memory_size = max_form_memory_size
        self.state = State()
        self.exception_handlers = ExceptionHandlers(exception_handlers)
        self.on_startup: list[Hook] = list(on_startup)
        self.on_shutdown: list[Hook] = list(on_shutdown)
        self._get_response: GetResponse = build_middleware_chain(
            self._dispatch, middleware, self.response_for_exception
        )
        self._asgi: ASGIApp = wrap_asgi_middleware(self._handle_scope, asgi_middleware)
        self._has_asgi_middleware = self._asgi != self._handle_scope

    # -- configuration ----------------------------------------------------------------------------------------

    def add_exception_handler(self, key: HandlerKey | str, handler: ExceptionHandler | str) -> None:
        """Handle exceptions of class ``key`` (and subclasses), or ``HTTPException``s with status ``key``."""
        self.exception_handlers.add(key, handler)

    def add_startup_handler(self, hook: Hook) -> Hook:
        """Run ``hook`` (async, or sync in a thread) at lifespan startup; usable as a decorator."""
        self.on_startup.append(hook)
        return hook

    def add_shutdown_handler(self, hook: Hook) -> Hook:
        """Run ``hook`` at lifespan shutdown; usable as a decorator."""
        self.on_shutdown.append(hook)
        return hook

    def url_path_for(self, name: str, /, **params: Any) -> str:
        return self.router.reverse(name, **params)

    # -- ASGI --------------------------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._has_asgi_middleware:
            await self._asgi(scope, receive, send)
        elif scope["type"] == "http":  # the hot path, one coroutine frame shorter
            await self._handle_http(scope, receive, send)
        else:
            await self._handle_scope(scope, receive, send)

    async def _handle_scope(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._handle_http(scope, receive, send)
        elif kind == "websocket":
            await self._handle_websocket(scope, receive, send)
        elif kind == "lifespan":
            await run_lifespan(self.on_startup, self.on_shutdown, receive, send)
        else:
            raise ValueError(f"CovetApp cannot handle ASGI scope type {kind!r}.")

    async def _handle_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = self
        scope["router"] = self.router
        if self.max_body_size is not None:
            scope.setdefault(SCOPE_MAX_BODY_SIZE, self.max_body_size)
        if self.max_form_memory_size is not None:
            scope.setdefault(SCOPE_MAX_FORM_MEMORY_SIZE, self.max_form_memory_size)
        # Matched before the middleware runs, so middleware can read the view's marks from scope["route"].
        match = self.router.match(scope["method"], routing_path(scope), append_slash=self.append_slash)
        scope[SCOPE_MATCH] = match
        if match.route is not None:
            scope["route"] = match.route
            scope["path_params"] = match.params
        request = Request(scope, receive, send)
        response = await self._get_response(request)
        try:
            await response(scope, receive, send)
        except Exception:
            logger.exception(
                "Error while sending the response to %s %s (request id: %s)",
                request.method,
                request.path,
                request_id_for(request),
            )
            raise
        finally:
            if SCOPE_FORM in scope:  # only a parsed form holds something to close (uploaded files)
                await request.close()

    # -- inside the middleware chain ------------------------------------------------------------------------------

    async def _dispatch(self, request: Request) -> Response:
        """The innermost layer: run the matched view, or answer 405/OPTIONS/redirect/404; errors become responses
        here (one frame less than wrapping it)."""
        try:
            scope = request.scope
            match: RouteMatch = scope[SCOPE_MATCH]
            status = match.status
            if status is MatchStatus.FOUND:
                route: Route = match.route  # type: ignore[assignment]
                if route.kind == "static":
                    return Response(route.body, 200, dict(route.headers), media_type=route.content_type)
                if route.is_async:
                    result = await route.endpoint(request, **match.params)  # type: ignore[misc]
                else:
                    call = functools.partial(route.endpoint, request, **match.params)  # type: ignore[arg-type,misc]
                    result = await anyio.to_thread.run_sync(call)
                    if hasattr(result, "__await__"):  # a sync wrapper around an async view
                        result = await result
                response = to_response(result, route.endpoint)
                finalize = getattr(response, "finalize", None)
                if finalize is not None:  # a body produced asynchronously (TemplateResponse): inside the chain, so
                    await finalize()  # its errors reach the error pages and middleware sees the final body
                return response
            if status is MatchStatus.METHOD_NOT_ALLOWED:
                if scope["method"] == "OPTIONS":
                    return Response(None, 204, {"allow": match.allow_header})
                raise MethodNotAllowed(headers={"allow": match.allow_header})
            if status is MatchStatus.REDIRECT:
                query = scope.get("query_string", b"")
                location = (scope.get("root_path") or "") + (match.redirect_to or "/")
                if query:
                    location += "?" + query.decode("latin-1")
                return RedirectResponse(location, status_code=301)
            raise RouteNotFound()
        except Exception as exc:
            return await self.response_for_exception(request, exc)

    async def response_for_exception(self, request: Request, exc: Exception) -> Response:
        """A registered handler's response, else the default for ``HTTPException``s, else a logged 500."""
        handler = self.exception_handlers.lookup(exc)
        if handler is not None:
            try:
                return await call_handler(handler, request, exc)
            except Exception as handler_error:
                return server_error_response(request, handler_error, debug=self.debug)
        if isinstance(exc, HTTPException):
            return http_exception_response(request, exc, debug=self.debug, router=self.router)
        if isinstance(exc, ClientDisconnect):
            return Response(None, 400)  # the client is gone; nothing to log, nobody to answer
        return server_error_response(request, exc, debug=self.debug)

    # -- WebSocket ------------------------------------------------------------------------------------------------

    async def _handle_websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = self
        scope["router"] = self.router
        websocket = WebSocket(scope, receive, send)
        match = self.router.match_websocket(routing_path(scope))
        if not match.found:
            await websocket.close(1000)  # before accept: the server rejects the handshake with HTTP 403
            return
        route: Route = match.route  # type: ignore[assignment]
        scope["route"] = route
        scope["path_params"] = match.params
        try:
            await route.endpoint(websocket, **match.params)  # type: ignore[misc]
        except WebSocketDisconnect:
            return
        except Exception:
            logger.exception("Error in WebSocket endpoint %s for %s", route.path, scope.get("path"))
            await websocket.close(1011 if websocket.connection_state is WebSocketState.CONNECTED else 1000)
            return
        await websocket.close(1000)

    def __repr__(self) -> str:
        return f"<CovetApp {self.router!r} debug={self.debug}>"
