"""``@register``, ``@display`` and ``@action``: the decorators of ``admin.py`` modules, as in Django."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from covet.admin.sites import AdminSite

_F = TypeVar("_F", bound=Callable[..., Any])
_C = TypeVar("_C", bound=type)


def register(*models: type, site: AdminSite | None = None) -> Callable[[_C], _C]:
    """``@admin.register(Post, Tag)`` on a ``ModelAdmin`` subclass registers it for those models."""
    from covet.admin.options import ModelAdmin
    from covet.admin.sites import site as default_site

    if not models:
        raise ValueError("@admin.register() needs at least one model: @admin.register(Post).")

    def wrapper(admin_class: _C) -> _C:
        if not issubclass(admin_class, ModelAdmin):
            raise ValueError(f"@admin.register decorates ModelAdmin subclasses, not {admin_class!r}.")
        (site or default_site).register(models, admin_class)
        return admin_class

    return wrapper


def display(
    function: _F | None = None,
    *,
    description: str | None = None,
    ordering: str | None = None,
    boolean: bool | None = None,
    empty_value: str | None = None,
) -> Any:
    """Column options of a ``list_display`` callable: header text, the field it sorts by, a yes/no icon."""

    def decorator(func: _F) -> _F:
        if description is not None:
            func.short_description = description  # type: ignore[attr-defined]
        if ordering is not None:
            func.admin_order_field = ordering  # type: ignore[attr-defined]
        if boolean is not None:
            func.boolean = boolean  # type: ignore[attr-defined]
        if empty_value is not None:
            func.empty_value_display = empty_value  # type: ignore[attr-defined]
        return func

    return decorator(function) if function is not None else decorator


def action(
    function: _F | None = None,
    *,
    description: str | None = None,
    permissions: Iterable[str] | None = None,
    confirm: bool = False,
) -> Any:
    """An admin action ``async def f(modeladmin, request, queryset)``.

    ``permissions=["change"]`` shows it only to users holding ``change_<model>``; ``confirm=True`` asks on a
    confirmation page listing the selected objects before running it.
    """

    def decorator(func: _F) -> _F:
        if description is not None:
            func.short_description = description  # type: ignore[attr-defined]
        if permissions is not None:
            func.allowed_permissions = tuple(permissions)  # type: ignore[attr-defined]
        func.requires_confirmation = confirm  # type: ignore[attr-defined]
        return func

    return decorator(function) if function is not None else decorator
