"""Sessions: ``SessionMiddleware`` and the dict-like ``Session`` it puts on ``request.session``."""

from covet.auth.sessions.middleware import SessionMiddleware
from covet.auth.sessions.session import Session

__all__ = ["Session", "SessionMiddleware"]
