"""``RawQuerySet``: model instances from hand-written SQL. Parameters are bound (``:name``), never formatted in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from covet.orm.execution import fetch_all

if TYPE_CHECKING:
    from covet.orm.base import Model


class RawQuerySet:
    """``await Post.objects.raw("SELECT * FROM blog_post WHERE title = :t", {"t": title})`` -> list of Post.

    Columns named like a field's column fill that field; other columns become extra attributes. Columns a
    field needs but the query didn't return are left deferred.
    """

    def __init__(self, model: type[Model], sql: str, params: dict[str, Any], *, using: str) -> None:
        self.model = model
        self.sql = sql
        self.params = dict(params)
        self.db = using

    def __await__(self) -> Generator[Any, None, list[Any]]:
        return self._fetch().__await__()

    async def __aiter__(self) -> AsyncIterator[Any]:
        for obj in await self._fetch():
            yield obj

    async def _fetch(self) -> list[Any]:
        text = sa.text(self.sql).bindparams(**self.params) if self.params else sa.text(self.sql)
        # Columns named like the model's columns are read with their types (datetimes, decimals, ...).
        statement = text.columns(**{column.name: column.type for column in self.model._meta.table.c})
        rows = await fetch_all(self.db, statement)
        if not rows:
            return []
        by_column = {field.column: field.attname for field in self.model._meta.local_fields}
        names = [by_column.get(key, key) for key in rows[0]._fields]
        results = []
        for row in rows:
            obj = self.model.__new__(self.model)
            obj.__dict__.update(zip(names, row, strict=True))
            obj.__dict__["_db"] = self.db
            results.append(obj)
        return results

    def __repr__(self) -> str:
        return f"<RawQuerySet: {self.sql}>"
