"""The admin in a real browser: a project made by `covet new`, migrated, with a superuser, served by
`covet runserver`, driven through headless Chromium with Playwright.

A second test uses the "+" popup of a ForeignKey select, the two-box many-to-many widget (``filter_horizontal``)
and "Save as new" (``save_as``, switched on in the generated blog's admin.py by the fixture).

Screenshots of the changelist, the change form, the popup and the two-box widget are written to test-artifacts/
(not committed). Skipped
when /usr/bin/chromium or the playwright package is missing, unless CI=true (then it fails).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import covet

REPO = Path(covet.__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Saffron-kettle-48-orbit"

try:
    from playwright.sync_api import Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None  # type: ignore[assignment]

_missing = [
    reason
    for reason, absent in (
        ("/usr/bin/chromium is not installed (apt-get install -y chromium chromium-driver)", not CHROMIUM.exists()),
        (
            "the playwright package is not installed (pip install playwright; no `playwright install` needed)",
            sync_playwright is None,
        ),
    )
    if absent
]
if _missing:
    if os.environ.get("CI") == "true":
        pytest.fail("The admin browser test needs " + " and ".join(_missing) + " when CI=true.", pytrace=False)
    pytestmark = pytest.mark.skip(reason="; ".join(_missing))

# Another author, and a few posts so that the screenshots show a lived-in changelist.
SEED = """
from covet.auth.models import User
from blog.models import Post
maria = await User.objects.create_user("maria", "maria@example.com", "Another-long-pass-77")
admin = await User.objects.get(username="admin")
for title, author, published in [
    ("Welcome to the newsroom", admin, True),
    ("Style guide for contributors", maria, True),
    ("Draft: quarterly numbers", admin, False),
    ("Interview with the design team", maria, False),
    ("Roadmap for the next release", admin, False),
]:
    await Post.objects.create(title=title, body="...", author=author, published=published)
