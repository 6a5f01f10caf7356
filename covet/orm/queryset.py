"""``QuerySet``: a lazy, chainable, awaitable and async-iterable query over one model.

Chaining methods return new QuerySets and run no SQL; ``await qs`` runs it and returns a list (cached on
that QuerySet), ``async for`` iterates it, and terminal methods (``count``, ``get``, ``update``...) are
coroutines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import sqlalchemy as sa

from covet.exceptions import Http404
from covet.orm.exceptions import FieldError, TransactionManagementError
from covet.orm.execution import execute_write, fetch_all, fetch_scalar
from covet.orm.query.aggregates import Aggregate
from covet.orm.query.cache import compile_cached
from covet.orm.query.compiler import SelectPlan, SQLCompiler
from covet.orm.query.expressions import Expression, OrderBy, Q
from covet.orm.query.lookups import LOOKUP_SEP
from covet.orm.query.query import Query
from covet.orm.query.results import build_dicts, build_flat, build_instances, build_named, build_tuples
from covet.orm.transactions import atomic, current_transaction

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from covet.orm.base import Model

M = TypeVar("M", bound="Model")

#: How many rows get() reads to report "returned N" for MultipleObjectsReturned.
MAX_GET_RESULTS = 21


class QuerySet(Generic[M]):
    """Lazy query over ``model``; see the module docstring for the evaluation rules."""

    def __init__(self, model: type[M], query: Query | None = None, using: str | None = None) -> None:
        self.model = model
        self.query = query if query is not None else Query(model)
        self._db = using
        self._result_cache: list[Any] | None = None
        self._prefetch: tuple[Any, ...] = ()
        self._kind = "model"  # model | dict | tuple | flat | named

    # -- cloning --------------------------------------------------------------------------------------------
    def _clone(self) -> QuerySet[M]:
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.query = self.query.clone()
        clone._result_cache = None
        return clone

    @property
    def db(self) -> str:
        return self._db or "default"

    def using(self, alias: str) -> QuerySet[M]:
        """Run on the database ``alias`` of settings.DATABASES."""
        clone = self._clone()
        clone._db = alias
        return clone

    # -- chaining -------------------------------------------------------------------------------------------
    def all(self) -> QuerySet[M]:
        return self._clone()

    def none(self) -> QuerySet[M]:
        clone = self._clone()
        clone.query.empty = True
        return clone

    def _check_unsliced(self, action: str) -> None:
        if self.query.is_sliced:
            raise TypeError(f"Cannot {action} a QuerySet after slicing it; apply it before [..].")

    def filter(self, *args: Q, **kwargs: Any) -> QuerySet[M]:
        """Keep rows matching every condition: ``filter(Q(a=1) | Q(b=2), c__gte=3)``."""
        return self._filter(args, kwargs, negate=False)

    def exclude(self, *args: Q, **kwargs: Any) -> QuerySet[M]:
        """Drop rows matching all the conditions (rows where a compared column is NULL are kept)."""
        return self._filter(args, kwargs, negate=True)

    def _filter(self, args: tuple[Q, ...], kwargs: dict[str, Any], *, negate: bool) -> QuerySet[M]:
        self._check_unsliced("filter")
        condition = Q(*args, **kwargs)
        if not condition.children:
            return self._clone()
        clone = self._clone()
        clone.query.where.append(~condition if negate else condition)
        return clone

    def order_by(self, *fields: str | Expression | OrderBy) -> QuerySet[M]:
        """Sort by fields (``"-name"`` descending, ``"?"`` random, ``"author__name"``, ``F("x").desc()``)."""
        self._check_unsliced("reorder")
        clone = self._clone()
        clone.query.order_by = tuple(fields)
        return clone

    def reverse(self) -> QuerySet[M]:
        clone = self._clone()
        clone.query.order_by = tuple(_reverse_term(term) for term in self._effective_ordering())
        return clone

    def _effective_ordering(self) -> tuple[Any, ...]:
        if self.query.order_by is not None:
            return self.query.order_by
        return tuple(self.model._meta.ordering)

    def distinct(self) -> QuerySet[M]:
        clone = self._clone()
        clone.query.distinct = True
        return clone

    def select_related(self, *fields: str) -> QuerySet[M]:
        """Load forward relations in the same query with JOINs: ``select_related("author__profile")``."""
        clone = self._clone()
        if not fields:
            clone.query.select_related = True
            return clone
        tree = clone.query.select_related if isinstance(clone.query.select_related, dict) else {}
        for path in fields:
            node = tree
            for part in path.split(LOOKUP_SEP):
                node = node.setdefault(part, {})
        clone.query.select_related = tree
        return clone

    def prefetch_related(self, *lookups: Any) -> QuerySet[M]:
        """Load relations with one extra query each after the main query (no N+1)."""
        clone = self._clone()
        clone._prefetch = () if lookups == (None,) else (*self._prefetch, *lookups)
        return clone

    def annotate(self, *args: Aggregate, **kwargs: Expression) -> QuerySet[M]:
        """Add computed values (aggregates GROUP BY the selected rows): ``annotate(n=Count("books"))``."""
        clone = self._clone()
        for aggregate in args:
            kwargs[aggregate.default_alias] = aggregate
        for name, expression in kwargs.items():
            if not isinstance(expression, Expression):
                raise TypeError(f"annotate({name}=...) needs an expression such as Count(), F() or Value().")
            if any(name == f.name or name == f.attname for f in self.model._meta.local_fields):
                raise ValueError(f"The annotation {name!r} conflicts with a field of {self.model.__name__}.")
            clone.query.annotations[name] = expression
        if clone.query.values_fields is not None:
            clone.query.group_by_values = True
            clone.query.values_fields = (*clone.query.values_fields, *kwargs) if clone.query.values_fields else ()
        return clone

    def only(self, *fields: str) -> QuerySet[M]:
        """Load just these fields (and the pk); others raise a clear error if read before refresh_from_db()."""
        self._validate_own_fields(fields, "only")
        clone = self._clone()
        clone.query.only = frozenset(fields)
        return clone

    def defer(self, *fields: str) -> QuerySet[M]:
        """Don't load these fields."""
        self._validate_own_fields(fields, "defer")
        clone = self._clone()
        clone.query.defer = clone.query.defer | frozenset(fields)
        return clone

    def _validate_own_fields(self, fields: Iterable[str], method: str) -> None:
        for name in fields:
            if LOOKUP_SEP not in name:
                field = self.model._meta.get_field(name)
                if not field.concrete:
                    raise FieldError(f"{method}() takes concrete fields; {name!r} is a relation without a column.")

    def values(self, *fields: str, **expressions: Expression) -> QuerySet[Any]:
        """Rows as dicts of the given fields/paths (all fields by default)."""
        clone = self._values(fields, expressions)
        clone._kind = "dict"
        return clone

    def values_list(self, *fields: str, flat: bool = False, named: bool = False) -> QuerySet[Any]:
        """Rows as tuples (``flat=True``: single values; ``named=True``: namedtuples)."""
        if flat and len(fields) != 1:
            raise TypeError("values_list(flat=True) takes exactly one field name.")
        if flat and named:
            raise TypeError("values_list() takes flat=True or named=True, not both.")
        clone = self._values(fields, {})
        clone._kind = "flat" if flat else "named" if named else "tuple"
        return clone

    def _values(self, fields: tuple[str, ...], expressions: dict[str, Expression]) -> QuerySet[Any]:
        clone: QuerySet[Any] = self._clone()
        for name, expression in expressions.items():
            clone.query.annotations[name] = expression
        names = (*fields, *expressions)
        if not names and clone.query.annotations:
            names = (*(f.attname for f in self.model._meta.local_fields), *clone.query.annotations)
        clone.query.values_fields = names
        return clone

    def select_for_update(
        self, *, nowait: bool = False, skip_locked: bool = False, of: Sequence[str] = ()
    ) -> QuerySet[M]:
        """Lock the selected rows until the transaction ends (PostgreSQL; SQLite locks the whole database on
        write, so there it's a no-op — use ``atomic(immediate=True)``). Must run inside atomic()."""
        clone = self._clone()
        options: dict[str, Any] = {"nowait": nowait, "skip_locked": skip_locked}
        if of:
            options["of"] = [self.model._meta.table]
        clone.query.for_update = options
        return clone

    def __getitem__(self, key: int | slice) -> Any:
        """``qs[5:10]`` is a QuerySet with LIMIT/OFFSET; ``await qs[3]`` fetches one object (IndexError if none)."""
        if self._result_cache is not None:
            return self._result_cache[key]
        if isinstance(key, slice):
            if (key.start is not None and key.start < 0) or (key.stop is not None and key.stop < 0):
                raise ValueError("Negative indexing isn't supported on QuerySets.")
            if key.step not in (None, 1):
                raise ValueError("QuerySet slices don't support a step.")
            clone = self._clone()
            clone.query.set_limits(key.start, key.stop)
            return clone
        if not isinstance(key, int):
            raise TypeError(f"QuerySet indices must be integers or slices, not {type(key).__name__}.")
        if key < 0:
            raise ValueError("Negative indexing isn't supported on QuerySets.")
        return self._index(key)

    async def _index(self, key: int) -> Any:
        clone = self._clone()
        clone.query.set_limits(key, key + 1)
        results = await clone._fetch_all()
        if not results:
            raise IndexError(f"{self.model.__name__} query has no result at index {key}.")
        return results[0]

    # -- evaluation -----------------------------------------------------------------------------------------
    def __await__(self) -> Generator[Any, None, list[Any]]:
        return self._fetch_all().__await__()

    async def __aiter__(self) -> AsyncIterator[Any]:
        for item in await self._fetch_all():
            yield item

    def __iter__(self) -> Iterator[Any]:
        if self._result_cache is None:
            raise TypeError(
                f"This {self.model.__name__} QuerySet hasn't been evaluated: use `await qs` or `async for`, "
                f"or prefetch_related() the relation before iterating it in a template."
            )
        return iter(self._result_cache)

    def __len__(self) -> int:
        if self._result_cache is None:
            raise TypeError("len() needs an evaluated QuerySet; use `await qs.count()`.")
        return len(self._result_cache)

    def __bool__(self) -> bool:
        if self._result_cache is None:
            raise TypeError("A QuerySet's truth needs a query; use `await qs.exists()`.")
        return bool(self._result_cache)

    def __repr__(self) -> str:
        if self._result_cache is None:
            return f"<QuerySet {self.model.__name__} (not evaluated)>"
        return f"<QuerySet {self._result_cache[:20]!r}>"

    def _check_lock(self) -> None:
        if self.query.for_update is not None and current_transaction(self.db) is None:
            raise TransactionManagementError("select_for_update() must run inside `async with atomic():`.")

    async def _fetch_all(self) -> list[Any]:
        if self._result_cache is None:
            self._check_lock()
            statement, plan, parameters = compile_cached(self.query)
            rows = await fetch_all(self.db, statement, parameters)
            results = self._build(rows, plan)
            if self._prefetch and self._kind == "model" and results:
                from covet.orm.relations.prefetch import prefetch_related_objects

                await prefetch_related_objects(results, self._prefetch)
            self._result_cache = results
        return self._result_cache

    def _build(self, rows: Sequence[Any], plan: SelectPlan) -> list[Any]:
        kind = self._kind
        if kind == "model":
            return build_instances(self.model, rows, plan, self.db)
        if kind == "dict":
            return build_dicts(rows, plan.value_names)
        if kind == "flat":
            return build_flat(rows)
        if kind == "named":
            return build_named(rows, plan.value_names)
        return build_tuples(rows)

    async def iterator(self, chunk_size: int = 2000) -> AsyncIterator[Any]:
        """Stream rows in chunks with a server-side cursor instead of loading them all.

        Use ``async with contextlib.aclosing(qs.iterator()) as rows:`` if you may stop early, so the
        connection is released at once.
        """
        if chunk_size <= 0:
            raise ValueError("iterator(chunk_size=...) must be positive.")
        self._check_lock()
        statement, plan = SQLCompiler(self.query).compile_select()
        async with self._streaming_connection() as conn:
            result = await conn.stream(statement)
            async for rows in result.partitions(chunk_size):
                chunk = self._build(rows, plan)
                if self._prefetch and self._kind == "model" and chunk:
                    from covet.orm.relations.prefetch import prefetch_related_objects

                    await prefetch_related_objects(chunk, self._prefetch)
                for item in chunk:
                    yield item

    @asynccontextmanager
    async def _streaming_connection(self) -> AsyncIterator[AsyncConnection]:
        state = current_transaction(self.db)
        if state is not None:
            yield state.connection
            return
        from covet.orm.connections import get_engine

        async with get_engine(self.db).connect() as conn, conn.begin():  # cursors need a transaction (PostgreSQL)
            yield conn

    async def count(self) -> int:
        if self._result_cache is not None:
            return len(self._result_cache)
        return int(await fetch_scalar(self.db, SQLCompiler(self.query).count_statement()) or 0)

    async def exists(self) -> bool:
        if self._result_cache is not None:
            return bool(self._result_cache)
        return await fetch_scalar(self.db, SQLCompiler(self.query).exists_statement()) is not None

    async def get(self, *args: Q, **kwargs: Any) -> M:
        """The one matching object; ``Model.DoesNotExist`` or ``Model.MultipleObjectsReturned`` otherwise."""
        clone = self.filter(*args, **kwargs) if args or kwargs else self._clone()
        if not clone.query.is_sliced:
            clone.query.order_by = ()
            clone.query.set_limits(None, MAX_GET_RESULTS)
        results = await clone._fetch_all()
        if len(results) == 1:
            return results[0]
        name = self.model.__name__
        if not results:
            raise self.model.DoesNotExist(f"{name} matching query does not exist.")
        more = "more than " if len(results) == MAX_GET_RESULTS else ""
        raise self.model.MultipleObjectsReturned(
            f"get() returned more than one {name} -- it returned {more}"
            f"{len(results) if not more else MAX_GET_RESULTS - 1}!"
        )

    async def get_or_none(self, *args: Q, **kwargs: Any) -> M | None:
        try:
            return await self.get(*args, **kwargs)
        except self.model.DoesNotExist:
            return None

    async def get_or_404(self, *args: Q, **kwargs: Any) -> M:
        """get(), raising covet.exceptions.Http404 (a 404 response) when nothing matches."""
        try:
            return await self.get(*args, **kwargs)
        except self.model.DoesNotExist:
            raise Http404(f"No {self.model._meta.verbose_name} matches the given query.") from None

    async def first(self) -> M | None:
        if self.query.is_sliced:
            results = await self._fetch_all()
        else:
            results = await self.order_by(*(self._effective_ordering() or ("pk",)))[:1]._fetch_all()
        return results[0] if results else None

    async def last(self) -> M | None:
        ordering = self._effective_ordering() or ("pk",)
        if self.query.is_sliced:
            results = await self._fetch_all()
            return results[-1] if results else None
        reversed_terms = tuple(_reverse_term(term) for term in ordering)
        results = await self.order_by(*reversed_terms)[:1]._fetch_all()
        return results[0] if results else None

    async def earliest(self, *fields: str) -> M:
        return await self._latest_or_earliest(fields, reverse=False)

    async def latest(self, *fields: str) -> M:
        return await self._latest_or_earliest(fields, reverse=True)

    async def _latest_or_earliest(self, fields: tuple[str, ...], *, reverse: bool) -> M:
        ordering = fields or ((self.model._meta.get_latest_by,) if self.model._meta.get_latest_by else ())
        if not ordering:
            raise ValueError("earliest()/latest() need field names or Meta.get_latest_by.")
        terms = tuple(_reverse_term(term) for term in ordering) if reverse else tuple(ordering)
        return await self._single(terms)

    async def _single(self, terms: tuple[Any, ...]) -> M:
        results = await self.order_by(*terms)[:1]._fetch_all()
        if not results:
            raise self.model.DoesNotExist(f"{self.model.__name__} matching query does not exist.")
        return results[0]

    async def in_bulk(self, id_list: Iterable[Any] | None = None, *, field_name: str = "pk") -> dict[Any, M]:
        """``{value: object}`` for the given values of ``field_name`` (a unique field), or for all rows."""
        if field_name != "pk":
            field = self.model._meta.get_field(field_name)
            if not field.unique:
                raise ValueError(f"in_bulk()'s field_name must be a unique field; {field_name!r} isn't.")
        queryset = self
        if id_list is not None:
            ids = list(id_list)
            if not ids:
                return {}
            queryset = self.filter(**{f"{field_name}__in": ids})
        results = await queryset._clone()._fetch_all()
        attname = (
            self.model._meta.pk.attname  # type: ignore[union-attr]
            if field_name == "pk"
            else (self.model._meta.get_field(field_name).attname)
        )
        return {obj.__dict__[attname]: obj for obj in results}

    async def aggregate(self, *args: Aggregate, **kwargs: Aggregate) -> dict[str, Any]:
        """Aggregate over the whole QuerySet: ``await qs.aggregate(total=Sum("price"))`` -> ``{"total": ...}``."""
        for aggregate in args:
            kwargs[aggregate.default_alias] = aggregate
        if not kwargs:
            return {}
        for name, aggregate in kwargs.items():
            if not isinstance(aggregate, Expression) or not aggregate.contains_aggregate:
                raise TypeError(f"aggregate({name}=...) needs an aggregate such as Sum(), Count() or Avg().")
        query = self.query
        if query.is_sliced or query.distinct or query.annotations or query.values_fields is not None:
            inner = SQLCompiler(query).pk_subquery()
            outer_query = Query(self.model)
            compiler = SQLCompiler(outer_query)
            pk = compiler.table.c[self.model._meta.pk.column]  # type: ignore[union-attr]
            where = [pk.in_(inner)]
        else:
            outer_query = query.clone()
            outer_query.order_by = ()
            compiler = SQLCompiler(outer_query)
            where, _having = compiler.where_and_having()
        columns = [aggregate.resolve(compiler).label(name) for name, aggregate in kwargs.items()]
        statement = sa.select(*columns).select_from(compiler.from_clause)
        if where:
            statement = statement.where(*where)
        if query.empty:
            statement = statement.where(sa.false())
        rows = await fetch_all(self.db, statement)
        return dict(zip(kwargs, rows[0], strict=True))

    # -- writes ---------------------------------------------------------------------------------------------
    async def create(self, **kwargs: Any) -> M:
        """Build, INSERT and return a new object."""
        obj = self.model(**kwargs)
        await obj.save(using=self.db, force_insert=True)
        return obj

    async def get_or_create(self, defaults: dict[str, Any] | None = None, **kwargs: Any) -> tuple[M, bool]:
        """(object, created): get the matching object or create it from ``kwargs`` + ``defaults``."""
        from covet.orm.exceptions import IntegrityError

        try:
            return await self.get(**kwargs), False
        except self.model.DoesNotExist:
            pass
        params = {key: value for key, value in kwargs.items() if LOOKUP_SEP not in key}
        params.update({key: value() if callable(value) else value for key, value in (defaults or {}).items()})
        try:
            async with atomic(self.db):
                return await self.create(**params), True
        except IntegrityError:
            try:  # created concurrently by someone else
                return await self.get(**kwargs), False
            except self.model.DoesNotExist:
                pass
            raise

    async def update_or_create(self, defaults: dict[str, Any] | None = None, **kwargs: Any) -> tuple[M, bool]:
        """(object, created): update the matching object with ``defaults``, or create it."""
        async with atomic(self.db):
            obj = await self.select_for_update().get_or_none(**kwargs)
            if obj is None:
                obj, created = await self.get_or_create(defaults=defaults, **kwargs)
                if not created:
                    await self._apply(obj, defaults)
                return obj, created
            await self._apply(obj, defaults)
            return obj, False

    async def _apply(self, obj: M, defaults: dict[str, Any] | None) -> None:
        for key, value in (defaults or {}).items():
            setattr(obj, key, value() if callable(value) else value)
        await obj.save(using=self.db)

    async def bulk_create(
        self, objs: Iterable[M], *, batch_size: int | None = None, ignore_conflicts: bool = False
    ) -> list[M]:
        """INSERT many objects in few statements; primary keys are set on them (not with ignore_conflicts).
        No signals are sent and save() isn't called."""
        from covet.orm.bulk import bulk_insert

        return await bulk_insert(
            self.model, list(objs), self.db, batch_size=batch_size, ignore_conflicts=ignore_conflicts
        )

    async def bulk_update(self, objs: Iterable[M], fields: Sequence[str], *, batch_size: int | None = None) -> int:
        """UPDATE ``fields`` of many saved objects (one executemany); returns the number of objects."""
        from covet.orm.bulk import bulk_update

        return await bulk_update(self.model, list(objs), list(fields), self.db, batch_size=batch_size)

    async def update(self, **kwargs: Any) -> int:
        """UPDATE the matching rows (values or F() expressions); returns the number of rows changed."""
        if not kwargs:
            raise TypeError("update() needs at least one field=value.")
        compiler = SQLCompiler(self.query)
        condition = compiler.row_filter()
        values = compiler.update_values(kwargs)
        table = self.model._meta.table
        statement = table.update().values(values)
        if condition:
            statement = statement.where(*condition)
        result = await execute_write(self.db, statement)
        return int(result.rowcount)

    async def delete(self) -> tuple[int, dict[str, int]]:
        """DELETE the matching rows, applying on_delete rules; returns (total, {"app.Model": count})."""
        from covet.orm.deletion import Collector

        self._check_unsliced("delete")
        if self._kind != "model":
            raise TypeError("Call delete() on a QuerySet of objects, not after values()/values_list().")
        if not Collector.needs_collection(self.model):
            compiler = SQLCompiler(self.query)
            statement = self.model._meta.table.delete()
            condition = compiler.row_filter()
            if condition:
                statement = statement.where(*condition)
            deleted = int((await execute_write(self.db, statement)).rowcount)
            return deleted, ({self.model._meta.label: deleted} if deleted else {})
        async with atomic(self.db):
            pks = await self.values_list("pk", flat=True)
            collector = Collector(self.db)
            await collector.add(self.model, list(pks))
            return await collector.delete()

    # -- SQL ------------------------------------------------------------------------------------------------
    def as_subquery(self) -> sa.Select[Any]:
        """This query as a one-column SELECT, for ``field__in=queryset``: its values() field, else the pk."""
        compiler = SQLCompiler(self.query)
        if self.query.values_fields:
            if len(self.query.values_fields) != 1:
                raise TypeError("A QuerySet used in __in must select one field: values_list('field', flat=True).")
            statement, _plan = compiler.compile_select()
            return statement
        return compiler.pk_subquery()

    async def explain(self, *, analyze: bool = False) -> str:
        """The database's plan for this query (EXPLAIN / EXPLAIN QUERY PLAN), as text."""
        from covet.orm.query.explain import Explain

        statement, _plan = SQLCompiler(self.query).compile_select()
        rows = await fetch_all(self.db, Explain(statement, analyze=analyze))
        return "\n".join(" ".join(str(value) for value in row) for row in rows)


def _reverse_term(term: Any) -> Any:
    if isinstance(term, OrderBy):
        return term.reversed()
    if isinstance(term, Expression):
        return term.desc()
    if term == "?":
        return term
    return term[1:] if term.startswith("-") else f"-{term}"


__all__ = ["MAX_GET_RESULTS", "QuerySet"]
