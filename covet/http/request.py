"""``Request``: a view of one ASGI HTTP scope plus its receive channel, with lazily parsed parts and body helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, NoReturn

import orjson

from covet.exceptions import BadRequest, RequestEntityTooLarge
from covet.http.cookies import parse_cookie_header
from covet.http.datastructures import UPLOAD_SPOOL_SIZE, URL, Address, FormData, Headers, QueryParams, State
from covet.http.multipart import FormLimits, parse_form
from covet.types import Message, Receive, Scope, Send

# Largest request body accepted when neither the caller nor the scope (``scope["covet.max_body_size"]``) says.
DEFAULT_MAX_BODY_SIZE = 10 * 1024 * 1024

# Scope keys that middleware and the core fill in.
SCOPE_MAX_BODY_SIZE = "covet.max_body_size"
SCOPE_MAX_FORM_MEMORY_SIZE = "covet.max_form_memory_size"  # bytes of an uploaded file kept in memory
SCOPE_REQUEST_ID = "covet.request_id"
# Scope keys where the body is remembered, so that every Request built over one scope (one per middleware, say)
# shares what the first one read.
SCOPE_BODY = "covet.body"
SCOPE_BODY_STREAMED = "covet.body_streamed"
SCOPE_FORM = "covet.form"


class ClientDisconnect(Exception):
    """The client closed the connection before the request body was read in full."""


class MissingMiddlewareError(AttributeError):
    """An attribute that a middleware provides was read, but that middleware is not installed."""


async def _no_receive() -> NoReturn:
    raise RuntimeError("This Request was built without a receive channel, so its body cannot be read.")


async def _no_send(message: Message) -> NoReturn:
    raise RuntimeError("This Request was built without a send channel.")


class HTTPConnection:
    """What HTTP requests and WebSocket connections share: everything that comes from the scope."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self._url: URL | None = None
        self._headers: Headers | None = None
        self._query_params: QueryParams | None = None
        self._cookies: dict[str, str] | None = None

    @property
    def app(self) -> Any:
        return self.scope.get("app")

    @property
    def path(self) -> str:
        return str(self.scope["path"])

    @property
    def url(self) -> URL:
        if self._url is None:
            self._url = URL(scope=self.scope)
        return self._url

    @property
    def base_url(self) -> URL:
        """The URL of the application root (scheme, host and ``root_path``), ending with ``/``."""
        root_path = self.scope.get("root_path", "")
        return self.url.replace(path=root_path.rstrip("/") + "/", query="", fragment="")

    @property
    def headers(self) -> Headers:
        if self._headers is None:
            self._headers = Headers(scope=self.scope)
        return self._headers

    @property
    def query_params(self) -> QueryParams:
        if self._query_params is None:
            self._query_params = QueryParams(self.scope.get("query_string", b""))
        return self._query_params

    @property
    def cookies(self) -> dict[str, str]:
        if self._cookies is None:
            # HTTP/2 may split the Cookie header into several fields; they join with "; ".
            self._cookies = parse_cookie_header("; ".join(self.headers.getlist("cookie")))
        return self._cookies

    @property
    def client(self) -> Address | None:
        client = self.scope.get("client")
        return Address(*client) if client else None

    @property
    def path_params(self) -> dict[str, Any]:
        params: dict[str, Any] = self.scope.get("path_params", {})
        return params

    @property
    def state(self) -> State:
        # ASGI lifespan state arrives (shallow-copied per request) in scope["state"]; request state shares it.
        return State(self.scope.setdefault("state", {}))

    @property
    def user(self) -> Any:
        if "user" not in self.scope:
            raise MissingMiddlewareError(
                "request.user is not set: add the authentication middleware to settings.MIDDLEWARE "
                "(after 'covet.auth.sessions.SessionMiddleware')."
            )
        return self.scope["user"]

    @user.setter
    def user(self, value: Any) -> None:
        self.scope["user"] = value

    @property
    def session(self) -> Any:
        if "session" not in self.scope:
            raise MissingMiddlewareError(
                "request.session is not available: add 'covet.auth.sessions.SessionMiddleware' to settings.MIDDLEWARE."
            )
        return self.scope["session"]

    @session.setter
    def session(self, value: Any) -> None:
        self.scope["session"] = value

    @property
    def id(self) -> str | None:
        """The request id the core or a middleware assigned (``scope["covet.request_id"]``), if any."""
        request_id: str | None = self.scope.get(SCOPE_REQUEST_ID)
        return request_id

    @id.setter
    def id(self, value: str) -> None:
        self.scope[SCOPE_REQUEST_ID] = value

    def url_for(self, name: str, /, **params: Any) -> str:
        """The path of the route called ``name``, from the router the core put in ``scope["router"]``."""
        router = self.scope.get("router")
        if router is None:
            raise RuntimeError(
                f"request.url_for({name!r}) needs a router, but scope['router'] is not set. Serve the request "
                "through a Covet app (which sets it) or call covet.routing.reverse() directly."
            )
        path: str = router.reverse(name, **params)
        root_path = self.scope.get("root_path", "")
        return root_path.rstrip("/") + path if root_path else path


