"""CPU instructions per request of a ``covet serve --prod`` worker, counted by valgrind (callgrind).

Requests per second on a shared 2-CPU machine move by +-20% from one run to the next; an instruction count
does not: callgrind counts what the worker executes (all its threads: Tokio, hyper, the Python loop, the
app), whatever else the machine is doing. Each app is served by one worker under callgrind, gets N1 and then,
in a second run, N2 keep-alive requests from 8 connections; (I(N2) - I(N1)) / (N2 - N1) is the cost of one
request with start-up and shutdown cancelled out. Timing is not measured: compare instruction counts between
apps and between commits, and take requests per second from run.py.

    python benchmarks/http/instructions.py [--routes /json /users/42] [--out benchmarks/results/instructions.md]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = {
    "covet (default middleware)": "benchmarks.http.apps:covet_app",
    "starlette": "benchmarks.http.apps:starlette_app",
    "raw ASGI": "benchmarks.http.apps:raw_asgi",
}
CONNECTIONS = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _read_response(sock: socket.socket) -> None:
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"unexpected response: {head[:80]!r}")
    length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
    while len(rest) < length:
        rest += sock.recv(65536)


def send_requests(port: int, route: str, count: int) -> None:
    request = f"GET {route} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()

    def client(n: int) -> None:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            for _ in range(n):
                sock.sendall(request)
                _read_response(sock)

    threads = [threading.Thread(target=client, args=(count // CONNECTIONS,)) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def wait_until_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"worker exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("worker did not start listening under valgrind")


def instructions(app: str, route: str, count: int, workdir: Path) -> int:
    """Instructions the worker executed from start to exit, having served ``count`` requests (+1 probe)."""
    port = free_port()
    out = workdir / f"callgrind.{port}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "COVET_PROD_WORKER_CONFIG": json.dumps({"app": app, "binds": [f"127.0.0.1:{port}"]}),
    }
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-m", "covet.server.prod"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_listening(port, process)
        send_requests(port, route, count)
    finally:
        process.terminate()
        process.wait(120)
    totals = re.search(r"^(?:summary|totals):\s*(\d+)", out.read_text(), re.MULTILINE)
    if totals is None:
        raise RuntimeError(f"no totals in {out}")
    return int(totals.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routes", nargs="*", default=["/json", "/users/42"])
    parser.add_argument("--small", type=int, default=400)
    parser.add_argument("--large", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=None, help="write a Markdown table here")
    args = parser.parse_args()
    rows: list[tuple[str, str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for route in args.routes:
            for name, app in APPS.items():
                small = instructions(app, route, args.small, Path(tmp))
                large = instructions(app, route, args.large, Path(tmp))
                per_request = (large - small) / (args.large - args.small)
                rows.append((name, route, per_request))
                print(f"{name:28} {route:10} {per_request:10,.0f} instructions/request", flush=True)
    if args.out is not None:
        lines = [
            "# Instructions per request under `covet serve --prod` (valgrind callgrind)",
            "",
            f"One worker, {CONNECTIONS} keep-alive connections, ({args.large} - {args.small}) requests; "
            "all threads of the worker. Produced by benchmarks/http/instructions.py.",
            "",
            "| app | route | instructions / request |",
            "|---|---|---|",
            *(f"| {name} | {route} | {count:,.0f} |" for name, route, count in rows),
            "",
        ]
        args.out.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
