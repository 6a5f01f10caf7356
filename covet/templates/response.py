"""``render()`` and ``TemplateResponse``: an HTML response whose body is a template rendered asynchronously.

A view returns ``render(request, "blog/index.html", {"posts": posts})`` without awaiting it. The core awaits
the response's ``finalize()`` as soon as the view returns, still inside the middleware chain, so template errors
reach the error pages (with the template's file and line), and middleware sees the final body and whatever the
template did to the session (a CSRF token, consumed flash messages). ``await render(...)`` works as well and
gives the rendered response, for code outside a view (exception handlers, middleware, scripts).
"""

from __future__ import annotations

import inspect
from collections.abc import Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from covet.http import HTMLResponse, Request
from covet.http.background import BackgroundTask
from covet.types import Receive, Scope, Send

if TYPE_CHECKING:
    import jinja2


class TemplateResponse(HTMLResponse):
    """An ``HTMLResponse`` carrying its template and context (tests may inspect ``template_name``,
    ``context`` and, once rendered, ``template``); the body is produced by ``finalize()``."""

    def __init__(
        self,
        request: Request | None,
        template_name: str | Sequence[str] | jinja2.Template,
        context: Mapping[str, Any] | None = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        self.request = request
        self.template_name = template_name
        #: The context the view passed; after rendering, with the context processors' variables added.
        self.context: dict[str, Any] = dict(context or {})
        self.template: jinja2.Template | None = None
        self.is_rendered = False
        super().__init__(None, status_code, headers, media_type, background)

    def content_length(self) -> int | None:
        return len(self.body) if self.is_rendered else None

    async def finalize(self) -> None:
        """Render the template into ``body`` (once) and set Content-Length."""
        if self.is_rendered:
            return
        # jinja2 and the environment load with the first render: a process that serves only JSON never loads them.
        import jinja2

        from covet.templates.environment import get_engine
        from covet.templates.errors import annotate_template_error

        environment, processors = get_engine()
        try:
            template = self.template = self.resolve_template(environment)
        except jinja2.TemplateSyntaxError as exc:
            annotate_template_error(exc)
            raise
        context = await self.build_context(processors)
        try:
            text = await template.render_async(context)
        except Exception as exc:
            annotate_template_error(exc, template)
            raise
        self.context = context
        self.body = text.encode(self.charset)
        self.is_rendered = True
        if self.status_code >= 200 and self.status_code not in (204, 304):
            if any(name == b"content-length" for name, _ in self.raw_headers):
                self.headers["content-length"] = str(len(self.body))
            else:  # the usual case: no length was known at construction
                self.raw_headers.append((b"content-length", str(len(self.body)).encode("latin-1")))

    def resolve_template(self, environment: jinja2.Environment) -> jinja2.Template:
        import jinja2

        name = self.template_name
        if isinstance(name, jinja2.Template):
            return name
        if isinstance(name, str):
            return environment.get_template(name)
        return environment.select_template(list(name))

    async def build_context(self, processors: tuple[Any, ...]) -> dict[str, Any]:
        """Context processors first, then ``request`` and ``url``, then the view's own context (which wins)."""
        context: dict[str, Any] = {}
        request = self.request
        if request is not None:
            for processor in processors:
                added = processor(request)
                if inspect.isawaitable(added):
                    added = await added
                context.update(added or {})
            context["request"] = request
            if request.scope.get("router") is not None:
                context["url"] = request.url_for
        context.update(self.context)
        return context

    def __await__(self) -> Generator[Any, None, TemplateResponse]:
        yield from self.finalize().__await__()
        return self

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Normally rendered already by the core; this covers a response returned by middleware or an exception
        # handler. Nothing has been sent yet, so a template error can still become the app's error response.
        if not self.is_rendered:
            try:
                await self.finalize()
            except Exception as exc:
                respond = getattr(scope.get("app"), "response_for_exception", None)
                if respond is None:
                    raise
                error_response = await respond(self.request or Request(scope, receive), exc)
                await error_response(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def render(
    request: Request | None,
    template_name: str | Sequence[str] | jinja2.Template,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    *,
    media_type: str | None = None,
) -> TemplateResponse:
    """The response rendering ``template_name`` (or the first existing of a list of names) with ``context``.

    Return it from a view as is; ``await`` it elsewhere to render it on the spot.
    """
    return TemplateResponse(request, template_name, context, status_code, headers, media_type)


async def render_to_string(
    template_name: str | Sequence[str], context: Mapping[str, Any] | None = None, request: Request | None = None
) -> str:
    """The rendered text of ``template_name`` (emails, fragments); with ``request``, context processors run too."""
    response = await TemplateResponse(request, template_name, context)
    return response.body.decode(response.charset)
