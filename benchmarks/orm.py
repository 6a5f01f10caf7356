"""Covet's ORM against Django's async ORM API, Tortoise ORM and the raw async drivers, in one run.

Run: ``.venv/bin/python benchmarks/orm.py [--output benchmarks/results/orm.md] [--backends sqlite,postgresql]``
(needs the ``bench`` extra: ``pip install -e '.[bench]'``; PostgreSQL from ``COVET_BENCH_POSTGRES``, default
``postgresql://postgres@127.0.0.1:5432/test``, where a throwaway database is created and dropped).

On SQLite every contender uses WAL, ``synchronous=NORMAL`` and foreign keys on (Covet's defaults, set
explicitly for the others), each in its own database file. Every contender has its own fresh tables (an
``author`` table of 10 rows and a ``post`` table with a foreign key to it) and does the same work:

* insert 1,000 posts one by one (one INSERT per row, autocommit), after deleting the previous ones;
* bulk-insert 1,000 posts (the ORM's bulk_create, ``executemany`` for the drivers);
* fetch the 1,000 posts as objects (model instances; rows for the drivers);
* filter + order + slice: ``published=True`` ordered by ``-created``, first 20 rows, 1,000 times;
* select_related: the 1,000 posts with their authors in one JOIN query, as objects.

The machine is shared and noisy, so all four contenders of a backend live in one process (one per backend)
and take turns: a round runs each operation once per contender, contender after contender, and the order of
the contenders rotates from round to round. Each cell is the best of ``--rounds`` rounds (the least
disturbed run); ``--output`` also writes every sample. Times are wall-clock milliseconds for the whole
operation; lower is better.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROWS = 1_000
AUTHORS = 10
SLICE_QUERIES = 1_000
# Best-of rounds: the machine is shared, so the minimum is the least disturbed measurement.
FETCH_ROUNDS = 10
SLICE_ROUNDS = 3
BASE_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
POSTGRES_URL = os.environ.get("COVET_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")

OPERATIONS = [
    ("insert_one", "insert 1,000 rows one by one"),
    ("insert_bulk", "bulk insert 1,000 rows"),
    ("fetch_all", "fetch 1,000 rows as objects"),
    ("filter_slice", "filter + order + slice 20 rows, x1,000"),
    ("select_related", "select_related: 1,000 rows + author"),
]


def post_values(i: int) -> dict[str, Any]:
    return {
        "title": f"Post number {i}",
        "body": "Lorem ipsum dolor sit amet. " * 8,
        "views": i,
        "published": i % 2 == 0,
        "created": BASE_TIME + dt.timedelta(minutes=i),
        "author_id": i % AUTHORS + 1,
    }


POSTS = [post_values(i) for i in range(ROWS)]
AUTHOR_ROWS = [(i + 1, f"Author {i}") for i in range(AUTHORS)]


class Contender:
    """One ORM or driver under test, on its own database URL. ``setup`` makes fresh tables and the AUTHORS
    authors and ``clear`` empties the posts (neither is timed); the methods named in OPERATIONS are timed."""

    name: str

    def __init__(self, url: str) -> None:
        self.url = url


def blog_models(orm: Any, prefix: str) -> tuple[Any, Any]:
    """The Author and Post models in an ORM with Django's model API (``covet.orm`` or ``django.db.models``),
    on the tables ``<prefix>_author`` and ``<prefix>_post``."""

    class Author(orm.Model):
        name = orm.CharField(max_length=100)

        class Meta:
            app_label = "bench"
            db_table = f"{prefix}_author"

    class Post(orm.Model):
        title = orm.CharField(max_length=200)
        body = orm.TextField()
        views = orm.IntegerField(default=0)
        published = orm.BooleanField(default=False)
        created = orm.DateTimeField()
        author = orm.ForeignKey(Author, on_delete=orm.CASCADE, related_name="posts")

        class Meta:
            app_label = "bench"
            db_table = f"{prefix}_post"

    return Author, Post


# -- Covet ---------------------------------------------------------------------------------------------------

from covet import orm as covet_orm  # noqa: E402
from covet.testing.databases import throwaway_postgres_database  # noqa: E402

CovetAuthor, CovetPost = blog_models(covet_orm, "covet")


class CovetContender(Contender):
    name = "Covet"

    async def setup(self) -> None:
        from covet.conf import settings

        settings.configure(DATABASES={"default": {"URL": self.url}}, INSTALLED_APPS=[])
        engine = covet_orm.get_engine("default")
        async with engine.begin() as connection:
            for model in (CovetPost, CovetAuthor):
                await connection.run_sync(model._meta.table.drop, checkfirst=True)
            for model in (CovetAuthor, CovetPost):
                await connection.run_sync(model._meta.table.create)
        await CovetAuthor.objects.bulk_create([CovetAuthor(id=id, name=name) for id, name in AUTHOR_ROWS])

    async def teardown(self) -> None:
        await covet_orm.close_all()

    async def clear(self) -> None:
        await CovetPost.objects.all().delete()

    async def insert_one(self) -> None:
        for values in POSTS:
            await CovetPost.objects.create(**values)

    async def insert_bulk(self) -> None:
        await CovetPost.objects.bulk_create([CovetPost(**values) for values in POSTS])

    async def fetch_all(self) -> int:
        return len(await CovetPost.objects.all())

    async def filter_slice(self) -> int:
        return len(await CovetPost.objects.filter(published=True).order_by("-created")[:20])

    async def select_related(self) -> int:
        posts = await CovetPost.objects.select_related("author")
        return len({post.author.name for post in posts})


# -- Tortoise ORM --------------------------------------------------------------------------------------------

from tortoise import Tortoise  # noqa: E402
from tortoise import fields as tortoise_fields  # noqa: E402
from tortoise.models import Model as TortoiseModel  # noqa: E402


class TortoiseAuthor(TortoiseModel):
    id = tortoise_fields.IntField(primary_key=True)
    name = tortoise_fields.CharField(max_length=100)

    class Meta:
        table = "tortoise_author"


class TortoisePost(TortoiseModel):
    id = tortoise_fields.IntField(primary_key=True)
    title = tortoise_fields.CharField(max_length=200)
    body = tortoise_fields.TextField()
    views = tortoise_fields.IntField(default=0)
    published = tortoise_fields.BooleanField(default=False)
    created = tortoise_fields.DatetimeField()
    author: Any = tortoise_fields.ForeignKeyField("models.TortoiseAuthor", related_name="posts")

    class Meta:
        table = "tortoise_post"


class TortoiseContender(Contender):
    name = "Tortoise"

    def __init__(self, url: str) -> None:
        super().__init__(url.replace("postgresql://", "postgres://"))
        if self.url.startswith("sqlite"):
            self.url += "?synchronous=NORMAL"  # query parameters become PRAGMAs; WAL and foreign keys are its defaults

    async def setup(self) -> None:
        await Tortoise.init(db_url=self.url, modules={"models": [__name__]})
        connection = Tortoise.get_connection("default")
        await connection.execute_script("DROP TABLE IF EXISTS tortoise_post; DROP TABLE IF EXISTS tortoise_author;")
        await Tortoise.generate_schemas()
        await TortoiseAuthor.bulk_create([TortoiseAuthor(id=id, name=name) for id, name in AUTHOR_ROWS])

    async def teardown(self) -> None:
        await Tortoise.close_connections()

    async def clear(self) -> None:
        await TortoisePost.all().delete()

    async def insert_one(self) -> None:
        for values in POSTS:
            await TortoisePost.create(**values)

    async def insert_bulk(self) -> None:
        await TortoisePost.bulk_create([TortoisePost(**values) for values in POSTS])

    async def fetch_all(self) -> int:
        return len(await TortoisePost.all())

    async def filter_slice(self) -> int:
        return len(await TortoisePost.filter(published=True).order_by("-created").limit(20))

    async def select_related(self) -> int:
        posts = await TortoisePost.all().select_related("author")
        return len({post.author.name for post in posts})


# -- Django (async API) --------------------------------------------------------------------------------------


def django_models() -> tuple[Any, Any]:
    """Django's models, defined once Django is configured (its model classes need the settings)."""
    from django.db import models

    return blog_models(models, "django")


