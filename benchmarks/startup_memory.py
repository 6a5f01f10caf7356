"""Start-up time and idle memory of a production worker: `covet serve --prod` with a generated project, next to
Granian and Uvicorn serving a one-route Starlette app, all measured in the same run.

For each target and round: start the server, poll ``GET /api/health`` over a fresh socket every 5 ms until it
answers 200 (time to first response, from process start), let it sit idle for a second, then read ``VmRSS`` from
``/proc/PID/status`` of the worker (the process that serves; Covet's and Granian's supervisors are separate
processes, reported apart) and of the whole process tree. Rounds alternate the targets, so a machine that gets
busier part-way slows them all alike; the table shows medians and ratios against the peers of the same run.

Usage (from the repository root)::

    python benchmarks/startup_memory.py [--rounds 5] [--baseline-src DIR]

``--baseline-src DIR`` adds a "covet-prod (baseline)" target that imports Covet from DIR (e.g. an older commit
unpacked with ``git archive COMMIT covet | tar -x -C DIR``). Granian, Uvicorn and Starlette are benchmark-only
dependencies: ``pip install granian uvicorn starlette``. Writes benchmarks/results/startup_memory.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent
PROJECT = "mysite"
HEALTH = "/api/health"
IDLE_SECONDS = 1.0
START_TIMEOUT = 60.0
PEERS = ("granian+starlette", "uvicorn+starlette")
GRANIAN_OPTIONS = (
    "--interface asgi --host 127.0.0.1 --port {port} --workers 1 --runtime-threads 1 --loop uvloop --no-ws "
    "--log-level warning --factory"
)
UVICORN_OPTIONS = (
    "--factory --host 127.0.0.1 --port {port} --loop uvloop --http httptools --no-access-log --log-level warning"
)


def starlette_app() -> Any:
    """The peers' app (a factory, so that importing this module loads nothing): one JSON route."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def health(request: Any) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route(HEALTH, health)])


@dataclass
class Target:
    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass
