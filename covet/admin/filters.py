"""``list_filter`` entries: the sidebar choices of a changelist and the query parameters they add.

A filter reads its own parameters (``published__exact=1``, ``author__id__exact=3``, ``created__gte=...``) from
the query string, narrows the QuerySet, and lists its choices with the URL each one leads to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from covet.admin.field_display import field_path
from covet.exceptions import ImproperlyConfigured

QueryString = Callable[..., str]


class ListFilter:
    """One filter: ``parameters`` it owns, ``queryset()`` to narrow, ``choices()`` for the sidebar."""

    title: str = ""

    def __init__(self, field_name: str, field: Any, params: Mapping[str, str]) -> None:
        self.field_name = field_name
        self.field = field
        self.params = {name: params[name] for name in self.parameters() if params.get(name, "") != ""}
        label = str(getattr(field, "verbose_name", field_name))
        self.title = label[:1].upper() + label[1:]

    def parameters(self) -> list[str]:
        raise NotImplementedError

    def lookups(self) -> dict[str, Any]:
        """The ORM lookups for the active parameters (overridden where values need converting)."""
        return dict(self.params)

    def queryset(self, queryset: Any) -> Any:
        return queryset.filter(**self.lookups()) if self.params else queryset

    def is_active(self) -> bool:
        return bool(self.params)

    async def choices(self, query_string: QueryString) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _all_choice(self, query_string: QueryString, label: str = "All") -> dict[str, Any]:
        return {"label": label, "selected": not self.params, "url": query_string({}, self.parameters())}

    def _choice(self, query_string: QueryString, label: Any, wanted: dict[str, str]) -> dict[str, Any]:
        """A sidebar link setting ``wanted`` (and clearing this filter's other parameters)."""
        return {"label": label, "selected": self.params == wanted, "url": query_string(wanted, self.parameters())}


class BooleanFilter(ListFilter):
    def parameters(self) -> list[str]:
        return [f"{self.field_name}__exact", f"{self.field_name}__isnull"]

    def lookups(self) -> dict[str, Any]:
        converted: dict[str, Any] = {}
        for name, value in self.params.items():
            if value not in ("0", "1", "True", "False", "true", "false"):
                raise ValueError(f"{name} must be 1 or 0, not {value!r}.")
            converted[name] = value in ("1", "True", "true")
        return converted

    async def choices(self, query_string: QueryString) -> list[dict[str, Any]]:
        exact = self.params.get(f"{self.field_name}__exact")
        options = [self._all_choice(query_string)]
        for value, label in (("1", "Yes"), ("0", "No")):
            options.append(
                {
                    "label": label,
                    "selected": exact == value,
                    "url": query_string({f"{self.field_name}__exact": value}, self.parameters()),
                }
            )
        if getattr(self.field, "null", False):
            options.append(
                {
                    "label": "Unknown",
                    "selected": self.params.get(f"{self.field_name}__isnull") == "1",
                    "url": query_string({f"{self.field_name}__isnull": "1"}, self.parameters()),
                }
            )
        return options


class ChoicesFilter(ListFilter):
    def parameters(self) -> list[str]:
        return [f"{self.field_name}__exact"]

    def lookups(self) -> dict[str, Any]:
        name = f"{self.field_name}__exact"
        value = self.params[name]
        valid = {str(key): key for key, _label in self.field.choices}
        if value not in valid:
            raise ValueError(f"{value!r} is not one of the choices of {self.field_name}.")
        return {name: valid[value]}

    async def choices(self, query_string: QueryString) -> list[dict[str, Any]]:
        name = f"{self.field_name}__exact"
        options = [self._all_choice(query_string)]
        for key, label in self.field.choices:
            options.append(
                {
                    "label": label,
                    "selected": self.params.get(name) == str(key),
                    "url": query_string({name: str(key)}, self.parameters()),
                }
            )
        return options


class RelatedFilter(ListFilter):
    """A ForeignKey or many-to-many: one choice per related object (at most ``LIMIT`` of them)."""

    LIMIT = 100

    def parameters(self) -> list[str]:
        return [f"{self.field_name}__id__exact", f"{self.field_name}__isnull"]

    def lookups(self) -> dict[str, Any]:
        converted: dict[str, Any] = {}
        pk_field = self.field.remote_model._meta.pk
        for name, value in self.params.items():
            if name.endswith("__isnull"):
                converted[name] = value in ("1", "True", "true")
            else:
                converted[self.field_name] = pk_field.to_python(value)
        return converted

    async def choices(self, query_string: QueryString) -> list[dict[str, Any]]:
        name = f"{self.field_name}__id__exact"
        related = await self.field.remote_model._meta.default_manager.all()[: self.LIMIT]
        options = [self._all_choice(query_string)]
        for obj in related:
            options.append(
                {
                    "label": str(obj),
                    "selected": self.params.get(name) == str(obj.pk),
                    "url": query_string({name: str(obj.pk)}, self.parameters()),
                }
            )
        if getattr(self.field, "null", False):
            options.append(
                {
                    "label": "None",
                    "selected": self.params.get(f"{self.field_name}__isnull") == "1",
                    "url": query_string({f"{self.field_name}__isnull": "1"}, self.parameters()),
                }
            )
        return options


class DateFilter(ListFilter):
    """Any date, today, past 7 days, this month, this year (and "no date" for nullable fields)."""

    def parameters(self) -> list[str]:
        return [f"{self.field_name}__gte", f"{self.field_name}__lt", f"{self.field_name}__isnull"]

    def lookups(self) -> dict[str, Any]:
        converted: dict[str, Any] = {}
        is_datetime = type(self.field).__name__ == "DateTimeField"
        for name, value in self.params.items():
            if name.endswith("__isnull"):
                converted[name] = value in ("1", "True", "true")
                continue
            day = dt.date.fromisoformat(value[:10])
            converted[name] = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if is_datetime else day
        return converted

    def _ranges(self) -> list[tuple[str, dt.date, dt.date]]:
        today = dt.datetime.now(dt.UTC).date()
        tomorrow = today + dt.timedelta(days=1)
        month = today.replace(day=1)
        next_month = (month + dt.timedelta(days=32)).replace(day=1)
        year = today.replace(month=1, day=1)
        return [
            ("Today", today, tomorrow),
            ("Past 7 days", today - dt.timedelta(days=7), tomorrow),
            ("This month", month, next_month),
            ("This year", year, year.replace(year=year.year + 1)),
        ]

    async def choices(self, query_string: QueryString) -> list[dict[str, Any]]:
        gte, lt = f"{self.field_name}__gte", f"{self.field_name}__lt"
        options = [{"label": "Any date", "selected": not self.params, "url": query_string({}, self.parameters())}]
        for label, start, end in self._ranges():
            wanted = {gte: start.isoformat(), lt: end.isoformat()}
            options.append(
                {
                    "label": label,
                    "selected": self.params == wanted,
                    "url": query_string(wanted, self.parameters()),
                }
            )
        if getattr(self.field, "null", False):
            isnull = f"{self.field_name}__isnull"
            options.append(
                {
                    "label": "No date",
                    "selected": self.params.get(isnull) == "1",
                    "url": query_string({isnull: "1"}, self.parameters()),
                }
            )
        return options


def make_filter(model: Any, entry: Any, params: Mapping[str, str]) -> ListFilter:
    """The filter for one ``list_filter`` entry: a field name (or path), or a ``ListFilter`` subclass."""
    if isinstance(entry, type) and issubclass(entry, ListFilter):
        return entry("", None, params)
    fields = field_path(model, str(entry))
    if not fields:
        raise ImproperlyConfigured(f"list_filter of {model.__name__}: {entry!r} is not a field of {model.__name__}.")
    field = fields[-1]
    kind = type(field).__name__
    filter_class: type[ListFilter]
    if getattr(field, "is_relation", False):
        filter_class = RelatedFilter
    elif kind == "BooleanField":
        filter_class = BooleanFilter
    elif getattr(field, "choices", None):
        filter_class = ChoicesFilter
    elif kind in ("DateField", "DateTimeField"):
        filter_class = DateFilter
    else:
        raise ImproperlyConfigured(
            f"list_filter of {model.__name__}: {entry!r} is a {kind}; the admin filters booleans, fields with "
            "choices, dates and relations (write a ListFilter subclass for others)."
        )
    return filter_class(str(entry), field, params)