def django_database(url: str) -> dict[str, Any]:
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": parsed.database,
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"},
        }
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parsed.database,
        "USER": parsed.username or "",
        "PASSWORD": parsed.password or "",
        "HOST": parsed.host or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": None,
    }


class DjangoContender(Contender):
    name = "Django"

    async def setup(self) -> None:
        import django
        from django.conf import settings as django_settings

        # Each contender runs in its own process (see run()), so Django is configured once, here.
        django_settings.configure(
            DATABASES={"default": django_database(self.url)}, INSTALLED_APPS=[], USE_TZ=True, TIME_ZONE="UTC"
        )
        django.setup()
        self.Author, self.Post = django_models()
        await asyncio.to_thread(self._create_tables)
        await self.Author.objects.abulk_create([self.Author(id=id, name=name) for id, name in AUTHOR_ROWS])

    def _create_tables(self) -> None:
        from django.db import connection

        with connection.schema_editor() as editor:
            for model in (self.Post, self.Author):
                if model._meta.db_table in connection.introspection.table_names():
                    editor.delete_model(model)
            editor.create_model(self.Author)
            editor.create_model(self.Post)
        connection.close()

    async def teardown(self) -> None:
        from asgiref.sync import sync_to_async
        from django.db import connections

        await sync_to_async(connections.close_all)()

    async def clear(self) -> None:
        await self.Post.objects.all().adelete()

    async def insert_one(self) -> None:
        for values in POSTS:
            await self.Post.objects.acreate(**values)

    async def insert_bulk(self) -> None:
        await self.Post.objects.abulk_create([self.Post(**values) for values in POSTS])

    async def fetch_all(self) -> int:
        return len([post async for post in self.Post.objects.all()])

    async def filter_slice(self) -> int:
        return len([post async for post in self.Post.objects.filter(published=True).order_by("-created")[:20]])

    async def select_related(self) -> int:
        posts = [post async for post in self.Post.objects.select_related("author")]
        return len({post.author.name for post in posts})


