"""JSON Web Tokens for API authentication (PyJWT): access + refresh tokens, rotation, revocation.

Settings (defaults in brackets):

* ``JWT_ALGORITHM`` ["HS256"]: the one algorithm accepted. Tokens are verified with this list
  only, never with the algorithm named in their own header, so ``alg=none`` or an HS256 token
  signed with a public key are refused.
* ``JWT_SIGNING_KEY`` [SECRET_KEY] and ``JWT_VERIFYING_KEY`` [the signing key]: set both (PEM)
  for RS256/ES256/EdDSA.
* ``JWT_ACCESS_TOKEN_LIFETIME`` [300 s], ``JWT_REFRESH_TOKEN_LIFETIME`` [1 209 600 s = 14 days].
* ``JWT_LEEWAY`` [0 s] for ``exp``/``nbf``/``iat``; ``JWT_AUDIENCE`` / ``JWT_ISSUER`` [None]:
  when set, added to issued tokens and required on verification.
* ``JWT_CACHE_ALIAS`` ["default"]: the cache holding the revocation list (use a Redis cache
  when several processes serve the API).

Refresh rotation: ``rotate_refresh_token`` revokes the presented refresh token's ``jti`` with an
atomic ``cache.add`` before issuing a new pair, so a refresh token works exactly once — a
replayed one is refused even when two requests race.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any, Final, Literal

from covet.exceptions import ImproperlyConfigured, Unauthorized

TokenType = Literal["access", "refresh"]

DEFAULT_ALGORITHM: Final = "HS256"
DEFAULT_ACCESS_LIFETIME: Final = 300
DEFAULT_REFRESH_LIFETIME: Final = 14 * 24 * 3600
REVOKED_KEY_PREFIX: Final = "covet.jwt.revoked:"


class InvalidToken(Unauthorized):
    """A bearer token that cannot be trusted; answered 401 with ``WWW-Authenticate: Bearer error="invalid_token"``."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        quoted = reason.replace("\\", "\\\\").replace('"', "'")
        super().__init__(
            f"Invalid bearer token: {reason}",
            headers={"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{quoted}"'},
        )


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str

    def as_dict(self) -> dict[str, str]:
        return {"access": self.access, "refresh": self.refresh, "token_type": "Bearer"}


@dataclass(frozen=True)
class JWTConfig:
    algorithm: str
    signing_key: Any
    verifying_key: Any
    access_lifetime: float
    refresh_lifetime: float
    leeway: float
    audience: str | None
    issuer: str | None
    cache_alias: str

    @classmethod
    def from_settings(cls) -> JWTConfig:
        from covet.conf import settings

        signing_key = getattr(settings, "JWT_SIGNING_KEY", None) or settings.SECRET_KEY
        if not signing_key:
            raise ImproperlyConfigured("JWT needs a key: set SECRET_KEY (or JWT_SIGNING_KEY) in settings.")
        return cls(
            algorithm=getattr(settings, "JWT_ALGORITHM", DEFAULT_ALGORITHM),
            signing_key=signing_key,
            verifying_key=getattr(settings, "JWT_VERIFYING_KEY", None) or signing_key,
            access_lifetime=float(getattr(settings, "JWT_ACCESS_TOKEN_LIFETIME", DEFAULT_ACCESS_LIFETIME)),
            refresh_lifetime=float(getattr(settings, "JWT_REFRESH_TOKEN_LIFETIME", DEFAULT_REFRESH_LIFETIME)),
            leeway=float(getattr(settings, "JWT_LEEWAY", 0)),
            audience=getattr(settings, "JWT_AUDIENCE", None),
            issuer=getattr(settings, "JWT_ISSUER", None),
            cache_alias=getattr(settings, "JWT_CACHE_ALIAS", "default"),
        )


def issue_token(
    subject: str | int, token_type: TokenType = "access", *, extra_claims: dict[str, Any] | None = None
) -> str:
    """A signed token for ``subject`` (the user's primary key) with ``exp``, ``iat``, ``nbf``, ``jti`` and ``type``."""
    config = JWTConfig.from_settings()
    now = int(time.time())
    lifetime = config.access_lifetime if token_type == "access" else config.refresh_lifetime
    claims: dict[str, Any] = dict(extra_claims or {})
    claims.update(
        sub=str(subject), type=token_type, iat=now, nbf=now, exp=now + int(lifetime), jti=secrets.token_urlsafe(16)
    )
    if config.audience:
        claims["aud"] = config.audience
    if config.issuer:
        claims["iss"] = config.issuer
    import jwt as pyjwt  # PyJWT (and the cryptography it loads) only once a token is issued or checked

    return pyjwt.encode(claims, config.signing_key, algorithm=config.algorithm)


def issue_token_pair(subject: str | int, *, extra_claims: dict[str, Any] | None = None) -> TokenPair:
    return TokenPair(
        access=issue_token(subject, "access", extra_claims=extra_claims),
        refresh=issue_token(subject, "refresh"),
    )


def decode_token(token: str, expected_type: TokenType = "access") -> dict[str, Any]:
    """The verified claims (signature, algorithm, exp/nbf/iat, aud/iss, type); ``InvalidToken`` otherwise.

    This checks everything except revocation, which needs the cache: use :func:`verify_token`.
    """
    import jwt as pyjwt

    config = JWTConfig.from_settings()
    try:
        claims: dict[str, Any] = pyjwt.decode(
            token,
            config.verifying_key,
            algorithms=[config.algorithm],
            audience=config.audience,
            issuer=config.issuer,
            leeway=config.leeway,
            options={"require": ["exp", "iat", "nbf", "sub", "jti", "type"]},
        )
    except pyjwt.ExpiredSignatureError as exc:
        raise InvalidToken("the token has expired") from exc
    except pyjwt.ImmatureSignatureError as exc:
        raise InvalidToken("the token is not valid yet") from exc
    except pyjwt.InvalidAudienceError as exc:
        raise InvalidToken("the token is for another audience") from exc
    except pyjwt.InvalidIssuerError as exc:
        raise InvalidToken("the token comes from another issuer") from exc
    except pyjwt.InvalidAlgorithmError as exc:
        raise InvalidToken("the token's algorithm is not allowed") from exc
    except pyjwt.MissingRequiredClaimError as exc:
        raise InvalidToken(f"the token lacks the {exc.claim!r} claim") from exc
    except pyjwt.InvalidSignatureError as exc:
        raise InvalidToken("the signature does not match") from exc
    except pyjwt.InvalidTokenError as exc:
        raise InvalidToken("the token is malformed") from exc
    if claims.get("type") != expected_type:
        sent = _with_article(str(claims.get("type")))
        raise InvalidToken(f"{sent} token was sent where {_with_article(expected_type)} token is needed")
    return claims


def _with_article(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _revocation_cache() -> Any:
    from covet.cache import caches

    return caches[JWTConfig.from_settings().cache_alias]


def _remaining_lifetime(claims: dict[str, Any]) -> float:
    return max(1.0, float(claims["exp"]) - time.time() + JWTConfig.from_settings().leeway)


async def verify_token(token: str, expected_type: TokenType = "access") -> dict[str, Any]:
    """:func:`decode_token` plus the revocation check; the verified claims or ``InvalidToken``."""
    claims = decode_token(token, expected_type)
    if await _revocation_cache().has_key(REVOKED_KEY_PREFIX + str(claims["jti"])):
        raise InvalidToken("the token has been revoked")
    return claims


async def revoke_token(token: str, expected_type: TokenType = "refresh") -> bool:
    """Put a valid token's ``jti`` on the revocation list until it expires; False if it was already there."""
    claims = decode_token(token, expected_type)
    return bool(await _revocation_cache().add(REVOKED_KEY_PREFIX + str(claims["jti"]), 1, _remaining_lifetime(claims)))


async def rotate_refresh_token(refresh_token: str, *, extra_claims: dict[str, Any] | None = None) -> TokenPair:
    """Spend a refresh token (once only, atomically) and issue a new access + refresh pair for its subject."""
    claims = decode_token(refresh_token, "refresh")
    spent = await _revocation_cache().add(REVOKED_KEY_PREFIX + str(claims["jti"]), 1, _remaining_lifetime(claims))
    if not spent:
        raise InvalidToken("the refresh token has already been used or revoked")
    return issue_token_pair(claims["sub"], extra_claims=extra_claims)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value ("" if empty); None for other schemes."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()
