"""Per-request framework overhead: the benchmark apps driven through ASGI in-process, no server, no sockets.

The Covet app of ``benchmarks/http/apps.py`` (the generated project's default middleware minus the database-backed
ones) and the equivalent Starlette app each get N prebuilt HTTP scopes per route; ``receive`` and ``send`` are
trivial coroutines, so the time measured is the framework's alone. Rounds alternate between the apps (rotating
which goes first); the best round per app and route is reported in µs/request with the Covet/Starlette ratio
(below 1.0 = Covet is faster).

    .venv/bin/python benchmarks/app_overhead.py [--requests 20000] [--rounds 7] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent / "http"))

ROUTES = ["/plaintext", "/json", "/users/42", "/static"]


def make_scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"localhost:8000"),
            (b"user-agent", b"wrk"),
            (b"accept", b"*/*"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def run_round(app: Any, path: str, n: int) -> float:
    """Seconds per request for ``n`` requests of ``path``; checks every response is a 200."""
    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    template = make_scope(path)
    scopes = [dict(template, headers=list(template["headers"])) for _ in range(n)]
    start = time.perf_counter()
    for scope in scopes:
        await app(scope, _receive, send)
    elapsed = time.perf_counter() - start
    if len(statuses) != n or any(status != 200 for status in statuses):
        raise SystemExit(f"{path}: unexpected statuses {set(statuses)}")
    return elapsed / n


async def measure(requests: int, rounds: int) -> dict[str, dict[str, float]]:
    from apps import covet_app, starlette_app

    apps = {"covet": covet_app, "starlette": starlette_app}
    best: dict[str, dict[str, float]] = {name: {} for name in apps}
    for path in ROUTES:  # warm-up
        for app in apps.values():
            await run_round(app, path, 500)
    names = list(apps)
    for round_no in range(rounds):
        order = names if round_no % 2 == 0 else names[::-1]
        for path in ROUTES:
            for name in order:
                per_request = await run_round(apps[name], path, requests)
                best[name][path] = min(best[name].get(path, float("inf")), per_request)
    return best


def render(best: dict[str, dict[str, float]], requests: int, rounds: int) -> str:
    lines = [
        "# Per-request framework overhead (in-process ASGI, no server)",
        "",
        f"`benchmarks/app_overhead.py --requests {requests} --rounds {rounds}`: the apps of `benchmarks/http/apps.py` "
        "called directly with prebuilt scopes; best round, µs per request; ratio = Covet / Starlette "
        "(below 1.0 = Covet faster). Python " + sys.version.split()[0] + ".",
        "",
        "| route | covet µs | starlette µs | ratio |",
        "|---|---|---|---|",
    ]
    for path in ROUTES:
        c, s = best["covet"][path] * 1e6, best["starlette"][path] * 1e6
        lines.append(f"| {path} | {c:.2f} | {s:.2f} | **{c / s:.2f}x** |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    best = asyncio.run(measure(args.requests, args.rounds))
    table = render(best, args.requests, args.rounds)
    print(table)
    if args.out:
        args.out.write_text(table)


if __name__ == "__main__":
    main()
