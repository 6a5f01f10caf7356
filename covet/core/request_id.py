"""The request id that ties a 500 response to its log line: the client's ``X-Request-ID`` or a fresh one.

A fresh id is 32 hex digits: 64 random bits drawn once per process (again in a forked child), then a 64-bit
counter. Request ids must be unique, not secret (they are echoed in response headers and logs and grant
nothing), so one ``os.urandom`` per process replaces the ``uuid4()`` (a syscall) that every request paid for.
Two processes collide only if their 64-bit prefixes do.
"""

from __future__ import annotations

import itertools
import os
import re

from covet.http import Request
from covet.http.request import SCOPE_REQUEST_ID
from covet.types import Scope

# A client-supplied id is trusted only if it is short and cannot break a log line or a header.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_prefix = ""
_counter = itertools.count()


def _reseed() -> None:
    global _prefix, _counter
    _prefix = os.urandom(8).hex()
    _counter = itertools.count()


_reseed()
os.register_at_fork(after_in_child=_reseed)  # a forked worker must not repeat its parent's ids


def new_request_id() -> str:
    """A new id, unique within the process and (by its random prefix) across processes: 32 hex digits."""
    return f"{_prefix}{next(_counter) & 0xFFFFFFFFFFFFFFFF:016x}"


def request_id_for(request: Request) -> str:
    """``request.id`` if set, else a safe ``X-Request-ID`` header, else a new id (stored on the request)."""
    request_id: str | None = request.scope.get(SCOPE_REQUEST_ID)
    if request_id:
        return request_id
    return assign_request_id(request.scope, request.headers.get("x-request-id"))


def assign_request_id(scope: Scope, supplied: str | None) -> str:
    """Store and return the request id for a request without one: ``supplied`` (the ``X-Request-ID`` header, or
    None) when it is safe, else a new id."""
    request_id = supplied if supplied is not None and _SAFE_ID.fullmatch(supplied) else new_request_id()
    scope[SCOPE_REQUEST_ID] = request_id
    return request_id
