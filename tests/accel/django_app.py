"""A minimal Django project in one module, served through Django's own ASGI handler."""

from __future__ import annotations

from typing import Any

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="tests-accel-not-secret",
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["*"],
        INSTALLED_APPS=[],
        MIDDLEWARE=[],
    )
    django.setup()

from django.core.asgi import get_asgi_application
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello from Django", content_type="text/plain")


async def item(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse({"pk": pk, "method": request.method})


def crash(request: HttpRequest) -> Any:
    raise RuntimeError("django view failed")


urlpatterns = [path("", hello), path("items/<int:pk>", item), path("crash", crash)]

application = get_asgi_application()
