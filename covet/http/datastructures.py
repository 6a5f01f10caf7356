"""Value types of the HTTP layer: URL, multi-dicts (query, form), headers, uploaded files, client address, state."""

from __future__ import annotations

import tempfile
from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, Sequence, ValuesView
from typing import IO, Any, NamedTuple, TypeVar
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit

import anyio.to_thread

from covet.types import Scope

_T = TypeVar("_T")

# The port each URL scheme implies when a URL names none.
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


class Address(NamedTuple):
    """The peer of a connection, as the server reported it in ``scope["client"]``."""

    host: str
    port: int


class URL:
    """An absolute or relative URL, parsed lazily; ``replace()`` returns a changed copy."""

    __slots__ = ("_components", "_url")

    def __init__(self, url: str = "", *, scope: Scope | None = None) -> None:
        if scope is not None:
            if url:
                raise ValueError("Pass either a URL string or an ASGI scope to URL(), not both.")
            url = _url_from_scope(scope)
        self._url = url
        self._components: SplitResult | None = None

    @property
    def components(self) -> SplitResult:
        if self._components is None:
            self._components = urlsplit(self._url)
        return self._components

    @property
    def scheme(self) -> str:
        return self.components.scheme

    @property
    def netloc(self) -> str:
        return self.components.netloc

    @property
    def path(self) -> str:
        return self.components.path

    @property
    def query(self) -> str:
        return self.components.query

    @property
    def fragment(self) -> str:
        return self.components.fragment

    @property
    def username(self) -> str | None:
        return self.components.username

    @property
    def password(self) -> str | None:
        return self.components.password

    @property
    def hostname(self) -> str | None:
        return self.components.hostname

    @property
    def port(self) -> int | None:
        return self.components.port

    @property
    def is_secure(self) -> bool:
        return self.scheme in ("https", "wss")

    def replace(self, **changes: Any) -> URL:
        """A copy with some components changed: ``scheme``, ``netloc``, ``path``, ``query``, ``fragment``,
        or ``hostname``/``port``/``username``/``password`` (which rebuild the netloc)."""
        netloc_parts = {"hostname", "port", "username", "password"}
        if netloc_parts & changes.keys():
            hostname = changes.pop("hostname", self.hostname) or ""
            port = changes.pop("port", self.port)
            username = changes.pop("username", self.username)
            password = changes.pop("password", self.password)
            if ":" in hostname and not hostname.startswith("["):
                hostname = f"[{hostname}]"  # IPv6 literal
            netloc = hostname if port is None else f"{hostname}:{port}"
            if username is not None:
                userinfo = username if password is None else f"{username}:{password}"
                netloc = f"{userinfo}@{netloc}"
            changes["netloc"] = netloc
        return URL(self.components._replace(**changes).geturl())

    def include_query_params(self, **params: Any) -> URL:
        """A copy with ``params`` added to the query string (replacing keys of the same name)."""
        query = QueryParams(self.query)
        merged = [(k, v) for k, v in query.multi_items() if k not in params]
        merged.extend((k, str(v)) for k, v in params.items())
        return self.replace(query=urlencode(merged))

    def remove_query_params(self, *keys: str) -> URL:
        query = QueryParams(self.query)
        return self.replace(query=urlencode([(k, v) for k, v in query.multi_items() if k not in keys]))

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self._url)

    def __str__(self) -> str:
        return self._url

    def __repr__(self) -> str:
        shown = self._url
        if self.password:
            shown = self.replace(password="********")._url
        return f"{self.__class__.__name__}({shown!r})"


def _url_from_scope(scope: Scope) -> str:
    scheme = scope.get("scheme", "http")
    path = scope.get("root_path", "") + scope.get("path", "/")
    query_string = scope.get("query_string", b"")
    host = None
    for key, value in scope.get("headers", ()):
        if key == b"host":
            host = value.decode("latin-1")
            break
    if host is None:
        server = scope.get("server")
        if server is None:
            url = path
            return f"{url}?{query_string.decode('latin-1')}" if query_string else url
        host_name, port = server
        host = host_name if port == DEFAULT_PORTS.get(scheme) else f"{host_name}:{port}"
    url = f"{scheme}://{host}{path}"
    return f"{url}?{query_string.decode('latin-1')}" if query_string else url


def _first(pair: tuple[str, Any]) -> str:
    return pair[0]


