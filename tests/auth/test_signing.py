"""covet.signing: signatures, timestamps, salts, key rotation, and tampered input."""

from __future__ import annotations

import time

import pytest

from covet import signing
from covet.signing import BadSignature, SignatureExpired, Signer, TimestampSigner

KEY = "k" * 50


def test_sign_and_unsign() -> None:
    signer = Signer(KEY)
    signed = signer.sign("hello:world")
    assert signed.startswith("hello:world:")
    assert signer.unsign(signed) == "hello:world"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"),
        lambda s: "x" + s,
        lambda s: s.rpartition(":")[0],
        lambda s: "no-signature-here",
        lambda s: "",
    ],
)
def test_tampered_values_are_rejected(tamper) -> None:  # type: ignore[no-untyped-def]
    signed = Signer(KEY).sign("value")
    with pytest.raises(BadSignature):
        Signer(KEY).unsign(tamper(signed))


def test_salt_separates_purposes() -> None:
    signed = Signer(KEY, salt="sessions").sign("v")
    with pytest.raises(BadSignature):
        Signer(KEY, salt="password-reset").unsign(signed)


def test_wrong_key_is_rejected_and_fallback_keys_rotate() -> None:
    old = Signer("old-key").sign("v")
    with pytest.raises(BadSignature):
        Signer("new-key").unsign(old)
    rotated = Signer("new-key", fallback_keys=["old-key"])
    assert rotated.unsign(old) == "v"
    assert Signer("new-key").unsign(rotated.sign("v")) == "v"  # new signatures use the new key


def test_timestamp_max_age(monkeypatch: pytest.MonkeyPatch) -> None:
    signer = TimestampSigner(KEY)
    signed = signer.sign("v")
    assert signer.unsign(signed, max_age=10) == "v"
    later = time.time() + 11
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(SignatureExpired):
        signer.unsign(signed, max_age=10)
    assert signer.unsign(signed) == "v"


def test_dumps_loads_round_trip_and_compression() -> None:
    obj = {"user": 1, "cart": ["a"] * 200}
    plain = signing.dumps(obj, key=KEY, salt="s")
    packed = signing.dumps(obj, key=KEY, salt="s", compress=True)
    assert len(packed) < len(plain)
    assert signing.loads(plain, key=KEY, salt="s") == obj
    assert signing.loads(packed, key=KEY, salt="s") == obj


def test_loads_refuses_tampered_payload() -> None:
    signed = signing.dumps({"admin": False}, key=KEY)
    _payload, _, rest = signed.partition(":")
    forged = signing.b64_encode(b'{"admin":true}') + ":" + rest
    with pytest.raises(BadSignature):
        signing.loads(forged, key=KEY)
    with pytest.raises(BadSignature):
        signing.loads(Signer(KEY, salt="covet.signing").sign("!!notbase64!!:0"), key=KEY)


def test_settings_key_rotation_with_fallbacks() -> None:
    from covet.conf import settings
    from covet.exceptions import ImproperlyConfigured

    with settings.override(SECRET_KEY="old-secret-" + "o" * 40, SECRET_KEY_FALLBACKS=[]):
        signed = signing.dumps({"user": 1}, salt="rotation")
    new_only = {"SECRET_KEY": "new-secret-" + "n" * 40, "SECRET_KEY_FALLBACKS": []}
    with settings.override(**new_only), pytest.raises(BadSignature):
        signing.loads(signed, salt="rotation")
    with settings.override(SECRET_KEY="new-secret-" + "n" * 40, SECRET_KEY_FALLBACKS=["old-secret-" + "o" * 40]):
        assert signing.loads(signed, salt="rotation") == {"user": 1}
    with settings.override(SECRET_KEY=""), pytest.raises(ImproperlyConfigured, match="SECRET_KEY is empty"):
        signing.dumps({}, salt="rotation")
    with pytest.raises(ImproperlyConfigured, match="empty key: pass a long random secret"):
        Signer("")