# -- raw drivers ---------------------------------------------------------------------------------------------

RAW_CREATE = [
    "DROP TABLE IF EXISTS raw_post",
    "DROP TABLE IF EXISTS raw_author",
    "CREATE TABLE raw_author (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL)",
    "CREATE TABLE raw_post (id {serial} PRIMARY KEY, title VARCHAR(200) NOT NULL, body TEXT NOT NULL, "
    "views INTEGER NOT NULL, published BOOLEAN NOT NULL, created {timestamp} NOT NULL, "
    "author_id INTEGER NOT NULL REFERENCES raw_author (id))",
]
RAW_COLUMNS = "title, body, views, published, created, author_id"
RAW_JOIN = (
    "SELECT p.id, p.title, p.body, p.views, p.published, p.created, p.author_id, a.id, a.name "
    "FROM raw_post p JOIN raw_author a ON a.id = p.author_id"
)


class RawContender(Contender):
    """The shared setup of the raw drivers (aiosqlite and asyncpg share ``execute``/``executemany``/``close``);
    a subclass opens ``self.db`` in ``connect`` and gives its column types and placeholders."""

    name = "raw driver"
    serial: str
    timestamp: str
    insert_author: str
    insert_post: str
    db: Any

    async def connect(self) -> None:
        raise NotImplementedError

    async def setup(self) -> None:
        await self.connect()
        for statement in RAW_CREATE:
            await self.db.execute(statement.format(serial=self.serial, timestamp=self.timestamp))
        await self.db.executemany(self.insert_author, AUTHOR_ROWS)

    async def teardown(self) -> None:
        await self.db.close()

    async def clear(self) -> None:
        await self.db.execute("DELETE FROM raw_post")


