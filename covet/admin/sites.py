"""``AdminSite``: the registry of ``ModelAdmin``s and the router of every admin page.

``admin.site.urls`` goes in a project's ``urlpatterns``; it mounts the admin under ``/admin``. The model pages use
generic routes (``/admin/{app_label}/{model_name}/...``) resolved against the registry on each request, so models
registered after the URL conf was built are served too.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from covet.exceptions import Http404, ImproperlyConfigured
from covet.routing import Router, include

if TYPE_CHECKING:
    from covet.admin.options import ModelAdmin
    from covet.http import Request
    from covet.routing.includes import Include

MODEL_PATH = "/{app_label}/{model_name}"


class AlreadyRegistered(ImproperlyConfigured):
    """A model was registered twice on one site."""


class NotRegistered(ImproperlyConfigured):
    """A model that is not registered was unregistered."""


class AdminSite:
    """One admin: which models it manages, its titles, and its pages."""

    site_header = "Covet administration"
    site_title = "Covet site admin"
    index_title = "Site administration"
    site_url: str | None = "/"
    empty_value_display = "-"

    def __init__(self, name: str = "admin", prefix: str = "/admin") -> None:
        from covet.admin.actions import delete_selected

        self.name = name
        self.prefix = prefix.rstrip("/")
        self._registry: dict[Any, ModelAdmin] = {}
        self._actions: dict[str, Any] = {"delete_selected": delete_selected}

    # -- registry -----------------------------------------------------------------------------------------------

    def register(
        self, model_or_iterable: type | Iterable[type], admin_class: type | None = None, **options: Any
    ) -> None:
        """Manage ``model`` (or several) with ``admin_class`` (default ``ModelAdmin``); ``options`` make a subclass."""
        from covet.admin.options import ModelAdmin

        models = [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        admin_class = admin_class or ModelAdmin
        if options:
            admin_class = type(f"{admin_class.__name__}Options", (admin_class,), options)
        for model in models:
            meta = getattr(model, "_meta", None)
            if meta is None:
                raise ImproperlyConfigured(f"{model!r} is not a model: admin.site.register() takes Model classes.")
            if meta.abstract:
                raise ImproperlyConfigured(f"{model.__name__} is abstract and has no table; register a concrete model.")
            if model in self._registry:
                raise AlreadyRegistered(
                    f"{meta.label} is already registered with {type(self._registry[model]).__name__}; "
                    "call admin.site.unregister() first to replace it."
                )
            self._registry[model] = admin_class(model, self)

    def unregister(self, model_or_iterable: type | Iterable[type]) -> None:
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        for model in models:
            if model not in self._registry:
                raise NotRegistered(f"{model.__name__} is not registered with the admin site {self.name!r}.")
            del self._registry[model]

    def is_registered(self, model: type) -> bool:
        return model in self._registry

    def get_model_admin(self, model: type) -> ModelAdmin:
        try:
            return self._registry[model]
        except KeyError:
            raise NotRegistered(f"{model.__name__} is not registered with the admin site {self.name!r}.") from None

    def model_admin_for(self, app_label: str, model_name: str) -> ModelAdmin:
        """The ``ModelAdmin`` of ``app_label.model_name``; 404 when no such model is registered."""
        for model, model_admin in self._registry.items():
            if model._meta.app_label == app_label and model._meta.model_name == model_name:
                return model_admin
        raise Http404(f"The admin manages no model {app_label}.{model_name}.")

    @property
    def registry(self) -> dict[Any, ModelAdmin]:
        return dict(self._registry)

    # -- site-wide actions ----------------------------------------------------------------------------------------

    def add_action(self, action: Any, name: str | None = None) -> None:
        """Offer ``action`` on every changelist of this site."""
        self._actions[name or action.__name__] = action

    def disable_action(self, name: str) -> None:
        self._actions.pop(name, None)

    @property
    def actions(self) -> dict[str, Any]:
        return dict(self._actions)

    # -- pages ----------------------------------------------------------------------------------------------------

    async def has_permission(self, request: Request) -> bool:
        """Whether the request's user may use the admin at all: an active staff member."""
        user = getattr(request, "user", None)
        return bool(user is not None and getattr(user, "is_active", False) and getattr(user, "is_staff", False))

    def url(self, path: str = "") -> str:
        """An admin URL: ``site.url("blog/post/")`` -> ``/admin/blog/post/``."""
        return f"{self.prefix}/{path.lstrip('/')}"

    def each_context(self, request: Request) -> dict[str, Any]:
        """Variables every admin page gets."""
        return {
            "site": self,
            "site_header": self.site_header,
            "site_title": self.site_title,
            "site_url": self.site_url,
            "admin_url": self.url,
            "app_name": app_verbose_name,
        }

    async def get_app_list(self, request: Request, app_label: str | None = None) -> list[dict[str, Any]]:
        """The apps and models the user may see, sorted by name, each with its URLs and the user's rights."""
        grouped: dict[str, dict[str, Any]] = {}
        for model, model_admin in self._registry.items():
            meta = model._meta
            if app_label is not None and meta.app_label != app_label:
                continue
            perms = await model_admin.get_model_perms(request)
            if not any(perms.values()):
                continue
            app = grouped.get(meta.app_label)
            if app is None:
                app = grouped[meta.app_label] = {
                    "app_label": meta.app_label,
                    "name": app_verbose_name(meta.app_label),
                    "app_url": self.url(f"{meta.app_label}/"),
                    "models": [],
                }
            app["models"].append(
                {
                    "name": str(meta.verbose_name_plural).capitalize(),
                    "object_name": meta.object_name,
                    "model_name": meta.model_name,
                    "perms": perms,
                    "admin_url": model_admin.url("changelist") if perms["view"] or perms["change"] else None,
                    "add_url": model_admin.url("add") if perms["add"] else None,
                    "view_only": not perms["change"] and not perms["add"] and not perms["delete"],
                }
            )
        for app in grouped.values():
            app["models"].sort(key=lambda entry: entry["name"])
        return sorted(grouped.values(), key=lambda app: app["name"].lower())

    def get_router(self) -> Router:
        """Every admin route, relative to the site's prefix, named for ``reverse("admin:<name>")``.

        The views (and the templates and forms they use) are imported on the admin's first request: the routes
        exist from the start, but a process that never serves an admin page never loads them.
        """
        router = Router()
        routes: list[tuple[str, str, list[str], str]] = [
            ("/", "index.index_view", ["GET"], "index"),
            ("/login/", "login.login_view", ["GET", "POST"], "login"),
            ("/logout/", "login.logout_view", ["POST"], "logout"),
            ("/password_change/", "password_change.password_change_view", ["GET", "POST"], "password_change"),
            ("/autocomplete/", "autocomplete.autocomplete_view", ["GET"], "autocomplete"),
            ("/{app_label}/", "index.app_index_view", ["GET"], "app_list"),
            (f"{MODEL_PATH}/", "changelist.changelist_view", ["GET", "POST"], "changelist"),
            (f"{MODEL_PATH}/add/", "change_form.add_view", ["GET", "POST"], "add"),
            (f"{MODEL_PATH}/{{object_id}}/", "change_form.object_redirect_view", ["GET"], "object"),
            (f"{MODEL_PATH}/{{object_id}}/change/", "change_form.change_view", ["GET", "POST"], "change"),
            (f"{MODEL_PATH}/{{object_id}}/delete/", "delete.delete_view", ["GET", "POST"], "delete"),
            (f"{MODEL_PATH}/{{object_id}}/history/", "history.history_view", ["GET"], "history"),
        ]
        for path, view, methods, name in routes:
            router.add_route(path, SiteView(self, f"covet.admin.views.{view}"), methods=methods, name=name)
        return router

    @property
    def urls(self) -> Include:
        """``urlpatterns = [..., admin.site.urls]``: the admin under its prefix, route names ``admin:*``."""
        return include(self.get_router(), prefix=self.prefix, namespace=self.name)


