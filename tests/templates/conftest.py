"""Fixtures for the template tests (defined in template_site.py)."""

from template_site import site

__all__ = ["site"]
