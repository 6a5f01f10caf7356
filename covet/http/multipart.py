"""Form body parsing: a thin adapter around ``python-multipart`` that enforces Covet's limits.

``python-multipart`` does the byte-level parsing of ``multipart/form-data`` and
``application/x-www-form-urlencoded``; this module feeds it the request body chunk by chunk, collects fields and
``UploadFile``s into a ``FormData``, counts against the limits, and turns every parse failure into a ``BadRequest``
(or a ``RequestEntityTooLarge``) whose message tells the client what was wrong.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import unquote_plus

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, QuerystringParser, parse_options_header

from covet.exceptions import BadRequest, RequestEntityTooLarge
from covet.http.datastructures import UPLOAD_SPOOL_SIZE, FormData, Headers, UploadFile

FORM_URLENCODED = "application/x-www-form-urlencoded"
FORM_MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class FormLimits:
    """Limits applied while parsing one form; the request's ``max_body_size`` bounds the whole body on top."""

    # Most text fields (urlencoded pairs and multipart parts without a filename) in one form.
    max_fields: int = 1000
    # Most file parts in one multipart form.
    max_files: int = 1000
    # Largest single text field, in bytes; text fields are held in memory.
    max_part_size: int = 1024 * 1024
    # Largest single uploaded file, in bytes; None leaves only the body size limit.
    max_file_size: int | None = None
    # Bytes of one uploaded file kept in memory; past that it rolls over to a temporary file on disk.
    spool_size: int = UPLOAD_SPOOL_SIZE


def parse_content_type(header: str | None) -> tuple[str, dict[str, str]]:
    """``"multipart/form-data; boundary=x"`` -> ``("multipart/form-data", {"boundary": "x"})``."""
    media_type, options = parse_options_header(header or "")
    return media_type.decode("latin-1"), {k.decode("latin-1"): v.decode("latin-1") for k, v in options.items()}


async def parse_form(content_type: str | None, chunks: AsyncIterator[bytes], limits: FormLimits) -> FormData:
    """Parse a form body of either encoding; any other content type gives an empty form, as in Django."""
    media_type, options = parse_content_type(content_type)
    if media_type == FORM_MULTIPART:
        boundary = options.get("boundary")
        if not boundary:
            raise BadRequest(
                "The multipart/form-data request has no boundary in its Content-Type header; "
                "send 'Content-Type: multipart/form-data; boundary=...'."
            )
        return await _MultipartReader(boundary.encode("latin-1"), limits).read(chunks)
    if media_type == FORM_URLENCODED:
        return await _read_urlencoded(chunks, limits)
    return FormData()


async def _read_urlencoded(chunks: AsyncIterator[bytes], limits: FormLimits) -> FormData:
    fields: list[tuple[str, str | UploadFile]] = []
    name = bytearray()
    value = bytearray()

    def on_field_start() -> None:
        if len(fields) >= limits.max_fields:
            raise BadRequest(f"Too many form fields: the limit is {limits.max_fields}.")
        name.clear()
        value.clear()

    def on_field_name(data: bytes, start: int, end: int) -> None:
        name.extend(data[start:end])
        _check_field_size(len(name) + len(value), limits)

    def on_field_data(data: bytes, start: int, end: int) -> None:
        value.extend(data[start:end])
        _check_field_size(len(name) + len(value), limits)

    def on_field_end() -> None:
        fields.append((_unquote(name), _unquote(value)))

    parser = QuerystringParser(
        {
            "on_field_start": on_field_start,
            "on_field_name": on_field_name,
            "on_field_data": on_field_data,
            "on_field_end": on_field_end,
        }
    )
    try:
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
    except FormParserError as error:
        raise BadRequest(f"Malformed urlencoded form body: {error}") from error
    return FormData(fields)


def _unquote(raw: bytearray) -> str:
    return unquote_plus(raw.decode("latin-1"), encoding="utf-8", errors="replace")


def _check_field_size(size: int, limits: FormLimits) -> None:
    if size > limits.max_part_size:
        raise RequestEntityTooLarge(f"A form field is larger than the limit of {limits.max_part_size} bytes.")


