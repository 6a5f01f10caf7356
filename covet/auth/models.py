"""Users, groups and permissions.

``User`` is swappable: set ``AUTH_USER_MODEL = "accounts.Member"`` (a subclass of ``AbstractUser``)
before the first migration and this module defines no ``User`` table; code that needs the user
model asks ``get_user_model()``. Permissions are ``"<app_label>.<codename>"`` strings; migrate creates
``view_/add_/change_/delete_<model>`` for every model (see ``covet.auth.permissions``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread

from covet.auth import hashers
from covet.orm import (
    BooleanField,
    CharField,
    DateTimeField,
    EmailField,
    JSONField,
    Manager,
    ManyToManyField,
    Model,
    Q,
)

DEFAULT_USER_MODEL = "auth.User"


def _now() -> datetime:
    return datetime.now(UTC)


class Permission(Model):
    """The right to do ``codename`` in app ``app_label``; granted to users directly or through groups."""

    app_label = CharField(max_length=100)
    codename = CharField(max_length=100)
    name = CharField(max_length=255)

    objects: Manager[Any] = Manager()

    class Meta:
        app_label = "auth"
        db_table = "auth_permission"
        unique_together = [("app_label", "codename")]
        ordering = ["app_label", "codename"]

    def __str__(self) -> str:
        return f"{self.app_label}.{self.codename}"


class Group(Model):
    """A named set of permissions; users in the group hold them all."""

    name = CharField(max_length=150, unique=True)
    permissions = ManyToManyField(Permission, related_name="groups", blank=True)

    class Meta:
        app_label = "auth"
        db_table = "auth_group"
        ordering = ["name"]

    def __str__(self) -> str:
        return str(self.name)


class StoredSession(Model):
    """A session of the ``db`` session engine: its data and when it expires."""

    session_key = CharField(max_length=64, primary_key=True)
    data = JSONField(default=dict)
    expires = DateTimeField(db_index=True)

    objects: Manager[Any] = Manager()

    class Meta:
        app_label = "auth"
        db_table = "auth_session"

    @classmethod
    async def clear_expired(cls, *, using: str = "default") -> int:
        """Delete expired sessions (run it now and then, e.g. from a cron job); returns how many."""
        deleted, _ = await cls.objects.using(using).filter(expires__lt=_now()).delete()
        return int(deleted)


class UserManager(Manager[Any]):
    async def create_user(self, username: str, email: str = "", password: str | None = None, **fields: Any) -> Any:
        """Create and save a user; ``password=None`` gives an unusable password (no password sign-in)."""
        if not username:
            raise ValueError("A user needs a username.")
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        assert self.model is not None
        user = self.model(username=username, email=normalize_email(email), **fields)
        await user.set_password(password)
        await user.save()
        return user

    async def create_superuser(self, username: str, email: str = "", password: str | None = None, **fields: Any) -> Any:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        if not (fields["is_staff"] and fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return await self.create_user(username, email, password, **fields)

    async def get_by_natural_key(self, username: str) -> Any:
        return await self.get(username=username)


def normalize_email(email: str | None) -> str:
    """Lower-case the domain part (it is case-insensitive; the local part is not)."""
    local, at, domain = (email or "").strip().rpartition("@")
    return f"{local}@{domain.lower()}" if at else (email or "").strip()


class AbstractUser(Model):
    """Everything a user model needs; subclass it for a custom ``AUTH_USER_MODEL``."""

    username: Any = CharField(max_length=150, unique=True)
    email = EmailField(max_length=254, blank=True, default="")
    first_name = CharField(max_length=150, blank=True, default="")
    last_name = CharField(max_length=150, blank=True, default="")
    password: Any = CharField(max_length=255)
    is_active: Any = BooleanField(default=True)
    is_staff = BooleanField(default=False)
    is_superuser: Any = BooleanField(default=False)
    last_login: Any = DateTimeField(null=True, blank=True)
    date_joined = DateTimeField(default=_now)
    groups = ManyToManyField(Group, related_name="users", blank=True)
    user_permissions = ManyToManyField(Permission, related_name="users", blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    is_authenticated = True
    is_anonymous = False

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.username)

    # -- passwords -----------------------------------------------------------------------------------

    async def set_password(self, raw_password: str | None) -> None:
        """Hash ``raw_password`` (argon2id, in a worker thread) into ``password``; call ``save()`` after."""
        self.password = await anyio.to_thread.run_sync(hashers.make_password, raw_password)

    def set_unusable_password(self) -> None:
        self.password = hashers.make_password(None)

    def has_usable_password(self) -> bool:
        return hashers.is_password_usable(self.password)

    async def check_password(self, raw_password: str) -> bool:
        """Whether ``raw_password`` is right; a hash made with older argon2 settings is upgraded and saved."""
        encoded = str(self.password)
        ok = await anyio.to_thread.run_sync(hashers.check_password, raw_password, encoded)
        if ok and hashers.needs_rehash(encoded):
            await self.set_password(raw_password)
            if self.pk is not None:
                await self.save(update_fields=["password"])
        return ok

    def get_session_auth_hash(self) -> str:
        """Changes when the password changes, which ends the user's other sessions."""
        from covet.conf import settings

        key = hashlib.sha256(f"covet.auth.session_hash|{settings.SECRET_KEY}".encode()).digest()
        return hmac.new(key, str(self.password).encode(), hashlib.sha256).hexdigest()

    async def record_login(self) -> None:
        self.last_login = _now()
        if self.pk is not None:
            await self.save(update_fields=["last_login"])

    # -- permissions ---------------------------------------------------------------------------------

    async def get_all_permissions(self) -> set[str]:
        """``"app_label.codename"`` of every permission held directly or through a group (cached per instance)."""
        cached: set[str] | None = self.__dict__.get("_perm_cache")
        if cached is not None:
            return cached
        if not self.is_active or self.pk is None:
            perms: set[str] = set()
        else:
            rows = await Permission.objects.filter(Q(users__id=self.pk) | Q(groups__users__id=self.pk)).values_list(
                "app_label", "codename"
            )
            perms = {f"{app_label}.{codename}" for app_label, codename in rows}
        self.__dict__["_perm_cache"] = perms
        return perms

    async def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Active superusers hold every permission; others what they were granted."""
        if self.is_active and self.is_superuser:
            return True
        return perm in await self.get_all_permissions()

    async def has_perms(self, perms: Iterable[str], obj: Any = None) -> bool:
        if self.is_active and self.is_superuser:
            return True
        return set(perms) <= await self.get_all_permissions()


def get_user_model() -> type[Any]:
    """The active user model (``settings.AUTH_USER_MODEL``, default ``"auth.User"``)."""
    from covet.conf import settings
    from covet.conf.apps import apps

    label = getattr(settings, "AUTH_USER_MODEL", DEFAULT_USER_MODEL)
    if label == DEFAULT_USER_MODEL:
        return User
    return apps.get_model(label)


def _user_model_swapped() -> bool:
    from covet.conf import settings

    return getattr(settings, "AUTH_USER_MODEL", DEFAULT_USER_MODEL) != DEFAULT_USER_MODEL


if not _user_model_swapped():

    class User(AbstractUser):
        """The default user model."""

        class Meta:
            app_label = "auth"
            db_table = "auth_user"
