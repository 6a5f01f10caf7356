"""``filter_horizontal`` / ``filter_vertical``: the many-to-many select is marked for the two-box widget of
admin.js, and stays a plain ``<select multiple>`` that a browser without JavaScript submits."""

from __future__ import annotations

import re

import pytest
from admin_project import AdminProject, form_data

from covet import admin

POSTS = "/admin/admin_testapp/post/"


def selector_of(page: str, name: str) -> str:
    match = re.search(rf'<div class="selector[^"]*"[^>]*>(?:(?!</div>).)*name="{name}".*?</div>', page, re.S)
    assert match is not None, f"no selector for {name} in the page"
    return match.group(0)


async def test_filter_horizontal_and_vertical_mark_the_select(
    project: AdminProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    tags = [await project.models.Tag.objects.create(name=name) for name in ("alpha", "beta", "gamma")]
    post = await project.models.Post.objects.create(title="Tagged", author=project.users["root"])
    await post.tags.add(tags[1])
    client = await project.client("root")
    horizontal = selector_of((await client.get(f"{POSTS}{post.pk}/change/")).text, "tags")
    assert 'class="selector two-box horizontal" data-two-box="horizontal" data-verbose-name="tags"' in horizontal
    assert '<select name="tags" multiple class="filtered" id="id_tags">' in horizontal
    assert f'<option value="{tags[1].pk}" selected>beta</option>' in horizontal
    assert f'<option value="{tags[0].pk}">alpha</option>' in horizontal

    post_admin = type(admin.site.get_model_admin(project.models.Post))
    monkeypatch.setattr(post_admin, "filter_horizontal", ())
    monkeypatch.setattr(post_admin, "filter_vertical", ["tags"])
    vertical = selector_of((await client.get(f"{POSTS}{post.pk}/change/")).text, "tags")
    assert 'class="selector two-box stacked" data-two-box="vertical"' in vertical

    monkeypatch.setattr(post_admin, "filter_vertical", ())
    plain = selector_of((await client.get(f"{POSTS}{post.pk}/change/")).text, "tags")
    assert "data-two-box" not in plain and 'class="selector"' in plain  # the one-box filterable select


async def test_the_plain_multi_select_saves_without_javascript(project: AdminProject) -> None:
    tags = [await project.models.Tag.objects.create(name=name) for name in ("alpha", "beta", "gamma")]
    post = await project.models.Post.objects.create(title="Tagged", author=project.users["root"])
    await post.tags.add(tags[0])
    client = await project.client("root")
    url = f"{POSTS}{post.pk}/change/"
    chosen = [str(tags[1].pk), str(tags[2].pk)]
    data = {**form_data(title="Tagged", author=str(project.users["root"].pk)), "tags": chosen, "_save": "1"}
    saved = await project.post_form(client, url, data)
    assert saved.status_code == 303, saved.text[:1000]
    assert sorted(t.name for t in await post.tags.all()) == ["beta", "gamma"]
