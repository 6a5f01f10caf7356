"""isolated_globals(): a block that loads a project leaves the process as it found it."""

from __future__ import annotations

import os
import sys

from covet.conf import settings
from covet.conf.apps import apps
from covet.testing.isolation import isolated_globals


def test_everything_a_project_load_changes_is_restored(tmp_path, monkeypatch):
    monkeypatch.delenv("COVET_ISOLATION_PROBE", raising=False)
    (tmp_path / "isoproj_mod.py").write_text("VALUE = 1\n")
    wrapped_before = settings._wrapped
    path_before = list(sys.path)
    cwd_before = os.getcwd()
    with isolated_globals():
        assert not settings.is_configured
        assert not apps.ready
        settings.configure(DEBUG=True)
        apps.populate([])
        sys.path.insert(0, str(tmp_path))
        __import__("isoproj_mod")
        os.environ["COVET_ISOLATION_PROBE"] = "1"
        os.chdir(tmp_path)
    assert settings._wrapped is wrapped_before
    assert sys.path == path_before
    assert "isoproj_mod" not in sys.modules
    assert "COVET_ISOLATION_PROBE" not in os.environ
    assert os.getcwd() == cwd_before


def test_without_fresh_the_block_sees_the_current_settings():
    with isolated_globals():
        settings.configure(TIME_ZONE="Asia/Tokyo")
        with isolated_globals(fresh=False):
            assert settings.TIME_ZONE == "Asia/Tokyo"
            settings.TIME_ZONE = "UTC"
        assert settings.TIME_ZONE == "UTC"  # same object: values are not copied, only the object restored
