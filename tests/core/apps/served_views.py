"""Views of the app the core tests serve in-process, under uvicorn and under granian."""

from __future__ import annotations

import threading

from covet.exceptions import HTTPException, PermissionDenied
from covet.http import JSONResponse, PlainTextResponse, Request
from covet.routing import Router

router = Router()
STARTUP_EVENTS: list[str] = []


class TeapotError(Exception):
    """Handled by teapot_handler, registered through EXCEPTION_HANDLERS."""


async def teapot_handler(request: Request, exc: TeapotError) -> PlainTextResponse:
    return PlainTextResponse(f"teapot: {exc}", status_code=418)


def on_startup() -> None:
    STARTUP_EVENTS.append("started")


@router.get("/", name="home")
async def home(request: Request) -> str:
    return "<h1>home</h1>"


@router.get("/api/items", name="items")
async def items(request: Request) -> dict:
    return {"items": [1, 2, 3], "page": request.query_params.get("page", "1")}


@router.get("/api/items/{id:int}", name="item")
async def item(request: Request, id: int) -> dict:
    return {"id": id, "type": type(id).__name__, "url": request.url_for("item", id=id)}


@router.get("/hello/{name}", name="hello")
async def hello(request: Request, name: str) -> str:
    return f"hello {name}"


@router.route("/echo", methods=["POST", "PUT"], name="echo")
async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse(
        {"method": request.method, "length": len(body), "body": body.decode("utf-8", "replace")},
        status_code=201,
    )


@router.get("/sync", name="sync")
def sync_view(request: Request) -> dict:
    return {"thread": threading.current_thread().name, "main": threading.current_thread() is threading.main_thread()}


@router.get("/docs/", name="docs")
async def docs(request: Request) -> str:
    return "docs"


@router.get("/boom", name="boom")
async def boom(request: Request) -> str:
    secret_password = "hunter2"  # noqa: F841 - must be masked on the DEBUG page
    raise RuntimeError("kaboom <script>alert(1)</script>")


@router.get("/teapot")
async def teapot(request: Request) -> str:
    raise TeapotError("short and stout")


@router.get("/forbidden")
async def forbidden(request: Request) -> str:
    raise PermissionDenied("not yours")


@router.get("/custom-http-error")
async def custom_http_error(request: Request) -> str:
    raise HTTPException("slow down", status_code=429, headers={"retry-after": "3"})


@router.get("/created")
async def created(request: Request) -> tuple:
    return {"ok": True}, 201, {"x-extra": "1"}


@router.get("/empty")
async def empty(request: Request) -> None:
    return None


@router.get("/lifespan")
async def lifespan_state(request: Request) -> dict:
    return {"startup": STARTUP_EVENTS}


@router.get("/ready")
async def ready_state(request: Request) -> dict:
    from served_app.apps import READY_CALLS

    return {"ready": READY_CALLS}


router.static("/health", "ok", headers={"cache-control": "no-store"}, name="health")


_GATES: dict[str, threading.Event] = {}
_GATES_LOCK = threading.Lock()


def _gate(key: str) -> threading.Event:
    with _GATES_LOCK:
        return _GATES.setdefault(key, threading.Event())


@router.get("/gate/wait/{key}")
def gate_wait(request: Request, key: str) -> dict:
    """A sync view that blocks its worker thread until /gate/open/{key} is served (so the loop must stay free)."""
    return {"opened": _gate(key).wait(timeout=10)}


@router.get("/gate/open/{key}")
async def gate_open(request: Request, key: str) -> dict:
    _gate(key).set()
    return {"opened": key}


@router.websocket("/ws/{room}")
async def websocket_room(websocket, room: str) -> None:
    await websocket.accept()
    await websocket.send_json({"joined": room, "param": websocket.path_params["room"]})
    async for text in websocket.iter_text():
        await websocket.send_text(f"{room}: {text}")