"""


def run_cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "covet", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        start_new_session=True,
    )
    assert result.returncode == 0, f"covet {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, server: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"covet runserver exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"covet runserver did not listen on port {port} within {timeout} s")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("COVET_") and k not in ("DATABASE_URL", "SECRET_KEY")
    }
    env.update(
        PYTHONPATH=str(REPO),
        COVET_SUPERUSER_USERNAME="admin",
        COVET_SUPERUSER_EMAIL="admin@example.com",
        COVET_SUPERUSER_PASSWORD=PASSWORD,
    )
    parent = tmp_path_factory.mktemp("browser")
    run_cli("new", "newsroom", cwd=parent, env=env)
    root = parent / "newsroom"
    for needed in ("models.py", "admin.py"):
        assert (root / "blog" / needed).exists(), f"covet new made no blog/{needed}: the test relies on the template's"
    with (root / "blog" / "admin.py").open("a") as blog_admin:
        blog_admin.write("\nPostAdmin.save_as = True  # added by the browser test\n")
    run_cli("makemigrations", cwd=root, env=env)
    run_cli("migrate", cwd=root, env=env)
    run_cli("createsuperuser", "--noinput", cwd=root, env=env)
    run_cli(
        "shell",
        "-c",
        SEED,
        cwd=root,
        env=env,
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "covet", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr is not None:
            server.stderr.close()


@pytest.fixture
def page(site: str) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 860})
            yield context.new_page()
        finally:
            browser.close()


def sign_in(page: Page) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=%2Fadmin%2F$"))
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Site administration")


def test_a_post_from_creation_to_deletion(page: Page) -> None:
    sign_in(page)

    # create, choosing the author in the ForeignKey select
    page.click("text=Posts")
    page.click("a.addlink >> text=Add post")
    page.fill("#id_title", "Launch notes")
    page.fill("#id_body", "Everything we shipped this week.")
    page.select_option("#id_author", label="maria")
    page.check("#id_published")
    page.click("button[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator("#result_list")).to_contain_text("Launch notes")
    expect(page.locator("#result_list")).to_contain_text("maria")
    page.screenshot(path=str(ARTIFACTS / "admin_changelist.png"), full_page=True)

    # edit
    page.click("#result_list >> text=Launch notes")
    page.screenshot(path=str(ARTIFACTS / "admin_change_form.png"), full_page=True)
    page.fill("#id_title", "Launch notes, revised")
    page.click("button[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator("#id_title")).to_have_value("Launch notes, revised")

    # history of the object
    page.click("a.historylink")
    expect(page.locator("#change-history")).to_contain_text("Added.")
    expect(page.locator("#change-history")).to_contain_text("Changed title.")
    page.go_back()

    # search, then filter
    page.goto("/admin/blog/post/")
    page.fill("#searchbar", "revised")
    page.press("#searchbar", "Enter")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.fill("#searchbar", "no such post")
    page.press("#searchbar", "Enter")
    expect(page.locator(".empty-results")).to_be_visible()
    page.goto("/admin/blog/post/")
    page.click("#changelist-filter >> text=Yes")
    expect(page).to_have_url(re.compile(r"\?published__exact=1$"))
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    page.screenshot(path=str(ARTIFACTS / "admin_changelist_filtered.png"), full_page=True)

    # the generated blog shows exactly the published posts
    page.goto("/blog/")
    expect(page.locator("main article")).to_have_count(3)
    expect(page.locator("main")).to_contain_text("Launch notes, revised")
    page.go_back()

    # delete through the action, with its confirmation page
    page.locator("#result_list tr", has_text="Launch notes, revised").locator("input.action-select").check()
    expect(page.locator(".action-counter")).to_have_text("1 of 3 selected")
    page.select_option("#action-select", "delete_selected")
    page.click("button[name=index]")
    expect(page.locator("h1")).to_have_text("Are you sure?")
    expect(page.locator(".deleted-objects")).to_contain_text("Launch notes, revised")
    page.click("text=Yes, I\u2019m sure")
    expect(page.locator(".messagelist")).to_contain_text("Successfully deleted 1 post.")
    expect(page.locator("#result_list")).not_to_contain_text("Launch notes")
    page.goto("/blog/")
    expect(page.locator("main article")).to_have_count(2)
    expect(page.locator("main")).not_to_contain_text("Launch notes")

    # the whole story is in the recent actions
    page.goto("/admin/")
    expect(page.locator(".recent-actions")).to_contain_text("Launch notes, revised")
    expect(page.locator(".recent-actions li.deletelink")).to_have_count(1)
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=str(ARTIFACTS / "admin_index_dark.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(color_scheme="light")
    page.goto("/admin/blog/post/")
    page.screenshot(path=str(ARTIFACTS / "admin_changelist_mobile.png"), full_page=True)


def test_related_popup_two_box_widget_and_save_as_new(page: Page) -> None:
    sign_in(page)

    # "+" next to the author select: add a user in a popup; it comes back selected in the post form
    page.goto("/admin/blog/post/add/")
    page.fill("#id_title", "Popup-made post")
    page.fill("#id_body", "Written by someone added on the way.")
    with page.expect_popup() as opened:
        page.click("#add_id_author")
    popup = opened.value
    popup.wait_for_load_state()
    expect(popup).to_have_url(re.compile(r"/admin/auth/user/add/\?_to_field=id&_popup=1$"))
    expect(popup.locator(".admin-header")).to_have_count(0)
    popup.fill("#id_username", "nadia")
    popup.fill("#id_password1", "Lighthouse-pebble-93")
    popup.fill("#id_password2", "Lighthouse-pebble-93")
    popup.screenshot(path=str(ARTIFACTS / "admin_related_popup.png"), full_page=True)
    with popup.expect_event("close"):
        popup.click("button[name=_save]", no_wait_after=True)
    expect(page.locator("#id_author option:checked")).to_have_text("nadia")
    page.click("button[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("“Popup-made post” was added successfully")
    expect(page.locator("#result_list tr", has_text="Popup-made post")).to_contain_text("nadia")

    # the two-box widget of a group's permissions: filter, choose two, save; the choice is kept
    page.goto("/admin/auth/group/add/")
    page.fill("#id_name", "Editors")
    expect(page.locator("#id_permissions")).to_be_hidden()
    page.fill("#id_permissions_input", "blog.")
    expect(page.locator("#id_permissions_from option")).to_have_count(4)
    page.select_option("#id_permissions_from", ["blog.add_post", "blog.change_post"])
    page.click("#id_permissions_add_link")
    expect(page.locator("#id_permissions_to option")).to_have_text(["blog.add_post", "blog.change_post"])
    expect(page.locator("#id_permissions_from option")).to_have_count(2)
    page.screenshot(path=str(ARTIFACTS / "admin_filter_horizontal.png"), full_page=True)
    page.click("button[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("“Editors” was added successfully")
    expect(page.locator("#id_permissions_to option")).to_have_text(["blog.add_post", "blog.change_post"])
    page.dblclick("#id_permissions_to >> text=blog.add_post")
    expect(page.locator("#id_permissions_to option")).to_have_text(["blog.change_post"])
    page.click("button[name=_continue]")
    expect(page.locator("#id_permissions_to option")).to_have_text(["blog.change_post"])

    # "Save as new" on the post: a copy with the edited title, the original unchanged
    page.goto("/admin/blog/post/")
    page.click("#result_list >> text=Popup-made post")
    original_url = page.url
    page.fill("#id_title", "Popup-made post, the copy")
    page.click("button[name=_saveasnew]")
    expect(page.locator(".messagelist")).to_contain_text("“Popup-made post, the copy” was added successfully")
    expect(page.locator("#id_title")).to_have_value("Popup-made post, the copy")
    assert page.url != original_url
    expect(page.locator("#id_author option:checked")).to_have_text("nadia")
    page.goto(original_url)
    expect(page.locator("#id_title")).to_have_value("Popup-made post")
