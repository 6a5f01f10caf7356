"""The raw benchmark routes on socketify.py (uWebSockets), run as a script: ``PORT=8000 python socketify_app.py``.

Framework-less like ``raw_asgi``/``raw_rsgi`` in apps.py: socketify's own request/response objects, one
process, one loop. socketify needs Debian's libuv1 (``apt-get install libuv1``).
"""

from __future__ import annotations

import os
from typing import Any

import orjson
from socketify import App

HELLO = b"Hello, World!"
JSON_BODY = orjson.dumps({"message": "Hello, World!"})


def plaintext(res: Any, req: Any) -> None:
    res.write_header("Content-Type", "text/plain")
    res.end(HELLO)


def json(res: Any, req: Any) -> None:
    res.write_header("Content-Type", "application/json")
    res.end(JSON_BODY)


def user(res: Any, req: Any) -> None:
    res.write_header("Content-Type", "application/json")
    res.end(orjson.dumps({"id": int(req.get_parameter(0))}))


def main() -> None:
    app = App()
    app.get("/plaintext", plaintext)
    app.get("/json", json)
    app.get("/users/:id", user)
    app.get("/static", plaintext)
    app.listen(int(os.environ["PORT"]), lambda config: None)
    app.run()


if __name__ == "__main__":
    main()
