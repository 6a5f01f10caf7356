"""``TestClient`` (sync) and ``AsyncTestClient``: httpx clients wired to an ASGI app in-process.

``with TestClient(app) as client:`` runs the app's lifespan startup on entry and shutdown on exit; the
app runs on an event loop in a background thread for the whole block, so loop-bound resources (database
engines, caches) live across requests. Used without ``with``, each request gets its own short-lived
loop and no lifespan. ``async with AsyncTestClient(app)`` does the same on the caller's loop.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import anyio.from_thread
import httpx

from covet.testing.lifespan import LifespanManager
from covet.testing.transport import ASGIDispatch
from covet.types import ASGIApp

BASE_URL = "http://testserver"


class _PortalTransport(httpx.BaseTransport):
    """A sync transport running ``ASGIDispatch`` on the client's event-loop thread."""

    def __init__(self, dispatch: ASGIDispatch, call: Callable[..., Any]) -> None:
        self.dispatch = dispatch
        self._call = call

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # a sync body stream can only be consumed on this thread
        response: httpx.Response = self._call(self.dispatch.handle_async_request, request)
        return response


class _AppClientSetup:
    """The constructor shared by both clients: the app, its lifespan state and the in-process dispatch."""

    def __init__(
        self,
        app: ASGIApp,
        base_url: str = BASE_URL,
        *,
        raise_server_exceptions: bool = True,
        lifespan: bool = True,
        client: tuple[str, int] = ("testclient", 50000),
        root_path: str = "",
        **kwargs: Any,
    ) -> None:
        self.app = app
        self.lifespan = lifespan
        self.app_state: dict[str, Any] = {}
        dispatch = ASGIDispatch(
            app, raise_app_exceptions=raise_server_exceptions, client=client, root_path=root_path, state=self.app_state
        )
        kwargs.setdefault("follow_redirects", False)
        super().__init__(base_url=base_url, transport=self._transport_for(dispatch), **kwargs)  # type: ignore[call-arg]

    def _transport_for(self, dispatch: ASGIDispatch) -> Any:
        raise NotImplementedError


class TestClient(_AppClientSetup, httpx.Client):
    """A synchronous httpx client for an ASGI app; see the module docstring for the lifecycle.

    Options: ``raise_server_exceptions`` (re-raise what the app raises, default; else answer 500),
    ``lifespan`` (run startup/shutdown in ``with``), ``client`` (the peer address the app sees),
    ``root_path``; other keyword arguments go to ``httpx.Client`` (redirects are not followed by default).
    """

    __test__ = False  # not a pytest test class
    _portal: anyio.from_thread.BlockingPortal | None = None
    _exit_stack: contextlib.ExitStack | None = None

    def _transport_for(self, dispatch: ASGIDispatch) -> httpx.BaseTransport:
        return _PortalTransport(dispatch, self._call_on_loop)

    def _call_on_loop(self, function: Callable[..., Any], *args: Any) -> Any:
        if self._portal is not None:
            return self._portal.call(function, *args)
        with anyio.from_thread.start_blocking_portal(backend="asyncio") as portal:
            return portal.call(function, *args)

    def __enter__(self) -> TestClient:
        super().__enter__()
        try:
            with contextlib.ExitStack() as stack:
                portal = stack.enter_context(anyio.from_thread.start_blocking_portal(backend="asyncio"))
                if self.lifespan:
                    manager = LifespanManager(self.app, self.app_state)
                    portal.call(manager.startup)
                    stack.callback(portal.call, manager.shutdown)
                self._portal = portal
                self._exit_stack = stack.pop_all()
        except BaseException:
            super().__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info: Any) -> None:
        try:
            if self._exit_stack is not None:
                self._exit_stack.close()
        finally:
            self._portal = None
            self._exit_stack = None
            super().__exit__(*exc_info)


class AsyncTestClient(_AppClientSetup, httpx.AsyncClient):
    """An async httpx client for an ASGI app; ``async with`` runs the lifespan around the block.

    Takes the same options as ``TestClient``.
    """

    __test__ = False
    _lifespan_manager: LifespanManager | None = None

    def _transport_for(self, dispatch: ASGIDispatch) -> httpx.AsyncBaseTransport:
        return dispatch

    async def __aenter__(self) -> AsyncTestClient:
        await super().__aenter__()
        if self.lifespan:
            manager = LifespanManager(self.app, self.app_state)
            try:
                await manager.startup()
            except BaseException:
                await super().__aexit__(None, None, None)
                raise
            self._lifespan_manager = manager
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        try:
            if self._lifespan_manager is not None:
                await self._lifespan_manager.shutdown()
        finally:
            self._lifespan_manager = None
            await super().__aexit__(*exc_info)
