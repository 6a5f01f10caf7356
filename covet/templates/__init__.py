"""Templates: one jinja2 environment from ``settings.TEMPLATES``, ``render()`` and ``TemplateResponse``.

``render(request, "blog/index.html", {"posts": posts})`` in a view; ``get_environment()`` for the
environment itself; context processors in ``covet.templates.context_processors``.

The names are imported on first access, and jinja2 with the first render: importing a views module that
renders templates costs nothing until a page is rendered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from covet.conf.exports import lazy_exports

if TYPE_CHECKING:
    from covet.templates.environment import TemplateDoesNotExist, get_environment, reset_environment
    from covet.templates.response import TemplateResponse, render, render_to_string

__getattr__ = lazy_exports(
    __name__,
    {
        "TemplateDoesNotExist": "environment",
        "get_environment": "environment",
        "reset_environment": "environment",
        "TemplateResponse": "response",
        "render": "response",
        "render_to_string": "response",
    },
)

__all__ = [
    "TemplateDoesNotExist",
    "TemplateResponse",
    "get_environment",
    "render",
    "render_to_string",
    "reset_environment",
]
