"""Template errors: the DEBUG page points at the template file and line; production answers a plain 500."""

from __future__ import annotations

import html
import logging
from typing import Any

import pytest
from template_site import Site

from covet.core import CovetApp
from covet.http import Request
from covet.routing import Router
from covet.templates import render
from covet.testing import TestClient

HTML = {"accept": "text/html"}


def client_rendering(name: str, context: dict[str, Any] | None = None, *, debug: bool) -> TestClient:
    router = Router()

    @router.get("/page")
    async def page(request: Request) -> Any:
        return render(request, name, context or {})

    return TestClient(CovetApp(router, debug=debug), raise_server_exceptions=False)


def test_runtime_error_shows_the_template_line(site: Site) -> None:
    path = site.write(
        "broken.html",
        """
        <h1>Title</h1>
        <p>{{ items | length }}</p>
        <p>{{ 10 // divisor }}</p>
        <p>after</p>
        """,
    )
    response = client_rendering("broken.html", {"items": [1], "divisor": 0}, debug=True).get("/page", headers=HTML)
    assert response.status_code == 500
    page = html.unescape(response.text)
    assert "ZeroDivisionError" in page
    assert f"{path}</code>, line 3" in page
    assert "<p>{{ 10 // divisor }}</p>" in page  # the template source around the failing line


def test_error_in_an_included_template_points_at_that_template(site: Site) -> None:
    site.write("outer.html", "before {% include 'partials/inner.html' %} after")
    inner = site.write("partials/inner.html", "line one\n{{ missing.attribute.deeper }}\n")
    response = client_rendering("outer.html", debug=True).get("/page", headers=HTML)
    page = html.unescape(response.text)
    assert response.status_code == 500 and "UndefinedError" in page
    assert f"{inner}</code>, line 2" in page


def test_syntax_error_shows_the_template_line(site: Site) -> None:
    path = site.write("syntax.html", "<ul>\n{% for x in items %}\n<li>{{ x }</li>\n{% endfor %}\n</ul>\n")
    response = client_rendering("syntax.html", debug=True).get("/page", headers=HTML)
    page = html.unescape(response.text)
    assert response.status_code == 500 and "TemplateSyntaxError" in page
    assert f"{path}</code>, line 3" in page
    assert "<li>{{ x }</li>" in page


def test_missing_template_page_lists_the_searched_directories(site: Site) -> None:
    response = client_rendering("nowhere.html", debug=True).get("/page", headers=HTML)
    page = html.unescape(response.text)
    assert response.status_code == 500 and "TemplateDoesNotExist" in page
    assert "Searched, in order:" in page and str(site.templates) in page and str(site.app_templates) in page


def test_production_error_is_plain_and_the_log_names_the_template(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    path = site.write("secret.html", "{{ secret_value }}\n{{ 1 // 0 }}")
    with caplog.at_level(logging.ERROR, logger="covet.request"):
        response = client_rendering("secret.html", {"secret_value": "s3cr3t"}, debug=False).get("/page", headers=HTML)
    assert response.status_code == 500
    assert response.text.startswith("Internal Server Error (request id: ")
    assert "secret.html" not in response.text and "s3cr3t" not in response.text
    logged = "\n".join(record.getMessage() + "\n" + (caplog.text or "") for record in caplog.records)
    assert f"Raised in template {path}, line 2: {{{{ 1 // 0 }}}}" in logged


def test_template_error_in_a_response_made_by_middleware_still_gets_an_error_page(site: Site) -> None:
    site.write("maintenance.html", "Down for {{ 1 // 0 }} minutes")
    site.write("fixed.html", "Down for {{ minutes }} minutes")
    chosen = ["maintenance.html"]

    class Maintenance:
        def __init__(self, get_response: Any) -> None:
            self.get_response = get_response

        async def __call__(self, request: Request) -> Any:
            return render(request, chosen[0], {"minutes": 5}, status_code=503)

    router = Router()
    client = TestClient(CovetApp(router, middleware=[Maintenance], debug=True), raise_server_exceptions=False)
    response = client.get("/anything", headers=HTML)
    assert response.status_code == 500
    assert "ZeroDivisionError" in response.text and "maintenance.html" in html.unescape(response.text)
    chosen[0] = "fixed.html"
    response = client.get("/anything", headers=HTML)
    assert (response.status_code, response.text) == (503, "Down for 5 minutes")
