"""``authenticate()``, ``login()``, ``logout()`` and ``get_user()``: who is making a request.

``settings.AUTHENTICATION_BACKENDS`` [["covet.auth.backends.ModelBackend"]] lists backend classes;
each has ``async authenticate(request, **credentials) -> user | None`` and
``async get_user(user_id) -> user | None`` (and optionally ``async has_perm(user, perm)``).
"""

from __future__ import annotations

import functools
import hmac
import inspect
from typing import Any

from covet.auth.anonymous import AnonymousUser
from covet.conf.importing import import_string
from covet.exceptions import ImproperlyConfigured, PermissionDenied
from covet.http import Request
from covet.middleware.audit import audit
from covet.middleware.csrf import rotate_token

DEFAULT_BACKENDS = ["covet.auth.backends.ModelBackend"]

SESSION_KEY = "_auth_user_id"
BACKEND_SESSION_KEY = "_auth_user_backend"
HASH_SESSION_KEY = "_auth_user_hash"


@functools.lru_cache(maxsize=32)
def load_backend(path: str) -> Any:
    return import_string(path, setting="AUTHENTICATION_BACKENDS")()


def backend_paths() -> list[str]:
    from covet.conf import settings

    paths = list(getattr(settings, "AUTHENTICATION_BACKENDS", DEFAULT_BACKENDS))
    if not paths:
        raise ImproperlyConfigured("settings.AUTHENTICATION_BACKENDS is empty: list at least one backend.")
    return paths


def _accepts(method: Any, credentials: dict[str, Any]) -> bool:
    """Whether a backend's ``authenticate`` takes these credentials (backends ignore the ones they don't know)."""
    try:
        inspect.signature(method).bind(None, **credentials)
    except TypeError:
        return False
    return True


async def authenticate(request: Request | None = None, **credentials: Any) -> Any:
    """The user these credentials identify, trying each backend in order; None (audited) when none does."""
    for path in backend_paths():
        backend = load_backend(path)
        if not _accepts(backend.authenticate, credentials):
            continue
        try:
            user = await backend.authenticate(request, **credentials)
        except PermissionDenied:
            break  # a backend may veto: stop trying the others
        if user is not None:
            user.backend = path
            return user
    audit("login_failed", request, username=str(credentials.get("username", ""))[:150])
    return None


def session_auth_hash(user: Any) -> str | None:
    method = getattr(user, "get_session_auth_hash", None)
    return method() if callable(method) else None


async def login(request: Request, user: Any, backend: str | None = None) -> None:
    """Sign ``user`` in on this session: a new session key (no fixation), a new CSRF token, ``request.user`` set."""
    session = request.session
    backend = backend or getattr(user, "backend", None)
    if backend is None:
        paths = backend_paths()
        if len(paths) > 1:
            raise ValueError("Several AUTHENTICATION_BACKENDS are configured: pass backend= to login().")
        backend = paths[0]
    current = session.as_dict().get(SESSION_KEY)
    if current is not None and current != str(user.pk):
        session.flush()  # another user's session: start from nothing
    else:
        session.cycle_key()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    auth_hash = session_auth_hash(user)
    if auth_hash is not None:
        session[HASH_SESSION_KEY] = auth_hash
    rotate_token(request)
    request.user = user
    record_login = getattr(user, "record_login", None)
    if callable(record_login):
        await record_login()
    audit("login", request, user=str(user.pk))


async def logout(request: Request) -> None:
    """End the session (its data and key) and make ``request.user`` anonymous."""
    user = request.scope.get("user")
    if user is not None and getattr(user, "is_authenticated", False):
        audit("logout", request)
    if "session" in request.scope:
        request.session.flush()
    request.user = AnonymousUser()


async def get_user(request: Request) -> Any:
    """The user signed in on this request's session, or ``AnonymousUser``.

    A session whose stored password hash no longer matches (the password changed elsewhere) is flushed.
    """
    if "session" not in request.scope:
        return AnonymousUser()
    data = request.session.as_dict()
    user_id, path = data.get(SESSION_KEY), data.get(BACKEND_SESSION_KEY)
    if user_id is None or path not in backend_paths():
        return AnonymousUser()
    user = await load_backend(path).get_user(user_id)
    if user is None:
        return AnonymousUser()
    expected = session_auth_hash(user)
    if expected is not None and not hmac.compare_digest(str(data.get(HASH_SESSION_KEY, "")), expected):
        request.session.flush()
        return AnonymousUser()
    user.backend = path
    return user


async def get_user_by_id(user_id: Any) -> Any:
    """The active user with this primary key, asking each backend (used for bearer tokens); None if unknown."""
    for path in backend_paths():
        user = await load_backend(path).get_user(user_id)
        if user is not None:
            user.backend = path
            return user
    return None