class Sample:
    first_response_s: float
    worker_rss_mb: float
    supervisor_rss_mb: float
    total_rss_mb: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def answers_200(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(f"GET {HEALTH} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
            return sock.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    found = [pid]
    for child in children.read_text().split() if children.exists() else ():
        found += process_tree(int(child))
    return found


def measure(target: Target) -> Sample:
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in target.command]
    env = {**os.environ, **target.env}
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=target.cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while not answers_200(port):
            if process.poll() is not None or time.monotonic() - started > START_TIMEOUT:
                raise RuntimeError(f"{target.name} did not answer: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            time.sleep(0.005)
        first_response = time.monotonic() - started
        time.sleep(IDLE_SECONDS)
        tree = process_tree(process.pid)
        sizes = {pid: rss_mb(pid) for pid in tree}
        leaves = [pid for pid in tree if not process_tree(pid)[1:]]
        worker = max(leaves, key=lambda pid: sizes[pid])
        supervisor = sum(size for pid, size in sizes.items() if pid != worker)
        return Sample(first_response, sizes[worker], supervisor, sum(sizes.values()))
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def generate_project(parent: Path, env: dict[str, str]) -> Path:
    for args, cwd in ((["new", PROJECT], parent), (["migrate"], parent / PROJECT)):
        subprocess.run([sys.executable, "-m", "covet", *args], cwd=cwd, env=env, check=True, capture_output=True)
    return parent / PROJECT


def targets(project: Path, baseline_src: Path | None) -> list[Target]:
    production = {"DEBUG": "false", "SECRET_KEY": "startup-benchmark-" + "k" * 40, "PYTHONPATH": str(REPO_ROOT)}
    covet = [sys.executable, "-m", "covet", "serve", "--prod", "--bind", "127.0.0.1:{port}", "--workers", "1"]
    app = "benchmarks.startup_memory:starlette_app"
    found = [
        Target("covet-prod", covet, project, production, "the generated project (`covet new`, migrated)"),
        Target(
            "covet-prod+starlette",
            [*covet, "benchmarks.startup_memory:STARLETTE"],
            REPO_ROOT,
            {"PYTHONPATH": str(REPO_ROOT)},
            "the peers' Starlette app on Covet's server",
        ),
        Target(
            "granian+starlette",
            [str(BIN / "granian"), *GRANIAN_OPTIONS.split(), app],
            REPO_ROOT,
            note="uvloop",
        ),
        Target(
            "uvicorn+starlette",
            [sys.executable, "-m", "uvicorn", app, *UVICORN_OPTIONS.split()],
            REPO_ROOT,
            note="uvloop + httptools, one process (no supervisor)",
        ),
    ]
    if baseline_src is not None:
        env = {**production, "PYTHONPATH": f"{baseline_src}{os.pathsep}{REPO_ROOT}"}
        found.insert(
            1, Target("covet-prod (baseline)", covet, project, env, f"the same project, Covet from {baseline_src}")
        )
    return found


def __getattr__(name: str) -> Any:
    # `covet serve --prod benchmarks.startup_memory:STARLETTE` takes an app object, not a factory.
    if name == "STARLETTE":
        return starlette_app()
    raise AttributeError(name)


def median(samples: list[Sample], attribute: str) -> float:
    return statistics.median(getattr(sample, attribute) for sample in samples)


def report(results: dict[str, list[Sample]], found: list[Target], rounds: int) -> str:
    peers = {peer: results[peer] for peer in PEERS}
    lines = [
        "# Start-up time and idle worker memory",
        "",
        f"`python benchmarks/startup_memory.py --rounds {rounds}`: medians of {rounds} rounds, the targets alternating "
        "within each round. Time to first response is from process start to the first `200` on "
        f"`GET {HEALTH}` (polled every 5 ms); RSS is `VmRSS` of the worker process after that request and "
        f"{IDLE_SECONDS:.0f} s idle (the supervisor, when there is one, is a separate process, shown apart).",
        "",
        f"Machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average at the end {os.getloadavg()[0]:.2f} (a shared machine: absolute times vary between runs, "
        "the ratios within one run less).",
        "",
        "| target | first response (s) | worker RSS (MB) | supervisor RSS (MB) | "
        + " | ".join(f"RSS vs {peer} | start vs {peer}" for peer in PEERS)
        + " | what |",
        "|---|---:|---:|---:|" + "---:|---:|" * len(PEERS) + "---|",
    ]
    for target in found:
        samples = results[target.name]
        ratios = []
        for peer_samples in peers.values():
            ratios.append(f"{median(samples, 'worker_rss_mb') / median(peer_samples, 'worker_rss_mb'):.2f}x")
            ratios.append(f"{median(samples, 'first_response_s') / median(peer_samples, 'first_response_s'):.2f}x")
        lines.append(
            f"| {target.name} | {median(samples, 'first_response_s'):.3f} | {median(samples, 'worker_rss_mb'):.1f} | "
            f"{median(samples, 'supervisor_rss_mb'):.1f} | " + " | ".join(ratios) + f" | {target.note} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline-src", type=Path, help="a directory holding an older `covet` package to compare")
    parser.add_argument("--output", type=Path, default=RESULTS / "startup_memory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="covet-startup-") as tmp:
        project = generate_project(Path(tmp), {**os.environ, "PYTHONPATH": str(REPO_ROOT)})
        found = targets(project, args.baseline_src)
        results: dict[str, list[Sample]] = {target.name: [] for target in found}
        for round_number in range(args.rounds):
            order = found[round_number % len(found) :] + found[: round_number % len(found)]
            for target in order:
                sample = measure(target)
                results[target.name].append(sample)
                print(f"round {round_number + 1} {target.name}: {sample}", file=sys.stderr)
    text = report(results, found, args.rounds)
    args.output.with_suffix(".md").write_text(text)
    raw = {name: [vars(sample) for sample in samples] for name, samples in results.items()}
    args.output.with_suffix(".json").write_text(json.dumps(raw, indent=2) + "\n")
    print(text)


if __name__ == "__main__":
    main()
