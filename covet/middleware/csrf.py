"""CsrfMiddleware: refuse cross-site POST/PUT/PATCH/DELETE requests that lack a valid token.

How it works:

* A random 32-byte secret per visitor: stored in ``request.session`` when the session middleware runs
  (outside this one), else in a signed cookie (``CSRF_COOKIE_NAME``) — the "signed double-submit"
  pattern, so a cookie planted from a sibling subdomain is not accepted.
* Pages embed a *masked* token (``{{ csrf_input }}`` in templates, ``get_token(request)`` in code): a fresh random mask
  each time, so the token never repeats in a compressed page (BREACH).
* An unsafe request must send the token in the ``X-CSRFToken`` header (``CSRF_HEADER_NAME``) or the
  ``csrf_token`` form field (``CSRF_FORM_FIELD``). Over HTTPS its ``Origin`` (or, without one, its
  ``Referer``) must be this site or one of ``CSRF_TRUSTED_ORIGINS`` (``"https://*.example.com"``
  patterns); an ``Origin`` header that does not match is refused on plain HTTP too.
* Exempt: safe methods, views decorated with ``@csrf_exempt``, and requests with an
  ``Authorization: Bearer`` header — a browser never attaches one by itself, and the authentication
  middleware refuses a bad token with 401 rather than falling back to the session.

Failures are answered 403 (the reason is in the body when DEBUG is on) and audited as ``csrf_failure``.
Other settings: ``CSRF_COOKIE_AGE`` [31449600 s], ``CSRF_COOKIE_SECURE`` [None = when HTTPS],
``CSRF_COOKIE_HTTPONLY`` [True], ``CSRF_COOKIE_SAMESITE`` ["Lax"], ``CSRF_COOKIE_DOMAIN`` [None],
``CSRF_COOKIE_PATH`` ["/"].
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from covet import signing
from covet.conf import settings
from covet.http import Request, Response
from covet.middleware import GetResponse
from covet.middleware.audit import audit
from covet.middleware.endpoint import view_attribute
from covet.middleware.proxy import request_host, request_is_secure, request_origin
from covet.middleware.refusal import refusal

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SECRET_BYTES = 32
SESSION_KEY = "_csrf_secret"
COOKIE_SALT = "covet.middleware.csrf"
DEFAULT_COOKIE_AGE = 52 * 7 * 24 * 3600

_SCOPE_SECRET = "covet.csrf_secret"
_SCOPE_COOKIE_DIRTY = "covet.csrf_cookie_dirty"

_V = TypeVar("_V", bound=Callable[..., Any])


def csrf_exempt(view: _V) -> _V:
    """Mark a view as not needing a CSRF token (webhooks called by other servers, for example)."""
    view.csrf_exempt = True  # type: ignore[attr-defined]
    return view


def _mask(secret: bytes) -> str:
    mask = secrets.token_bytes(SECRET_BYTES)
    return base64.urlsafe_b64encode(mask + bytes(a ^ b for a, b in zip(mask, secret, strict=True))).decode()


def _unmask(token: str) -> bytes | None:
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    if len(raw) != 2 * SECRET_BYTES:
        return None
    mask, masked = raw[:SECRET_BYTES], raw[SECRET_BYTES:]
    return bytes(a ^ b for a, b in zip(mask, masked, strict=True))


def _uses_session(request: Request) -> bool:
    return "session" in request.scope


def _store_secret(request: Request, secret: bytes) -> None:
    request.scope[_SCOPE_SECRET] = secret
    if _uses_session(request):
        request.session[SESSION_KEY] = secret.hex()
    else:
        request.scope[_SCOPE_COOKIE_DIRTY] = True


def get_token(request: Request) -> str:
    """A masked CSRF token for this visitor (creating the secret on first use); different on every call."""
    secret: bytes | None = request.scope.get(_SCOPE_SECRET)
    if secret is None:
        secret = secrets.token_bytes(SECRET_BYTES)
        _store_secret(request, secret)
    elif _uses_session(request):
        request.session.accessed = True  # the page now depends on the session cookie: Vary: Cookie
    return _mask(secret)


def rotate_token(request: Request) -> None:
    """Replace the secret (done at login, so a token seen before login is worthless after it)."""
    _store_secret(request, secrets.token_bytes(SECRET_BYTES))


def csrf_input(request: Request) -> Markup:
    """The hidden ``<input>`` carrying the token (templates get it ready-made as ``{{ csrf_input }}``)."""
    field = getattr(settings, "CSRF_FORM_FIELD", "csrf_token")
    return Markup('<input type="hidden" name="{}" value="{}">').format(escape(field), escape(get_token(request)))


class CsrfFailure(Exception):
    """Why a request was refused (shown in DEBUG)."""


def origin_matches(origin: str, pattern: str) -> bool:
    """``https://*.example.com`` matches the domain's subdomains; otherwise scheme and host must be equal."""
    pattern = pattern.lower().rstrip("/")
    origin = origin.lower().rstrip("/")
    if "://*." not in pattern:
        return origin == pattern
    scheme, _, domain = pattern.partition("://*.")
    parts = urlsplit(origin)
    host = parts.netloc
    return parts.scheme == scheme and (host == domain or host.endswith("." + domain))


class CsrfMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.cookie_name: str = getattr(settings, "CSRF_COOKIE_NAME", "csrftoken")
        self.header_name: str = getattr(settings, "CSRF_HEADER_NAME", "X-CSRFToken")
        self.form_field: str = getattr(settings, "CSRF_FORM_FIELD", "csrf_token")
        self.trusted_origins: list[str] = list(getattr(settings, "CSRF_TRUSTED_ORIGINS", []))
        self.cookie_age = int(getattr(settings, "CSRF_COOKIE_AGE", DEFAULT_COOKIE_AGE))
        self.cookie_secure: bool | None = getattr(settings, "CSRF_COOKIE_SECURE", None)
        self.cookie_httponly = bool(getattr(settings, "CSRF_COOKIE_HTTPONLY", True))
        self.cookie_samesite: str | None = getattr(settings, "CSRF_COOKIE_SAMESITE", "Lax")
        self.cookie_domain: str | None = getattr(settings, "CSRF_COOKIE_DOMAIN", None)
        self.cookie_path: str = getattr(settings, "CSRF_COOKIE_PATH", "/")
        self.signer = signing.Signer(salt=COOKIE_SALT)

    def load_secret(self, request: Request) -> bytes | None:
        if _uses_session(request):
            stored = request.session.as_dict().get(SESSION_KEY)
        else:
            cookie = request.cookies.get(self.cookie_name)
            try:
                stored = self.signer.unsign(cookie) if cookie else None
            except signing.BadSignature:
                stored = None
        try:
            secret = bytes.fromhex(stored) if isinstance(stored, str) else None
        except ValueError:
            return None
        return secret if secret is not None and len(secret) == SECRET_BYTES else None

    def is_exempt(self, request: Request) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if request.headers.get("authorization", "").strip().lower().startswith("bearer "):
            return True
        return bool(view_attribute(request, "csrf_exempt", False))

    def is_trusted_origin(self, request: Request, origin: str) -> bool:
        if origin.lower().rstrip("/") == request_origin(request):
            return True
        return any(origin_matches(origin, pattern) for pattern in self.trusted_origins)

    def check_origin(self, request: Request) -> None:
        origin = request.headers.get("origin")
        if origin is not None:
            if not self.is_trusted_origin(request, origin):
                raise CsrfFailure(
                    f"Origin checking failed: {origin} does not match {request_origin(request)} or any of "
                    "settings.CSRF_TRUSTED_ORIGINS."
                )
            return
        if not request_is_secure(request):
            return
        referer = request.headers.get("referer")
        if not referer:
            raise CsrfFailure("Referer checking failed: an HTTPS request without Origin must send a Referer header.")
        parts = urlsplit(referer)
        if parts.scheme != "https":
            raise CsrfFailure(f"Referer checking failed: {referer} is not an HTTPS page.")
        referer_origin = f"{parts.scheme}://{parts.netloc}"
        if parts.netloc.lower() != request_host(request) and not any(
            origin_matches(referer_origin, pattern) for pattern in self.trusted_origins
        ):
            raise CsrfFailure(
                f"Referer checking failed: {referer} is not this site and not in settings.CSRF_TRUSTED_ORIGINS."
            )

    async def submitted_token(self, request: Request) -> str | None:
        token = request.headers.get(self.header_name)
        if token:
            return token.strip()
        content_type = request.headers.get("content-type", "").lower()
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(self.form_field)
            return value if isinstance(value, str) else None
        return None

    async def check_token(self, request: Request, secret: bytes | None) -> None:
        if secret is None:
            where = "session" if _uses_session(request) else f"{self.cookie_name!r} cookie"
            raise CsrfFailure(
                f"CSRF {where} not set: render the form page first, with {{{{ csrf_input }}}} inside the <form> in "
                "the template (csrf_input(request) in Python code, or get_token(request) for the "
                f"{self.header_name} header), then post it."
            )
        token = await self.submitted_token(request)
        if not token:
            raise CsrfFailure(
                f"CSRF token missing: send it in the {self.header_name} header or the {self.form_field!r} form field "
                "(put {{ csrf_input }} inside the <form> in the template)."
            )
        unmasked = _unmask(token)
        if unmasked is None:
            raise CsrfFailure("CSRF token has the wrong format: send the value of get_token(request) unchanged.")
        if not hmac.compare_digest(unmasked, secret):
            raise CsrfFailure("CSRF token incorrect: it was issued for another session or has been rotated.")

    async def __call__(self, request: Request) -> Response:
        secret = self.load_secret(request)
        if secret is not None:
            request.scope[_SCOPE_SECRET] = secret
        if not self.is_exempt(request):
            try:
                self.check_origin(request)
                await self.check_token(request, secret)
            except CsrfFailure as failure:
                audit("csrf_failure", request, reason=str(failure))
                return refusal(403, "Forbidden (403): CSRF verification failed.", str(failure))
        response: Response = await self.get_response(request)
        if request.scope.get(_SCOPE_COOKIE_DIRTY):
            self.set_cookie(request, response)
        return response

    def set_cookie(self, request: Request, response: Response) -> None:
        secret: bytes = request.scope[_SCOPE_SECRET]
        response.set_cookie(
            self.cookie_name,
            self.signer.sign(secret.hex()),
            max_age=self.cookie_age,
            path=self.cookie_path,
            domain=self.cookie_domain,
            secure=request_is_secure(request) if self.cookie_secure is None else self.cookie_secure,
            httponly=self.cookie_httponly,
            samesite=self.cookie_samesite,
        )
        response.headers.add_vary_header("Cookie")
