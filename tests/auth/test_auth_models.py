"""User, Group, Permission, ModelBackend and the db session engine on SQLite and PostgreSQL, via the real migration."""

from __future__ import annotations

import pytest
from auth_database import table_names
from requests_in_memory import make_request

from covet.auth import authenticate, get_user, login, logout
from covet.auth.anonymous import AnonymousUser
from covet.auth.backends import ModelBackend
from covet.auth.models import Group, Permission, StoredSession, User, get_user_model, normalize_email
from covet.auth.permissions import create_permissions, default_permissions
from covet.auth.sessions import Session
from covet.auth.sessions.backends.db import DatabaseSessionBackend
from covet.conf import settings
from covet.orm import IntegrityError


async def test_migration_creates_the_tables(database: str) -> None:
    assert {"auth_user", "auth_group", "auth_permission", "auth_session", "auth_user_groups"} <= await table_names()
    assert get_user_model() is User


async def test_create_user_and_superuser(database: str) -> None:
    user = await User.objects.create_user("ada", "Ada@Example.COM", "analytical-engine-1843")
    assert user.pk is not None and user.email == "Ada@example.com"
    assert user.password.startswith("$argon2id$") and "analytical" not in user.password
    assert await user.check_password("analytical-engine-1843")
    assert not await user.check_password("wrong")
    admin = await User.objects.create_superuser("root", password="s3cure-enough-pass")
    assert admin.is_staff and admin.is_superuser
    nopass = await User.objects.create_user("sso-only")
    assert not nopass.has_usable_password()
    with pytest.raises(IntegrityError):
        await User.objects.create_user("ada", password="x")
    with pytest.raises(ValueError, match="username"):
        await User.objects.create_user("", password="x")
    assert await User.objects.count() == 3  # the refused ones left nothing behind


async def test_password_is_rehashed_when_argon2_parameters_change(database: str) -> None:
    user = await User.objects.create_user("grace", password="cobol-compiler-1959")
    old_hash = user.password
    with settings.override(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=2048):
        assert await user.check_password("cobol-compiler-1959")
        assert user.password != old_hash and "m=2048,t=2" in user.password
        stored = await User.objects.get(pk=user.pk)
        assert stored.password == user.password  # saved, not only changed in memory
        assert await stored.check_password("cobol-compiler-1959")
    with settings.override(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=2048):
        unchanged = await User.objects.get(pk=user.pk)
        assert not await unchanged.check_password("wrong")
        assert (await User.objects.get(pk=user.pk)).password == stored.password  # a failed check never rehashes


async def test_permissions_direct_group_and_superuser(database: str) -> None:
    created = await create_permissions([User, Group])
    assert created == 8
    assert await create_permissions([User, Group]) == 0  # idempotent
    change_user = await Permission.objects.get(app_label="auth", codename="change_user")
    view_group = await Permission.objects.get(app_label="auth", codename="view_group")
    editors = await Group.objects.create(name="editors")
    await editors.permissions.add(change_user)
    alice = await User.objects.create_user("alice", password="pw-alice-123456")
    await alice.groups.add(editors)
    await alice.user_permissions.add(view_group)
    fresh = await User.objects.get(pk=alice.pk)
    assert await fresh.get_all_permissions() == {"auth.change_user", "auth.view_group"}
    assert await fresh.has_perms(["auth.change_user", "auth.view_group"])
    assert not await fresh.has_perm("auth.delete_user")
    root = await User.objects.create_superuser("root", password="pw-root-123456")
    assert await root.has_perm("anything.at_all")
    fresh.is_active = False
    fresh.__dict__.pop("_perm_cache", None)
    assert not await fresh.has_perm("auth.change_user")
    assert default_permissions(User)[0] == ("auth", "view_user", "Can view user")


async def test_model_backend_login_and_logout(database: str) -> None:
    user = await User.objects.create_user("bob", password="pw-bob-12345678")
    await User.objects.create_user("sleepy", password="pw-sleepy-123456", is_active=False)
    assert await authenticate(username="bob", password="wrong") is None
    assert await authenticate(username="nobody", password="x") is None
    assert await authenticate(username="sleepy", password="pw-sleepy-123456") is None
    found = await authenticate(username="bob", password="pw-bob-12345678")
    assert found is not None and found.pk == user.pk
    request = make_request()
    request.session = Session({"cart": [1]}, key="k" * 43)
    await login(request, found)
    assert request.session.stale_keys == ["k" * 43] and request.session["cart"] == [1]
    assert (await User.objects.get(pk=user.pk)).last_login is not None
    assert (await get_user(request)).pk == user.pk
    await user.set_password("a-new-password-123")
    await user.save()
    assert isinstance(await get_user(request), AnonymousUser)  # password changed: the old session ends
    await logout(request)
    assert request.session.is_empty and isinstance(request.user, AnonymousUser)
    assert await ModelBackend().get_user("not-a-number") is None


async def test_db_session_backend(database: str) -> None:
    backend = DatabaseSessionBackend(age=60)
    key = await backend.save(None, {"a": 1})
    assert await backend.load(key) == {"a": 1}
    assert await backend.save(key, {"a": 2}) == key
    assert await backend.load(key) == {"a": 2}
    assert await backend.load("x" * 43) is None and await backend.load("bad key") is None
    await backend.delete(key)
    assert await backend.load(key) is None
    assert await backend.save(key, {"a": 3}) != key  # a deleted session is never resurrected under its old key
    expired = DatabaseSessionBackend(age=-5)
    old = await expired.save(None, {"old": True})
    assert await backend.load(old) is None
    assert await StoredSession.clear_expired() == 1


def test_normalize_email() -> None:
    assert normalize_email(" Ada@Example.COM ") == "Ada@example.com"
    assert normalize_email("") == ""
