"""core must stay importable without Django (the reader and CLI run without it)."""

import ast
from pathlib import Path

import fapiao.core

CORE = Path(fapiao.core.__file__).parent


def test_core_modules_do_not_import_django() -> None:
    offenders = []
    for path in sorted(CORE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []
    assert len(list(CORE.glob("*.py"))) >= 9
