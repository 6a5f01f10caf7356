"""covet.testing.server_process: free ports, waiting for a child server to listen, stopping it for sure."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import textwrap

import pytest

from covet.testing.server_process import free_port, stop_process, wait_until_listening

LISTENER = textwrap.dedent(
    """
    import socket, sys, time
    time.sleep(0.3)
    server = socket.create_server(("127.0.0.1", int(sys.argv[1])))
    while True:
        server.accept()[0].close()
    """
)


def test_free_port_can_be_bound() -> None:
    port = free_port()
    with socket.create_server(("127.0.0.1", port)):
        pass


def test_waits_for_a_late_listener_then_stops_it() -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", LISTENER, str(port)])
    try:
        wait_until_listening(port, process, timeout=20)
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        code = stop_process(process)
    assert code == -signal.SIGTERM


def test_a_process_that_exits_early_is_reported_with_its_stderr() -> None:
    code = "import sys; sys.stderr.write('no settings module'); sys.exit(3)"
    process = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE)
    with pytest.raises(RuntimeError, match=r"exited with code 3 before listening(.|\n)*no settings module"):
        wait_until_listening(free_port(), process, timeout=20)
    stop_process(process)
    assert process.stderr is not None and process.stderr.closed


def test_a_silent_port_times_out() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with pytest.raises(RuntimeError, match=r"did not listen on 127\.0\.0\.1:\d+ within 0\.3 s"):
            wait_until_listening(free_port(), process, timeout=0.3)
    finally:
        stop_process(process)


def test_a_process_ignoring_sigterm_is_killed() -> None:
    code = "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); " \
        "time.sleep(30)"  # fmt: skip
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    assert stop_process(process, timeout=0.5) == -signal.SIGKILL
