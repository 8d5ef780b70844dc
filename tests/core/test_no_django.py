"""core and reader must stay importable without Django (`fapiao extract` and the worker's
reading run without it; Django apps call them, never the reverse)."""

import ast
from pathlib import Path

import pytest

import fapiao.core
import fapiao.reader

PACKAGES = {
    "core": Path(fapiao.core.__file__).parent,
    "reader": Path(fapiao.reader.__file__).parent,
}


def _django_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return [n for n in names if n.split(".")[0] == "django"]


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_pure_packages_do_not_import_django(package: str) -> None:
    folder = PACKAGES[package]
    modules = sorted(folder.glob("*.py"))
    offenders = [f"{p.name}: {name}" for p in modules for name in _django_imports(p)]
    assert offenders == []
    assert len(modules) >= 9  # the glob found the package's modules


def test_the_guard_sees_a_django_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from django.db import models\nimport django.conf\n", encoding="utf-8")
    assert _django_imports(module) == ["django.db", "django.conf"]