class RawSQLiteContender(RawContender):
    serial, timestamp = "INTEGER", "DATETIME"
    insert_author = "INSERT INTO raw_author (id, name) VALUES (?, ?)"
    insert_post = f"INSERT INTO raw_post ({RAW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"

    async def connect(self) -> None:
        import aiosqlite
        import sqlalchemy as sa

        self.db = await aiosqlite.connect(sa.make_url(self.url).database, isolation_level=None)
        await self.db.execute("PRAGMA journal_mode=WAL")
        await self.db.execute("PRAGMA synchronous=NORMAL")
        await self.db.execute("PRAGMA foreign_keys=ON")

    @staticmethod
    def _row(values: dict[str, Any]) -> tuple[Any, ...]:
        return (*(values[key] for key in ("title", "body", "views", "published")), values["created"].isoformat(),
                values["author_id"])  # fmt: skip

    async def insert_one(self) -> None:
        for values in POSTS:
            await self.db.execute(self.insert_post, self._row(values))

    async def insert_bulk(self) -> None:
        await self.db.execute("BEGIN")
        await self.db.executemany(self.insert_post, [self._row(v) for v in POSTS])
        await self.db.execute("COMMIT")

    async def fetch_all(self) -> int:
        return len(await self.db.execute_fetchall(f"SELECT id, {RAW_COLUMNS} FROM raw_post"))

    async def filter_slice(self) -> int:
        rows = await self.db.execute_fetchall(
            f"SELECT id, {RAW_COLUMNS} FROM raw_post WHERE published = ? ORDER BY created DESC LIMIT 20", (True,)
        )
        return len(rows)

    async def select_related(self) -> int:
        return len({row[8] for row in await self.db.execute_fetchall(RAW_JOIN)})


class RawPostgresContender(RawContender):
    serial, timestamp = "SERIAL", "TIMESTAMP WITH TIME ZONE"
    insert_author = "INSERT INTO raw_author (id, name) VALUES ($1, $2)"
    insert_post = f"INSERT INTO raw_post ({RAW_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"

    async def connect(self) -> None:
        import asyncpg

        self.db = await asyncpg.connect(self.url)

    @staticmethod
    def _row(values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(values[key] for key in ("title", "body", "views", "published", "created", "author_id"))

    async def insert_one(self) -> None:
        for values in POSTS:
            await self.db.execute(self.insert_post, *self._row(values))

    async def insert_bulk(self) -> None:
        async with self.db.transaction():
            await self.db.executemany(self.insert_post, [self._row(v) for v in POSTS])

    async def fetch_all(self) -> int:
        return len(await self.db.fetch(f"SELECT id, {RAW_COLUMNS} FROM raw_post"))

    async def filter_slice(self) -> int:
        rows = await self.db.fetch(
            f"SELECT id, {RAW_COLUMNS} FROM raw_post WHERE published = $1 ORDER BY created DESC LIMIT 20", True
        )
        return len(rows)

    async def select_related(self) -> int:
        return len({row[8] for row in await self.db.fetch(RAW_JOIN)})


# -- the run -------------------------------------------------------------------------------------------------


@dataclass
class Measurements:
    """Every timed sample in milliseconds per (backend, operation, contender); a cell's value is its best."""

    samples: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)

    def add(self, backend: str, op: str, name: str, ms: float) -> None:
        self.samples.setdefault((backend, op, name), []).append(ms)

    def best(self, backend: str, op: str, name: str) -> float:
        return min(self.samples[(backend, op, name)])

    def round_ratio(self, backend: str, op: str, numerator: str, denominator: str) -> float:
        """The median of the per-round ratios (round i of one contender against round i of the other)."""
        pairs = zip(self.samples[(backend, op, numerator)], self.samples[(backend, op, denominator)], strict=True)
        return statistics.median(a / b for a, b in pairs)


async def _timed(work: Callable[[], Awaitable[Any]]) -> float:
    gc.collect()  # nobody pays for another contender's garbage
    started = time.perf_counter()
    await work()
    return (time.perf_counter() - started) * 1000


