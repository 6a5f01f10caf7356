"""URL routing: ``Router``, path converters, ``include()`` and ``reverse()``."""

from covet.routing.converters import Converter, get_converter, register_converter
from covet.routing.errors import NoReverseMatch
from covet.routing.includes import Include, include
from covet.routing.match import MatchStatus, RouteMatch
from covet.routing.route import Route
from covet.routing.router import Router
from covet.routing.urlconf import current_root_router, get_root_router, reverse, router_from_urlconf, set_root_router

__all__ = [
    "Converter",
    "Include",
    "MatchStatus",
    "NoReverseMatch",
    "Route",
    "RouteMatch",
    "Router",
    "current_root_router",
    "get_converter",
    "get_root_router",
    "include",
    "register_converter",
    "reverse",
    "router_from_urlconf",
    "set_root_router",
]
