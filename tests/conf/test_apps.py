"""The app registry: AppConfig discovery, the three populate phases, lookups and their errors."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

import covet
from covet.conf.apps import AppConfig, Apps, apps
from covet.exceptions import ImproperlyConfigured

PHASE_LOG = "phase_log_{suffix}"


@pytest.fixture
def app_tree(make_project, monkeypatch):
    """A project with apps ``alpha`` (config + models + ready) and ``beta`` (models + ready), logging phases."""
    project = make_project()
    suffix = project.package
    log_module = PHASE_LOG.format(suffix=suffix)
    project.write(f"{log_module}.py", "events = []\n")
    for app in (f"alpha_{suffix}", f"beta_{suffix}"):
        short = app.split("_")[0]
        project.write(f"{app}/__init__.py", "")
        project.write(f"{app}/models.py", f"import {log_module}\n{log_module}.events.append('models:{short}')\n")
        project.write(
            f"{app}/apps.py",
            f"""
            import {log_module}
            from covet.conf.apps import AppConfig

            class {short.title()}Config(AppConfig):
                name = "{app}"
                label = "{short}"

                def ready(self):
                    {log_module}.events.append("ready:{short}")
            """,
        )
    monkeypatch.syspath_prepend(str(project.root))
    return SimpleNamespace(alpha=f"alpha_{suffix}", beta=f"beta_{suffix}", log=log_module, project=project)


def test_populate_runs_configs_then_models_then_ready(app_tree):
    registry = Apps()
    registry.populate([app_tree.alpha, app_tree.beta])
    assert sys.modules[app_tree.log].events == ["models:alpha", "models:beta", "ready:alpha", "ready:beta"]
    assert [config.label for config in registry.get_app_configs()] == ["alpha", "beta"]
    alpha = registry.get_app_config("alpha")
    assert type(alpha).__name__ == "AlphaConfig"
    assert alpha.name == app_tree.alpha
    assert alpha.models_module is sys.modules[f"{app_tree.alpha}.models"]
    assert alpha.path == app_tree.project.root / app_tree.alpha
    assert alpha.verbose_name == "Alpha"
    assert registry.ready and registry.models_ready and registry.apps_ready


def test_populate_is_idempotent(app_tree):
    registry = Apps()
    registry.populate([app_tree.alpha])
    registry.populate([app_tree.alpha])
    assert sys.modules[app_tree.log].events.count("ready:alpha") == 1


def test_app_without_apps_module_gets_a_default_config(make_project, monkeypatch):
    project = make_project()
    project.write("plainapp_x/__init__.py", "")
    monkeypatch.syspath_prepend(str(project.root))
    config = AppConfig.create("plainapp_x")
    assert type(config) is AppConfig
    assert config.label == "plainapp_x"
    assert config.models_module is None


def test_config_class_path_in_installed_apps(app_tree):
    registry = Apps()
    registry.populate([f"{app_tree.alpha}.apps.AlphaConfig"])
    assert registry.get_app_config("alpha").name == app_tree.alpha
    assert registry.is_installed(app_tree.alpha)
    assert not registry.is_installed("something_else")


def test_unknown_label_lists_installed_labels(app_tree):
    registry = Apps()
    registry.populate([app_tree.alpha, app_tree.beta])
    with pytest.raises(LookupError) as info:
        registry.get_app_config("gamma")
    assert "Installed app labels: alpha, beta" in str(info.value)
    assert "INSTALLED_APPS" in str(info.value)


def test_lookup_by_module_name_points_at_the_label(app_tree):
    registry = Apps()
    registry.populate([app_tree.alpha])
    with pytest.raises(LookupError, match="has the label 'alpha'"):
        registry.get_app_config(app_tree.alpha)


def test_duplicate_labels_are_refused_and_the_registry_stays_empty(app_tree):
    app_tree.project.write("other/alpha/__init__.py", "")
    app_tree.project.write("other/__init__.py", "")
    registry = Apps()
    with pytest.raises(ImproperlyConfigured) as info:
        registry.populate([app_tree.alpha, "other.alpha"])
    assert "Two installed apps have the label 'alpha'" in str(info.value)
    assert "label = '...'" in str(info.value)
    assert registry.app_configs == {} and not registry.ready
    registry.populate([app_tree.alpha])  # fixed: a retry works
    assert registry.get_app_config("alpha").name == app_tree.alpha


def test_an_app_listed_twice_is_named_as_such(app_tree):
    with pytest.raises(ImproperlyConfigured, match=f"INSTALLED_APPS lists '{app_tree.alpha}' twice"):
        Apps().populate([app_tree.alpha, app_tree.alpha])


def test_unimportable_app_is_a_clear_error(isolated):
    with pytest.raises(ImproperlyConfigured) as info:
        Apps().populate(["no_such_app_qq"])
    assert "'no_such_app_qq', which cannot be imported" in str(info.value)
    assert "pyproject.toml" in str(info.value)


def test_an_import_error_inside_an_app_is_not_hidden(make_project, monkeypatch):
    project = make_project()
    project.write("brokenapp_y/__init__.py", "import missing_dependency_zz\n")
    monkeypatch.syspath_prepend(str(project.root))
    with pytest.raises(ModuleNotFoundError, match="missing_dependency_zz"):
        Apps().populate(["brokenapp_y"])


def test_several_configs_need_a_default(make_project, monkeypatch):
    project = make_project()
    project.add_app(
        "twoconf",
        """
        class FirstConfig(AppConfig):
            name = "twoconf"

        class SecondConfig(AppConfig):
            name = "twoconf"
        """,
    )
    monkeypatch.syspath_prepend(str(project.root))
    with pytest.raises(ImproperlyConfigured, match="several AppConfig classes"):
        AppConfig.create("twoconf")
    project.write("twoconf/apps.py", project.root.joinpath("twoconf/apps.py").read_text() + "    default = True\n")
    del sys.modules["twoconf.apps"]
    assert type(AppConfig.create("twoconf")).__name__ == "SecondConfig"


def test_populate_is_not_reentrant(make_project, monkeypatch):
    project = make_project()
    project.add_app(
        "reenter",
        """
        class ReenterConfig(AppConfig):
            name = "reenter"

            def ready(self):
                self.apps.populate(["reenter"])
        """,
    )
    monkeypatch.syspath_prepend(str(project.root))
    with pytest.raises(RuntimeError, match="called again while it was running"):
        Apps().populate(["reenter"])


def test_lookups_before_populate_say_to_call_setup():
    with pytest.raises(ImproperlyConfigured, match=r"covet.setup\(\)"):
        Apps().get_app_configs()


def test_models_register_and_are_found_case_insensitively():
    registry = Apps()
    post = type("Post", (), {"__module__": "blog.models"})
    comment = type("Comment", (), {"__module__": "blog.models"})
    registry.register_model("blog", post)
    registry.register_model("blog", comment)
    registry.register_model("blog", post)  # the same class again is fine
    assert registry.get_model("blog.Post") is post
    assert registry.get_model("blog", "COMMENT") is comment
    assert registry.get_models() == [post, comment]


def test_model_lookup_errors():
    registry = Apps()
    registry.register_model("blog", type("Post", (), {"__module__": "blog.models"}))
    with pytest.raises(LookupError, match="its models are: Post"):
        registry.get_model("blog.Tag")
    with pytest.raises(LookupError, match=r"apps with models: blog"):
        registry.get_model("shop.Item")
    with pytest.raises(ValueError, match=r"app_label\.ModelName"):
        registry.get_model("Post")


def test_conflicting_models_are_refused():
    registry = Apps()
    registry.register_model("blog", type("Post", (), {"__module__": "blog.models"}))
    with pytest.raises(ImproperlyConfigured, match="Conflicting 'Post' models"):
        registry.register_model("blog", type("Post", (), {"__module__": "blog.other"}))


def test_app_config_get_models(app_tree):
    registry = Apps()
    registry.populate([app_tree.alpha])
    model = type("Thing", (), {"__module__": "alpha.models"})
    registry.register_model("alpha", model)
    assert registry.get_app_config("alpha").get_models() == [model]


def test_covet_setup_loads_settings_and_populates_the_global_registry(app_tree, monkeypatch):
    app_tree.project.write(f"{app_tree.project.package}/settings.py", f"INSTALLED_APPS = [{app_tree.alpha!r}]\n")
    monkeypatch.chdir(app_tree.project.root)
    covet.setup()
    covet.setup()
    assert apps.get_app_config("alpha").name == app_tree.alpha
    assert sys.modules[app_tree.log].events == ["models:alpha", "ready:alpha"]


def test_covet_setup_applies_logging_once(make_project, monkeypatch):
    project = make_project(
        "LOGGING = {'version': 1, 'disable_existing_loggers': False,"
        " 'loggers': {'covet.setup_test': {'level': 'WARNING'}}}\n"
    )
    monkeypatch.chdir(project.root)
    logger = __import__("logging").getLogger("covet.setup_test")
    previous = logger.level
    try:
        covet.setup()
        assert logger.level == 30
        logger.setLevel(10)
        covet.setup()  # already set up: LOGGING is not applied twice
        assert logger.level == 10
    finally:
        logger.setLevel(previous)
