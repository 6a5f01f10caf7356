"""The changelist: search (across relations, SQL metacharacters harmless), filters, date drill-down, sorting,
pages with counts, list_editable, and a number of queries that does not grow with the page size."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from admin_project import AdminProject, csrf_of
from sqlalchemy import event

from covet.orm import get_engine

POSTS = "/admin/admin_testapp/post/"


def titles(html: str) -> list[str]:
    found = re.findall(r'<td class="field-title">\s*<a href="[^"]+">([^<]*)</a>', html)
    return [html_module.unescape(title) for title in found]


async def seed(project: AdminProject) -> dict[str, Any]:
    models = project.models
    users = project.users
    news = await models.Category.objects.create(name="News")
    sport = await models.Category.objects.create(name="Sport")
    rows = [
        ("Alpha 100% done", users["root"], news, "live", True, 5, dt.datetime(2024, 3, 5, 12, tzinfo=dt.UTC)),
        ("Beta under_score", users["viewer"], sport, "draft", False, 2, dt.datetime(2024, 7, 9, 12, tzinfo=dt.UTC)),
        ("Gamma O'Brien", users["viewer"], None, "live", True, 9, dt.datetime(2025, 1, 2, 12, tzinfo=dt.UTC)),
    ]
    for title, author, category, status, published, rating, created in rows:
        await models.Post.objects.create(
            title=title,
            author=author,
            category=category,
            status=status,
            published=published,
            rating=rating,
            created=created,
        )
    return {"news": news, "sport": sport}


async def test_search_across_relations_and_with_sql_metacharacters(project: AdminProject) -> None:
    await seed(project)
    client = await project.client("root")
    assert sorted(titles((await client.get(POSTS + "?q=viewer")).text)) == ["Beta under_score", "Gamma O'Brien"]
    assert titles((await client.get(POSTS + "?q=sport")).text) == ["Beta under_score"]
    assert titles((await client.get(POSTS + "?q=alpha+news")).text) == ["Alpha 100% done"]  # every word matches
    for term, expected in [
        ("100%", ["Alpha 100% done"]),
        ("%", ["Alpha 100% done"]),
        ("_", ["Beta under_score"]),
        ("O'Brien", ["Gamma O'Brien"]),
        ("' OR 1=1 --", []),
        ('"; DROP TABLE auth_user; --', []),
        ("\\", []),
        ("[a-z]*", []),
    ]:
        response = await client.get(POSTS, params={"q": term})
        assert response.status_code == 200, term
        assert titles(response.text) == expected, term
    page = await client.get(POSTS, params={"q": "' OR 1=1 --"})
    assert "No posts match this search or filter." in page.text and "0 results" in page.text
    assert await project.models.Post.objects.count() == 3
    assert await project.users["root"].__class__.objects.count() == 3


async def test_filters_booleans_choices_foreign_keys_dates(project: AdminProject) -> None:
    cats = await seed(project)
    client = await project.client("root")
    assert sorted(titles((await client.get(POSTS + "?published__exact=1")).text)) == [
        "Alpha 100% done",
        "Gamma O'Brien",
    ]
    assert titles((await client.get(POSTS + "?status__exact=draft")).text) == ["Beta under_score"]
    assert titles((await client.get(POSTS + f"?category__id__exact={cats['sport'].pk}")).text) == ["Beta under_score"]
    assert titles((await client.get(POSTS + "?category__isnull=1")).text) == ["Gamma O'Brien"]
    author = project.users["root"].pk
    assert titles((await client.get(POSTS + f"?author__id__exact={author}")).text) == ["Alpha 100% done"]
    dated = await client.get(POSTS + "?created__gte=2024-01-01&created__lt=2024-12-31")
    assert sorted(titles(dated.text)) == ["Alpha 100% done", "Beta under_score"]
    combined = await client.get(POSTS + "?published__exact=1&status__exact=live&q=gamma")
    assert titles(combined.text) == ["Gamma O'Brien"]
    assert "1 result" in combined.text and "3 total" in combined.text
    page = await client.get(POSTS + "?published__exact=1")
    assert 'class="selected"><a href="?published__exact=1" aria-current="true">Yes</a>' in page.text


async def test_bad_filter_values_are_reported_and_ignored(project: AdminProject) -> None:
    await seed(project)
    client = await project.client("root")
    for query in (
        "?published__exact=maybe",
        "?status__exact=nope",
        "?category__id__exact=abc",
        "?created__gte=not-a-date",
        "?created__year=twenty",
    ):
        response = await client.get(POSTS + query)
        assert response.status_code == 200, query
        assert "was ignored" in response.text, query
        assert len(titles(response.text)) == 3, query


async def test_date_hierarchy_drills_down(project: AdminProject) -> None:
    await seed(project)
    client = await project.client("root")
    top = await client.get(POSTS)
    assert '<a href="?created__year=2024">2024</a>' in top.text and '<a href="?created__year=2025">2025</a>' in top.text
    year = await client.get(POSTS + "?created__year=2024")
    assert sorted(titles(year.text)) == ["Alpha 100% done", "Beta under_score"]
    assert "March 2024" in year.text and "July 2024" in year.text
    month = await client.get(POSTS + "?created__year=2024&created__month=7")
    assert titles(month.text) == ["Beta under_score"] and "July 9" in month.text


async def test_sorting_by_columns(project: AdminProject) -> None:
    await seed(project)
    client = await project.client("root")
    assert titles((await client.get(POSTS)).text) == ["Gamma O'Brien", "Beta under_score", "Alpha 100% done"]
    assert titles((await client.get(POSTS + "?o=0")).text) == ["Alpha 100% done", "Beta under_score", "Gamma O'Brien"]
    assert titles((await client.get(POSTS + "?o=-5")).text) == [
        "Gamma O'Brien",
        "Alpha 100% done",
        "Beta under_score",
    ]  # rating, descending
    by_author = titles((await client.get(POSTS + "?o=1.0")).text)  # author__username, then title
    assert by_author == ["Alpha 100% done", "Beta under_score", "Gamma O'Brien"]
    assert titles((await client.get(POSTS + "?o=-7")).text)[0] == "Gamma O'Brien"  # a callable's ordering field
    page = await client.get(POSTS + "?o=0")
    assert 'aria-sort="ascending"' in page.text and 'href="?o=-0"' in page.text
    for junk in ("?o=99", "?o=abc", "?o=-", "?o=1..2"):
        assert (await client.get(POSTS + junk)).status_code == 200


async def test_pagination_with_counts(project: AdminProject) -> None:
    root = project.users["root"]
    await project.models.Post.objects.bulk_create(
        [project.models.Post(title=f"Post {n:03}", author=root, rating=n) for n in range(45)]
    )
    client = await project.client("root")
    first = await client.get(POSTS + "?o=5")
    assert len(titles(first.text)) == 20 and "45 posts" in first.text
    assert 'aria-current="page">1<' in first.text and 'href="?o=5&amp;p=3"' in first.text
    last = await client.get(POSTS + "?o=5&p=3")
    assert titles(last.text) == [f"Post {n:03}" for n in range(40, 45)]
    beyond = await client.get(POSTS + "?o=5&p=99")
    assert titles(beyond.text) == titles(last.text)
    assert len(titles((await client.get(POSTS + "?p=-1")).text)) == 20
    assert len(titles((await client.get(POSTS + "?all=")).text)) == 45


async def test_list_editable_saves_changed_rows_and_logs_them(project: AdminProject) -> None:
    await seed(project)
    client = await project.client("root")
    page = await client.get(POSTS + "?o=0")
    ids = re.findall(r'name="form-(\d+)-id" value="(\d+)"', page.text)
    data: dict[str, Any] = {
        "_save": "1",
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "3",
        "csrf_token": csrf_of(page.text),
    }
    for index, pk in ids:
        data[f"form-{index}-id"] = pk
        data[f"form-{index}-rating"] = (
            "7" if index == "0" else re.search(rf'name="form-{index}-rating" value="(-?\d+)"', page.text).group(1)
        )  # type: ignore[union-attr]
    saved = await client.post(POSTS + "?o=0", data=data)
    assert saved.status_code == 303
    alpha = await project.models.Post.objects.get(title="Alpha 100% done")
    assert alpha.rating == 7
    from covet.admin.models import LogEntry

    assert [e.change_message for e in await LogEntry.objects.all()] == ["Changed rating."]
    data["form-1-rating"] = "not a number"
    refused = await client.post(POSTS + "?o=0", data=data)
    assert refused.status_code == 400 and "Enter a whole number." in refused.text
    assert 'value="not a number"' in refused.text


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    statements: list[str] = []
    engine = get_engine("default").sync_engine

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_changelist_queries_do_not_grow_with_the_page_size(project: AdminProject) -> None:
    from covet import admin

    cats = await seed(project)
    root = project.users["root"]
    await project.models.Post.objects.bulk_create(
        [project.models.Post(title=f"Bulk {n}", author=root, category=cats["news"]) for n in range(200)]
    )
    client = await project.client("root")
    post_admin = admin.site.get_model_admin(project.models.Post)
    counts = {}
    for per_page in (5, 200):
        post_admin.list_per_page = per_page
        await client.get(POSTS)  # warm: the session and user are loaded the same way on each request
        with counting_queries() as statements:
            response = await client.get(POSTS)
        assert len(titles(response.text)) == per_page
        counts[per_page] = len(statements)
    post_admin.list_per_page = 20
    print("queries per changelist page:", counts)
    assert counts[5] == counts[200], counts
    assert counts[200] <= 15, counts


async def test_times_are_shown_in_the_time_zone_setting(project: AdminProject) -> None:
    from covet.conf import settings

    await project.models.Post.objects.create(
        title="Timed", author=project.users["root"], created=dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
    )
    client = await project.client("root")
    with settings.override(TIME_ZONE="Europe/Paris"):
        page = await client.get(POSTS)
    assert "2024-06-01 14:00" in page.text
    assert "Admin Testapp</a>" in (await client.get(f"{POSTS}add/")).text  # the app's name in the breadcrumbs