def _slices(contender: Any) -> Callable[[], Awaitable[None]]:
    async def slices() -> None:
        for _ in range(SLICE_QUERIES):
            assert await contender.filter_slice() == 20

    return slices


async def _one_round(contenders: list[Any], backend: str, results: Measurements) -> None:
    """Each operation once per contender, contenders alternating operation by operation."""
    for contender in contenders:
        await contender.clear()
        results.add(backend, "insert_one", contender.name, await _timed(contender.insert_one))
    for contender in contenders:
        await contender.clear()
        results.add(backend, "insert_bulk", contender.name, await _timed(contender.insert_bulk))
    for op in ("fetch_all", "filter_slice", "select_related"):
        for contender in contenders:
            work = _slices(contender) if op == "filter_slice" else getattr(contender, op)
            results.add(backend, op, contender.name, await _timed(work))


async def measure_backend(backend: str, urls: dict[str, str], rounds: int, results: Measurements) -> None:
    """All contenders set up side by side in this process, then ``rounds`` rounds; the order of the
    contenders rotates every round so none is always first (or last) after the others' work."""
    contenders = [contender_class(urls[contender_class.name]) for contender_class in CONTENDERS[backend]]
    for contender in contenders:
        await contender.setup()
    try:
        for contender in contenders:  # warm-up, not timed: compiled statements, prepared statements, caches
            await contender.insert_bulk()
            assert await contender.fetch_all() == ROWS, f"{contender.name} did not store {ROWS} rows"
            assert await contender.filter_slice() == 20
            assert await contender.select_related() == AUTHORS
        for index in range(rounds):
            shift = index % len(contenders)
            print(f"[{backend}] round {index + 1}/{rounds}", file=sys.stderr)
            await _one_round(contenders[shift:] + contenders[:shift], backend, results)
    finally:
        for contender in contenders:
            await contender.teardown()


CONTENDERS = {
    "sqlite": [CovetContender, TortoiseContender, DjangoContender, RawSQLiteContender],
    "postgresql": [CovetContender, TortoiseContender, DjangoContender, RawPostgresContender],
}


