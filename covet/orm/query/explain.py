"""``Explain``: an executable ``EXPLAIN <select>`` whose parameters stay bound (EXPLAIN QUERY PLAN on SQLite)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, Executable


class Explain(Executable, ClauseElement):
    inherit_cache = False

    def __init__(self, statement: Any, *, analyze: bool = False) -> None:
        self.statement = statement
        self.analyze = analyze


@compiles(Explain)
def _explain_default(element: Explain, compiler: Any, **kw: Any) -> str:
    prefix = "EXPLAIN ANALYZE " if element.analyze else "EXPLAIN "
    return prefix + compiler.process(element.statement, **kw)


@compiles(Explain, "sqlite")
def _explain_sqlite(element: Explain, compiler: Any, **kw: Any) -> str:
    return "EXPLAIN QUERY PLAN " + compiler.process(element.statement, **kw)
