"""Structured records of security events, through the ``covet.security`` logger.

Every record carries ``security_event`` (a short name such as ``"login_failed"``) and the
request context (``client_ip``, ``method``, ``path``, ``request_id``, ``user``) as attributes,
so a JSON log formatter or a SIEM can index them, and a readable message for plain logs.

Events Covet emits: ``login``, ``login_failed``, ``logout``, ``permission_denied``,
``rate_limited``, ``csrf_failure``, ``disallowed_host``, ``ip_denied``, ``invalid_token``.
"""

from __future__ import annotations

import logging
from typing import Any

from covet.http import Request
from covet.middleware.proxy import client_ip

logger = logging.getLogger("covet.security")

# Failures are warnings (someone may be attacking); successes are information.
_LEVELS = {"login": logging.INFO, "logout": logging.INFO}


def audit(event: str, request: Request | None = None, **fields: Any) -> None:
    """Log security event ``event`` with the request's context and any extra ``fields``."""
    level = _LEVELS.get(event, logging.WARNING)
    if not logger.isEnabledFor(level):
        return
    record: dict[str, Any] = {"security_event": event}
    if request is not None:
        record.update(client_ip=client_ip(request), method=request.scope.get("method"), path=request.path)
        record["request_id"] = request.id
        user = request.scope.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            record["user"] = str(getattr(user, "pk", None) or getattr(user, "username", ""))
    record.update(fields)
    details = " ".join(f"{key}={value!r}" for key, value in record.items() if key != "security_event")
    logger.log(level, "security event %s: %s", event, details, extra=record)