class ImmutableMultiDict(Mapping[str, _T]):
    """A read-only mapping where a key may hold several values.

    ``d[key]`` and ``d.get(key)`` give the *last* value for the key, ``d.getlist(key)`` all of them in order,
    ``d.multi_items()`` every (key, value) pair in the order received.
    """

    __slots__ = ("_dict", "_list")

    def __init__(self, items: Mapping[str, _T] | Iterable[tuple[str, _T]] | None = None) -> None:
        if items is None:
            pairs: list[tuple[str, _T]] = []
        elif isinstance(items, ImmutableMultiDict):
            pairs = items.multi_items()
        elif isinstance(items, Mapping):
            pairs = list(items.items())
        else:
            pairs = list(items)
        self._list = pairs
        self._dict = dict(pairs)

    def getlist(self, key: str) -> list[_T]:
        return [value for item_key, value in self._list if item_key == key]

    def multi_items(self) -> list[tuple[str, _T]]:
        return list(self._list)

    def keys(self) -> KeysView[str]:
        return self._dict.keys()

    def values(self) -> ValuesView[_T]:
        return self._dict.values()

    def items(self) -> ItemsView[str, _T]:
        return self._dict.items()

    def __getitem__(self, key: str) -> _T:
        return self._dict[key]

    def __contains__(self, key: object) -> bool:
        return key in self._dict

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ImmutableMultiDict):
            return NotImplemented
        return sorted(self._list, key=_first) == sorted(other._list, key=_first)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._list!r})"


class QueryParams(ImmutableMultiDict[str]):
    """The query string as a multi-dict: ``request.query_params.getlist("tag")``."""

    __slots__ = ()

    def __init__(self, query: str | bytes | Mapping[str, str] | Iterable[tuple[str, str]] | None = None) -> None:
        if isinstance(query, bytes):
            query = query.decode("latin-1")
        if isinstance(query, str):
            super().__init__(parse_qsl(query, keep_blank_values=True))
        else:
            super().__init__(query)

    def __str__(self) -> str:
        return urlencode(self._list)


class FormData(ImmutableMultiDict["str | UploadFile"]):
    """A parsed form: text fields are ``str``, file fields are ``UploadFile``. Close it to free upload files."""

    __slots__ = ()

    async def close(self) -> None:
        for _, value in self._list:
            if isinstance(value, UploadFile):
                await value.close()


class Headers(Mapping[str, str]):
    """Case-insensitive, read-only view of a list of raw ``(name, value)`` byte pairs.

    ``headers["content-type"]`` gives the first value, ``headers.getlist("set-cookie")`` every value; ``raw`` is the
    list exactly as received (names lowercased, as ASGI requires).
    """

    __slots__ = ("_raw",)

    def __init__(
        self,
        headers: Mapping[str, str] | None = None,
        *,
        raw: list[tuple[bytes, bytes]] | None = None,
        scope: Scope | None = None,
    ) -> None:
        if (headers is not None) + (raw is not None) + (scope is not None) > 1:
            raise ValueError("Build Headers from one of: a mapping, raw=[(name, value)], or scope=.")
        if headers is not None:
            self._raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        elif raw is not None:
            self._raw = raw
        elif scope is not None:
            raw_headers = scope.get("headers", [])
            # Share the scope's list when it is one, so MutableHeaders(scope=...) edits the scope in place.
            self._raw = raw_headers if isinstance(raw_headers, list) else [(bytes(k), bytes(v)) for k, v in raw_headers]
        else:
            self._raw = []

    @property
    def raw(self) -> list[tuple[bytes, bytes]]:
        return self._raw

    def getlist(self, key: str) -> list[str]:
        name = key.lower().encode("latin-1")
        return [value.decode("latin-1") for item_name, value in self._raw if item_name == name]

    def get(self, key: str, default: Any = None) -> Any:
        name = key.lower().encode("latin-1")
        for item_name, value in self._raw:
            if item_name == name:
                return value.decode("latin-1")
        return default

    def keys(self) -> list[str]:  # type: ignore[override]
        return [name.decode("latin-1") for name, _ in self._raw]

    def values(self) -> list[str]:  # type: ignore[override]
        return [value.decode("latin-1") for _, value in self._raw]

    def items(self) -> list[tuple[str, str]]:  # type: ignore[override]
        return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in self._raw]

    def __getitem__(self, key: str) -> str:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return str(value)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        name = key.lower().encode("latin-1")
        return any(item_name == name for item_name, _ in self._raw)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._raw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Headers):
            return NotImplemented
        return sorted(self._raw) == sorted(other._raw)

    __hash__ = None  # type: ignore[assignment]

    def mutablecopy(self) -> MutableHeaders:
        return MutableHeaders(raw=list(self._raw))

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.items()!r})"


_MISSING = object()


def encode_header(name: str, value: str) -> tuple[bytes, bytes]:
    """One header as the ``(lowercased name, value)`` bytes pair ASGI sends, refusing what would corrupt it."""
    if any(char in name or char in value for char in "\r\n\0"):
        raise ValueError(f"Header {name!r} contains a line break or NUL; that would split the response. Remove it.")
    try:
        return name.lower().encode("latin-1"), value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(
            f"Header {name!r} has characters outside Latin-1; percent-encode the value (urllib.parse.quote)."
        ) from None


