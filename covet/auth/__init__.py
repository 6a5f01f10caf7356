"""Identity: who is making a request, what they may do, and how they prove it.

``authenticate``/``login``/``logout``/``get_user`` live in ``covet.auth.authentication``; the user models in
``covet.auth.models``; password hashing in ``covet.auth.hashers``; JWT in ``covet.auth.jwt``; sessions in
``covet.auth.sessions``; view decorators in ``covet.auth.decorators``.
"""

from covet.auth.anonymous import AnonymousUser
from covet.auth.authentication import authenticate, get_user, login, logout

__all__ = ["AnonymousUser", "authenticate", "get_user", "login", "logout"]
