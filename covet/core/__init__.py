"""The ASGI application: lifespan, the middleware chain, views and their return values, errors, WebSocket."""

from covet.core.app import CovetApp
from covet.core.asgi import get_asgi_application
from covet.core.exception_handlers import ExceptionHandlers
from covet.core.websocket import WebSocket, WebSocketDisconnect

__all__ = ["CovetApp", "ExceptionHandlers", "WebSocket", "WebSocketDisconnect", "get_asgi_application"]
