"""The admin changelist of a 10,000-row table on SQLite: Covet's admin against Django's admin, in one run.

Run: ``.venv/bin/python benchmarks/admin_changelist.py [--output benchmarks/results/admin_changelist.md]``
(Django comes with the ``dev``/``bench`` extras).

Each contender runs in its own process on its own SQLite file (WAL, ``synchronous=NORMAL``) holding 10 authors and
10,000 posts, with the same admin options::

    list_display = ["title", "author", "status", "published", "created"]
    list_filter = ["published", "status", "author"]
    search_fields = ["title"]
    list_per_page = 100

A signed-in superuser loads each page in-process (Covet: the ASGI app through httpx's ASGI transport; Django:
its test ``Client`` through the WSGI handler), so the time is the server's: routing, middleware, session and
user lookup, the queries, and rendering the HTML. No network, no browser. Each page is requested ``ROUNDS``
times after a warm-up; the table gives the median and the 90th percentile in milliseconds (lower is better).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ROWS = 10_000
AUTHORS = 10
ROUNDS = 30
WARMUP = 3
PASSWORD = "Bench-mark-password-91"
BASE_TIME = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

PAGES = [
    ("first page", ""),
    ("page 50 of 100", "?p=50"),
    ("sorted by title", "?o=0"),
    ("search 'Post 12'", "?q=Post+12"),
    ("filter published + author", "?published__exact=1&author__id__exact=3"),
]

ADMIN_OPTIONS = """
    list_display = ["title", "author", "status", "published", "created"]
    list_filter = ["published", "status", "author"]
    search_fields = ["title"]
    list_per_page = 100
"""


def post_values(i: int) -> dict[str, Any]:
    return {
        "title": f"Post {i}",
        "status": ("draft", "live")[i % 2],
        "published": i % 3 == 0,
        "created": BASE_TIME + dt.timedelta(minutes=i),
    }


def summarize(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median": statistics.median(ordered), "p90": ordered[int(len(ordered) * 0.9) - 1], "min": ordered[0]}


# -- Covet ------------------------------------------------------------------------------------------------------------

COVET_MODELS = """
from covet.auth.models import User
from covet.orm import CASCADE, BooleanField, CharField, DateTimeField, ForeignKey, Model


class Post(Model):
    title = CharField(max_length=200)
    author = ForeignKey(User, on_delete=CASCADE, related_name="bench_posts")
    status = CharField(max_length=10, choices=[("draft", "Draft"), ("live", "Live")], default="draft")
    published = BooleanField(default=False)
    created = DateTimeField()

    class Meta:
        app_label = "benchblog"

    def __str__(self):
        return self.title
"""

COVET_ADMIN = (
    """
from covet import admin
from benchblog.models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
"""
    + ADMIN_OPTIONS
)


async def run_covet(workdir: Path) -> dict[str, Any]:
    package = workdir / "benchblog"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(COVET_MODELS)
    (package / "admin.py").write_text(textwrap.dedent(COVET_ADMIN))
    (workdir / "bench_urls.py").write_text("from covet import admin\nurlpatterns = [admin.site.urls]\n")
    sys.path.insert(0, str(workdir))

    import covet
    from covet.conf import settings

    settings.configure(
        SECRET_KEY="bench-" + "x" * 50,
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=["covet.auth", "covet.admin", "benchblog"],
        MIDDLEWARE=[
            "covet.auth.sessions.SessionMiddleware",
            "covet.middleware.csrf.CsrfMiddleware",
            "covet.auth.middleware.AuthenticationMiddleware",
        ],
        ROOT_URLCONF="bench_urls",
        SESSION_ENGINE="db",
        DATABASES={"default": {"URL": f"sqlite+aiosqlite:///{workdir / 'covet.sqlite3'}"}},
        RATELIMIT_ENABLED=False,
    )
    app = covet.get_asgi_application()
    from benchblog.models import Post

    import covet.admin as admin_package
    import covet.auth as auth_package
    from covet.auth.models import User
    from covet.migrations import MigrationApp, MigrationProject, migrate
    from covet.orm import get_engine
    from covet.orm.registry import metadata
    from covet.testing import AsyncTestClient

    owners = {t.name: t.name.split("_", 1)[0] for t in metadata.sorted_tables if t.name.startswith(("auth_", "admin_"))}
    await migrate(
        MigrationProject(
            apps=[
                MigrationApp.for_package_dir("auth", Path(auth_package.__file__).parent),
                MigrationApp.for_package_dir("admin", Path(admin_package.__file__).parent),
            ],
            metadata=metadata,
            engine=get_engine("default"),
            table_owners=owners,
        )
    )
    async with get_engine("default").begin() as conn:
        await conn.run_sync(lambda sync: metadata.create_all(sync, tables=[Post._meta.table]))
    await User.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    authors = [await User.objects.create_user(f"author{n}", password=None) for n in range(AUTHORS)]
    await Post.objects.bulk_create([Post(author=authors[i % AUTHORS], **post_values(i)) for i in range(ROWS)])

    results: dict[str, Any] = {}
    async with AsyncTestClient(app, base_url="http://testserver") as client:
        page = await client.get("/admin/login/")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        login = await client.post(
            "/admin/login/",
            data={"username": "admin", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert login.status_code == 303, login.text[:300]
        for label, query in PAGES:
            url = "/admin/benchblog/post/" + query
            samples = []
            for round_number in range(WARMUP + ROUNDS):
                start = time.perf_counter()
                response = await client.get(url)
                elapsed = (time.perf_counter() - start) * 1000
                assert response.status_code == 200, response.text[:300]
                if round_number >= WARMUP:
                    samples.append(elapsed)
            results[label] = {**summarize(samples), "bytes": len(response.content)}
    return results


# -- Django -----------------------------------------------------------------------------------------------------------

DJANGO_MODELS = """
from django.contrib.auth.models import User
from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="bench_posts")
    status = models.CharField(max_length=10, choices=[("draft", "Draft"), ("live", "Live")], default="draft")
    published = models.BooleanField(default=False)
    created = models.DateTimeField()

    def __str__(self):
        return self.title
