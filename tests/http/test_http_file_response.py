"""FileResponse: validators, conditional GET, byte ranges, Content-Disposition, HEAD; and the Range parser."""

from __future__ import annotations

import os
from email.utils import formatdate
from pathlib import Path

import anyio
import pytest
from asgi_channels import make_scope, never_disconnects, send_response

from covet.exceptions import Http404
from covet.http import FileResponse
from covet.http.files import content_disposition, make_etag
from covet.http.ranges import MAX_RANGES, ByteRange, RangeNotSatisfiable, parse_range_header
from covet.types import Message, Scope

CONTENT = bytes(range(256)) * 1000  # 256000 bytes: several 64 KiB chunks


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.bin"
    path.write_bytes(CONTENT)
    return path


def get(*headers: tuple[str, str], method: str = "GET") -> Scope:
    return make_scope(method, "/file", headers=list(headers))


async def test_full_file_with_validators(data_file: Path) -> None:
    sent = await send_response(FileResponse(data_file), get())
    stat_result = data_file.stat()
    assert sent.status == 200
    assert sent.body == CONTENT
    assert sent.header("content-length") == str(len(CONTENT))
    assert sent.header("content-type") == "application/octet-stream"
    assert sent.header("etag") == make_etag(stat_result)
    assert sent.header("last-modified") == formatdate(stat_result.st_mtime, usegmt=True)
    assert sent.header("accept-ranges") == "bytes"
    assert len(sent.messages) > 3  # sent in chunks, not in one piece
    assert sent.finished


