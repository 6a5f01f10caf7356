"""Middleware of the served test app: a class and a function factory, both async."""

from __future__ import annotations

from covet.core.middleware_chain import GetResponse
from covet.http import Request, Response


class HeaderMiddleware:
    """Adds X-Covet-Middleware to every response, errors included."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    async def __call__(self, request: Request) -> Response:
        response = await self.get_response(request)
        response.headers["x-covet-middleware"] = "outer"
        return response


def order_factory(get_response: GetResponse) -> GetResponse:
    """Records the order layers ran in: outer sees the header that inner set."""

    async def middleware(request: Request) -> Response:
        response = await get_response(request)
        response.headers["x-covet-inner"] = "inner"
        return response

    return middleware
