"""HookMiddleware: middleware written as two plain hooks, which the chain runs without a coroutine per layer.

Most middleware only looks at the request on the way in and at the response on the way out. Written as
``process_request`` / ``process_response`` (Django's ``MiddlewareMixin`` shape), consecutive layers of this
kind are fused by the chain builder (``covet.core.middleware_chain``) into a single coroutine that calls the
hooks in order: the same results as the nested onion, without an ``async`` frame and an exception wrapper per
layer on every request. Called on its own, a ``HookMiddleware`` behaves exactly like the onion layer::

    class Timing(HookMiddleware):
        def process_request(self, request):          # may return a Response to answer at once
            request.scope["started"] = time.perf_counter()
            return None

        def process_response(self, request, response):
            response.headers["server-timing"] = f"app;dur={...}"
            return response

The rules, as in Django: a response returned by ``process_request`` skips the inner layers, but this
layer's own ``process_response`` and the outer ones still run; an exception in a hook becomes an error
response that the outer layers see. Hooks are synchronous: middleware that must ``await`` (a session
store, a rate-limit counter in Redis) keeps an ``async def __call__``.
"""

from __future__ import annotations

from covet.http import Request, Response
from covet.middleware import GetResponse


class HookMiddleware:
    """Base class: override ``process_request`` and/or ``process_response``."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def process_request(self, request: Request) -> Response | None:
        """Look at the request; return a response to answer without the inner layers, or None to go on."""
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        """Look at (or replace) the response on its way out."""
        return response

    async def __call__(self, request: Request) -> Response:
        response = self.process_request(request)
        if response is None:
            response = await self.get_response(request)
        return self.process_response(request, response)