async def test_media_type_is_guessed_and_text_gets_charset(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>hi</p>")
    sent = await send_response(FileResponse(page), get())
    assert sent.header("content-type") == "text/html; charset=utf-8"


async def test_head_sends_headers_only(data_file: Path) -> None:
    sent = await send_response(FileResponse(data_file), get(method="HEAD"))
    assert sent.status == 200
    assert sent.header("content-length") == str(len(CONTENT))
    assert sent.body == b""


async def test_if_none_match_gives_304(data_file: Path) -> None:
    etag = make_etag(data_file.stat())
    for header in (etag, f'"other", W/{etag}', "*"):
        sent = await send_response(FileResponse(data_file), get(("if-none-match", header)))
        assert sent.status == 304, header
        assert sent.body == b""
        assert sent.header("etag") == etag
        assert sent.header("content-length") is None and sent.header("content-type") is None
    sent = await send_response(FileResponse(data_file), get(("if-none-match", '"stale"')))
    assert sent.status == 200 and sent.body == CONTENT


async def test_if_modified_since(data_file: Path) -> None:
    mtime = data_file.stat().st_mtime
    sent = await send_response(FileResponse(data_file), get(("if-modified-since", formatdate(mtime + 60, usegmt=True))))
    assert sent.status == 304
    sent = await send_response(FileResponse(data_file), get(("if-modified-since", formatdate(mtime - 60, usegmt=True))))
    assert sent.status == 200
    sent = await send_response(FileResponse(data_file), get(("if-modified-since", "not a date")))
    assert sent.status == 200 and sent.body == CONTENT
    # If-None-Match takes precedence over If-Modified-Since.
    both = get(("if-none-match", '"stale"'), ("if-modified-since", formatdate(mtime + 60, usegmt=True)))
    assert (await send_response(FileResponse(data_file), both)).status == 200


async def test_conditional_headers_ignored_for_post(data_file: Path) -> None:
    etag = make_etag(data_file.stat())
    sent = await send_response(FileResponse(data_file), get(("if-none-match", etag), method="POST"))
    assert sent.status == 200


async def test_single_range(data_file: Path) -> None:
    sent = await send_response(FileResponse(data_file), get(("range", "bytes=100-70099")))
    assert sent.status == 206
    assert sent.header("content-range") == f"bytes 100-70099/{len(CONTENT)}"
    assert sent.header("content-length") == "70000"
    assert sent.body == CONTENT[100:70100]
    suffix = await send_response(FileResponse(data_file), get(("range", "bytes=-10")))
    assert suffix.body == CONTENT[-10:]
    open_ended = await send_response(FileResponse(data_file), get(("range", f"bytes={len(CONTENT) - 5}-")))
    assert open_ended.body == CONTENT[-5:]


async def test_multiple_ranges_are_multipart_byteranges(data_file: Path) -> None:
    sent = await send_response(FileResponse(data_file), get(("range", "bytes=0-9, 200-209, 5-14")))
    assert sent.status == 206
    content_type = sent.header("content-type") or ""
    assert content_type.startswith("multipart/byteranges; boundary=")
    boundary = content_type.split("boundary=")[1].encode()
    assert sent.header("content-length") == str(len(sent.body))
    parts = sent.body.split(b"--" + boundary)
    assert parts[0] == b"" and parts[-1] == b"--\r\n"
    bodies = []
    for part in parts[1:-1]:
        head, _, data = part.partition(b"\r\n\r\n")
        assert b"Content-Type: application/octet-stream" in head
        bodies.append((head.split(b"Content-Range: ")[1].decode(), data.removesuffix(b"\r\n")))
    # 0-9 and 5-14 overlap, so they were merged into one part.
    assert bodies == [
        (f"bytes 0-14/{len(CONTENT)}", CONTENT[0:15]),
        (f"bytes 200-209/{len(CONTENT)}", CONTENT[200:210]),
    ]


@pytest.mark.parametrize(
    "header", ["bytes=999999-", "bytes=-0", "bytes=5-2", "bytes=abc", "bytes=1-2-3", "bytes", "0-9"]
)
async def test_unsatisfiable_or_malformed_range_is_416(data_file: Path, header: str) -> None:
    sent = await send_response(FileResponse(data_file), get(("range", header)))
    assert sent.status == 416
    assert sent.header("content-range") == f"bytes */{len(CONTENT)}"
    assert sent.body.decode().startswith(("Malformed Range", "Range"))
    assert sent.header("content-length") == str(len(sent.body))
    # The same response object serves a normal request afterwards.
    assert (await send_response(FileResponse(data_file), get())).body == CONTENT


async def test_other_range_units_are_ignored(data_file: Path) -> None:
    sent = await send_response(FileResponse(data_file), get(("range", "items=0-5")))
    assert sent.status == 200 and sent.body == CONTENT


async def test_if_range(data_file: Path) -> None:
    etag = make_etag(data_file.stat())
    matching = await send_response(FileResponse(data_file), get(("range", "bytes=0-1"), ("if-range", etag)))
    assert matching.status == 206
    stale = await send_response(FileResponse(data_file), get(("range", "bytes=0-1"), ("if-range", '"old"')))
    assert stale.status == 200 and stale.body == CONTENT
    last_modified = formatdate(data_file.stat().st_mtime, usegmt=True)
    by_date = await send_response(FileResponse(data_file), get(("range", "bytes=0-1"), ("if-range", last_modified)))
    assert by_date.status == 206


async def test_content_disposition(data_file: Path) -> None:
    sent = await send_response(FileResponse(data_file, filename="report.pdf"), get())
    assert sent.header("content-disposition") == 'attachment; filename="report.pdf"'
    assert sent.header("content-type") == "application/pdf"
    assert content_disposition("inline", "rapport été.pdf") == (
        "inline; filename=\"rapport _t_.pdf\"; filename*=utf-8''rapport%20%C3%A9t%C3%A9.pdf"
    )
    assert content_disposition("attachment", 'a"b\\c.txt') == (
        'attachment; filename="a\\"b\\\\c.txt"; filename*=utf-8\'\'a%22b%5Cc.txt'
    )
    assert "\n" not in content_disposition("attachment", "x\r\ny.txt").split(";")[1]


async def test_missing_file_and_directory_are_404(tmp_path: Path) -> None:
    with pytest.raises(Http404, match="does not exist"):
        await send_response(FileResponse(tmp_path / "missing.txt"), get())
    with pytest.raises(Http404, match="not a file"):
        await send_response(FileResponse(tmp_path), get())


async def test_given_stat_result_is_used(data_file: Path) -> None:
    stat_result = os.stat(data_file)
    sent = await send_response(FileResponse(data_file, stat_result=stat_result), get())
    assert sent.header("etag") == make_etag(stat_result)


async def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    sent = await send_response(FileResponse(empty), get())
    assert sent.status == 200 and sent.body == b"" and sent.header("content-length") == "0" and sent.finished
    assert (await send_response(FileResponse(empty), get(("range", "bytes=0-")))).status == 416


def test_parse_range_header() -> None:
    assert parse_range_header("bytes=0-0", 10) == [ByteRange(0, 0)]
    assert parse_range_header("bytes=5-100", 10) == [ByteRange(5, 9)]
    assert parse_range_header("bytes=-100", 10) == [ByteRange(0, 9)]
    assert parse_range_header("BYTES = 1-2 , 4-5", 10) == [ByteRange(1, 2), ByteRange(4, 5)]
    assert parse_range_header("bytes=1-2,3-4", 10) == [ByteRange(1, 4)]  # adjacent ranges merge
    assert parse_range_header("bytes=1-2,50-60", 10) == [ByteRange(1, 2)]  # the unsatisfiable one is dropped
    assert parse_range_header("lines=1-2", 10) is None
    many = ",".join(f"{i * 3}-{i * 3}" for i in range(MAX_RANGES + 1))
    assert parse_range_header(f"bytes={many}", 1000) is None
    with pytest.raises(RangeNotSatisfiable, match="selects no byte"):
        parse_range_header("bytes=10-", 10)
    with pytest.raises(RangeNotSatisfiable, match="Malformed"):
        parse_range_header("bytes=-", 10)
    with pytest.raises(RangeNotSatisfiable, match="Malformed"):
        parse_range_header("bytes=١-٢", 10)  # noqa: RUF001 - non-ASCII digits


async def test_file_stops_when_the_client_disconnects(data_file: Path) -> None:
    sent: list[Message] = []
    body_started = anyio.Event()

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "http.response.body":
            body_started.set()
            await anyio.sleep(0.01)

    async def receive() -> Message:
        await body_started.wait()
        return {"type": "http.disconnect"}

    with anyio.fail_after(5):
        await FileResponse(data_file)(get(), receive, send)
    body_messages = [m for m in sent if m["type"] == "http.response.body"]
    assert 1 <= len(body_messages) < 3


async def test_file_send_oserror_is_quiet(data_file: Path) -> None:
    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            raise OSError("connection reset")

    await FileResponse(data_file)(get(), never_disconnects, send)


async def test_file_removed_after_stat_raises_the_os_error(data_file: Path) -> None:
    response = FileResponse(data_file, stat_result=data_file.stat())
    data_file.unlink()
    with pytest.raises(FileNotFoundError):
        await send_response(response, get())
