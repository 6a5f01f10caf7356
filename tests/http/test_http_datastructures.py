"""URL, the multi-dicts, Headers/MutableHeaders, UploadFile and State."""

from __future__ import annotations

import pytest
from asgi_channels import make_scope

from covet.http import URL, FormData, Headers, MutableHeaders, QueryParams, State, UploadFile
from covet.http.datastructures import UPLOAD_SPOOL_SIZE


def test_url_components_and_replace() -> None:
    url = URL("https://user:secret@example.com:8443/a/b?x=1&y=2#frag")
    assert (url.scheme, url.hostname, url.port, url.path) == ("https", "example.com", 8443, "/a/b")
    assert (url.query, url.fragment, url.username, url.password) == ("x=1&y=2", "frag", "user", "secret")
    assert url.is_secure
    assert str(url.replace(path="/c", fragment="")) == "https://user:secret@example.com:8443/c?x=1&y=2"
    assert str(url.replace(port=None, username=None)) == "https://example.com/a/b?x=1&y=2#frag"
    assert str(url.replace(hostname="::1")) == "https://user:secret@[::1]:8443/a/b?x=1&y=2#frag"
    assert "secret" not in repr(url)


def test_url_query_param_helpers() -> None:
    url = URL("/search?q=a&page=2&tag=x&tag=y")
    assert str(url.include_query_params(page=3)) == "/search?q=a&tag=x&tag=y&page=3"
    assert str(url.remove_query_params("tag", "q")) == "/search?page=2"


def test_url_from_scope_uses_host_header_then_server() -> None:
    with_host = make_scope(path="/p", query_string=b"a=1", headers=[("host", "example.org:8080")], root_path="/app")
    assert str(URL(scope=with_host)) == "http://example.org:8080/app/p?a=1"
    assert str(URL(scope=make_scope(path="/p"))) == "http://testserver/p"
    assert str(URL(scope=make_scope(path="/p", server=("10.0.0.1", 8000)))) == "http://10.0.0.1:8000/p"
    https = make_scope(path="/", scheme="https", server=("h", 443))
    assert str(URL(scope=https)) == "https://h/"
    with pytest.raises(ValueError, match="not both"):
        URL("/x", scope=https)


def test_query_params_multi_dict() -> None:
    params = QueryParams("a=1&a=2&b=&c=%20x+y")
    assert params["a"] == "2"
    assert params.getlist("a") == ["1", "2"]
    assert params["b"] == ""
    assert params["c"] == " x y"
    assert params.multi_items() == [("a", "1"), ("a", "2"), ("b", ""), ("c", " x y")]
    assert list(params.items()) == [("a", "2"), ("b", ""), ("c", " x y")]
    assert "a" in params and "z" not in params
    assert len(params) == 3
    assert params.get("z", "default") == "default"
    assert QueryParams(b"a=1&a=2") == QueryParams([("a", "1"), ("a", "2")])
    assert QueryParams({"x": "1"}).getlist("x") == ["1"]
    assert str(QueryParams([("a", "1 2"), ("b", "&")])) == "a=1+2&b=%26"


def test_headers_are_case_insensitive_and_keep_raw_order() -> None:
    raw = [(b"content-type", b"text/plain"), (b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")]
    headers = Headers(raw=raw)
    assert headers["Content-Type"] == "text/plain"
    assert headers.getlist("SET-COOKIE") == ["a=1", "b=2"]
    assert "Set-Cookie" in headers and "x" not in headers
    assert headers.raw is raw
    assert headers.keys() == ["content-type", "set-cookie", "set-cookie"]
    assert headers.get("missing") is None
    with pytest.raises(KeyError):
        headers["missing"]
    assert Headers({"X-A": "1"}) == Headers(raw=[(b"x-a", b"1")])
    with pytest.raises(ValueError, match="one of"):
        Headers({"a": "b"}, raw=[])


def test_mutable_headers_edit_the_raw_list_in_place() -> None:
    raw: list[tuple[bytes, bytes]] = [(b"vary", b"cookie"), (b"x-a", b"1"), (b"x-a", b"2")]
    headers = MutableHeaders(raw=raw)
    headers["X-A"] = "3"
    assert raw == [(b"vary", b"cookie"), (b"x-a", b"3")]
    headers.append("Set-Cookie", "a=1")
    headers.append("set-cookie", "b=2")
    assert headers.getlist("set-cookie") == ["a=1", "b=2"]
    del headers["set-cookie"]
    assert "set-cookie" not in headers
    assert headers.setdefault("x-a", "9") == "3"
    assert headers.setdefault("x-b", "9") == "9"
    headers.add_vary_header("Accept-Encoding")
    assert headers["vary"] == "cookie, Accept-Encoding"
    headers.update({"x-c": "c"})
    assert headers.pop("x-c") == "c" and headers.pop("x-c", None) is None
    assert raw is headers.raw


def test_mutable_headers_reject_header_injection() -> None:
    headers = MutableHeaders()
    with pytest.raises(ValueError, match="line break"):
        headers["x-evil"] = "a\r\nSet-Cookie: stolen=1"
    assert len(headers) == 0


def test_mutable_headers_from_scope_share_the_scope_list() -> None:
    scope = make_scope(headers=[("x-a", "1")])
    MutableHeaders(scope=scope)["x-b"] = "2"
    assert scope["headers"] == [(b"x-a", b"1"), (b"x-b", b"2")]


async def test_upload_file_reads_from_memory_and_from_disk() -> None:
    small = UploadFile(filename="a.txt", content_type="text/plain")
    await small.write(b"hello")
    await small.seek(0)
    assert await small.read() == b"hello" and small.size == 5
    await small.close()

    large = UploadFile(filename="big.bin")
    payload = b"x" * (UPLOAD_SPOOL_SIZE + 10)
    await large.write(payload)
    assert not large._in_memory  # rolled over to a real temporary file
    await large.seek(UPLOAD_SPOOL_SIZE)
    assert await large.read() == b"x" * 10
    await large.close()
    assert large.file.closed


async def test_form_data_close_closes_uploads() -> None:
    upload = UploadFile(filename="a")
    form = FormData([("name", "x"), ("file", upload)])
    assert form.getlist("file") == [upload]
    await form.close()
    assert upload.file.closed


def test_state_attributes() -> None:
    values: dict[str, object] = {}
    state = State(values)
    state.tenant = "acme"
    assert values == {"tenant": "acme"} and state.tenant == "acme" and "tenant" in state
    del state.tenant
    with pytest.raises(AttributeError, match="set it first"):
        _ = state.tenant


def test_mutable_headers_reject_non_latin1_with_a_hint() -> None:
    headers = MutableHeaders()
    with pytest.raises(ValueError, match="percent-encode"):
        headers["x-title"] = "sun ☀"
    assert len(headers) == 0


def test_malformed_query_strings_do_not_raise() -> None:
    params = QueryParams("a=%ff&b=%zz&&c&=v&d=1=2&e=%")
    assert params["a"] == "\ufffd" and params["b"] == "%zz" and params["c"] == "" and params["d"] == "1=2"
    assert params["e"] == "%" and params[""] == "v"