class SiteView:
    """An admin view bound to its site, imported from ``module.function`` on its first call.

    Called as ``view(request, **params)`` like any endpoint; ``covet routes`` shows the real view's name.
    """

    def __init__(self, site: AdminSite, dotted: str) -> None:
        self.site = site
        self.__module__, _, self.__qualname__ = dotted.rpartition(".")
        self._view: Any = None

    async def __call__(self, request: Request, **params: Any) -> Any:
        view = self._view
        if view is None:
            view = self._view = getattr(importlib.import_module(self.__module__), self.__qualname__)
        return await view(self.site, request, **params)

    def __repr__(self) -> str:
        return f"<SiteView {self.__module__}.{self.__qualname__} of {self.site.name!r}>"


def app_verbose_name(app_label: str) -> str:
    """An app's ``verbose_name`` ("Authentication and authorization"), or its label made readable."""
    from covet.conf.apps import apps

    try:
        name = str(apps.get_app_config(app_label).verbose_name)
    except LookupError:
        name = app_label.replace("_", " ")
    return name[:1].upper() + name[1:]


def autodiscover(module_name: str = "admin") -> None:
    """Import ``<app>.admin`` for every installed app that has one (their ``@admin.register`` calls run)."""
    from covet.conf.apps import apps

    for config in apps.get_app_configs():
        dotted = f"{config.name}.{module_name}"
        try:
            importlib.import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name != dotted:
                raise


site = AdminSite()
