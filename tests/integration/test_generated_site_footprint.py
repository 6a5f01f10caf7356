"""What serving a generated project costs: the modules `covet.setup()` and the project's ASGI app import (nothing
that only a command, the admin's pages or a first render needs), the `covet serve --prod` supervisor's imports,
and the resident memory of an idle production worker.

These check structure and memory, never time: a busy machine slows a start-up but does not change what it loads.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from generated_site import COMMAND_TIMEOUT, GeneratedSite, production_environment

from covet.server.prod import accel_available
from covet.testing.live_server import wait_for_children
from covet.testing.server_process import free_port, stop_process, wait_until_listening

# Loaded by commands or on first use, never by a process that only starts serving the generated project.
NOT_IMPORTED_TO_SERVE = (
    "alembic",  # migrations: covet makemigrations / migrate / showmigrations / sqlmigrate
    "mako",
    "pygments",
    "covet.migrations.commands",
    "rich",  # the CLI's output
    "covet.cli",
    "jwt",  # PyJWT and the cryptography it loads: when a token is issued or checked
    "cryptography",
    "argon2",  # when a password is hashed or checked
    "asyncpg",  # when a PostgreSQL engine is built
    "sqlalchemy.dialects.postgresql",  # the JSONB of the sessions table: by the first PostgreSQL dialect
    "sqlalchemy.ext.asyncio",  # with the first query
    "sqlalchemy.orm",
    "aiosqlite",
    "sqlite3",
    "jinja2",  # with the first template render
    "covet.admin.views",  # with the admin's first request (its routes exist from the start)
    "covet.admin.forms",
    "covet.admin.changelist",
    "covet.forms",  # the admin's forms: with its first form page
    "covet.staticfiles.collect",  # covet collectstatic
    "h11",  # the development server
)

# Imported by the `covet serve --prod` supervisor, which only starts and watches the workers.
NOT_IMPORTED_BY_THE_SUPERVISOR = ("rich", "jinja2", "sqlalchemy", "covet.orm", "covet.cli.commands.new")

# An idle worker of the generated project (it answered one request) measured about 49.5 MB; before the imports
# above were deferred, 84 MB. The bound leaves room for allocator noise, not for a heavy library coming back.
IDLE_WORKER_RSS_LIMIT_MB = 55

# Extension modules whose shared objects must not be mapped into an idle worker (the libraries above that have one).
NOT_MAPPED_IN_A_WORKER = ("cryptography/", "_argon2_cffi_bindings/", "asyncpg/")


def loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """The ``names`` that are in ``modules``, themselves or through a submodule."""
    return [name for name in names if any(module == name or module.startswith(f"{name}.") for module in modules)]


def modules_after(site: GeneratedSite, code: str) -> list[str]:
    """``sys.modules`` after running ``code`` in a fresh interpreter inside the project."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=site.root,
        env=site.environment(production_environment()),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    modules: list[str] = json.loads(result.stdout.splitlines()[-1])
    return modules


def test_serving_the_project_imports_nothing_a_command_needs(generated_site: GeneratedSite) -> None:
    modules = modules_after(
        generated_site,
        f"import os, covet\nos.environ['COVET_SETTINGS_MODULE'] = '{generated_site.name}.settings'\n"
        f"covet.setup()\nimport {generated_site.name}.asgi",
    )
    assert f"{generated_site.name}.asgi" in modules and "covet.admin.sites" in modules
    assert loaded(modules, NOT_IMPORTED_TO_SERVE) == []


def test_the_serve_command_imports_only_what_the_supervisor_needs(generated_site: GeneratedSite) -> None:
    modules = modules_after(
        generated_site,
        "import click\nfrom covet.cli.main import cli\n"
        "assert cli.get_command(click.Context(cli), 'serve') is not None\n"
        "from covet.cli.commands.serve import _limits\n_limits(None, None)",
    )
    assert "covet.cli.commands.serve" in modules
    assert loaded(modules, NOT_IMPORTED_BY_THE_SUPERVISOR) == []


def worker_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


@pytest.fixture(scope="module")
def prod_worker(generated_site: GeneratedSite) -> Iterator[tuple[str, int]]:
    """`covet serve --prod` with one worker: its base URL and the worker's pid."""
    if not accel_available():
        pytest.skip("covet-accel is not installed (pip install ./accel)")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "covet", "serve", "--prod", "--bind", f"127.0.0.1:{port}"],
        cwd=generated_site.root,
        env=generated_site.environment(production_environment()),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_listening(port, process)
        wait_for_children(process.pid, 1)
        (worker,) = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        yield f"http://127.0.0.1:{port}", int(worker)
    finally:
        stop_process(process, timeout=20)


def test_an_idle_worker_stays_small(prod_worker: tuple[str, int]) -> None:
    url, pid = prod_worker
    assert httpx.get(f"{url}/api/health").json() == {"status": "ok"}
    time.sleep(0.5)  # idle: the request's task and buffers are gone
    rss = worker_rss_mb(pid)
    assert rss < IDLE_WORKER_RSS_LIMIT_MB, f"idle worker RSS {rss:.1f} MB"
    maps = Path(f"/proc/{pid}/maps").read_text()
    assert [name for name in NOT_MAPPED_IN_A_WORKER if f"/{name}" in maps] == []


def test_the_admin_is_routable_and_loads_on_its_first_request(prod_worker: tuple[str, int]) -> None:
    url, _pid = prod_worker
    index = httpx.get(f"{url}/admin/")
    assert index.status_code == 302 and index.headers["location"].startswith("/admin/login/")
    login = httpx.get(f"{url}/admin/login/")
    assert login.status_code == 200 and 'name="password"' in login.text
