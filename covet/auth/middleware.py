"""AuthenticationMiddleware: sets ``request.user`` from a bearer JWT or the session, else ``AnonymousUser``.

Place it after the session middleware. A request carrying ``Authorization: Bearer`` is judged by its
token alone: a forged, expired, revoked or ``alg=none`` token — or one for a user who no longer exists
or is inactive — is answered 401 with ``WWW-Authenticate: Bearer error="invalid_token"``; it never
falls back to the session (that is what makes bearer requests safe to exempt from CSRF checks).
"""

from __future__ import annotations

from covet.auth import jwt
from covet.auth.anonymous import AnonymousUser
from covet.auth.authentication import get_user, get_user_by_id
from covet.http import JSONResponse, Request, Response
from covet.middleware import GetResponse
from covet.middleware.audit import audit


def unauthorized(error: jwt.InvalidToken) -> Response:
    return JSONResponse({"detail": error.detail}, status_code=401, headers=error.headers)


class AuthenticationMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    async def user_from_token(self, token: str) -> object:
        if not token:
            raise jwt.InvalidToken("the Authorization header has no token after 'Bearer'")
        claims = await jwt.verify_token(token, "access")
        user = await get_user_by_id(claims["sub"])
        if user is None or not getattr(user, "is_active", True):
            raise jwt.InvalidToken("the token's user does not exist or is inactive")
        return user

    async def __call__(self, request: Request) -> Response:
        token = jwt.bearer_token(request.headers.get("authorization"))
        if token is not None:
            try:
                request.user = await self.user_from_token(token)
            except jwt.InvalidToken as error:
                request.user = AnonymousUser()
                audit("invalid_token", request, reason=error.reason)
                return unauthorized(error)
        else:
            request.user = await get_user(request)
        response: Response = await self.get_response(request)
        return response