@asynccontextmanager
async def contender_urls(backend: str) -> AsyncIterator[dict[str, str]]:
    """Each contender's database URL: a SQLite file each, or one throwaway PostgreSQL database for all of them."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="covet-bench-") as directory:
            yield {c.name: f"sqlite:///{directory}/{c.__name__}.sqlite3" for c in CONTENDERS[backend]}
        return
    async with throwaway_postgres_database(POSTGRES_URL, prefix="covet_bench") as url:
        yield {c.name: url for c in CONTENDERS[backend]}


async def run_worker(backend: str, rounds: int) -> dict[str, dict[str, list[float]]]:
    """Measure every contender on one backend (in this process); samples by operation, then contender."""
    results = Measurements()
    async with contender_urls(backend) as urls:
        await measure_backend(backend, urls, rounds, results)
    samples: dict[str, dict[str, list[float]]] = {}
    for (_, op, name), times in results.samples.items():
        samples.setdefault(op, {})[name] = [round(ms, 3) for ms in times]
    return samples


def spawn_worker(backend: str, rounds: int) -> dict[str, dict[str, list[float]]]:
    """One process per backend: Django configures its database once per process."""
    worker = subprocess.run(
        [sys.executable, __file__, "--worker", backend, str(rounds)], stdout=subprocess.PIPE, text=True, check=False
    )
    if worker.returncode != 0:
        raise RuntimeError(f"The benchmark worker on {backend} failed (exit status {worker.returncode}); see above.")
    return dict(json.loads(worker.stdout.strip().splitlines()[-1]))


def run(backends: list[str], rounds: int) -> Measurements:
    results = Measurements()
    for backend in backends:
        for op, by_name in spawn_worker(backend, rounds).items():
            for name, times in by_name.items():
                for ms in times:
                    results.add(backend, op, name, ms)
    return results


# The targets: at least as fast as Tortoise, 1.5x faster than Django's async API, within 2x of the raw
# driver on the fetches.
FETCHES = {"fetch_all", "filter_slice", "select_related"}


def missed_targets(ms: dict[str, float], op: str) -> list[str]:
    missed = []
    if ms["Tortoise"] / ms["Covet"] < 1.0:
        missed.append("slower than Tortoise")
    if ms["Django"] / ms["Covet"] < 1.5:
        missed.append("< 1.5x Django")
    if op in FETCHES and ms["Covet"] / ms["raw driver"] > 2.0:
        missed.append("> 2x raw")
    return missed


def render(results: Measurements, backends: list[str]) -> str:
    names = ["Covet", "Tortoise", "Django", "raw driver"]
    titles = {"sqlite": "SQLite (aiosqlite)", "postgresql": "PostgreSQL (asyncpg; Django on psycopg 3)"}
    lines = []
    for backend in backends:
        lines += [
            f"### {titles[backend]}",
            "",
            "| operation | " + " | ".join(f"{name} ms" for name in names)
            + " | Tortoise / Covet | Django / Covet | Covet / raw | targets |",
            "|---|" + "---:|" * (len(names) + 3) + "---|",
        ]  # fmt: skip
        for op, label in OPERATIONS:
            ms = {name: results.best(backend, op, name) for name in names}
            missed = missed_targets(ms, op)
            verdict = "MISSED: " + ", ".join(missed) if missed else "met"
            lines.append(
                f"| {label} | " + " | ".join(f"{ms[name]:.1f}" for name in names)
                + f" | {ms['Tortoise'] / ms['Covet']:.2f}x | {ms['Django'] / ms['Covet']:.2f}x"
                + f" | {ms['Covet'] / ms['raw driver']:.2f}x | {verdict} |"
            )  # fmt: skip
        lines += [
            "",
            "Median over the rounds of each round's ratio (contenders of one round run back to back):",
            "",
            "| operation | Tortoise / Covet | Django / Covet | Covet / raw |",
            "|---|---:|---:|---:|",
        ]
        for op, label in OPERATIONS:
            lines.append(
                f"| {label} | {results.round_ratio(backend, op, 'Tortoise', 'Covet'):.2f}x"
                f" | {results.round_ratio(backend, op, 'Django', 'Covet'):.2f}x"
                f" | {results.round_ratio(backend, op, 'Covet', 'raw driver'):.2f}x |"
            )
        lines.append("")
    return "\n".join(lines)


def environment() -> str:
    import aiosqlite
    import asyncpg
    import django
    import sqlalchemy
    import tortoise

    return (
        f"Python {platform.python_version()} on {platform.machine()} ({os.cpu_count()} CPUs, shared), "
        f"SQLAlchemy {sqlalchemy.__version__}, Django {django.__version__}, Tortoise {tortoise.__version__}, "
        f"aiosqlite {aiosqlite.__version__}, asyncpg {asyncpg.__version__}."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--output",
        type=Path,
        help="Also write the Markdown table (and the raw samples, as JSON, "
        "next to it with the suffix .raw.json) to this file.",
    )
    parser.add_argument("--rounds", type=int, default=5, help="Rounds per backend; each cell keeps its best.")
    parser.add_argument("--worker", nargs=2, metavar=("BACKEND", "ROUNDS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asyncio.run(run_worker(args.worker[0], int(args.worker[1])))))
        return
    backends = [backend.strip() for backend in args.backends.split(",") if backend.strip()]
    results = run(backends, args.rounds)
    table = render(results, backends)
    print(table)
    print(environment())
    if args.output is not None:
        note = f"Best of {args.rounds} rounds per cell; raw samples in {args.output.with_suffix('.raw.json').name}."
        args.output.write_text(table + "\n" + environment() + "\n" + note + "\n")
        raw = {
            backend: {
                op: {name: times for (b, o, name), times in results.samples.items() if (b, o) == (backend, op)}
                for op, _label in OPERATIONS
            }
            for backend in backends
        }
        args.output.with_suffix(".raw.json").write_text(json.dumps(raw, indent=1) + "\n")


if __name__ == "__main__":
    main()
