"""An operator never meets an undocumented knob: every FAPIAO_* setting the code reads is
declared in fapiao.config.SETTINGS, and every declared one is described in README.md."""

from __future__ import annotations

import re
from pathlib import Path

from fapiao.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "fapiao"
# os.environ["X"], os.environ.get("X"), os.getenv("X"), environ.setdefault("X"),
# env("X") / env_bool("X") / env_int("X") from fapiao.config.
READ = re.compile(
    r"""(?:environ\s*\[|environ\.(?:get|setdefault|pop)\(|getenv\(|\benv(?:_\w+)?\()"""
    r"""\s*["'](FAPIAO_[A-Z0-9_]+)["']"""
)


def settings_read_in_src() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        for name in READ.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return found


def test_the_scan_sees_the_settings_module() -> None:
    # Guards the test below against a pattern that silently matches nothing.
    read = settings_read_in_src()
    assert "FAPIAO_DATABASE_URL" in read
    assert "FAPIAO_DATA_DIR" in read


def test_every_setting_read_in_the_code_is_declared() -> None:
    undeclared = {
        name: files for name, files in settings_read_in_src().items() if name not in SETTINGS
    }
    assert not undeclared, f"add these to fapiao.config.SETTINGS: {undeclared}"


def test_every_declared_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        name for name in SETTINGS if not re.search(rf"(?<![A-Z0-9_]){name}(?![A-Z0-9_])", readme)
    ]
    assert not missing, f"describe these in README.md: {missing}"


ENVIRON = re.compile(r"""(?:environ\b|getenv\()[^\n]*["']FAPIAO_""")


def test_only_the_config_module_touches_the_environment_for_settings() -> None:
    # One way to read (or set) a setting: fapiao.config's helpers and overrides.
    touching = [
        str(path.relative_to(ROOT))
        for path in sorted(SRC.rglob("*.py"))
        if path != SRC / "config.py" and ENVIRON.search(path.read_text(encoding="utf-8"))
    ]
    assert not touching, f"read FAPIAO_* settings through fapiao.config in: {touching}"
