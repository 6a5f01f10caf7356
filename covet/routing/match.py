"""``RouteMatch``: the outcome of ``Router.match`` (found, 404, 405 with the allowed methods, or a slash redirect)."""

from __future__ import annotations

import enum
from typing import Any

from covet.routing.route import Route


class MatchStatus(enum.Enum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    REDIRECT = "redirect"


class RouteMatch:
    """What the router decided for one request.

    * ``FOUND``: ``route`` and the converted ``params`` (keyword arguments of the view).
    * ``METHOD_NOT_ALLOWED``: the path exists; ``allowed_methods`` is the sorted ``Allow`` header list.
    * ``REDIRECT``: no route for the path, but one for ``redirect_to`` (the path with a trailing slash).
    * ``NOT_FOUND``: nothing matched.
    """

    __slots__ = ("allowed_methods", "params", "redirect_to", "route", "status")

    def __init__(
        self,
        status: MatchStatus,
        route: Route | None = None,
        params: dict[str, Any] | None = None,
        allowed_methods: tuple[str, ...] = (),
        redirect_to: str | None = None,
    ) -> None:
        self.status = status
        self.route = route
        self.params: dict[str, Any] = params if params is not None else {}
        self.allowed_methods = allowed_methods
        self.redirect_to = redirect_to

    @property
    def found(self) -> bool:
        return self.status is MatchStatus.FOUND

    @property
    def allow_header(self) -> str:
        """The value for an ``Allow`` response header."""
        return ", ".join(self.allowed_methods)

    def __repr__(self) -> str:
        details = {
            MatchStatus.FOUND: lambda: f"{self.route!r} params={self.params!r}",
            MatchStatus.METHOD_NOT_ALLOWED: lambda: f"allow={self.allow_header!r}",
            MatchStatus.REDIRECT: lambda: f"to={self.redirect_to!r}",
            MatchStatus.NOT_FOUND: lambda: "",
        }[self.status]()
        return f"<RouteMatch {self.status.name} {details}>".replace(" >", ">")


NOT_FOUND = RouteMatch(MatchStatus.NOT_FOUND)
