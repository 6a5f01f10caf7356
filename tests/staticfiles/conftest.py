"""Fixtures for the static files tests (defined in static_site.py)."""

from static_site import static_site

__all__ = ["static_site"]
