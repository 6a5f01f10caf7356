"""import_app: the error names what is really missing, the app's module or a dependency inside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from covet.server.importer import AppImportError, import_app


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_a_missing_app_module_is_the_users_typo(project: Path) -> None:
    with pytest.raises(AppImportError, match="Could not import module 'shop_app'"):
        import_app("shop_app:app")
    (project / "shop").mkdir()
    with pytest.raises(AppImportError, match=r"Could not import module 'shop\.asgi'"):
        import_app("shop.asgi:app")


def test_a_dependency_missing_inside_the_app_module_is_reported_as_itself(project: Path) -> None:
    # 'stock_app' starts with 'stock', the missing dependency: once reported as "Could not import module 'stock_app'".
    (project / "stock_app.py").write_text("import stock\napp = None\n")
    with pytest.raises(ModuleNotFoundError, match="No module named 'stock'"):
        import_app("stock_app:app")
