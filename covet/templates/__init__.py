"""Templates: one jinja2 environment from ``settings.TEMPLATES``, ``render()`` and ``TemplateResponse``.

``render(request, "blog/index.html", {"posts": posts})`` in a view; ``get_environment()`` for the
environment itself; context processors in ``covet.templates.context_processors``.
"""

from covet.templates.environment import TemplateDoesNotExist, get_environment, reset_environment
from covet.templates.response import TemplateResponse, render, render_to_string

__all__ = [
    "TemplateDoesNotExist",
    "TemplateResponse",
    "get_environment",
    "render",
    "render_to_string",
    "reset_environment",
]
