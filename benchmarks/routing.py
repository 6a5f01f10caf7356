"""Route matching cost at 10, 100 and 1000 routes: Covet's Router against a naive linear regex scan.

Run: ``.venv/bin/python benchmarks/routing.py [--output benchmarks/results/routing.md]``

Both matchers answer the same question for the same routes in the same process: which route serves
(method, path), with its converted parameters. The linear scan is what a regex-list router does (Django's
resolver, Starlette's route list): try each route's compiled pattern in order. Lookups use the route
registered last of its kind, the scan's worst case, and one from the middle, its average case.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from covet.routing import Router

RESOURCES = [
    "users", "posts", "comments", "tags", "orders", "products", "invoices", "customers", "carts", "reviews",
    "teams", "projects", "issues", "labels", "milestones", "releases", "files", "images", "videos", "events",
]  # fmt: skip

_REGEX_FOR = {"int": r"(?P<{name}>[0-9]+)", "str": r"(?P<{name}>[^/]+)", "slug": r"(?P<{name}>[-a-zA-Z0-9_]+)"}
_CONVERT = {"int": int, "str": str, "slug": str}


async def endpoint(request: Any, **params: Any) -> None:
    return None


def route_specs(count: int) -> list[tuple[str, list[str], str, int]]:
    """``count`` realistic routes, 8 shapes cycling over resources: (template, methods, a path it matches, shape)."""
    shapes = [
        ("/api/v1/{res}/", ["GET", "POST"], "/api/v1/{res}/"),
        ("/api/v1/{res}/{{id:int}}", ["GET", "PUT", "DELETE"], "/api/v1/{res}/42"),
        ("/api/v1/{res}/{{id:int}}/history/{{rev:int}}", ["GET"], "/api/v1/{res}/42/history/7"),
        ("/{res}/", ["GET"], "/{res}/"),
        ("/{res}/{{slug:slug}}/", ["GET"], "/{res}/hello-world/"),
        ("/{res}/archive/", ["GET"], "/{res}/archive/"),
        ("/{res}/feed.xml", ["GET"], "/{res}/feed.xml"),
        ("/{res}/{{id:int}}/comments/{{name}}", ["GET", "POST"], "/{res}/42/comments/first"),
    ]
    specs = []
    n = 0
    while len(specs) < count:
        shape = n % len(shapes)
        template, methods, example = shapes[shape]
        res = f"{RESOURCES[(n // len(shapes)) % len(RESOURCES)]}{n // (len(shapes) * len(RESOURCES)) or ''}"
        specs.append((template.format(res=res), methods, example.format(res=res), shape))
        n += 1
    return specs


class LinearRegexRouter:
    """The naive peer: one compiled regex per route, tried in registration order."""

    def __init__(self, specs: list[tuple[str, list[str], str, int]]) -> None:
        self.routes: list[tuple[re.Pattern[str], frozenset[str], dict[str, Callable[[str], Any]]]] = []
        for template, methods, _, _ in specs:
            converters: dict[str, Callable[[str], Any]] = {}

            def param(m: re.Match[str], converters: dict[str, Callable[[str], Any]] = converters) -> str:
                name, _, kind = m[1].partition(":")
                kind = kind or "str"
                converters[name] = _CONVERT[kind]
                return _REGEX_FOR[kind].format(name=name)

            pattern = re.sub(r"\{([^}]+)\}", param, re.escape(template).replace(r"\{", "{").replace(r"\}", "}"))
            self.routes.append((re.compile(pattern), frozenset(methods), converters))

    def match(self, method: str, path: str) -> tuple[int, dict[str, Any]] | None:
        for index, (regex, methods, converters) in enumerate(self.routes):
            found = regex.fullmatch(path)
            if found is not None and method in methods:
                return index, {key: converters[key](value) for key, value in found.groupdict().items()}
        return None


def best_per_call(func: Callable[[], Any], repeat: int, number: int) -> float:
    """Best of ``repeat`` runs, in microseconds per call."""
    return min(timeit.repeat(func, repeat=repeat, number=number)) / number * 1e6


def measure(count: int, repeat: int) -> list[tuple[str, str, float, float]]:
    specs = route_specs(count)
    router = Router()
    for index, (template, methods, _, _) in enumerate(specs):
        router.add_route(template, endpoint, methods=methods, name=f"r{index}")
    linear = LinearRegexRouter(specs)

    def example(shape: int, position: float) -> str:
        """The path of the route of ``shape`` at ``position`` (0..1) among the routes of that shape."""
        paths = [spec[2] for spec in specs if spec[3] == shape]
        return paths[min(int(len(paths) * position), len(paths) - 1)]

    cases = [
        ("static `/{res}/` (last)", example(3, 1.0)),
        ("2 params `/api/v1/{res}/{id}/history/{rev}` (last)", example(2, 1.0)),
        ("2 params (middle)", example(2, 0.5)),
        ("miss (404)", "/api/v1/nothing-here/42"),
    ]
    rows = []
    for label, path in cases:
        ours, theirs = router.match("GET", path), linear.match("GET", path)
        if ours.found != (theirs is not None) or (theirs is not None and ours.params != theirs[1]):
            raise SystemExit(f"matchers disagree on {path}: {ours} vs {theirs}")
        number = 20000 if count <= 100 else 5000
        covet_us = best_per_call(lambda path=path: router.match("GET", path), repeat, number)
        linear_us = best_per_call(
            lambda path=path: linear.match("GET", path), repeat, max(number // (count // 10), 200)
        )
        rows.append((label, path, covet_us, linear_us))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, help="write a Markdown report here")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    lines = [
        "| routes | lookup | Covet Router (µs) | linear regex scan (µs) | scan / Covet |",
        "|---:|---|---:|---:|---:|",
    ]
    for count in (10, 100, 1000):
        for label, _path, covet_us, linear_us in measure(count, args.repeat):
            lines.append(f"| {count} | {label} | {covet_us:.2f} | {linear_us:.2f} | {linear_us / covet_us:.1f}x |")
    table = "\n".join(lines)
    print(table)
    if args.output:
        header = (
            "# Route matching benchmark\n\n"
            f"`benchmarks/routing.py`, Python {platform.python_version()} on {platform.machine()} "
            f"({platform.system()}), best of {args.repeat} timeit runs per cell, one process, "
            "on a 2-core machine shared with other jobs.\n\n"
            "Covet's `Router.match(method, path)` (static-path dict + segment tree, parameters converted) against a "
            "naive linear scan of one compiled regex per route (same routes, same conversions, checked to agree). "
            "`last` uses the route registered last of its kind (the scan's worst case), `middle` its average case.\n\n"
        )
        args.output.write_text(header + table + "\n")


if __name__ == "__main__":
    main()
