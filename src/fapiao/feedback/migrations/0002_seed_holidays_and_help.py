"""Seed the holiday calendar (State Council notices 2025–2026) and the help centre."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from fapiao.feedback.seed import seed_reference_data


def seed(apps: Any, schema_editor: Any) -> None:
    seed_reference_data(apps.get_model("feedback", "Holiday"), apps.get_model("feedback", "Article"))


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
