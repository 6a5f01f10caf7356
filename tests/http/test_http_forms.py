"""request.form(): urlencoded and multipart bodies through python-multipart, with limits and clear errors."""

from __future__ import annotations

import pytest
from asgi_channels import body_receiver, make_scope

from covet.exceptions import BadRequest, RequestEntityTooLarge
from covet.http import Request, UploadFile
from covet.http.datastructures import UPLOAD_SPOOL_SIZE

BOUNDARY = "----covetboundary"


def multipart_body(*parts: tuple[str, str | None, bytes], boundary: str = BOUNDARY) -> bytes:
    """Encode (name, filename or None, data) parts as a multipart/form-data body."""
    chunks = []
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        headers = ""
        if filename is not None:
            disposition += f'; filename="{filename}"'
            headers = "Content-Type: application/octet-stream\r\n"
        chunks.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n{headers}\r\n".encode() + data + b"\r\n")
    return b"".join(chunks) + f"--{boundary}--\r\n".encode()


def form_request(body: bytes, content_type: str, *, chunk_size: int = 7) -> Request:
    chunks = [body[i : i + chunk_size] for i in range(0, len(body), chunk_size)] or [b""]
    scope = make_scope("POST", headers=[("content-type", content_type), ("content-length", str(len(body)))])
    return Request(scope, body_receiver(*chunks))


MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


async def test_urlencoded_form() -> None:
    request = form_request(b"name=Ada+L%C3%B6velace&tag=a&tag=b&empty=&flag", "application/x-www-form-urlencoded")
    form = await request.form()
    assert form["name"] == "Ada Lövelace"
    assert form.getlist("tag") == ["a", "b"]
    assert form["empty"] == "" and form["flag"] == ""
    assert await request.form() is form


async def test_multipart_fields_and_files_split_across_chunks() -> None:
    body = multipart_body(
        ("title", None, "héllo".encode()),
        ("doc", "notes.txt", b"line 1\r\nline 2\r\n--not-a-boundary"),
        ("doc", "empty.bin", b""),
    )
    form = await form_request(body, MULTIPART, chunk_size=5).form()
    assert form["title"] == "héllo"
    first, second = form.getlist("doc")
    assert isinstance(first, UploadFile) and isinstance(second, UploadFile)
    assert (first.filename, first.content_type, first.size) == ("notes.txt", "application/octet-stream", 32)
    assert await first.read() == b"line 1\r\nline 2\r\n--not-a-boundary"
    assert first.headers["content-disposition"].startswith("form-data")
    assert (second.filename, second.size, await second.read()) == ("empty.bin", 0, b"")
    await form.close()
    assert first.file.closed


async def test_large_upload_rolls_to_disk_and_reads_back() -> None:
    payload = bytes(range(256)) * (UPLOAD_SPOOL_SIZE // 256 + 100)
    form = await form_request(multipart_body(("f", "big.bin", payload)), MULTIPART, chunk_size=65536).form()
    upload = form["f"]
    assert isinstance(upload, UploadFile)
    assert upload.size == len(payload)
    assert await upload.read() == payload
    await form.close()


async def test_scope_memory_size_decides_when_an_upload_spills_to_disk() -> None:
    body = multipart_body(("small", "a.bin", b"s" * 100), ("big", "b.bin", b"b" * 1000))
    request = form_request(body, MULTIPART, chunk_size=64)
    request.scope["covet.max_form_memory_size"] = 500
    form = await request.form()
    small, big = form["small"], form["big"]
    assert isinstance(small, UploadFile) and isinstance(big, UploadFile)
    assert small.file._rolled is False  # type: ignore[attr-defined]
    assert big.file._rolled is True  # type: ignore[attr-defined]
    assert (await small.read(), await big.read()) == (b"s" * 100, b"b" * 1000)
    await form.close()


async def test_other_content_types_give_an_empty_form() -> None:
    form = await form_request(b'{"a": 1}', "application/json").form()
    assert len(form) == 0


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (multipart_body(("a", None, b"1")), "multipart/form-data", "no boundary"),
        (multipart_body(("a", None, b"1")), "multipart/form-data; boundary=", "no boundary"),
        (multipart_body(("a", None, b"1")), "multipart/form-data; boundary=other", "Malformed multipart"),
        (multipart_body(("a", None, b"1")), f"multipart/form-data; boundary={'x' * 300}", "boundary"),
        (multipart_body(("a", None, b"1"))[:-10], MULTIPART, "ended before the closing boundary"),
        (b"garbage without any boundary", MULTIPART, "Malformed multipart"),
        (
            f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n--{BOUNDARY}--\r\n".encode(),
            MULTIPART,
            "Content-Disposition",
        ),
    ],
)
async def test_malformed_multipart_is_a_bad_request(body: bytes, content_type: str, message: str) -> None:
    with pytest.raises(BadRequest, match=message) as caught:
        await form_request(body, content_type).form()
    assert caught.value.status_code == 400


