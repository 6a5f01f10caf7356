"""``LogEntry``: one row per add, change or delete done through the admin (who, when, what changed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from covet.conf import settings
from covet.orm import (
    CASCADE,
    CharField,
    DateTimeField,
    ForeignKey,
    Index,
    Manager,
    Model,
    SmallIntegerField,
    TextField,
)

ADDITION = 1
CHANGE = 2
DELETION = 3

ACTION_FLAGS = [(ADDITION, "Addition"), (CHANGE, "Change"), (DELETION, "Deletion")]


def _user_model_label() -> str:
    """``AUTH_USER_MODEL`` (default ``auth.User``); the default when imported before settings are configured."""
    if not settings.is_configured:
        return "auth.User"
    return str(getattr(settings, "AUTH_USER_MODEL", None) or "auth.User")


def _now() -> datetime:
    return datetime.now(UTC)


class LogEntry(Model):
    """What a staff user did to one object; ``object_repr`` keeps its name after the object is gone."""

    action_time = DateTimeField(default=_now, db_index=True)
    user = ForeignKey(_user_model_label(), on_delete=CASCADE, related_name="admin_log_entries")
    app_label = CharField(max_length=100)
    model_name = CharField(max_length=100)
    object_id = CharField(max_length=255)
    object_repr = CharField(max_length=200)
    action_flag: Any = SmallIntegerField(choices=ACTION_FLAGS)
    change_message = TextField(blank=True, default="")

    objects: Manager[Any] = Manager()

    class Meta:
        app_label = "admin"
        db_table = "admin_logentry"
        ordering = ["-action_time", "-id"]
        indexes = [Index(fields=["app_label", "model_name", "object_id"], name="ix_admin_logentry_object")]
        verbose_name = "log entry"
        verbose_name_plural = "log entries"

    def __str__(self) -> str:
        verb = {ADDITION: "Added", CHANGE: "Changed", DELETION: "Deleted"}.get(int(self.action_flag), "Touched")
        return f"{verb} “{self.object_repr}”"

    @property
    def is_addition(self) -> bool:
        return int(self.action_flag) == ADDITION

    @property
    def is_change(self) -> bool:
        return int(self.action_flag) == CHANGE

    @property
    def is_deletion(self) -> bool:
        return int(self.action_flag) == DELETION

    def get_change_message(self) -> str:
        """The message to show: what was recorded, or a default per action."""
        if self.change_message:
            return str(self.change_message)
        return {ADDITION: "Added.", CHANGE: "No fields changed.", DELETION: "Deleted."}.get(int(self.action_flag), "")

    def admin_url(self, prefix: str = "/admin") -> str | None:
        """The object's change page, unless it was deleted."""
        if self.is_deletion:
            return None
        return f"{prefix.rstrip('/')}/{self.app_label}/{self.model_name}/{self.object_id}/change/"


async def log_action(user: Any, obj: Any, flag: int, message: str = "") -> LogEntry:
    """Record that ``user`` did ``flag`` (ADDITION, CHANGE, DELETION) to ``obj``."""
    meta = obj._meta
    return await LogEntry.objects.create(
        user_id=user.pk,
        app_label=meta.app_label,
        model_name=meta.model_name,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=flag,
        change_message=message,
    )
