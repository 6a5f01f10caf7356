"""How cache values become bytes and back: one safe format shared by every backend.

The type policy, so that switching from the local backend to Redis never changes
what ``get()`` returns:

* ``int`` (not ``bool``) is stored as ASCII digits, so Redis ``INCRBY`` works on it;
* ``bytes`` are stored as they are, behind a one-byte tag;
* everything else is stored as JSON through orjson: ``dict``, ``list``, ``str``,
  ``float``, ``bool``, ``None``. Tuples come back as lists; orjson's extra types
  (``datetime``, ``UUID``, dataclasses) come back in their JSON form (strings, dicts).

Anything orjson cannot encode raises ``TypeError`` when it is stored. Nothing is
pickled: a cache shared with other processes can never make this one run code.
"""

from __future__ import annotations

from typing import Any

import orjson

_BYTES_TAG = b"b"
_JSON_TAG = b"j"


def dumps(value: Any) -> bytes:
    """Encode ``value`` for storage (see the module docstring for the type policy)."""
    if type(value) is int:
        return str(value).encode("ascii")
    if isinstance(value, bytes | bytearray | memoryview):
        return _BYTES_TAG + bytes(value)
    try:
        return _JSON_TAG + orjson.dumps(value)
    except TypeError as exc:
        raise TypeError(
            f"Cannot cache a value of type {type(value).__name__}: cache values must be JSON-able "
            "(dict, list, str, int, float, bool, None) or bytes. Convert it first, e.g. to a dict."
        ) from exc


def loads(data: bytes) -> Any:
    """Decode bytes written by :func:`dumps`."""
    tag = data[:1]
    if tag == _JSON_TAG:
        return orjson.loads(data[1:])
    if tag == _BYTES_TAG:
        return data[1:]
    return int(data)
