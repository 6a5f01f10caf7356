"""``SQLCompiler``: turns a ``Query`` into SQLAlchemy Core statements (SELECT, COUNT, UPDATE, DELETE).

Field paths like ``author__name__icontains`` are resolved through the models' metadata into columns of
(aliased) joined tables; anything that isn't a known field, relation, annotation or lookup is a FieldError,
so user input can never become an identifier or SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from covet.orm.exceptions import FieldError
from covet.orm.fields.related import ForeignKey, ForeignObjectRel, ManyToManyField
from covet.orm.query.cache import LeafBinder, ParamRecorder, bind_values
from covet.orm.query.expressions import Expression, OrderBy, Q
from covet.orm.query.lookups import LOOKUP_SEP, lookup_for, transform_for

if TYPE_CHECKING:
    from covet.orm.base import Model
    from covet.orm.fields.base import Field
    from covet.orm.query.query import Query


@dataclass
class RelatedSelection:
    """One select_related() model in a row: where its columns are and where to attach the instance."""

    model: type[Model]
    attnames: tuple[str, ...]
    start: int
    parent: int  # index into the list of selections; -1 for the main model
    cache_name: str
    pk_offset: int = 0
    children: list[int] = field(default_factory=list)


@dataclass
class SelectPlan:
    """What a compiled SELECT returns, for turning rows into instances, dicts or tuples."""

    attnames: tuple[str, ...] = ()
    related: list[RelatedSelection] = field(default_factory=list)
    annotation_names: tuple[str, ...] = ()
    value_names: tuple[str, ...] = ()


@dataclass
class Resolved:
    column: Any
    field: Field | None
    lookups: list[str]
    multivalued: bool = False


class SQLCompiler:
    """Compiles one Query. Joins are created on demand while paths are resolved and reused per path."""

    def __init__(self, query: Query, recorder: ParamRecorder | None = None) -> None:
        self.query = query
        self.recorder = recorder  # set when compiling a statement to cache (values become named parameters)
        self.model = query.model
        self.table = query.model._meta.table
        self.joins: dict[tuple[str, ...], tuple[Any, type[Model]]] = {}
        self.from_clause: Any = self.table
        self.resolved_annotations: dict[str, Any] = {}
        self.multivalued_join = False

    # -- joins ----------------------------------------------------------------------------------------------
    def _join(self, key: tuple[str, ...], parent: Any, relation: Any) -> tuple[Any, type[Model]]:
        existing = self.joins.get(key)
        if existing is not None:
            return existing
        if isinstance(relation, ForeignKey):
            remote = relation.remote_model
            assert remote is not None and relation.target_field is not None
            alias = remote._meta.table.alias()
            self.from_clause = self.from_clause.outerjoin(
                alias, parent.c[relation.column] == alias.c[relation.target_field.column]
            )
        elif isinstance(relation, ManyToManyField):
            through, source, target = relation.ready_through()
            remote = relation.remote_model
            assert remote is not None
            link = through._meta.table.alias()
            alias = remote._meta.table.alias()
            self.from_clause = self.from_clause.outerjoin(
                link,
                link.c[source.column] == parent.c[source.target_field.column],  # type: ignore[union-attr]
            ).outerjoin(alias, alias.c[target.target_field.column] == link.c[target.column])  # type: ignore[union-attr]
            self.multivalued_join = True
        else:  # a reverse relation
            rel: ForeignObjectRel = relation
            remote = rel.model
            alias = remote._meta.table.alias()
            if rel.many_to_many:
                m2m: Any = rel.field
                through, source, target = m2m.ready_through()
                link = through._meta.table.alias()
                self.from_clause = self.from_clause.outerjoin(
                    link, link.c[target.column] == parent.c[target.target_field.column]
                ).outerjoin(alias, alias.c[source.target_field.column] == link.c[source.column])
            else:
                fk: Any = rel.field
                self.from_clause = self.from_clause.outerjoin(
                    alias, alias.c[fk.column] == parent.c[fk.target_field.column]
                )
            self.multivalued_join = self.multivalued_join or rel.multiple
        self.joins[key] = (alias, remote)
        return alias, remote

    # -- paths ----------------------------------------------------------------------------------------------
    def resolve_path(self, path: str) -> Resolved:
        """Resolve ``a__b__c__lookup`` into a column (joining as needed) and the remaining lookup names."""
        parts = path.split(LOOKUP_SEP)
        if parts[0] in self.query.annotations:
            return Resolved(self.annotation(parts[0]), None, parts[1:])
        model = self.model
        table: Any = self.table
        key: tuple[str, ...] = ()
        multivalued = False
        index = 0
        while index < len(parts):
            name = parts[index]
            meta = model._meta
            if name == "pk":
                name = meta.pk.name  # type: ignore[union-attr]
            try:
                found = meta.get_field(name)
            except FieldError:
                if index == 0:
                    raise self._unknown_field(parts[0]) from None
                break
            index += 1
            more = index < len(parts) and self._names_field(found, parts[index])
            if isinstance(found, ForeignKey) and not found.many_to_many:
                target = found.target_field
                if (
                    more
                    and target is not None
                    and parts[index] in (target.name, target.attname, "pk")
                    and (index + 1 == len(parts) or not self._names_field_of(found.remote_model, parts[index + 1]))
                ):
                    return Resolved(table.c[found.column], found, parts[index + 1 :], multivalued)
                if not more:
                    return Resolved(table.c[found.column], found, parts[index:], multivalued)
            elif not found.is_relation:
                return Resolved(table.c[found.column], found, parts[index:], multivalued)
            key = (*key, found.name)
            table, model = self._join(key, table, found)
            multivalued = multivalued or not isinstance(found, ForeignKey)
            if not more:
                pk = model._meta.pk
                return Resolved(table.c[pk.column], pk, parts[index:], multivalued)  # type: ignore[union-attr]
        raise self._unknown_field(path)

    @staticmethod
    def _names_field_of(model: type[Model] | None, name: str) -> bool:
        if model is None:
            return False
        if name == "pk":
            return True
        try:
            model._meta.get_field(name)
        except FieldError:
            return False
        return True

    def _names_field(self, relation: Any, name: str) -> bool:
        if not getattr(relation, "is_relation", False):
            return False
        remote = relation.model if isinstance(relation, ForeignObjectRel) else relation.remote_model
        return self._names_field_of(remote, name)

    def _unknown_field(self, name: str) -> FieldError:
        choices = self.model._meta.field_names() + sorted(self.query.annotations)
        return FieldError(
            f"Cannot resolve keyword {name!r} into a field of {self.model.__name__}. "
            f"Choices are: {', '.join(sorted(set(choices)))}."
        )

    def resolve_reference(self, path: str) -> Any:
        """The SQL expression for a field path with optional transforms (F(), order_by, values)."""
        resolved = self.resolve_path(path)
        column, current = resolved.column, resolved.field
        for name in resolved.lookups:
            transform = transform_for(current, name)
            if transform is None:
                raise self._unknown_field(path)
            column, current = transform[0](column), transform[1]
        return column

    def annotation(self, name: str) -> Any:
        resolved = self.resolved_annotations.get(name)
        if resolved is None:
            resolved = self.query.annotations[name].resolve(self)
            self.resolved_annotations[name] = resolved
        return resolved

    # -- filters --------------------------------------------------------------------------------------------
    def build_filter(self, path: str, value: Any) -> Any:
        from covet.orm.base import Model

        resolved = self.resolve_path(path)
        column, current = resolved.column, resolved.field
        lookups = resolved.lookups
        lookup_name = "exact"
        for position, name in enumerate(lookups):
            transform = transform_for(current, name)
            if transform is not None:
                column, current = transform[0](column), transform[1]
                continue
            if position != len(lookups) - 1:
                raise FieldError(
                    f"Cannot resolve {LOOKUP_SEP.join(lookups[position:])!r} in {path!r}: "
                    f"{name!r} is neither a field nor the last lookup."
                )
            lookup_name = name
        coerce, build = lookup_for(current, lookup_name)
        if isinstance(value, Expression):
            return build(column, value.resolve(self))
        if lookup_name == "in" and hasattr(value, "as_subquery"):
            return column.in_(value.as_subquery())
        if isinstance(value, Model):
            value = value.pk if not isinstance(current, ForeignKey) else value
        prepared = coerce(current, value)
        recorder = self.recorder
        if recorder is None:
            return build(column, prepared)
        recorder.leaves.append(LeafBinder(lookup_name, coerce, current, isinstance(current, ForeignKey)))
        values = bind_values(lookup_name, prepared)
        column_type = getattr(column, "type", None)
        if not values:
            return build(column, prepared)
        if lookup_name == "range":
            return build(column, tuple(recorder.bind(v, column_type) for v in values))
        return build(column, recorder.bind(values[0], column_type, expanding=lookup_name == "in"))

    def compile_q(self, q: Q) -> Any:
        if q.negated and not self.query.annotations:
            excluded = self._exclude_through_many(q)
            if excluded is not None:
                return excluded
        parts = [self.compile_q(child) if isinstance(child, Q) else self.build_filter(*child) for child in q.children]
        if not parts:
            condition: Any = sa.true()
        elif len(parts) == 1:
            condition = parts[0]
        else:
            condition = sa.and_(*parts) if q.connector == Q.AND else sa.or_(*parts)
        if q.negated:
            # NOT over NULL is NULL; coalesce makes exclude() keep rows whose compared column is NULL.
            return sa.not_(sa.func.coalesce(condition, sa.false()))
        return condition

    def _exclude_through_many(self, q: Q) -> Any:
        """``exclude(books__title="x")`` means "no related book has that title", not "some other book doesn't":
        a negated condition across a reverse/many-to-many relation becomes ``pk NOT IN (subquery)``."""
        from covet.orm.query.query import Query

        inner = SQLCompiler(Query(self.model), recorder=self.recorder)
        positive = Q(
            *[c for c in q.children if isinstance(c, Q)],
            **dict(c for c in q.children if not isinstance(c, Q)),
            _connector=q.connector,
        )
        mark = self.recorder.mark() if self.recorder is not None else None
        condition = inner.compile_q(positive)
        if not inner.multivalued_join:
            if self.recorder is not None and mark is not None:
                self.recorder.rollback(mark)  # compiled again below, in this query's own joins
            return None
        pk = self.model._meta.pk
        assert pk is not None
        matching = sa.select(inner.table.c[pk.column]).select_from(inner.from_clause).where(condition)
        return self.table.c[pk.column].not_in(matching)

    def _refers_to_aggregate(self, q: Q) -> bool:
        aggregates = {name for name, expr in self.query.annotations.items() if expr.contains_aggregate}
        return any(key.split(LOOKUP_SEP, 1)[0] in aggregates for key, _value in q.leaves())

    def where_and_having(self) -> tuple[list[Any], list[Any]]:
        where: list[Any] = []
        having: list[Any] = []
        for q in self.query.where:
            (having if self._refers_to_aggregate(q) else where).append(self.compile_q(q))
        return where, having

    # -- ordering -------------------------------------------------------------------------------------------
    def ordering_terms(self, ordering: tuple[Any, ...] | None = None) -> list[Any]:
        if ordering is None:
            ordering = self.query.order_by if self.query.order_by is not None else tuple(self.model._meta.ordering)
        terms: list[Any] = []
        for term in ordering:
            if isinstance(term, OrderBy):
                terms.append(term.resolve(self))
            elif isinstance(term, Expression):
                terms.append(term.resolve(self).asc())
            elif term == "?":
                terms.append(sa.func.random())
            elif isinstance(term, str) and term:
                descending = term.startswith("-")
                expression = self.resolve_reference(term.lstrip("-+"))
                terms.append(expression.desc() if descending else expression.asc())
            else:
                raise FieldError(f"Invalid order_by() term {term!r}: use a field name, '-name', '?' or F().")
        return terms

    # -- SELECT ---------------------------------------------------------------------------------------------
    def loaded_fields(self, model: type[Model], prefix: str = "") -> list[Field]:
        only, defer = self.query.only, self.query.defer
        if only is None and not defer:
            return model._meta.local_fields
        fields = []
        for candidate in model._meta.local_fields:
            full = prefix + candidate.name
            full_att = prefix + candidate.attname
            if candidate.primary_key:
                fields.append(candidate)
            elif only is not None and prefix == "":
                if candidate.name in only or candidate.attname in only:
                    fields.append(candidate)
            elif full in defer or full_att in defer:
                continue
            else:
                fields.append(candidate)
        return fields

    def _select_related_tree(self) -> dict[str, Any]:
        spec = self.query.select_related
        if spec is True:
            return {f.name: {} for f in self.model._meta.local_fields if isinstance(f, ForeignKey)}
        return spec if isinstance(spec, dict) else {}

    def _add_related(
        self,
        plan: SelectPlan,
        columns: list[Any],
        tree: dict[str, Any],
        model: type[Model],
        table: Any,
        key: tuple[str, ...],
        parent: int,
    ) -> None:
        for name, subtree in tree.items():
            try:
                relation = model._meta.get_field(name)
            except FieldError:
                relation = None
            if not isinstance(relation, ForeignKey):
                choices = [f.name for f in model._meta.local_fields if isinstance(f, ForeignKey)]
                raise FieldError(
                    f"Invalid field name {name!r} in select_related() on {model.__name__}: only forward "
                    f"ForeignKey/OneToOneField names are allowed. Choices are: {', '.join(choices) or '(none)'}."
                )
            path = (*key, name)
            alias, remote = self._join(path, table, relation)
            fields = remote._meta.local_fields
            selection = RelatedSelection(
                remote,
                tuple(f.attname for f in fields),
                len(columns),
                parent,
                relation.cache_name,
                fields.index(remote._meta.pk),  # type: ignore[arg-type]
            )
            plan.related.append(selection)
            index = len(plan.related) - 1
            if parent >= 0:
                plan.related[parent].children.append(index)
            columns.extend(alias.c[f.column] for f in fields)
            self._add_related(plan, columns, subtree, remote, alias, path, index)

    def select_statement(self) -> sa.Select[Any]:
        return self.compile_select()[0]

    def compile_select(self) -> tuple[sa.Select[Any], SelectPlan]:
        query = self.query
        plan = SelectPlan()
        columns: list[Any] = []
        group_by: list[Any] = []
        if query.values_fields is not None:
            names = query.values_fields or tuple(
                [f.attname for f in self.model._meta.local_fields] + list(query.annotations)
            )
            plan.value_names = names
            for name in names:
                expression = self.annotation(name) if name in query.annotations else self.resolve_reference(name)
                columns.append(expression.label(name) if hasattr(expression, "label") else expression)
                if name not in query.annotations or not query.annotations[name].contains_aggregate:
                    group_by.append(expression)
        else:
            fields = self.loaded_fields(self.model)
            related = self._select_related_tree()
            if fields is self.model._meta.local_fields and not related and not query.annotations:
                # every column and nothing else: select the table itself (much cheaper to build)
                plan.attnames = self.model._meta.column_attnames
                columns.append(self.table)
            else:
                plan.attnames = tuple(f.attname for f in fields)
                columns.extend(self.table.c[f.column] for f in fields)
            self._add_related(plan, columns, related, self.model, self.table, (), -1)
            group_by = list(columns)
            plan.annotation_names = tuple(query.annotations)
            for name in query.annotations:
                expression = self.annotation(name)
                columns.append(expression.label(name))
                if not query.annotations[name].contains_aggregate:
                    group_by.append(expression)
        where, having = self.where_and_having()
        order = self.ordering_terms()
        statement = sa.select(*columns).select_from(self.from_clause)
        if where:
            statement = statement.where(*where)
        if query.has_aggregate_annotations():
            statement = statement.group_by(*group_by)
        if having:
            statement = statement.having(*having)
        if order:
            statement = statement.order_by(*order)
        if query.distinct:
            statement = statement.distinct()
        if query.high is not None:
            statement = statement.limit(query.high - query.low)
        if query.low:
            statement = statement.offset(query.low)
        if query.for_update is not None:
            statement = statement.with_for_update(**query.for_update)
        if query.empty:
            statement = statement.where(sa.false())
        return statement, plan

    def pk_subquery(self) -> sa.Select[Any]:
        """SELECT pk of the matching rows (with this query's joins, filters and limits)."""
        pk_column = self.table.c[self.model._meta.pk.column]  # type: ignore[union-attr]
        where, having = self.where_and_having()
        statement = sa.select(pk_column).select_from(self.from_clause)
        if where:
            statement = statement.where(*where)
        if having:
            statement = statement.group_by(pk_column).having(*having)
        if self.query.is_sliced:
            statement = statement.order_by(*self.ordering_terms())
            if self.query.high is not None:
                statement = statement.limit(self.query.high - self.query.low)
            if self.query.low:
                statement = statement.offset(self.query.low)
        if self.query.empty:
            statement = statement.where(sa.false())
        return statement

    def count_statement(self) -> sa.Select[Any]:
        query = self.query
        if query.distinct or query.is_sliced or query.has_aggregate_annotations() or query.values_fields:
            inner = self.compile_select()[0].order_by(None)
            return sa.select(sa.func.count()).select_from(inner.subquery())
        where, _having = self.where_and_having()
        statement = sa.select(sa.func.count()).select_from(self.from_clause)  # == len(await qs), joins included
        if where:
            statement = statement.where(*where)
        if query.empty:
            statement = statement.where(sa.false())
        return statement

    def exists_statement(self) -> sa.Select[Any]:
        where, having = self.where_and_having()
        if having or self.query.is_sliced or self.query.distinct:
            inner = self.compile_select()[0]
            return sa.select(sa.literal(1)).select_from(inner.subquery()).limit(1)
        statement = sa.select(sa.literal(1)).select_from(self.from_clause)
        if where:
            statement = statement.where(*where)
        if self.query.empty:
            statement = statement.where(sa.false())
        return statement.limit(1)

    def row_filter(self) -> list[Any]:
        """WHERE conditions for UPDATE/DELETE on the base table (a pk IN subquery when joins are needed)."""
        where, having = self.where_and_having()
        if self.joins or having or self.query.is_sliced or self.query.empty:
            pk_column = self.table.c[self.model._meta.pk.column]  # type: ignore[union-attr]
            return [pk_column.in_(SQLCompiler(self.query).pk_subquery())]
        return where

    def update_values(self, values: dict[str, Any]) -> dict[Any, Any]:
        """Column -> value/expression for UPDATE; only the model's own columns, F() on its own fields."""
        from covet.orm.query.expressions import F

        result: dict[Any, Any] = {}
        for name, value in values.items():
            target = self.model._meta.get_field(name)
            if not target.concrete or target.many_to_many:
                raise FieldError(f"update() can't set {name!r}: it's a many-to-many or reverse relation.")
            if isinstance(value, Expression):
                for reference in value.references():
                    if LOOKUP_SEP in reference and not reference.endswith(("__pk", "_id")):
                        raise FieldError(f"update() can't use {F(reference)!r}: joined fields can't be referenced.")
                expression = value.resolve(self)
                if self.joins:
                    raise FieldError(f"update() expressions may only refer to {self.model.__name__}'s own fields.")
                result[self.table.c[target.column]] = expression
            else:
                result[self.table.c[target.column]] = target.value_for_save(value)
        return result


def compile_table_condition(model: type[Model], condition: Q) -> Any:
    """A Q over one model's own columns, for CHECK constraints."""
    from covet.orm.query.query import Query

    compiler = SQLCompiler(Query(model))
    expression = compiler.compile_q(condition)
    if compiler.joins:
        raise FieldError("CheckConstraint conditions may only use the model's own fields.")
    return expression
