"""Date and time fields. Values come as ISO 8601 text (what ``<input type="date">`` and
``datetime-local`` submit); a datetime without a time zone is taken in ``settings.TIME_ZONE``."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

from covet.conf import settings
from covet.forms.fields.base import Field
from covet.forms.widgets import DateInput, DateTimeInput, TimeInput

_DURATION = re.compile(r"^(?:(?P<days>-?\d+)[ dD]+)?(?:(?P<hours>\d+):)?(?P<minutes>\d+):(?P<seconds>\d+(?:\.\d+)?)$")


def current_timezone() -> dt.tzinfo:
    name = getattr(settings, "TIME_ZONE", "UTC") or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


class DateField(Field):
    default_widget = DateInput
    default_error_messages = {"invalid": "Enter a valid date (YYYY-MM-DD)."}

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        return self.parse_text(value, dt.date, dt.date.fromisoformat)


class DateTimeField(Field):
    default_widget = DateTimeInput
    default_error_messages = {"invalid": "Enter a valid date and time (YYYY-MM-DD HH:MM)."}

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        parsed = self.parse_text(value, dt.datetime, dt.datetime.fromisoformat)
        if parsed is not None and parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=current_timezone())
        return parsed

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(current_timezone())
        return value


class TimeField(Field):
    default_widget = TimeInput
    default_error_messages = {"invalid": "Enter a valid time (HH:MM)."}

    def to_python(self, value: Any) -> Any:
        return self.parse_text(value, dt.time, dt.time.fromisoformat)


class DurationField(Field):
    """A duration as ``[DD ]HH:MM:SS`` (or a number of seconds)."""

    default_error_messages = {"invalid": "Enter a valid duration ([days ]HH:MM:SS)."}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.timedelta):
            return value
        text = str(value).strip()
        try:
            return dt.timedelta(seconds=float(text))
        except ValueError:
            pass
        match = _DURATION.match(text)
        if match is None:
            raise self.error("invalid")
        parts = {name: float(number) for name, number in match.groupdict().items() if number is not None}
        return dt.timedelta(**parts)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.timedelta):
            seconds = int(value.total_seconds())
            days, rest = divmod(seconds, 86400)
            hours, rest = divmod(rest, 3600)
            minutes, secs = divmod(rest, 60)
            return (f"{days} " if days else "") + f"{hours:02d}:{minutes:02d}:{secs:02d}"
        return value
