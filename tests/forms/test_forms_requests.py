"""Binding forms to real requests through a CovetApp: urlencoded posts, multipart uploads, JSON, query strings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from covet.conf import settings
from covet.core import CovetApp
from covet.forms import CharField, FileField, Form, IntegerField
from covet.http import Request
from covet.routing import Router
from covet.templates import render
from covet.testing import TestClient


class CommentForm(Form):
    name = CharField(max_length=30)
    stars = IntegerField(min_value=1, max_value=5)
    text = CharField()


class AttachmentForm(Form):
    title = CharField()
    document = FileField(max_size=1000, allowed_extensions=["txt", "md"])


class SearchForm(Form):
    q = CharField(required=False, max_length=50)
    page = IntegerField(required=False, min_value=1)


router = Router()


@router.post("/comment")
async def comment(request: Request) -> Any:
    form = await CommentForm.from_request(request)
    if await form.is_valid():
        return {"saved": form.cleaned_data}
    return render(request, "form.html", {"form": form}, status_code=400)


@router.post("/attach")
async def attach(request: Request) -> Any:
    form = await AttachmentForm.from_request(request)
    if not await form.is_valid():
        return {"errors": form.errors.as_json_data()}, 400
    upload = form.cleaned_data["document"]
    return {"title": form.cleaned_data["title"], "filename": upload.filename, "content": (await upload.read()).decode()}


@router.get("/search")
async def search(request: Request) -> Any:
    form = await SearchForm.from_request(request)
    if not await form.is_valid():
        return {"errors": form.errors.as_json_data()}, 400
    return form.cleaned_data


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    (tmp_path / "form.html").write_text(
        '<form method="post">{{ form.as_div() }}<button>Send</button></form>', encoding="utf-8"
    )
    templates = [{"DIRS": [tmp_path], "APP_DIRS": False, "OPTIONS": {"bytecode_cache": False}}]
    with settings.override(TEMPLATES=templates), TestClient(CovetApp(router)) as test_client:
        yield test_client


def test_valid_urlencoded_post(client: TestClient) -> None:
    response = client.post("/comment", data={"name": "Ada", "stars": "5", "text": "Great"})
    assert response.status_code == 200
    assert response.json() == {"saved": {"name": "Ada", "stars": 5, "text": "Great"}}


def test_invalid_post_shows_errors_and_keeps_what_was_typed(client: TestClient) -> None:
    response = client.post("/comment", data={"name": "Ada <3", "stars": "9", "text": ""})
    assert response.status_code == 400
    html = response.text
    assert 'value="Ada &lt;3"' in html
    assert 'value="9"' in html
    assert "Ensure this value is less than or equal to 5." in html
    assert '<ul class="errorlist" id="id_text_error"><li>This field is required.</li></ul>' in html
    # and after the failed attempt the same data posted correctly is accepted
    assert client.post("/comment", data={"name": "Ada <3", "stars": "4", "text": "ok"}).status_code == 200


def test_multipart_upload(client: TestClient) -> None:
    response = client.post(
        "/attach", data={"title": "Notes"}, files={"document": ("notes.txt", b"hello file", "text/plain")}
    )
    assert response.status_code == 200
    assert response.json() == {"title": "Notes", "filename": "notes.txt", "content": "hello file"}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"document": ("big.txt", b"x" * 1001, "text/plain")},
         "The file is too large (1001 bytes); the limit is 1000 bytes."),
        ({"document": ("run.exe", b"MZ", "application/octet-stream")},
         "Files of type .exe are not allowed; allowed: .txt, .md."),
        ({"document": ("empty.txt", b"", "text/plain")}, "The submitted file is empty."),
        ({"document": ("", b"", "application/octet-stream")}, "This field is required."),
    ],
)  # fmt: skip
def test_bad_uploads_are_refused_with_a_reason(client: TestClient, files: dict[str, Any], message: str) -> None:
    response = client.post("/attach", data={"title": "T"}, files=files)
    assert response.status_code == 400
    assert response.json() == {"errors": {"document": [message]}}


def test_file_field_posted_without_multipart_says_to_fix_the_encoding(client: TestClient) -> None:
    response = client.post("/attach", data={"title": "T", "document": "notes.txt"})
    assert response.status_code == 400
    assert response.json()["errors"]["document"] == [
        'No file was submitted. Check the form\'s encoding (enctype="multipart/form-data").'
    ]


def test_text_field_sent_as_a_file_part_is_not_taken_as_text(client: TestClient) -> None:
    response = client.post("/attach", files={"title": ("t.txt", b"sneaky", "text/plain"),
                                             "document": ("a.txt", b"x", "text/plain")})  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {"errors": {"title": ["This field is required."]}}


def test_json_body(client: TestClient) -> None:
    response = client.post("/comment", json={"name": "Bo", "stars": 3, "text": "fine"})
    assert response.json() == {"saved": {"name": "Bo", "stars": 3, "text": "fine"}}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"[1, 2]", "The JSON body must be an object mapping field names to values."),
        (b"{not json", "The request body is not valid JSON"),
    ],
)
@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
def test_bad_json_bodies_get_a_json_400(client: TestClient, body: bytes, detail: str, accept: str | None) -> None:
    headers = {"content-type": "application/json", **({"accept": accept} if accept else {})}
    response = client.post("/comment", content=body, headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert detail in response.json()["detail"]
    assert client.post("/comment", json={"name": "Bo", "stars": 3, "text": "still works"}).status_code == 200


def test_bad_json_body_from_a_client_asking_for_text_gets_text(client: TestClient) -> None:
    headers = {"content-type": "application/json", "accept": "text/plain"}
    response = client.post("/comment", content=b"[1, 2]", headers=headers)
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/plain")
    assert "The JSON body must be an object" in response.text


def test_get_form_binds_the_query_string(client: TestClient) -> None:
    assert client.get("/search", params={"q": "covet", "page": "2"}).json() == {"q": "covet", "page": 2}
    assert client.get("/search").json() == {"q": "", "page": None}
    response = client.get("/search", params={"page": "0"})
    assert response.status_code == 400
    assert response.json() == {"errors": {"page": ["Ensure this value is greater than or equal to 1."]}}
