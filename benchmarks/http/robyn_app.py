"""The benchmark routes on Robyn (run as a script: ``PORT=8000 python robyn_app.py``)."""

from __future__ import annotations

import os

from robyn import Robyn

app = Robyn(__file__)


@app.get("/plaintext")
def plaintext(request: object) -> str:
    return "Hello, World!"


@app.get("/json")
def json(request: object) -> dict[str, str]:
    return {"message": "Hello, World!"}


@app.get("/users/:id")
def user(request: object) -> dict[str, int]:
    return {"id": int(request.path_params["id"])}  # type: ignore[attr-defined]


@app.get("/static", const=True)
def static(request: object) -> str:
    return "Hello, World!"


if __name__ == "__main__":
    app.start(host="127.0.0.1", port=int(os.environ["PORT"]))
