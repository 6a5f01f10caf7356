"""The request id that ties a 500 response to its log line: the client's ``X-Request-ID`` or a fresh one."""

from __future__ import annotations

import re
import uuid

from covet.http import Request

# A client-supplied id is trusted only if it is short and cannot break a log line or a header.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_for(request: Request) -> str:
    """``request.id`` if set, else a safe ``X-Request-ID`` header, else a new random id (stored on the request)."""
    if request.id:
        return request.id
    supplied = request.headers.get("x-request-id")
    request_id = supplied if supplied is not None and _SAFE_ID.fullmatch(supplied) else uuid.uuid4().hex
    request.id = request_id
    return request_id