class Request(HTTPConnection):
    """An HTTP request: the scope's parts as properties, and the body through ``body()``, ``json()``, ``form()``
    or ``stream()``."""

    def __init__(
        self,
        scope: Scope,
        receive: Receive = _no_receive,
        send: Send = _no_send,
        *,
        max_body_size: int | None = None,
    ) -> None:
        if scope.get("type") != "http":
            raise ValueError(f"Request needs an ASGI scope of type 'http', not {scope.get('type')!r}.")
        super().__init__(scope)
        self._receive = receive
        self._send = send
        if max_body_size is None:
            max_body_size = scope.get(SCOPE_MAX_BODY_SIZE, DEFAULT_MAX_BODY_SIZE)
        self.max_body_size: int | None = max_body_size
        self._json: Any = _UNSET

    @property
    def method(self) -> str:
        return str(self.scope["method"])

    @property
    def receive(self) -> Receive:
        return self._receive

    async def stream(self) -> AsyncIterator[bytes]:
        """The body, chunk by chunk as it arrives; raises ``ClientDisconnect`` if the client goes away first."""
        body: bytes | None = self.scope.get(SCOPE_BODY)
        if body is not None:
            if body:
                yield body
            return
        if self.scope.get(SCOPE_BODY_STREAMED):
            raise RuntimeError(
                "The request body was already consumed by stream(); call body() first to read it more than once."
            )
        self.scope[SCOPE_BODY_STREAMED] = True
        limit = self.max_body_size
        if limit is not None:
            self._check_declared_length(limit)
        received = 0
        while True:
            message = await self._receive()
            message_type = message["type"]
            if message_type == "http.request":
                chunk: bytes = message.get("body", b"")
                received += len(chunk)
                if limit is not None and received > limit:
                    raise self._too_large(limit)
                if chunk:
                    yield chunk
                if not message.get("more_body", False):
                    return
            elif message_type == "http.disconnect":
                raise ClientDisconnect("The client disconnected before the request body was read in full.")

    def _check_declared_length(self, limit: int) -> None:
        declared = self.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise self._too_large(limit)

    @staticmethod
    def _too_large(limit: int) -> RequestEntityTooLarge:
        return RequestEntityTooLarge(f"The request body is larger than the limit of {limit} bytes.")

    async def body(self) -> bytes:
        """The whole body, read once and cached."""
        body: bytes | None = self.scope.get(SCOPE_BODY)
        if body is None:
            body = self.scope[SCOPE_BODY] = b"".join([chunk async for chunk in self.stream()])
        return body

    async def json(self) -> Any:
        """The body decoded as JSON (cached); ``BadRequest`` if it is empty or not valid JSON."""
        if self._json is _UNSET:
            body = await self.body()
            if not body:
                raise BadRequest("The request body is empty; expected a JSON document.")
            try:
                self._json = orjson.loads(body)
            except orjson.JSONDecodeError as error:
                raise BadRequest(f"The request body is not valid JSON: {error}.") from error
        return self._json

    async def form(
        self,
        *,
        max_files: int = FormLimits.max_files,
        max_fields: int = FormLimits.max_fields,
        max_part_size: int = FormLimits.max_part_size,
        max_file_size: int | None = FormLimits.max_file_size,
    ) -> FormData:
        """The body parsed as a urlencoded or multipart form (cached; the limits apply on the first call).

        Uploaded files stay in memory up to ``scope["covet.max_form_memory_size"]`` bytes each (the app sets it from
        ``MAX_FORM_MEMORY_SIZE``), then roll over to temporary files on disk.
        """
        form: FormData | None = self.scope.get(SCOPE_FORM)
        if form is None:
            limits = FormLimits(
                max_fields=max_fields,
                max_files=max_files,
                max_part_size=max_part_size,
                max_file_size=max_file_size,
                spool_size=self.scope.get(SCOPE_MAX_FORM_MEMORY_SIZE, UPLOAD_SPOOL_SIZE),
            )
            form = self.scope[SCOPE_FORM] = await parse_form(self.headers.get("content-type"), self.stream(), limits)
        return form

    async def close(self) -> None:
        """Close the uploaded files of a parsed form; the core calls this once the response is sent."""
        form: FormData | None = self.scope.get(SCOPE_FORM)
        if form is not None:
            await form.close()

    async def send_push_promise(self, path: str) -> None:
        """Ask an HTTP/2 server to push ``path``; does nothing where the server does not support it."""
        if "http.response.push" in self.scope.get("extensions", {}):
            raw_headers = [(k, v) for k, v in self.headers.raw if k in (b"accept", b"accept-encoding", b"cookie")]
            await self._send({"type": "http.response.push", "path": path, "headers": raw_headers})


_UNSET: Any = object()