class MutableHeaders(Headers):
    """Headers that a response may change; every change is made on ``raw``, the list sent to the server."""

    __slots__ = ()

    def __setitem__(self, key: str, value: str) -> None:
        """Set ``key`` to a single ``value``, replacing every earlier value."""
        name, encoded = encode_header(key, value)
        positions = [index for index, (item_name, _) in enumerate(self._raw) if item_name == name]
        if not positions:
            self._raw.append((name, encoded))
            return
        self._raw[positions[0]] = (name, encoded)
        for index in reversed(positions[1:]):
            del self._raw[index]

    def __delitem__(self, key: str) -> None:
        name = key.lower().encode("latin-1")
        self._raw[:] = [(item_name, value) for item_name, value in self._raw if item_name != name]

    def append(self, key: str, value: str) -> None:
        """Add a value without removing earlier ones (``Set-Cookie``, ``Vary``...)."""
        self._raw.append(encode_header(key, value))

    def setdefault(self, key: str, value: str) -> str:
        existing = self.get(key, _MISSING)
        if existing is _MISSING:
            self[key] = value
            return value
        return str(existing)

    def update(self, other: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        pairs = other.items() if isinstance(other, Mapping) else other
        for key, value in pairs:
            self[key] = value

    def pop(self, key: str, default: Any = _MISSING) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                raise KeyError(key)
            return default
        del self[key]
        return value

    def add_vary_header(self, vary: str) -> None:
        existing = self.get("vary")
        self["vary"] = vary if not existing else f"{existing}, {vary}"


# Uploads up to this size stay in memory; larger ones roll over to a temporary file on disk
# (the default of ``spool_size``; a Covet app passes ``settings.MAX_FORM_MEMORY_SIZE``).
UPLOAD_SPOOL_SIZE = 1024 * 1024


class UploadFile:
    """A file received in a multipart form, held in a ``SpooledTemporaryFile``.

    Up to ``spool_size`` bytes stay in memory; past that the file rolls over to disk, and the async methods run the
    file I/O in a worker thread, so reading a large upload never blocks the event loop.
    """

    __slots__ = ("_spool_size", "content_type", "file", "filename", "headers", "size")

    def __init__(
        self,
        file: IO[bytes] | None = None,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        headers: Headers | None = None,
        size: int | None = None,
        spool_size: int = UPLOAD_SPOOL_SIZE,
    ) -> None:
        if file is None:
            file = tempfile.SpooledTemporaryFile(max_size=spool_size)  # noqa: SIM115 - closed by close()
        self._spool_size = spool_size
        self.file: IO[bytes] = file
        self.filename = filename
        self.content_type = content_type
        self.headers = headers if headers is not None else Headers()
        self.size = size

    @property
    def _in_memory(self) -> bool:
        return not getattr(self.file, "_rolled", True)

    async def write(self, data: bytes) -> None:
        self.size = (self.size or 0) + len(data)
        # A write that makes the spooled file roll over copies it to disk: that one goes to a thread as well.
        if self._in_memory and self.file.tell() + len(data) <= self._spool_size:
            self.file.write(data)
        else:
            await anyio.to_thread.run_sync(self.file.write, data)

    async def read(self, size: int = -1) -> bytes:
        if self._in_memory:
            return self.file.read(size)
        return await anyio.to_thread.run_sync(self.file.read, size)

    async def seek(self, offset: int, whence: int = 0) -> int:
        if self._in_memory:
            return self.file.seek(offset, whence)
        return await anyio.to_thread.run_sync(self.file.seek, offset, whence)

    async def close(self) -> None:
        if self._in_memory:
            self.file.close()
        else:
            await anyio.to_thread.run_sync(self.file.close)

    def __repr__(self) -> str:
        name = self.__class__.__name__
        return f"{name}(filename={self.filename!r}, size={self.size!r}, content_type={self.content_type!r})"


class State:
    """Free-form attributes for one request (``request.state.tenant = ...``) or one app."""

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        super().__setattr__("_values", values if values is not None else {})

    def __setattr__(self, key: str, value: Any) -> None:
        self._values[key] = value

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"State has no attribute {key!r}; set it first (state.{key} = ...).") from None

    def __delattr__(self, key: str) -> None:
        try:
            del self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __contains__(self, key: str) -> bool:
        return key in self._values

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._values!r})"


__all__: Sequence[str] = [
    "URL",
    "Address",
    "FormData",
    "Headers",
    "ImmutableMultiDict",
    "MutableHeaders",
    "QueryParams",
    "State",
    "UploadFile",
]
