"""The direction of imports between Fapiao's packages (docs/architecture.md, "Layers").

Read from the source with `ast`, so that an import inside a function or under
TYPE_CHECKING counts as much as one at the top: a cycle hidden in a function is still a
cycle. A module that belongs to no layer fails the test, so a new package is placed
deliberately rather than by accident.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "fapiao"

# Each unit may import itself and the units listed for it (and, through the table, never
# one above it). Feature apps at the same level (lookup, analytics, feedback) stay
# independent of each other: what one needs of another goes through a signal.
PURE = {"core"}
INFRA = {"config", "errors", "locks", "jobs", "worker", "logmask", "web.proxies"}
BASE = PURE | INFRA | {"reader"}
SHELL_HELPERS = {"web.http", "api.common", "api.problems", "api.auth"}
# Modules that sit apart from their package: the client address behind trusted proxies is
# needed by sign-in throttling (accounts), below the page helpers; accounts' own pages
# (我的 API 令牌) use the page helpers, which need the accounts models.
SPLIT = {"web.proxies", "accounts.views", "accounts.urls"}
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "reader": {"core"},
    "config": set(),
    "errors": set(),
    "locks": {"config"},
    "jobs": {"config", "locks"},
    "worker": {"config", "errors", "locks", "jobs"},
    "logmask": {"core"},
    "web.proxies": {"config"},
    "accounts": BASE,
    "web.http": BASE | {"accounts"},
    "accounts.views": BASE | {"accounts", "web.http"},
    "accounts.urls": {"accounts", "accounts.views"},
    "api.problems": BASE,
    "api.auth": BASE | {"accounts"},
    "api.common": BASE | {"accounts", "web.http", "api.problems"},
    "invoices": BASE | {"accounts"} | SHELL_HELPERS,
    "notify": BASE | {"accounts", "invoices"} | SHELL_HELPERS,
    "review": BASE | {"accounts", "invoices", "notify"} | SHELL_HELPERS,
    "lookup": BASE | {"accounts", "invoices", "notify", "review"} | SHELL_HELPERS,
    "analytics": BASE | {"accounts", "invoices", "notify", "review"} | SHELL_HELPERS,
    "feedback": BASE | {"accounts", "invoices", "notify", "review"} | SHELL_HELPERS,
    # 系统设置: an organisation's admin manages what the apps below keep (users, routing
    # rules, templates, maintenance notices); nothing imports it.
    "orgadmin": BASE
    | {"accounts", "invoices", "notify", "review", "lookup", "analytics", "feedback"}
    | SHELL_HELPERS,
}
# The shell on top: the site around the apps, the API root, the command line, the demo.
TOP = {"web", "api", "cli", "demo", "settings", "urls", "wsgi", "__init__"}
APPS = ("accounts", "invoices", "notify", "review", "lookup", "analytics", "feedback")


def unit_of(module: str) -> str:
    """The layer unit of a dotted module name below `fapiao`."""
    parts = module.split(".")[1:]
    if not parts:
        return "__init__"
    if len(parts) > 1:
        dotted = ".".join(parts[:2])
        if dotted in SHELL_HELPERS or dotted in SPLIT:
            return dotted
    return parts[0]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path, module: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every fapiao import in the file, wherever it stands; `module` is
    the file's dotted name (by default worked out from its path)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = (module or module_name(path)).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # `from fapiao import invoices` names the module in the alias
            if name == "fapiao":
                found += [(node.lineno, f"fapiao.{a.name}") for a in node.names]
    return [(line, name) for line, name in found if name.startswith("fapiao.")]


def sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_every_module_belongs_to_a_layer() -> None:
    unknown = {
        unit_of(module_name(p))
        for p in sources()
        if unit_of(module_name(p)) not in ALLOWED and unit_of(module_name(p)) not in TOP
    }
    assert not unknown, f"place these in ALLOWED or TOP (docs/architecture.md): {unknown}"


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_downward(path: Path) -> None:
    unit = unit_of(module_name(path))
    if unit in TOP:
        return
    allowed = ALLOWED[unit] | {unit}
    wrong = [
        f"line {line}: {name} ({unit} -> {unit_of(name)})"
        for line, name in imported(path)
        if unit_of(name) not in allowed
    ]
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_the_checker_sees_hidden_upward_imports(tmp_path: Path) -> None:
    """An import inside a function and a relative one are found, and judged upward."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    from fapiao.review import alerts\n\nfrom ..review import machine\n",
        encoding="utf-8",
    )
    found = [name for _, name in imported(sample, "fapiao.invoices.sample")]
    assert found == ["fapiao.review", "fapiao.review"]
    assert all(unit_of(n) not in ALLOWED["invoices"] for n in found)


def test_pure_packages_have_no_app_imports() -> None:
    """core and reader import no Django app (the no-Django guard covers Django itself)."""
    for path in sources():
        unit = unit_of(module_name(path))
        if unit in ("core", "reader"):
            assert all(unit_of(n) in ALLOWED[unit] | {unit} for _, n in imported(path)), path


def test_apps_do_not_import_each_other_sideways() -> None:
    siblings = {"lookup", "analytics", "feedback"}
    for a in siblings:
        assert not (ALLOWED[a] & (siblings - {a})), a
