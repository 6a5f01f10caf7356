"""HTTP throughput of ``covet serve --prod`` against its peers, measured in one run with wrk.

Each server runs pinned to CPU 1 (``taskset -c 1``) and wrk to CPU 0; every
(server, route) pair gets a warm-up, then ``--passes`` measurements, the
passes alternating the order of the servers. Raw wrk outputs, a JSON summary,
a Markdown table (ratios against Granian ASGI + Starlette from the same run)
and, when matplotlib is installed, a PNG plot land in benchmarks/results/.

    python benchmarks/http/run.py --duration 5 --passes 2

Robyn and socketify.py run if they import (benchmark-only: ``pip install robyn socketify``; socketify needs
Debian's libuv1), with ``ROBYN_PYTHON`` naming another interpreter for Robyn if it lives elsewhere.
``BENCH_PYTHON312=/path/to/venv/bin/python`` adds the Covet app and the Granian + Starlette reference on that
Python 3.12 venv (it needs covet, the covet-accel wheel, granian and starlette), where ``covet serve --prod``
starts request tasks eagerly.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
RAW_DIR = RESULTS / "http_raw"
PYTHON = sys.executable
SERVER_CPU, WRK_CPU = "1", "0"
REFERENCE = "granian-asgi-starlette"
REFERENCE_PY312 = "granian-starlette-py312"

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp};
    uwsgi_temp_path {tmp}; scgi_temp_path {tmp};
    server {{
        listen 127.0.0.1:{port};
        location / {{ default_type text/plain; return 200 "Hello, World!"; }}
    }}
}}
"""


@dataclass
class Target:
    name: str
    command: list[str]
    routes: list[str]
    note: str = ""
    env: dict[str, str] = field(default_factory=dict)


def _covet(app: str, port: int, python: str = PYTHON) -> list[str]:
    return [python, "-m", "covet", "serve", "--prod", app, "--bind", f"127.0.0.1:{port}", "--workers", "1"]


def _granian(interface: str, app: str, port: int, python: str = PYTHON) -> list[str]:
    return [
        str(Path(python).parent / "granian"), "--interface", interface, "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--runtime-threads", "1", "--loop", "uvloop", "--no-ws", "--log-level", "warning", app,
    ]  # fmt: skip


def _uvicorn(app: str, port: int) -> list[str]:
    return [
        PYTHON, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop",
        "--http", "httptools", "--no-access-log", "--log-level", "warning", "--lifespan", "off",
    ]  # fmt: skip


