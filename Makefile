# Fapiao: the README's two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .venv-tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: setup run test test-sqlite test-postgres lint typecheck bench browser clean

# uv installs exactly what uv.lock pins; it is itself pinned and kept in .venv-tools.
$(UV):
	$(PYTHON) -m venv .venv-tools
	.venv-tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	touch $@

setup: .venv/.synced

run: setup
	.venv/bin/fapiao serve --host $(HOST) --port $(PORT) --demo

# Chromium for the browser tests and a CJK font for the rendered test PDFs come from
# Debian's packages (Playwright drives that Chromium; real invoices embed their fonts).
browser:
	@scripts/install-test-packages.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck: setup
	.venv/bin/mypy

# The whole suite: lint, types, then the tests on SQLite, and on PostgreSQL as well when
# FAPIAO_TEST_DATABASE_URL is set.
test: setup browser lint typecheck test-sqlite
	@if [ -n "$$FAPIAO_TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; fi

test-sqlite: setup
	env -u FAPIAO_TEST_DATABASE_URL .venv/bin/pytest -n 2 $(PYTEST_ARGS)

test-postgres: setup
	.venv/bin/pytest -n 2 $(PYTEST_ARGS)

bench: setup
	.venv/bin/python bench/query.py

clean:
	rm -rf .venv .venv-tools var .pytest_cache .mypy_cache .ruff_cache
