"""Context processors: functions ``processor(request) -> dict`` whose variables every rendered template gets.

List the ones you want, by dotted path, in ``TEMPLATES[0]["OPTIONS"]["context_processors"]``::

    "covet.templates.context_processors.request",   # request
    "covet.templates.context_processors.user",      # user (AnonymousUser without the auth middleware)
    "covet.templates.context_processors.csrf",      # csrf_input, csrf_token
    "covet.messages.context_processors.messages",   # messages, DEFAULT_MESSAGE_LEVELS
    "covet.templates.context_processors.debug",     # debug
    "covet.templates.context_processors.static",    # STATIC_URL (static() is always available)

Values that cost something (a CSRF token, which creates a session) are computed only if a template uses them.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from covet.conf import settings
from covet.http import Request


def request(request: Request) -> dict[str, Any]:
    return {"request": request}


def user(request: Request) -> dict[str, Any]:
    current = request.scope.get("user")
    if current is None:
        from covet.auth.anonymous import AnonymousUser

        current = AnonymousUser()
    return {"user": current}


class LazyCsrfToken:
    """The masked CSRF token, produced when the template first prints it (the same value for the whole page)."""

    def __init__(self, request: Request) -> None:
        self._request = request
        self._token: str | None = None

    def __str__(self) -> str:
        if self._token is None:
            from covet.middleware.csrf import get_token

            self._token = get_token(self._request)
        return self._token

    def __html__(self) -> Markup:
        return Markup.escape(str(self))

    def __bool__(self) -> bool:
        return True


class LazyCsrfInput:
    """``{{ csrf_input }}`` (or ``{{ csrf_input() }}``): the hidden input carrying the page's CSRF token."""

    def __init__(self, token: LazyCsrfToken) -> None:
        self._token = token

    def __call__(self, request: Request | None = None) -> Markup:
        field = getattr(settings, "CSRF_FORM_FIELD", "csrf_token")
        return Markup('<input type="hidden" name="{}" value="{}">').format(field, str(self._token))

    def __html__(self) -> Markup:
        return self()

    def __str__(self) -> str:
        return str(self())


def csrf(request: Request) -> dict[str, Any]:
    token = LazyCsrfToken(request)
    return {"csrf_token": token, "csrf_input": LazyCsrfInput(token)}


def debug(request: Request) -> dict[str, Any]:
    return {"debug": bool(getattr(settings, "DEBUG", False))}


def static(request: Request) -> dict[str, Any]:
    return {"STATIC_URL": getattr(settings, "STATIC_URL", "/static/")}
