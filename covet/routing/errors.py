"""Routing errors raised to the user's code (registration errors use ``ImproperlyConfigured``)."""

from __future__ import annotations

from covet.exceptions import CovetError


class NoReverseMatch(CovetError):
    """``reverse()`` found no route with that name, or the parameters do not fit the route's template."""
