"""Functions every template can call: ``url(name, **params)`` and ``static(path)``."""

from __future__ import annotations

from typing import Any

from covet.routing import reverse
from covet.staticfiles.urls import static_url


def url(name: str, /, **params: Any) -> str:
    """The path of the route called ``name`` (``{{ url('blog:post', id=post.id) }}``).

    While rendering through ``render(request, ...)`` this is ``request.url_for``: the router serving the request,
    with the application's root path.
    """
    return reverse(name, **params)


def static(path: str) -> str:
    """The URL of the static file ``path`` (``{{ static('css/site.css') }}``), hashed once collectstatic ran."""
    return static_url(path)
