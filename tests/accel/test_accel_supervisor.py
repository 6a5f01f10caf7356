"""The supervisor: workers sharing one listening socket, replacement, reload and graceful stop under load, recycling.

The load tests open a fresh connection per request, so every request goes through the kernel's accept queue: that is
where a worker stopping with its own listener used to reset connections (see ``Supervisor`` for why none are now).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

import httpx
from accel_server import REPO_ROOT, ProdServer, StartProd, wait_for

from covet.testing.server_process import free_port

RAW = "tests.accel.accel_apps:raw_app"
# Client threads of a load; each has one connection open at a time.
LOADERS = 4


def _pids_answering(url: str, attempts: int = 60) -> set[str]:
    seen = set()
    for _ in range(attempts):
        with httpx.Client(timeout=5) as fresh:  # a new connection each time: any worker may accept it
            seen.add(fresh.get(f"{url}/pid").text)
    return seen


def _raw_request(port: int, path: str, sent: threading.Event | None = None) -> str:
    """One request on a fresh connection: 'ok', 'refused' (connection refused), 'unanswered' (accepted,
    then closed without a byte: the client may retry) or 'truncated' (a partial response: never allowed)."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    except OSError:
        return "refused"
    data = b""
    with sock:
        try:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
            if sent is not None:
                sent.set()
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            # Reset before a single byte came back: the connection was still queued on a listening socket when its
            # last copy closed (never accepted, so never in flight). The client sees the same as a refused connection.
            return "reset-before-accept" if not data else "truncated"
        except OSError:
            return "unanswered" if not data else "truncated"
    if not data:
        return "unanswered"
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        return "truncated"
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), -1
    )
    return "ok" if len(body) == length else "truncated"


class Load:
    """``threads`` clients sending ``GET /pid`` on fresh connections until the block ends; ``outcomes`` counts
    what ``_raw_request`` saw."""

    def __init__(self, server: ProdServer, threads: int = LOADERS) -> None:
        self.port = server.port
        self.outcomes: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run) for _ in range(threads)]

    def _run(self) -> None:
        while not self._stop.is_set():
            outcome = _raw_request(self.port, "/pid")
            with self._lock:
                self.outcomes[outcome] += 1

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        assert wait_for(lambda: self.outcomes["ok"] >= 50, timeout=10), self.outcomes
        return self

    def __exit__(self, *_exc: object) -> None:
        time.sleep(0.3)  # keep the load on a little after the event under test
        self._stop.set()
        for thread in self._threads:
            thread.join()


def test_two_workers_share_the_port(prod: StartProd) -> None:
    server = prod(RAW, "--workers", "2")
    assert len(server.worker_pids()) == 2
    assert wait_for(lambda: len(_pids_answering(server.url, 20)) == 2, timeout=20)
    assert server.stop() == 0


