"""``RouteTable``: the matching structure behind ``Router``.

Parameter-free paths sit in a dict keyed by the exact path, so a static hit is one lookup. Every route also
sits in a segment tree: each node has a dict of literal children, an ordered list of parameter children (one
per converter, tried in registration order) and the catch-all (``path``) converters of templates that end
there. Matching walks one node per path segment, so its cost depends on the path's depth, not on how many
routes are registered. Literals win over parameters; a route that matches the path and the method wins over
one that matches only the path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import unquote

from covet.exceptions import ImproperlyConfigured
from covet.routing.converters import Converter
from covet.routing.route import Route
from covet.routing.template import Parameter


class Leaf:
    """The routes of one path shape, by method (``HEAD`` falls back to the ``GET`` route)."""

    __slots__ = ("allowed", "by_method", "explicit")

    def __init__(self) -> None:
        self.explicit: dict[str, Route] = {}
        self.by_method: dict[str, Route] = {}
        self.allowed: tuple[str, ...] = ()

    def add(self, keys: Iterable[str], route: Route) -> None:
        for key in keys:
            self.explicit[key] = route
        self.by_method = dict(self.explicit)
        if "GET" in self.explicit and "HEAD" not in self.explicit:
            self.by_method["HEAD"] = self.explicit["GET"]
        self.allowed = tuple(sorted(set(self.by_method) | {"OPTIONS"}))


class Node:
    """One position in the tree: the children for the next segment, and the leaf of paths that end here."""

    __slots__ = ("leaf", "literals", "params", "rest")

    def __init__(self) -> None:
        self.literals: dict[str, Node] = {}
        self.params: list[tuple[Converter, Node]] = []
        self.rest: list[tuple[Converter, Leaf]] = []
        self.leaf: Leaf | None = None


_Child = TypeVar("_Child", Node, Leaf)


def _by_converter(
    entries: list[tuple[Converter, _Child]], converter: Converter, create: Callable[[], _Child] | None
) -> _Child | None:
    """The entry for ``converter`` (the same instance), else a new one from ``create``, else None."""
    for known, entry in entries:
        if known is converter:
            return entry
    if create is None:
        return None
    entry = create()
    entries.append((converter, entry))
    return entry


_Found = tuple[Route, dict[str, Any]]
_NO_PARAMS: dict[str, Any] = {}
# (zip needs no strict check below: a leaf is reached through exactly as many parameter nodes as its templates have)


class RouteTable:
    """Routes of one kind (HTTP or WebSocket), indexed for matching."""

    def __init__(self) -> None:
        self._static: dict[str, Leaf] = {}
        self._root = Node()
        self.has_params = False

    def find_conflict(self, route: Route, keys: Iterable[str]) -> Route | None:
        """The registered route that already answers one of ``keys`` for the same path shape, if any."""
        leaf = self._leaf_for(route, create=False)
        if leaf is None:
            return None
        for key in keys:
            if key in leaf.explicit:
                return leaf.explicit[key]
        return None

    def add(self, route: Route, keys: Iterable[str]) -> None:
        """Index ``route`` under the method ``keys``; a route already answering one of them raises."""
        keys = tuple(keys)
        existing = self.find_conflict(route, keys)
        if existing is not None:
            raise ImproperlyConfigured(
                f"Route {route.path!r} ({', '.join(sorted(keys))}) conflicts with {existing!r}, which already "
                "answers the same path and method. Remove one or give them different paths or methods."
            )
        leaf = self._leaf_for(route, create=True)
        assert leaf is not None
        leaf.add(keys, route)
        if route.template.is_static:
            key = "/" + "/".join(route.template.segments)  # type: ignore[arg-type]
            if key.count("/") == len(route.template.segments):  # no decoded '/' inside a literal
                self._static[key] = leaf
        else:
            self.has_params = True

    def _leaf_for(self, route: Route, *, create: bool) -> Leaf | None:
        node = self._root
        for segment in route.template.segments:
            if isinstance(segment, Parameter) and segment.converter.matches_rest:
                return _by_converter(node.rest, segment.converter, Leaf if create else None)
            if isinstance(segment, str):
                child = node.literals.get(segment)
                if child is None and create:
                    child = node.literals[segment] = Node()
            else:
                child = _by_converter(node.params, segment.converter, Node if create else None)
            if child is None:
                return None
            node = child
        if node.leaf is None and create:
            node.leaf = Leaf()
        return node.leaf

    def lookup(self, method: str, path: str) -> tuple[Route | None, dict[str, Any], tuple[str, ...]]:
        """Match ``path`` (as sent, percent-encoded) for ``method``.

        Returns ``(route, params, ())`` on a full match (``params``: the converted values by name; when empty,
        a shared dict not to mutate), ``(None, {}, allowed)`` when only the path matched (``allowed``: every
        method some route answers for it, sorted), or ``(None, {}, ())``.
        """
        encoded = "%" in path
        if not encoded:
            leaf = self._static.get(path)
            if leaf is not None:
                route = leaf.by_method.get(method)
                if route is not None:
                    return route, _NO_PARAMS, ()
                if not self.has_params:  # no parameter route could match this method instead
                    return None, _NO_PARAMS, leaf.allowed
        segments = path[1:].split("/")
        if encoded:
            segments = [unquote(segment) if "%" in segment else segment for segment in segments]
        partial: list[Leaf] = []
        found = _walk(self._root, segments, 0, [], method, partial)
        if found is not None:
            return found[0], found[1], ()
        if len(partial) == 1:
            return None, _NO_PARAMS, partial[0].allowed
        return None, _NO_PARAMS, tuple(sorted({method for leaf in partial for method in leaf.allowed}))


def _walk(
    node: Node, segments: list[str], index: int, values: list[Any], method: str, partial: list[Leaf]
) -> _Found | None:
    """Depth-first search for ``segments[index:]`` below ``node``: literal child first, then parameters, then
    catch-alls. Leaves that match the path but not ``method`` are collected in ``partial`` (for 405)."""
    count = len(segments)
    while index < count and not node.params and not node.rest:  # only literals here: no need to branch
        child = node.literals.get(segments[index])
        if child is None:
            return None
        node = child
        index += 1
    if index == count:
        leaf = node.leaf
        if leaf is None:
            return None
        route = leaf.by_method.get(method)
        if route is not None:
            return route, dict(zip(route.template.param_names, values, strict=False)) if values else _NO_PARAMS
        partial.append(leaf)
        return None
    segment = segments[index]
    child = node.literals.get(segment)
    if child is not None:
        found = _walk(child, segments, index + 1, values, method, partial)
        if found is not None:
            return found
    if not segment:
        return None  # parameters never match an empty segment
    for converter, param_child in node.params:
        try:
            value = converter.convert(segment)
        except ValueError:
            continue
        values.append(value)
        found = _walk(param_child, segments, index + 1, values, method, partial)
        values.pop()
        if found is not None:
            return found
    if node.rest:
        remainder = "/".join(segments[index:])
        for converter, leaf in node.rest:
            try:
                value = converter.convert(remainder)
            except ValueError:
                continue
            route = leaf.by_method.get(method)
            if route is not None:
                return route, dict(zip(route.template.param_names, [*values, value], strict=False))
            partial.append(leaf)
    return None
