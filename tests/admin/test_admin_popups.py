"""The "+" related-object popups: which selects get the link, the add form in popup mode, the response page that
hands the new object back to the opener, and the ``_to_field`` check."""

from __future__ import annotations

import html
import json
import re

from admin_project import AdminProject, csrf_of, grant

from covet import admin

POSTS = "/admin/admin_testapp/post/"
CATEGORY_POPUP = "/admin/admin_testapp/category/add/?_to_field=id&_popup=1"


def add_links(page: str) -> dict[str, str]:
    """``select id -> href`` of the "+" links of a page."""
    found = re.findall(r'<a class="related-widget-wrapper-link add-related" id="add_([^"]+)" href="([^"]+)"', page)
    return {element_id: html.unescape(href) for element_id, href in found}


async def test_relation_selects_get_an_add_link_to_the_related_add_form(project: AdminProject) -> None:
    client = await project.client("root")
    page = (await client.get(f"{POSTS}add/")).text
    assert add_links(page) == {
        "id_author": "/admin/auth/user/add/?_to_field=id&_popup=1",
        "id_category": CATEGORY_POPUP,  # an autocomplete select too
        "id_tags": "/admin/admin_testapp/tag/add/?_to_field=id&_popup=1",
    }
    comment_page = (await client.get("/admin/admin_testapp/comment/add/")).text
    assert add_links(comment_page) == {}  # raw_id_fields=["post"]: a typed key, no list to add to

    admin.site.unregister(project.models.Tag)
    page = (await client.get(f"{POSTS}add/")).text
    assert "id_tags" not in add_links(page) and "id_category" in add_links(page)


async def test_the_link_needs_add_permission_on_the_related_model(project: AdminProject) -> None:
    from covet.auth.models import User

    user = await User.objects.create_user("editor", "editor@example.com", "orbit-Lantern-73-quill", is_staff=True)
    await grant(user, "add_post", "change_post", "add_tag")
    client = await project.client("editor")
    add_page = (await client.get(f"{POSTS}add/")).text
    assert set(add_links(add_page)) == {"id_tags"}
    post = await project.models.Post.objects.create(title="Mine", author=project.users["root"])
    assert set(add_links((await client.get(f"{POSTS}{post.pk}/change/")).text)) == {"id_tags"}

    viewer_client = await project.client("viewer")  # view_post only: a read-only page offers no "+"
    view_page = await viewer_client.get(f"{POSTS}{post.pk}/change/")
    assert view_page.status_code == 200 and add_links(view_page.text) == {}


async def test_popup_add_answers_with_the_new_object_for_the_opener(project: AdminProject) -> None:
    from covet.admin.models import LogEntry

    client = await project.client("root")
    form = await client.get(CATEGORY_POPUP)
    assert form.status_code == 200
    page = form.text
    assert 'class="admin-header"' not in page and 'class="breadcrumbs"' not in page  # a bare popup
    assert '<input type="hidden" name="_popup" value="1">' in page
    assert '<input type="hidden" name="_to_field" value="id">' in page
    assert 'name="_save"' in page and 'name="_continue"' not in page and 'name="_addanother"' not in page

    invalid = await client.post(CATEGORY_POPUP, data={"name": "", "_popup": "1", "_to_field": "id", "_save": "1",
                                                      "csrf_token": csrf_of(page)})  # fmt: skip
    assert invalid.status_code == 400 and 'name="_popup" value="1"' in invalid.text

    saved = await client.post(CATEGORY_POPUP, data={"name": "Science & tech", "_popup": "1", "_to_field": "id",
                                                    "_save": "1", "csrf_token": csrf_of(page)})  # fmt: skip
    assert saved.status_code == 200, saved.text[:1000]
    category = await project.models.Category.objects.get(name="Science & tech")
    match = re.search(r'data-popup-response="([^"]+)"', saved.text)
    assert match is not None and "/static/admin/popup_response.js" in saved.text
    assert json.loads(html.unescape(match.group(1))) == {"value": str(category.pk), "obj": "Science & tech"}
    assert "was added successfully" in saved.text  # what a window without an opener shows
    entry = await LogEntry.objects.filter(object_id=str(category.pk)).first()
    assert entry is not None and entry.change_message == "Added."

    index = await client.get("/admin/admin_testapp/category/")
    assert "was added successfully" not in index.text  # the popup left no message for the main window


async def test_a_to_field_no_relation_points_at_is_refused(project: AdminProject) -> None:
    client = await project.client("root")
    refused = await client.get("/admin/admin_testapp/category/add/?_to_field=name&_popup=1")
    assert refused.status_code == 400 and "cannot be referenced" in refused.text
    page = await client.get(CATEGORY_POPUP)
    posted = await client.post(
        "/admin/admin_testapp/category/add/",
        data={"name": "Sneaky", "_popup": "1", "_to_field": "name", "csrf_token": csrf_of(page.text)},
    )
    assert posted.status_code == 400
    assert not await project.models.Category.objects.filter(name="Sneaky").exists()
