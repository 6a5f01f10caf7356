"""``StaticFilesMiddleware``: serve ``STATIC_URL`` from the static directories in DEBUG, and (when
``STATICFILES_SERVE`` is on) from ``STATIC_ROOT`` in production, with precompressed variants and far-future
caching for hashed names.

Put it near the top of ``MIDDLEWARE`` (after the host check, before sessions) so that static requests skip the
session, CSRF and authentication layers. Unsafe paths (``..``, encoded ``..``, absolute paths, NUL bytes) and
missing files are answered 404; other methods than GET and HEAD under ``STATIC_URL`` get 405.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

import anyio.to_thread

from covet.conf import settings
from covet.exceptions import Http404, MethodNotAllowed
from covet.http import FileResponse, Request, Response
from covet.middleware import GetResponse
from covet.staticfiles.finders import StaticFinder
from covet.staticfiles.manifest import read_manifest
from covet.staticfiles.paths import safe_join
from covet.staticfiles.urls import static_prefix

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Encodings tried in order of preference, with the suffix of their precompressed files.
_ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def _accepted_encodings(header: str) -> set[str]:
    accepted = set()
    for item in header.split(","):
        token, _, params = item.strip().partition(";")
        quality = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            if float(quality) > 0:
                accepted.add(token.strip().lower())
        except ValueError:
            continue
    return accepted


class StaticFilesMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.prefix = static_prefix()
        # Serving is decided once, at startup: an absolute STATIC_URL (a CDN) is never served here.
        self.enabled = self.prefix.startswith("/")

    async def __call__(self, request: Request) -> Response:
        path = request.path
        if not self.enabled or not path.startswith(self.prefix):
            response: Response = await self.get_response(request)
            return response
        if settings.DEBUG:
            return await self.serve_from_finders(request, path[len(self.prefix) :])
        static_root = getattr(settings, "STATIC_ROOT", None)
        if getattr(settings, "STATICFILES_SERVE", False) and static_root:
            root = Path(settings.BASE_DIR or ".") / Path(static_root)
            return await self.serve_from_root(request, root, path[len(self.prefix) :])
        response = await self.get_response(request)
        return response

    @staticmethod
    def _check_method(request: Request) -> None:
        if request.method not in ("GET", "HEAD"):
            raise MethodNotAllowed(headers={"allow": "GET, HEAD"})

    async def serve_from_finders(self, request: Request, name: str) -> Response:
        self._check_method(request)
        finder = StaticFinder.from_settings()
        found = await anyio.to_thread.run_sync(finder.find, name)
        if found is None:
            raise Http404(f"Static file {name!r} not found in the static directories.")
        return FileResponse(found, headers={"cache-control": REVALIDATE})

    async def serve_from_root(self, request: Request, root: Path, name: str) -> Response:
        self._check_method(request)
        found = await anyio.to_thread.run_sync(self._find_in_root, root, name)
        if found is None:
            raise Http404(f"Static file {name!r} not found.")
        manifest = await anyio.to_thread.run_sync(read_manifest, root)
        immutable = manifest is not None and name in manifest.values()
        headers = {"cache-control": IMMUTABLE if immutable else REVALIDATE, "vary": "Accept-Encoding"}
        media_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        accepted = _accepted_encodings(request.headers.get("accept-encoding", ""))
        for encoding, suffix in _ENCODINGS:
            if encoding in accepted:
                variant = found.with_name(found.name + suffix)
                if await anyio.to_thread.run_sync(variant.is_file):
                    headers["content-encoding"] = encoding
                    return FileResponse(variant, headers=headers, media_type=media_type)
        return FileResponse(found, headers=headers, media_type=media_type)

    @staticmethod
    def _find_in_root(root: Path, name: str) -> Path | None:
        candidate = safe_join(root, name)
        return candidate if candidate is not None and candidate.is_file() else None