def test_a_second_server_on_the_same_port_fails_instead_of_sharing_it(prod: StartProd) -> None:
    server = prod(RAW)
    result = subprocess.run(
        [sys.executable, "-m", "covet", "serve", "--prod", RAW, "--bind", f"127.0.0.1:{server.port}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"Cannot listen on 127.0.0.1:{server.port}: Address already in use" in result.stderr
    assert server.stop() == 0


def test_ipv4_and_ipv6_binds_on_the_same_port_both_answer(prod: StartProd) -> None:
    port = free_port()
    server = prod(RAW, "--bind", f"127.0.0.1:{port}", "--bind", f"[::1]:{port}")
    for host in ("127.0.0.1", "[::1]"):
        assert httpx.get(f"http://{host}:{port}/pid", timeout=10).status_code == 200
    assert server.stop() == 0


def test_sighup_under_load_replaces_every_worker_and_resets_nothing(prod: StartProd) -> None:
    server = prod(RAW, "--workers", "2")
    old = server.worker_pids()
    with Load(server) as load:
        server.process.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "Reload complete" in server.log(), timeout=30), server.log()
    new = server.worker_pids()
    assert len(new) == 2 and not (new & old)
    # The old workers close their copies of the shared socket; what is queued on it waits for the new ones.
    assert set(load.outcomes) == {"ok"}, load.outcomes
    assert _pids_answering(server.url, 20) <= {str(pid) for pid in new}


def test_a_worker_stopped_under_load_is_replaced_and_nothing_is_reset(prod: StartProd) -> None:
    server = prod(RAW, "--workers", "2")
    victim = sorted(server.worker_pids())[0]
    with Load(server) as load:
        os.kill(victim, signal.SIGTERM)
        assert wait_for(lambda: len(server.worker_pids()) == 2 and victim not in server.worker_pids(), timeout=20)
    assert set(load.outcomes) == {"ok"}, load.outcomes
    assert f"Worker {victim} exited (code 0)" in server.log()
    assert wait_for(lambda: len(_pids_answering(server.url, 20)) == 2, timeout=20)


def test_a_worker_killed_under_load_loses_only_what_it_had_accepted(prod: StartProd) -> None:
    server = prod(RAW, "--workers", "2")
    victim = sorted(server.worker_pids())[0]
    with Load(server) as load:
        os.kill(victim, signal.SIGKILL)
        assert wait_for(lambda: len(server.worker_pids()) == 2 and victim not in server.worker_pids(), timeout=20)
    # SIGKILL takes the victim's open connections with it (at most one per client thread); the queued ones stay
    # on the shared socket for the surviving worker, and no connection is ever refused.
    lost = sum(load.outcomes.values()) - load.outcomes["ok"]
    assert lost <= LOADERS and load.outcomes["refused"] == 0, load.outcomes
    assert "exited" in server.log()
    assert wait_for(lambda: str(victim) not in _pids_answering(server.url, 10), timeout=10)
    assert wait_for(lambda: len(_pids_answering(server.url, 20)) == 2, timeout=20)


def test_sigterm_under_load_loses_no_in_flight_request(prod: StartProd) -> None:
    server = prod(RAW, "--workers", "2")
    slow_outcomes: list[str] = []
    sent = [threading.Event() for _ in range(4)]

    def slow(event: threading.Event) -> None:
        slow_outcomes.append(_raw_request(server.port, "/slow?ms=800", event))

    slow_threads = [threading.Thread(target=slow, args=(event,)) for event in sent]
    with Load(server, threads=6) as load:
        time.sleep(0.5)
        for thread in slow_threads:
            thread.start()
        assert all(event.wait(10) for event in sent)
        time.sleep(0.2)  # the slow requests are now in flight
        server.process.send_signal(signal.SIGTERM)
        code = server.process.wait(30)
    for thread in slow_threads:
        thread.join()
    outcomes = load.outcomes
    assert code == 0, server.log()
    assert slow_outcomes == ["ok"] * 4, (slow_outcomes, outcomes, server.log())
    assert outcomes["truncated"] == 0, outcomes
    assert outcomes["unanswered"] == 0, outcomes
    # Every worker takes in what is queued before closing its copy of the socket, so only the very last close
    # can reset a connection: one that completed its handshake in the microseconds between that worker's last
    # accept(2) and its close(2). Measured: none in 15 runs (before the socket was shared: one per few runs).
    assert outcomes["reset-before-accept"] <= 1, outcomes
    assert outcomes["ok"] > 50, outcomes
    assert _raw_request(server.port, "/pid") == "refused"


def test_sigterm_refuses_new_connections_while_the_workers_drain(prod: StartProd) -> None:
    server = prod(RAW, "--workers", "2")
    sent = threading.Event()
    slow_outcome: list[str] = []
    slow = threading.Thread(target=lambda: slow_outcome.append(_raw_request(server.port, "/slow?ms=3000", sent)))
    slow.start()
    assert sent.wait(10)
    time.sleep(0.2)
    server.process.send_signal(signal.SIGTERM)
    # The supervisor closed its copy of the socket and each worker closed its own once it stopped accepting:
    # a new connection is refused at once, not queued where nobody would accept it before the exit.
    assert wait_for(lambda: _raw_request(server.port, "/pid") == "refused", timeout=2)
    assert server.process.poll() is None, "the slow request should still be draining"
    slow.join()
    assert slow_outcome == ["ok"]
    assert server.process.wait(30) == 0


def test_max_requests_recycles_the_worker_and_no_request_is_refused(prod: StartProd, http: httpx.Client) -> None:
    server = prod(RAW, "--max-requests", "10")
    first = http.get(f"{server.url}/pid").text
    pids = set()
    # Seven recycles in quick succession: more than MAX_FAST_FAILURES, but a graceful stop is not a failure.
    for _ in range(70):
        # While the only worker is being replaced, the connection waits in the supervisor's socket.
        with httpx.Client(timeout=10) as fresh:
            response = fresh.get(f"{server.url}/pid")
        assert response.status_code == 200
        pids.add(response.text)
    assert len(pids - {first}) >= 6
    assert "failed to start" not in server.log()
    assert server.stop() == 0


def test_unix_domain_socket(prod: StartProd, tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "covet.sock")
    server = prod(RAW, "--uds", path, "--bind", "127.0.0.1:0", "--workers", "2")
    transport = httpx.HTTPTransport(uds=path)
    with httpx.Client(transport=transport, timeout=10) as client:
        response = client.get("http://covet/scope")
    assert response.status_code == 200
    assert response.json()["client"] is None
    assert server.stop() == 0
    assert not os.path.exists(path)


def test_workers_auto_starts_one_per_cpu(prod: StartProd, http: httpx.Client) -> None:
    server = prod(RAW, "--workers", "auto")
    assert len(server.worker_pids()) == len(os.sched_getaffinity(0))
    assert http.get(f"{server.url}/pid").status_code == 200
    assert server.stop() == 0
