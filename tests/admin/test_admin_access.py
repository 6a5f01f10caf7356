"""Who gets in: the login page for visitors and non-staff, 403 for staff without the permission, CSRF, rate limit."""

from __future__ import annotations

import re

from admin_project import PASSWORD, AdminProject, csrf_of

from covet.conf import settings

POSTS = "/admin/admin_testapp/post/"


async def test_anonymous_visitor_is_sent_to_the_login_page(project: AdminProject) -> None:
    client = await project.client()
    for path in ("/admin/", POSTS, f"{POSTS}add/", "/admin/password_change/", "/admin/autocomplete/"):
        response = await client.get(path)
        assert response.status_code == 302, path
        assert response.headers["location"].startswith("/admin/login/?next=")
    page = await client.get("/admin/login/?next=/admin/admin_testapp/post/")
    assert 'name="username"' in page.text and 'id="id_password"' in page.text
    assert 'value="/admin/admin_testapp/post/"' in page.text


async def test_login_takes_staff_to_next_and_refuses_an_open_redirect(project: AdminProject) -> None:
    client = await project.client()
    page = await client.get("/admin/login/")
    response = await client.post(
        "/admin/login/",
        data={"username": "root", "password": PASSWORD, "next": POSTS, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 303 and response.headers["location"] == POSTS
    other = await project.client()
    page = await other.get("/admin/login/")
    response = await other.post(
        "/admin/login/",
        data={
            "username": "root",
            "password": PASSWORD,
            "next": "https://evil.example/",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.headers["location"] == "/admin/"


async def test_non_staff_and_wrong_password_get_the_form_back_with_an_error(project: AdminProject) -> None:
    client = await project.client()
    for username, password in (("visitor", PASSWORD), ("root", "wrong"), ("nobody", PASSWORD), ("", "")):
        page = await client.get("/admin/login/")
        response = await client.post(
            "/admin/login/", data={"username": username, "password": password, "csrf_token": csrf_of(page.text)}
        )
        assert response.status_code == 400
        assert "correct username and password for a staff account" in response.text
        assert f'value="{username}"' in response.text  # what was typed is kept
    assert (await client.get("/admin/")).status_code == 302  # still not signed in


async def test_staff_without_permission_gets_403_everywhere(project: AdminProject) -> None:
    post = await project.models.Post.objects.create(title="Kept", author=project.users["root"])
    client = await project.client("viewer")  # staff, holds only view_post
    assert (await client.get(POSTS)).status_code == 200
    assert (await client.get(f"{POSTS}{post.pk}/change/")).status_code == 200  # read-only view
    assert (await client.get("/admin/admin_testapp/category/")).status_code == 403
    assert (await client.get(f"{POSTS}add/")).status_code == 403
    assert (await client.get(f"{POSTS}{post.pk}/delete/")).status_code == 403
    page = await client.get(POSTS)
    token = csrf_of(page.text)
    assert "delete_selected" not in page.text and "make_published" not in page.text
    refused = await client.post(f"{POSTS}{post.pk}/change/", data={"title": "Changed", "csrf_token": token})
    assert refused.status_code == 403
    action = await client.post(
        POSTS, data={"action": "delete_selected", "_selected_action": str(post.pk), "post": "yes", "csrf_token": token}
    )
    assert action.status_code == 403
    editable = await client.post(
        POSTS, data={"_save": "1", "form-0-id": str(post.pk), "form-0-rating": "5", "csrf_token": token}
    )
    assert editable.status_code == 403
    again = await project.models.Post.objects.get(pk=post.pk)
    assert again.title == "Kept" and again.rating == 0
    index = await client.get("/admin/")
    assert "Posts" in index.text and "Categories" not in index.text


async def test_read_only_change_page_has_disabled_inputs_and_no_save(project: AdminProject) -> None:
    post = await project.models.Post.objects.create(title="Look only", author=project.users["root"])
    client = await project.client("viewer")
    page = await client.get(f"{POSTS}{post.pk}/change/")
    assert "View post" in page.text
    assert 'name="_save"' not in page.text
    title_input = re.search(r'<input[^>]*name="title"[^>]*>', page.text)
    assert title_input is not None and " disabled" in title_input.group(0)
    assert "Look only" in title_input.group(0)


async def test_post_without_csrf_token_is_refused(project: AdminProject) -> None:
    client = await project.client("root")
    response = await client.post(f"{POSTS}add/", data={"title": "No token", "author": "1"})
    assert response.status_code == 403
    assert await project.models.Post.objects.count() == 0


async def test_login_is_rate_limited(project: AdminProject) -> None:
    client = await project.client()
    with settings.override(RATELIMIT_ENABLED=True, ADMIN_LOGIN_RATE="3/m"):
        statuses = []
        for _ in range(4):
            page = await client.get("/admin/login/")
            response = await client.post(
                "/admin/login/", data={"username": "root", "password": "wrong", "csrf_token": csrf_of(page.text)}
            )
            statuses.append(response.status_code)
    assert statuses == [400, 400, 400, 429]


async def test_logout_ends_the_session(project: AdminProject) -> None:
    client = await project.client("root")
    page = await client.get("/admin/")
    response = await client.post("/admin/logout/", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 200 and "Log in again" in response.text
    assert (await client.get("/admin/")).status_code == 302


async def test_password_change_validates_then_keeps_the_user_signed_in(project: AdminProject) -> None:
    client = await project.client("root")
    url = "/admin/password_change/"
    wrong = await project.post_form(client, url, {"old_password": "nope", "new_password1": "a", "new_password2": "b"})
    assert wrong.status_code == 400
    assert "old password was entered incorrectly" in wrong.text and "didn\u2019t match" in wrong.text
    weak = await project.post_form(
        client, url, {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"}
    )
    assert weak.status_code == 400 and "errorlist" in weak.text
    new = "Vivid-harbor-58-tulip"
    done = await project.post_form(client, url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert done.status_code == 303
    assert (await client.get("/admin/")).status_code == 200
    user = await project.models.Post._meta.get_field("author").remote_model.objects.get(username="root")
    assert await user.check_password(new)


async def test_app_index_lists_only_what_the_user_may_see(project: AdminProject) -> None:
    root = await project.client("root")
    page = await root.get("/admin/admin_testapp/")
    assert page.status_code == 200
    assert all(name in page.text for name in ("Posts", "Categories", "Tags", "Comments"))
    viewer = await project.client("viewer")
    page = await viewer.get("/admin/admin_testapp/")
    assert "Posts" in page.text and "Categories" not in page.text
    assert 'class="viewlink"' in page.text and 'class="addlink"' not in page.text
    assert (await viewer.get("/admin/auth/")).status_code == 404
