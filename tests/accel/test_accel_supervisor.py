"""The supervisor: workers sharing the port, replacement, reload, graceful stop under load, recycling."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections import Counter

import httpx
from conftest import StartProd, wait_for

RAW = "tests.accel.accel_apps:raw_app"


def _pids_answering(url: str, attempts: int = 60) -> set[str]:
    seen = set()
    for _ in range(attempts):
        with httpx.Client(timeout=5) as fresh:  # a new connection each time: the kernel picks a worker
            seen.add(fresh.get(f"{url}/pid").text)
    return seen


def test_two_workers_share_the_port(prod: StartProd) -> None:
    server = prod(RAW, "--workers", "2")
    assert len(server.worker_pids()) == 2
    assert wait_for(lambda: len(_pids_answering(server.url, 20)) == 2, timeout=20)
    assert server.stop() == 0


def test_a_killed_worker_is_replaced_and_the_port_keeps_answering(prod: StartProd, http: httpx.Client) -> None:
    server = prod(RAW, "--workers", "2")
    victim = sorted(server.worker_pids())[0]
    os.kill(victim, signal.SIGKILL)
    # A connection the kernel queued on the dying worker's socket is reset: that is what SIGKILL does.
    # Once it is gone, the surviving worker answers while the replacement starts.
    time.sleep(0.1)
    assert http.get(f"{server.url}/pid").text != str(victim)
    assert wait_for(lambda: len(server.worker_pids()) == 2 and victim not in server.worker_pids(), timeout=20)
    assert wait_for(lambda: str(victim) not in _pids_answering(server.url, 10), timeout=10)
    assert len(_pids_answering(server.url, 40)) == 2
    assert "exited" in server.log()


def test_sighup_replaces_every_worker_without_a_gap(prod: StartProd) -> None:
    server = prod(RAW, "--workers", "2")
    old = server.worker_pids()
    failures: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            try:
                with httpx.Client(timeout=10) as fresh:
                    if fresh.get(f"{server.url}/pid").status_code != 200:
                        failures.append("status")
            except httpx.HTTPError as exc:
                failures.append(repr(exc))

    thread = threading.Thread(target=hammer)
    thread.start()
    time.sleep(0.3)
    server.process.send_signal(signal.SIGHUP)
    assert wait_for(lambda: "Reload complete" in server.log(), timeout=30), server.log()
    time.sleep(0.3)
    stop.set()
    thread.join()
    new = server.worker_pids()
    assert len(new) == 2 and not (new & old)
    assert failures == []
    assert _pids_answering(server.url, 20) <= {str(pid) for pid in new}


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
            # Reset before a single byte came back: the connection was still in the closing listener's kernel
            # queue (never accepted, so never in flight). The client sees the same as a refused connection.
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


def test_sigterm_under_load_loses_no_in_flight_request(prod: StartProd) -> None:
    server = prod(RAW, "--workers", "2")
    outcomes: Counter[str] = Counter()
    slow_outcomes: list[str] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            outcomes[_raw_request(server.port, "/pid")] += 1

    sent = [threading.Event() for _ in range(4)]

    def slow(event: threading.Event) -> None:
        slow_outcomes.append(_raw_request(server.port, "/slow?ms=800", event))

    loaders = [threading.Thread(target=load) for _ in range(6)]
    for thread in loaders:
        thread.start()
    time.sleep(1.0)
    slow_threads = [threading.Thread(target=slow, args=(event,)) for event in sent]
    for thread in slow_threads:
        thread.start()
    assert all(event.wait(10) for event in sent)
    time.sleep(0.2)  # the slow requests are now in flight
    server.process.send_signal(signal.SIGTERM)
    code = server.process.wait(30)
    stop.set()
    for thread in loaders + slow_threads:
        thread.join()
    assert code == 0, server.log()
    assert slow_outcomes == ["ok"] * 4, (slow_outcomes, outcomes, server.log())
    assert outcomes["truncated"] == 0, outcomes
    assert outcomes["unanswered"] == 0, outcomes
    # The kernel resets what is still queued on a listener at the instant it closes; that window is tiny.
    assert outcomes["reset-before-accept"] <= max(1, outcomes["ok"] // 1000), outcomes
    assert outcomes["ok"] > 50, outcomes
    assert _raw_request(server.port, "/pid") == "refused"


def test_max_requests_recycles_the_worker(prod: StartProd, http: httpx.Client) -> None:
    server = prod(RAW, "--max-requests", "20")
    first = http.get(f"{server.url}/pid").text
    statuses = []
    for _ in range(60):
        with httpx.Client(timeout=10) as fresh:
            try:
                statuses.append(fresh.get(f"{server.url}/pid").status_code)
            except httpx.ConnectError:
                statuses.append(0)  # refused while the single worker is being replaced
                time.sleep(0.2)
    assert 500 not in statuses
    assert wait_for(lambda: http.get(f"{server.url}/pid").text != first, timeout=20)


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