def targets(port: int, tmp: Path) -> list[Target]:
    apps = "benchmarks.http.apps"
    all_routes = ["/plaintext", "/json", "/users/42", "/static"]
    found = [
        Target("covet-prod", _covet(f"{apps}:covet_app", port), all_routes, "Covet app, default middleware"),
        Target("covet-prod-starlette", _covet(f"{apps}:starlette_app", port), all_routes, "Starlette app"),
        Target("covet-prod-raw", _covet(f"{apps}:raw_asgi", port), ["/plaintext", "/json", "/users/42"], "raw ASGI"),
        Target(REFERENCE, _granian("asgi", f"{apps}:starlette_app", port), all_routes, "Starlette app"),
        Target("granian-asgi-raw", _granian("asgi", f"{apps}:raw_asgi", port), ["/plaintext", "/json", "/users/42"]),
        Target("granian-rsgi-raw", _granian("rsgi", f"{apps}:raw_rsgi", port), ["/plaintext", "/json", "/users/42"]),
        Target("uvicorn-starlette", _uvicorn(f"{apps}:starlette_app", port), all_routes, "uvloop + httptools"),
        Target("uvicorn-raw", _uvicorn(f"{apps}:raw_asgi", port), ["/plaintext", "/json", "/users/42"]),
    ]
    python312 = os.environ.get("BENCH_PYTHON312")  # a venv's python with covet, covet-accel, granian, starlette
    if python312:  # the same pair on Python 3.12, where covet serve --prod starts request tasks eagerly
        found += [
            Target("covet-prod-py312", _covet(f"{apps}:covet_app", port, python312), all_routes,
                   "Covet app, Python 3.12"),
            Target(REFERENCE_PY312, _granian("asgi", f"{apps}:starlette_app", port, python312), all_routes,
                   "Starlette app, Python 3.12"),
        ]  # fmt: skip
    robyn_python = os.environ.get("ROBYN_PYTHON", PYTHON)
    if subprocess.run([robyn_python, "-c", "import robyn"], capture_output=True).returncode == 0:
        script = str(ROOT / "benchmarks" / "http" / "robyn_app.py")
        found.append(Target("robyn", [robyn_python, script, "--processes", "1", "--workers", "1"], all_routes,
                            "Robyn; /static is const=True", env={"PORT": str(port)}))  # fmt: skip
    if subprocess.run([PYTHON, "-c", "import socketify"], capture_output=True).returncode == 0:
        script = str(ROOT / "benchmarks" / "http" / "socketify_app.py")
        found.append(Target("socketify-raw", [PYTHON, script], ["/plaintext", "/json", "/users/42"],
                            "socketify.py (uWebSockets), raw handlers", env={"PORT": str(port)}))  # fmt: skip
    nginx = shutil.which("nginx")
    if nginx:
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, port=port))
        found.append(Target("nginx", [nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                            ["/static"], "return 200, near-limit reference"))  # fmt: skip
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_serving(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"GET /static HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError("server did not answer in time")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status")
    match = re.search(r"VmRSS:\s+(\d+) kB", status.read_text()) if status.exists() else None
    return int(match.group(1)) if match else 0


def rss_mb(pid: int) -> tuple[float, float]:
    """Resident memory of the server (process + children) and of its largest child (a worker), in MB."""
    children_file = Path(f"/proc/{pid}/task/{pid}/children")
    children = [int(p) for p in children_file.read_text().split()] if children_file.exists() else []
    child_sizes = [_rss_kb(child) for child in children]
    total = _rss_kb(pid) + sum(child_sizes)
    return round(total / 1024, 1), round(max(child_sizes, default=0) / 1024, 1)


def run_wrk(url: str, duration: int, connections: int) -> str:
    command = ["taskset", "-c", WRK_CPU, "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> dict[str, float]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": rps,
        "p50_ms": float(p50.group(1)) * _UNITS[p50.group(2)] if p50 else float("nan"),
        "p99_ms": float(p99.group(1)) * _UNITS[p99.group(2)] if p99 else float("nan"),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
        "socket_errors": float(sum(int(x) for x in socket_errors.groups())) if socket_errors else 0.0,
    }


def measure(target: Target, pass_no: int, args: argparse.Namespace, tmp: Path) -> dict[str, object]:
    port = free_port()
    target = next(t for t in targets(port, tmp) if t.name == target.name)
    env = {**os.environ, "PYTHONPATH": str(ROOT), **target.env}
    process = subprocess.Popen(
        ["taskset", "-c", SERVER_CPU, *target.command],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    record: dict[str, object] = {"target": target.name, "pass": pass_no, "routes": {}, "load": os.getloadavg()[0]}
    try:
        record["first_response_s"] = round(wait_until_serving(port, process), 3)
        time.sleep(0.5)
        record["idle_rss_mb"], record["worker_rss_mb"] = rss_mb(process.pid)
        for route in target.routes:
            url = f"http://127.0.0.1:{port}{route}"
            run_wrk(url, args.warmup, args.connections)
            output = run_wrk(url, args.duration, args.connections)
            slug = route.strip("/").replace("/", "_")
            (RAW_DIR / f"{args.name}_pass{pass_no}_{target.name}_{slug}.txt").write_text(output)
            record["routes"][route] = parse_wrk(output)  # type: ignore[index]
            print(f"pass {pass_no} {target.name:24} {route:12} {record['routes'][route]}", flush=True)  # type: ignore[index]
    finally:
        stop(process)
    return record


def summarise(records: list[dict[str, object]]) -> dict[str, dict[str, dict[str, float]]]:
    table: dict[str, dict[str, dict[str, list[float]]]] = {}
    for record in records:
        for route, values in record["routes"].items():  # type: ignore[attr-defined]
            cell = table.setdefault(str(record["target"]), {}).setdefault(route, {"rps": [], "p99_ms": []})
            cell["rps"].append(values["rps"])
            cell["p99_ms"].append(values["p99_ms"])
    return {
        target: {
            route: {
                "rps": statistics.mean(cell["rps"]),
                "rps_min": min(cell["rps"]),
                "rps_max": max(cell["rps"]),
                "p99_ms": statistics.mean(cell["p99_ms"]),
            }
            for route, cell in routes.items()
        }
        for target, routes in table.items()
    }


Summary = dict[str, dict[str, dict[str, float]]]


def markdown(summary: Summary, records: list[dict[str, object]], args: argparse.Namespace) -> str:
    routes = ["/plaintext", "/json", "/users/42", "/static"]
    lines = [
        "# HTTP benchmark (covet serve --prod and peers)",
        "",
        f"wrk -t1 -c{args.connections} -d{args.duration}s --latency after a {args.warmup}s warm-up; server pinned to "
        f"CPU {SERVER_CPU}, wrk to CPU {WRK_CPU}; {args.passes} passes in alternating order; one worker process, "
        "one runtime thread, uvloop. Mean requests/s (min-max), mean p99 latency, and the ratio to "
        f"`{REFERENCE}` on the same route in the same run (`{REFERENCE_PY312}` for the Python 3.12 rows).",
        "",
        "| server | " + " | ".join(routes) + " |",
        "|---|" + "---|" * len(routes),
    ]
    for target, cells in summary.items():
        row = [target]
        # A Python 3.12 server is compared with the reference on 3.12.
        reference = summary.get(REFERENCE_PY312, {}) if target.endswith("-py312") else summary.get(REFERENCE, {})
        for route in routes:
            cell = cells.get(route)
            if cell is None:
                row.append("")
                continue
            ratio = ""
            if route in reference and target not in (REFERENCE, REFERENCE_PY312):
                ratio = f" **{cell['rps'] / reference[route]['rps']:.2f}x**"
            spread = f"({cell['rps_min']:,.0f}-{cell['rps_max']:,.0f})"
            row.append(f"{cell['rps']:,.0f} {spread}, p99 {cell['p99_ms']:.2f} ms{ratio}")
        lines.append("| " + " | ".join(row) + " |")
    loads = [float(record["load"]) for record in records if "load" in record]  # type: ignore[arg-type]
    if loads:
        lines += [
            "",
            f"1-minute load average of the machine when each server started: {min(loads):.1f} to {max(loads):.1f} "
            f"on {os.cpu_count()} CPUs (other jobs shared them: compare ratios within a pass, not absolute numbers).",
        ]
    lines += ["", "Start-up (process start to first 200) and idle RSS (all processes of the server):", ""]
    for record in records:
        if record["pass"] == 1:
            lines.append(f"* {record['target']}: first response {record.get('first_response_s')} s, "
                         f"idle RSS {record.get('idle_rss_mb')} MB in all, "
                         f"{record.get('worker_rss_mb')} MB for the largest child process")  # fmt: skip
    return "\n".join(lines) + "\n"


def plot(summary: dict[str, dict[str, dict[str, float]]], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    routes = ["/plaintext", "/json", "/users/42", "/static"]
    names = list(summary)
    fig, ax = plt.subplots(figsize=(12, 5))
    width = 0.8 / len(names)
    colors = plt.get_cmap("tab20").colors  # one colour per server: tab10 has too few for the field
    for i, name in enumerate(names):
        values = [summary[name].get(route, {}).get("rps", 0) for route in routes]
        ax.bar([x + i * width for x in range(len(routes))], values, width, label=name, color=colors[i % 20])
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(routes))], routes)
    ax.set_ylabel("requests/s (one core)")
    ax.set_title("covet serve --prod vs peers (wrk, 1 worker pinned to 1 CPU)")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--only", nargs="*", help="server names to run (default: all)")
    parser.add_argument("--name", default="http", help="results file stem in benchmarks/results/")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    RAW_DIR.mkdir(parents=True, exist_ok=True)
    records: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        chosen = [t for t in targets(0, tmp) if not args.only or t.name in args.only]
        for pass_no in range(1, args.passes + 1):
            order = chosen if pass_no % 2 else list(reversed(chosen))
            for target in order:
                try:
                    records.append(measure(target, pass_no, args, tmp))
                except (RuntimeError, subprocess.CalledProcessError) as exc:
                    print(f"pass {pass_no} {target.name}: skipped ({exc})", flush=True)
    summary = summarise(records)
    (RESULTS / f"{args.name}.json").write_text(json.dumps({"records": records, "summary": summary}, indent=2))
    (RESULTS / f"{args.name}.md").write_text(markdown(summary, records, args))
    if plot(summary, RESULTS / f"{args.name}.png"):
        print(f"plot: benchmarks/results/{args.name}.png")
    print((RESULTS / f"{args.name}.md").read_text())


if __name__ == "__main__":
    main()
