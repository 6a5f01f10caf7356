"""Parsing the ``Range`` request header (RFC 9110 section 14) into byte ranges of a representation of known size."""

from __future__ import annotations

from dataclasses import dataclass

# More distinct ranges than this in one request is treated as abuse: the header is ignored and the whole file sent.
MAX_RANGES = 16


class RangeNotSatisfiable(ValueError):
    """The ``Range`` header is malformed or selects no byte of the representation; answer 416."""


@dataclass(frozen=True, slots=True)
class ByteRange:
    """Bytes ``start`` to ``end`` inclusive, as in ``Content-Range: bytes start-end/size``."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_range_header(header: str, size: int) -> list[ByteRange] | None:
    """The satisfiable ranges of ``header`` for a representation of ``size`` bytes, sorted and merged.

    Returns None when the header should be ignored (a unit other than ``bytes``, or too many ranges), so the whole
    representation is sent with 200. Raises ``RangeNotSatisfiable`` for a malformed header or when no range
    overlaps the representation.
    """
    unit, separator, specs = header.partition("=")
    if not separator:
        raise RangeNotSatisfiable(f"Malformed Range header {header!r}: expected 'bytes=start-end'.")
    if unit.strip().lower() != "bytes":
        return None
    ranges: list[ByteRange] = []
    for raw_spec in specs.split(","):
        spec = raw_spec.strip()
        if not spec:
            continue
        byte_range = _parse_spec(spec, size, header)
        if byte_range is not None:
            ranges.append(byte_range)
    if not ranges:
        raise RangeNotSatisfiable(f"Range {header!r} selects no byte of a {size}-byte file.")
    merged = _merge(ranges)
    return None if len(merged) > MAX_RANGES else merged


def _parse_spec(spec: str, size: int, header: str) -> ByteRange | None:
    first, dash, last = spec.partition("-")
    first, last = first.strip(), last.strip()
    if not dash or not (first or last) or not _is_digits(first) or not _is_digits(last):
        raise RangeNotSatisfiable(f"Malformed Range header {header!r}: {spec!r} is not 'start-end', 'start-' or '-n'.")
    if not first:
        # Suffix range: the last N bytes.
        suffix = int(last)
        if suffix == 0 or size == 0:
            return None
        return ByteRange(max(size - suffix, 0), size - 1)
    start = int(first)
    if last and int(last) < start:
        raise RangeNotSatisfiable(f"Malformed Range header {header!r}: {spec!r} ends before it starts.")
    if start >= size:
        return None
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)


def _is_digits(text: str) -> bool:
    return text == "" or (text.isascii() and text.isdigit())


def _merge(ranges: list[ByteRange]) -> list[ByteRange]:
    # Overlapping or adjacent ranges are sent once: clients asking for "0-10,5-20" get one part, not repeated bytes.
    merged: list[ByteRange] = []
    for byte_range in sorted(ranges, key=lambda r: r.start):
        if merged and byte_range.start <= merged[-1].end + 1:
            last = merged[-1]
            merged[-1] = ByteRange(last.start, max(last.end, byte_range.end))
        else:
            merged.append(byte_range)
    return merged
