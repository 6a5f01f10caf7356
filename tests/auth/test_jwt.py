"""JWT issue/verify, and every way a bad token must be refused (with the reason and a Bearer challenge)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from live_services import fresh_default_cache

from covet.auth import jwt
from covet.conf import settings


@pytest.fixture(params=["locmem", "redis"])
async def revocation_cache(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    async with fresh_default_cache(request.param) as kind:
        yield kind


def claims_of(token: str) -> dict:  # type: ignore[type-arg]
    return pyjwt.decode(token, options={"verify_signature": False})


def test_issue_and_decode() -> None:
    token = jwt.issue_token(42, extra_claims={"scope": "read"})
    claims = jwt.decode_token(token)
    assert claims["sub"] == "42" and claims["type"] == "access" and claims["scope"] == "read"
    assert claims["exp"] - claims["iat"] == 300
    assert pyjwt.get_unverified_header(token)["alg"] == "HS256"


def assert_refused(token: str, reason: str, expected_type: jwt.TokenType = "access") -> None:
    with pytest.raises(jwt.InvalidToken) as info:
        jwt.decode_token(token, expected_type)
    assert reason in info.value.reason
    assert info.value.status_code == 401
    assert info.value.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')


def forge(claims: dict, key: str = "attacker-key-" * 6, algorithm: str = "HS256") -> str:  # type: ignore[type-arg]
    return pyjwt.encode(claims, key, algorithm=algorithm)


def valid_claims(**changes: object) -> dict:  # type: ignore[type-arg]
    now = int(time.time())
    claims = {"sub": "1", "type": "access", "iat": now, "nbf": now, "exp": now + 60, "jti": "j1"}
    claims.update(changes)
    return claims


def test_wrong_key_is_refused() -> None:
    assert_refused(forge(valid_claims()), "signature does not match")


def test_alg_none_is_refused() -> None:
    unsigned = pyjwt.encode(valid_claims(), None, algorithm="none")  # type: ignore[arg-type]
    assert_refused(unsigned, "algorithm is not allowed")


def test_header_algorithm_is_never_trusted() -> None:
    # A token signed with HS384 and the right secret is still refused: only JWT_ALGORITHM is accepted.
    assert_refused(forge(valid_claims(), settings.SECRET_KEY, "HS384"), "algorithm is not allowed")


def test_expired_not_yet_valid_and_leeway() -> None:
    past = valid_claims(exp=int(time.time()) - 5)
    assert_refused(forge(past, settings.SECRET_KEY), "expired")
    assert_refused(forge(valid_claims(nbf=int(time.time()) + 60), settings.SECRET_KEY), "not valid yet")
    with settings.override(JWT_LEEWAY=30):
        assert jwt.decode_token(forge(past, settings.SECRET_KEY))["sub"] == "1"


def test_tampered_payload_and_garbage_are_refused() -> None:
    header, _payload, signature = jwt.issue_token(1).split(".")
    other_payload = jwt.issue_token(2).split(".")[1]
    assert_refused(f"{header}.{other_payload}.{signature}", "signature does not match")
    assert_refused("not-a-token", "malformed")
    assert_refused("", "malformed")


def test_missing_claims_and_wrong_type_are_refused() -> None:
    claims = valid_claims()
    del claims["exp"]
    assert_refused(forge(claims, settings.SECRET_KEY), "'exp'")
    refresh = jwt.issue_token(1, "refresh")
    assert_refused(refresh, "a refresh token was sent where an access token is needed")
    with pytest.raises(jwt.InvalidToken, match="an access token was sent where a refresh token is needed"):
        jwt.decode_token(jwt.issue_token(1), "refresh")


def test_audience_and_issuer() -> None:
    with settings.override(JWT_AUDIENCE="api.example", JWT_ISSUER="auth.example"):
        token = jwt.issue_token(1)
        assert jwt.decode_token(token)["aud"] == "api.example"
        assert_refused(forge(valid_claims(aud="other", iss="auth.example"), settings.SECRET_KEY), "another audience")
        assert_refused(forge(valid_claims(aud="api.example", iss="evil"), settings.SECRET_KEY), "another issuer")
    assert_refused(token, "another audience")  # without the setting, an audience-bound token is not accepted


def test_rs256_with_pinned_algorithm() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    with settings.override(JWT_ALGORITHM="RS256", JWT_SIGNING_KEY=private_pem, JWT_VERIFYING_KEY=public_pem):
        assert jwt.decode_token(jwt.issue_token(7))["sub"] == "7"
        # The classic confusion attack: HS256 "signed" with the public key as the HMAC secret.
        with pytest.raises(pyjwt.InvalidKeyError):
            forge(valid_claims(), public_pem, "HS256")
        assert_refused(forge(valid_claims(), "any-secret-" * 6, "HS256"), "algorithm is not allowed")


async def test_refresh_rotation_works_once(revocation_cache: str) -> None:
    pair = jwt.issue_token_pair(5)
    rotated = await jwt.rotate_refresh_token(pair.refresh)
    assert (await jwt.verify_token(rotated.access))["sub"] == "5"
    with pytest.raises(jwt.InvalidToken, match="already been used"):
        await jwt.rotate_refresh_token(pair.refresh)
    await jwt.rotate_refresh_token(rotated.refresh)


async def test_concurrent_replay_of_a_refresh_token_succeeds_once(revocation_cache: str) -> None:
    refresh = jwt.issue_token(9, "refresh")
    results = await asyncio.gather(*(jwt.rotate_refresh_token(refresh) for _ in range(10)), return_exceptions=True)
    assert sum(isinstance(r, jwt.TokenPair) for r in results) == 1
    assert sum(isinstance(r, jwt.InvalidToken) for r in results) == 9


async def test_revoked_access_token_is_refused(revocation_cache: str) -> None:
    access = jwt.issue_token(3)
    assert await jwt.revoke_token(access, "access") is True
    assert await jwt.revoke_token(access, "access") is False
    with pytest.raises(jwt.InvalidToken, match="revoked"):
        await jwt.verify_token(access)


def test_bearer_header_parsing() -> None:
    assert jwt.bearer_token("Bearer abc.def.ghi") == "abc.def.ghi"
    assert jwt.bearer_token("bearer   abc") == "abc"
    assert jwt.bearer_token("Bearer") == ""
    assert jwt.bearer_token("Basic dXNlcjpwdw==") is None
    assert jwt.bearer_token(None) is None