"""

DJANGO_ADMIN = (
    """
from django.contrib import admin
from djbenchblog.models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
"""
    + ADMIN_OPTIONS
)


def run_django(workdir: Path) -> dict[str, Any]:
    package = workdir / "djbenchblog"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(DJANGO_MODELS)
    (package / "admin.py").write_text(textwrap.dedent(DJANGO_ADMIN))
    (workdir / "dj_urls.py").write_text(
        "from django.contrib import admin\nurlpatterns = [__import__('django.urls')"
        ".urls.path('admin/', admin.site.urls)]\n"
    )
    sys.path.insert(0, str(workdir))
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="bench-" + "x" * 50,
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        USE_TZ=True,
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "djbenchblog",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        ROOT_URLCONF="dj_urls",
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(workdir / "django.sqlite3"),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
            }
        },
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from djbenchblog.models import Post

    call_command("migrate", run_syncdb=True, verbosity=0)
    admin_user = User.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    authors = [User.objects.create_user(f"author{n}") for n in range(AUTHORS)]
    Post.objects.bulk_create([Post(author=authors[i % AUTHORS], **post_values(i)) for i in range(ROWS)])
    client = Client()
    client.force_login(admin_user)
    results: dict[str, Any] = {}
    for label, query in PAGES:
        url = "/admin/djbenchblog/post/" + query
        samples = []
        for round_number in range(WARMUP + ROUNDS):
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, response.content[:300]
            if round_number >= WARMUP:
                samples.append(elapsed)
        results[label] = {**summarize(samples), "bytes": len(response.content)}
    return results


# -- orchestration ----------------------------------------------------------------------------------------------------

CONTENDERS: dict[str, Callable[[Path], Any]] = {"covet": run_covet, "django": run_django}


def run_contender(name: str) -> dict[str, Any]:
    """Run one contender in a fresh process; its JSON result comes back on stdout."""
    result = subprocess.run(
        [sys.executable, __file__, "--contender", name], capture_output=True, text=True, timeout=900, cwd=REPO
    )
    if result.returncode != 0:
        raise SystemExit(f"{name} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def report(results: dict[str, dict[str, Any]]) -> str:
    import django

    lines = [
        "# Admin changelist: 10,000 rows on SQLite",
        "",
        f"Generated by `benchmarks/admin_changelist.py` on {dt.date.today().isoformat()}: Python "
        f"{platform.python_version()}, Django {django.get_version()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs (shared with other work, so compare the ratios, not the absolute numbers).",
        "",
        f"Server time per changelist page (100 rows shown, {ROWS:,} posts, {AUTHORS} authors), signed-in superuser, "
        f"in-process; median and 90th percentile of {ROUNDS} requests, milliseconds, lower is better.",
        "",
        "| page | Covet median | Covet p90 | Django median | Django p90 | Django / Covet |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, _query in PAGES:
        ours, theirs = results["covet"][label], results["django"][label]
        lines.append(
            f"| {label} | {ours['median']:.1f} | {ours['p90']:.1f} | {theirs['median']:.1f} | "
            f"{theirs['p90']:.1f} | {theirs['median'] / ours['median']:.2f}x |"
        )
    slowest = max(results["covet"][label]["median"] for label, _ in PAGES)
    lines += [
        "",
        f"Target: a page renders in under 100 ms of server time. Slowest Covet median here: {slowest:.1f} ms "
        f"({'met' if slowest < 100 else 'NOT met'}). The p90 columns include pauses caused by the other processes "
        "sharing the machine.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contender", choices=sorted(CONTENDERS))
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    if args.contender:
        with tempfile.TemporaryDirectory(prefix=f"admin-bench-{args.contender}-") as workdir:
            runner = CONTENDERS[args.contender]
            outcome = runner(Path(workdir))
            if asyncio.iscoroutine(outcome):
                outcome = asyncio.run(outcome)
            print(json.dumps(outcome))
        return
    results = {name: run_contender(name) for name in CONTENDERS}
    text = report(results)
    print(text)
    if args.output:
        args.output.write_text(text)
        (args.output.with_suffix(".json")).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
