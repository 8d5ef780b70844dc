"""Settings for the test suite: a throwaway data folder, and PostgreSQL when
FAPIAO_TEST_DATABASE_URL is set (CI runs the suite on both databases)."""

import os
import tempfile

os.environ["FAPIAO_DATA_DIR"] = tempfile.mkdtemp(prefix="fapiao-test-")
if os.environ.get("FAPIAO_TEST_DATABASE_URL"):
    os.environ["FAPIAO_DATABASE_URL"] = os.environ["FAPIAO_TEST_DATABASE_URL"]
else:
    os.environ.pop("FAPIAO_DATABASE_URL", None)

from fapiao.settings import *  # noqa: F403

# Fast hashing in tests; production keeps argon2 (a test checks the setting itself).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
