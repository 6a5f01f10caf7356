"""Date and time fields. DateTimeField is timezone-aware: values are stored and returned in UTC."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from covet.orm.fields.base import Field, invalid
from covet.orm.fields.sqltypes import AwareDateTime, FastDate

if TYPE_CHECKING:
    from covet.orm.base import Model


class _AutoNowMixin(Field):
    def __init__(self, *args: Any, auto_now: bool = False, auto_now_add: bool = False, **kwargs: Any) -> None:
        if auto_now or auto_now_add:
            kwargs.setdefault("editable", False)
            kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
        self.auto_now = auto_now
        self.auto_now_add = auto_now_add

    def now(self) -> Any:
        raise NotImplementedError

    def pre_save(self, instance: Model, add: bool) -> Any:
        if self.auto_now or (self.auto_now_add and add):
            value = self.now()
            instance.__dict__[self.attname] = value
            return value
        return super().pre_save(instance, add)


class DateTimeField(_AutoNowMixin):
    """A timezone-aware datetime; naive datetimes are taken as UTC. ``auto_now``/``auto_now_add`` stamp it."""

    python_types = ()
    description = "Date (with time, timezone-aware)"

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return AwareDateTime()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
        if isinstance(value, str):
            try:
                return self.to_python(dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
            except ValueError:
                pass
        raise invalid(f"{value!r} is not a valid datetime (use an ISO 8601 string or a datetime).")

    def to_serializable(self, value: Any) -> Any:
        return None if value is None else value.isoformat()


class DateField(_AutoNowMixin):
    python_types = (dt.date,)
    description = "Date (without time)"

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return FastDate()

    def now(self) -> dt.date:
        return dt.datetime.now(dt.UTC).date()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise invalid(f"{value!r} is not a valid date (use YYYY-MM-DD or a date).")

    def to_serializable(self, value: Any) -> Any:
        return None if value is None else value.isoformat()


class TimeField(_AutoNowMixin):
    python_types = (dt.time,)
    description = "Time"

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.Time()

    def now(self) -> dt.time:
        return dt.datetime.now(dt.UTC).time()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dt.time):
            return value
        if isinstance(value, dt.datetime):
            return value.time()
        if isinstance(value, str):
            try:
                return dt.time.fromisoformat(value.strip())
            except ValueError:
                pass
        raise invalid(f"{value!r} is not a valid time (use HH:MM[:SS[.ffffff]] or a time).")

    def to_serializable(self, value: Any) -> Any:
        return None if value is None else value.isoformat()


class DurationField(Field):
    """A ``timedelta`` (INTERVAL on PostgreSQL). Numbers are taken as seconds."""

    python_types = (dt.timedelta,)
    description = "Duration"

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.Interval()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dt.timedelta):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return dt.timedelta(seconds=value)
        raise invalid(f"{value!r} is not a valid duration (use a timedelta or a number of seconds).")

    def to_serializable(self, value: Any) -> Any:
        return None if value is None else value.total_seconds()