class _MultipartReader:
    """Collects the parts announced by ``MultipartParser``'s synchronous callbacks.

    The callbacks only record what happened; file writes are awaited after each ``parser.write`` so that a part
    that rolls over to disk is written from a worker thread, never from the event loop.
    """

    def __init__(self, boundary: bytes, limits: FormLimits) -> None:
        self.limits = limits
        self.items: list[tuple[str, str | UploadFile]] = []
        self.field_count = 0
        self.file_count = 0
        self.finished = False
        # State of the part being parsed.
        self.header_name = bytearray()
        self.header_value = bytearray()
        self.part_headers: list[tuple[bytes, bytes]] = []
        self.part_name = ""
        self.part_file: UploadFile | None = None
        self.part_file_size = 0
        self.part_data = bytearray()
        # File chunks waiting to be written, and files complete with their data.
        self.pending_writes: list[tuple[UploadFile, bytes]] = []
        self.completed_files: list[UploadFile] = []
        try:
            self.parser = MultipartParser(
                boundary,
                {
                    "on_part_begin": self.on_part_begin,
                    "on_part_data": self.on_part_data,
                    "on_part_end": self.on_part_end,
                    "on_header_field": self.on_header_field,
                    "on_header_value": self.on_header_value,
                    "on_header_end": self.on_header_end,
                    "on_headers_finished": self.on_headers_finished,
                    "on_end": self.on_end,
                },
            )
        except FormParserError as error:
            raise BadRequest(f"Invalid multipart boundary: {error}") from error

    async def read(self, chunks: AsyncIterator[bytes]) -> FormData:
        try:
            async for chunk in chunks:
                try:
                    self.parser.write(chunk)
                except FormParserError as error:
                    raise BadRequest(f"Malformed multipart/form-data body: {error}") from error
                await self.flush_files()
            self.parser.finalize()
            if not self.finished:
                raise BadRequest(
                    "Malformed multipart/form-data body: it ended before the closing boundary "
                    "(check that the boundary in the Content-Type header matches the body)."
                )
            await self.flush_files()
        except BaseException:
            await self.close_files()
            raise
        return FormData(self.items)

    async def flush_files(self) -> None:
        writes, self.pending_writes = self.pending_writes, []
        for upload, data in writes:
            await upload.write(data)
        completed, self.completed_files = self.completed_files, []
        for upload in completed:
            await upload.seek(0)

    async def close_files(self) -> None:
        for _, value in self.items:
            if isinstance(value, UploadFile):
                await value.close()
        if self.part_file is not None and not self.part_file.file.closed:
            await self.part_file.close()

    def on_part_begin(self) -> None:
        self.part_headers = []
        self.part_data = bytearray()
        self.part_file = None
        self.part_file_size = 0
        self.part_name = ""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name.extend(data[start:end])

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value.extend(data[start:end])

    def on_header_end(self) -> None:
        self.part_headers.append((bytes(self.header_name).lower(), bytes(self.header_value)))
        self.header_name.clear()
        self.header_value.clear()

    def on_headers_finished(self) -> None:
        headers = Headers(raw=self.part_headers)
        disposition, options = parse_content_type(headers.get("content-disposition"))
        if disposition != "form-data" or "name" not in options:
            raise BadRequest(
                "Malformed multipart/form-data body: every part needs a "
                "'Content-Disposition: form-data; name=\"...\"' header."
            )
        self.part_name = _decode_utf8(options["name"])
        if "filename" in options:
            self.file_count += 1
            if self.file_count > self.limits.max_files:
                raise BadRequest(f"Too many files in the form: the limit is {self.limits.max_files}.")
            self.part_file = UploadFile(
                filename=_decode_utf8(options["filename"]),
                content_type=headers.get("content-type"),
                headers=headers,
                size=0,
                spool_size=self.limits.spool_size,
            )
        else:
            self.field_count += 1
            if self.field_count > self.limits.max_fields:
                raise BadRequest(f"Too many form fields: the limit is {self.limits.max_fields}.")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.part_file is None:
            self.part_data.extend(data[start:end])
            _check_field_size(len(self.part_data), self.limits)
            return
        chunk = data[start:end]
        self.part_file_size += len(chunk)
        max_file_size = self.limits.max_file_size
        if max_file_size is not None and self.part_file_size > max_file_size:
            raise RequestEntityTooLarge(
                f"The uploaded file {self.part_file.filename!r} is larger than the limit of {max_file_size} bytes."
            )
        self.pending_writes.append((self.part_file, chunk))

    def on_part_end(self) -> None:
        if self.part_file is None:
            self.items.append((self.part_name, _decode_utf8(self.part_data)))
            return
        self.items.append((self.part_name, self.part_file))
        self.completed_files.append(self.part_file)
        self.part_file = None

    def on_end(self) -> None:
        self.finished = True


def _decode_utf8(raw: str | bytes | bytearray) -> str:
    # Options arrive latin-1 decoded; browsers send UTF-8 names and values, so re-decode them as such.
    data = raw.encode("latin-1") if isinstance(raw, str) else bytes(raw)
    return data.decode("utf-8", errors="replace")