async def test_too_many_fields() -> None:
    body = "&".join(f"f{i}=v" for i in range(11)).encode()
    with pytest.raises(BadRequest, match="Too many form fields: the limit is 10"):
        await form_request(body, "application/x-www-form-urlencoded").form(max_fields=10)
    body = multipart_body(*[(f"f{i}", None, b"v") for i in range(11)])
    with pytest.raises(BadRequest, match="Too many form fields: the limit is 10"):
        await form_request(body, MULTIPART).form(max_fields=10)
    body = "&".join(f"f{i}=v" for i in range(10)).encode()
    assert len(await form_request(body, "application/x-www-form-urlencoded").form(max_fields=10)) == 10


async def test_too_many_files_closes_the_ones_already_received() -> None:
    opened: list[UploadFile] = []
    original_init = UploadFile.__init__

    def tracking_init(self: UploadFile, *args: object, **kwargs: object) -> None:
        original_init(self, *args, **kwargs)  # type: ignore[arg-type]
        opened.append(self)

    body = multipart_body(*[(f"f{i}", f"{i}.txt", b"data") for i in range(3)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(UploadFile, "__init__", tracking_init)
        with pytest.raises(BadRequest, match="Too many files in the form: the limit is 2"):
            await form_request(body, MULTIPART).form(max_files=2)
    assert len(opened) == 2 and all(upload.file.closed for upload in opened)


async def test_field_over_part_size_is_413() -> None:
    with pytest.raises(RequestEntityTooLarge, match="larger than the limit of 100 bytes"):
        await form_request(multipart_body(("a", None, b"x" * 101)), MULTIPART).form(max_part_size=100)
    with pytest.raises(RequestEntityTooLarge, match="100 bytes"):
        await form_request(b"a=" + b"x" * 200, "application/x-www-form-urlencoded").form(max_part_size=100)


async def test_file_over_file_size_is_413() -> None:
    body = multipart_body(("f", "big.bin", b"x" * 1000))
    with pytest.raises(RequestEntityTooLarge, match=r"'big\.bin' is larger than the limit of 999 bytes"):
        await form_request(body, MULTIPART).form(max_file_size=999)


async def test_whole_form_over_body_size_is_413() -> None:
    body = multipart_body(("f", "big.bin", b"x" * 5000))
    request = form_request(body, MULTIPART)
    request.max_body_size = 4096
    with pytest.raises(RequestEntityTooLarge, match="4096 bytes"):
        await request.form()


async def test_form_after_body_parses_the_cached_body() -> None:
    request = form_request(b"a=1&b=2", "application/x-www-form-urlencoded")
    assert await request.body() == b"a=1&b=2"
    assert dict((await request.form()).items()) == {"a": "1", "b": "2"}


async def test_quoted_boundary_and_utf8_names() -> None:
    body = multipart_body(("prénom", None, "Zoë".encode()), ("f", "résumé.txt", b"cv"))
    form = await form_request(body, f'multipart/form-data; boundary="{BOUNDARY}"').form()
    assert form["prénom"] == "Zoë"
    upload = form["f"]
    assert isinstance(upload, UploadFile) and upload.filename == "résumé.txt"
    await form.close()


async def test_malformed_urlencoded_values_are_kept_not_fatal() -> None:
    form = await form_request(b"a=%ff&b=%zz&&c&=v&d=1=2", "application/x-www-form-urlencoded").form()
    assert form["a"] == "\ufffd" and form["b"] == "%zz" and form["c"] == "" and form["d"] == "1=2"
