"""The authorization matrix: every route of the URL conf (pages, downloads, exports, the
Django admin) and every operation of the OpenAPI document, asked by anonymous, a member of
every role (a reviewer limited to one department and one of all) and the installation's
operator, about an object of their own department, of another department and of another
organisation. The answer must be the declared one (tests/authz/rules.py, api_rules.py);
and another organisation's object must be answered exactly like an id that does not
exist, so that no answer tells what another organisation holds.

The world is built once per module (one database transaction, rolled back at the end);
each request runs in a savepoint that is rolled back, so no request changes what the
next one meets.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fapiao.api.v1 import api
from fapiao.lookup.maintenance import clear_cache
from fapiao.lookup.upstream import forget_state
from fapiao.notify.render import forget_templates
from tests.authz.api_rules import API
from tests.authz.rules import ADMIN_EXCEPTIONS, OPERATOR, PAGES, Rule, expected, observed
from tests.authz.world import MISSING_ID, PRINCIPALS, VARIANTS, World, build

# The mark makes pytest-django set up the test database; the rows are the module's world.
pytestmark = pytest.mark.django_db
NINJA_META = ("openapi-json", "openapi-view", "api-root")


@dataclass(frozen=True)
class Route:
    key: str  # the URL name (or the pattern when unnamed), or "METHOD /api/v1/path"
    pattern: str
    params: tuple[str, ...]


def _params(pattern: str) -> tuple[str, ...]:
    return tuple(a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern))


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            pattern = prefix + str(p.pattern)
            key = f"{ns}{p.name}" if p.name else pattern
            yield Route(key, pattern, _params(pattern))


def url_conf_routes() -> list[Route]:
    """The URL conf's routes, but the API's operations (the OpenAPI document has those)."""
    routes = []
    for route in _walk(get_resolver().url_patterns):
        if route.key.startswith("api-v1:") and route.key[7:] not in NINJA_META:
            continue
        routes.append(route)
    return routes


def api_routes() -> list[Route]:
    schema = api.get_openapi_schema()
    return [
        Route(f"{method.upper()} {path}", path, tuple(re.findall(r"\{(\w+)\}", path)))
        for path, operations in schema["paths"].items()
        for method in operations
    ]


def is_admin(route: Route) -> bool:
    return route.pattern.startswith("admin/")


def test_every_route_has_a_rule() -> None:
    """A new page, download or endpoint fails here until its rule is declared."""
    pages = {r.key for r in url_conf_routes() if not is_admin(r)}
    assert pages - set(PAGES) == set(), "pages without a rule in tests/authz/rules.py"
    assert set(PAGES) - pages == set(), "rules for pages that no longer exist"
    operations = {r.key for r in api_routes()}
    assert operations - set(API) == set(), "endpoints without a rule in tests/authz/api_rules.py"
    assert set(API) - operations == set(), "rules for endpoints that no longer exist"
    admin = {r.key for r in url_conf_routes() if is_admin(r)}
    assert set(ADMIN_EXCEPTIONS) <= admin


# --- running the matrix --------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


class Asker:
    """Sends each request as one principal, in a savepoint that is rolled back."""

    def __init__(self, world: World, principal: str) -> None:
        self.world = world
        self.api = Client(raise_request_exception=False)
        self.pages = Client(raise_request_exception=False)
        self.session = ""
        if principal != "anonymous":
            token = world.tokens[principal]
            self.api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}")
            self.pages.force_login(world.users[principal])
            self.session = self.pages.cookies[settings.SESSION_COOKIE_NAME].value

    def ask(self, url: str, rule: Rule, *, api_call: bool) -> tuple[int, str]:
        client = self.api if api_call else self.pages
        if self.session:  # a sign-out a moment ago was rolled back: so is its cookie
            client.cookies[settings.SESSION_COOKIE_NAME] = self.session
        with transaction.atomic():
            response = self._send(client, url, rule, self._data(rule.data), api_call)
            if response.streaming:
                # Read to the end, as a server would: the test client then closes the file
                # without closing the database connection (and the transaction) under us.
                b"".join(response.streaming_content)
            transaction.set_rollback(True)
        status, location = response.status_code, response.get("Location", "")
        for forget in (clear_cache, forget_state, forget_templates):
            forget()
        return status, location

    def _data(self, data: Any) -> Any:
        """The body with "@name" replaced by that principal's user id."""
        if isinstance(data, dict):
            return {key: self._data(value) for key, value in data.items()}
        if isinstance(data, str) and data.startswith("@"):
            return self.world.users[data[1:]].pk
        return data

    @staticmethod
    def _send(client: Client, url: str, rule: Rule, data: Any, api_call: bool) -> Any:
        if rule.method == "GET":
            return client.get(url, rule.query)
        if data == "files":
            files = {"files": [SimpleUploadedFile("matrix.txt", b"matrix")]}
            return client.post(url, files)
        if api_call:
            body = json.dumps(data or {})
            return client.generic(rule.method, url, body, content_type="application/json")
        return client.post(url, data or {})


def _object_ids(world: World, rule: Rule) -> dict[str, str]:
    if rule.obj is None:
        return {"a1": ""}
    ids = dict(world.ids[rule.obj])
    ids["missing"] = "no-such-page" if rule.obj == "article" else MISSING_ID
    return ids


def _run(
    world: World, routes: list[tuple[Route, Rule]], build_url: Any, *, api_call: bool
) -> tuple[list[str], int]:
    problems: list[str] = []
    asked = 0
    for principal in PRINCIPALS:
        asker = Asker(world, principal)
        for route, rule in routes:
            answers: dict[str, str] = {}
            ids = _object_ids(world, rule)
            # Anonymous and the operator meet every object alike: one of them is enough.
            wanted = ids if principal not in ("anonymous", "operator") else {"a1": ids["a1"]}
            for variant, value in wanted.items():
                status, location = asker.ask(build_url(route, rule, value), rule, api_call=api_call)
                asked += 1
                got = observed(status, location)
                answers[variant] = got
                if variant in VARIANTS and got != expected(rule, principal, variant):
                    want = expected(rule, principal, variant)
                    problems.append(
                        f"{route.key} {rule.method} as {principal} on {variant}: "
                        f"expected {want}, got {got} ({status} {location})"
                    )
            if "b" in answers and "missing" in answers and answers["b"] != answers["missing"]:
                problems.append(
                    f"{route.key} as {principal}: another organisation's object answers "
                    f"{answers['b']}, a missing one {answers['missing']}"
                )
    return problems, asked


def _page_url(route: Route, rule: Rule, value: str) -> str:
    if route.key == route.pattern:
        return "/" + route.pattern  # an unnamed route: its pattern is its address
    kwargs = dict(rule.params)
    for param in route.params:
        kwargs.setdefault(param, value)
    return reverse(route.key, kwargs=kwargs or None)


def _api_url(route: Route, rule: Rule, value: str) -> str:
    return route.pattern.format(**dict.fromkeys(route.params, value))


def _report(kind: str, routes: int, asked: int, started: float, problems: list[str]) -> None:
    seconds = time.monotonic() - started
    print(
        f"\n{kind}: {routes} routes x {len(PRINCIPALS)} principals, "
        f"{asked} requests in {seconds:.1f} s"
    )
    assert not problems, f"{len(problems)} answers differ:\n" + "\n".join(problems)


def test_pages_answer_as_declared(world: World) -> None:
    started = time.monotonic()
    routes = [(r, PAGES[r.key]) for r in url_conf_routes() if not is_admin(r)]
    problems, asked = _run(world, routes, _page_url, api_call=False)
    _report("pages", len(routes), asked, started, problems)


def test_api_answers_as_declared(world: World) -> None:
    started = time.monotonic()
    routes = [(r, API[r.key]) for r in api_routes()]
    problems, asked = _run(world, routes, _api_url, api_call=True)
    _report("api", len(routes), asked, started, problems)


def _fill(pattern: str, values: dict[str, str]) -> str:
    """The address a pattern matches with these values (regex anchors dropped)."""

    def value(match: re.Match[str]) -> str:
        return values[match.group(1) or match.group(2)]

    filled = re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", value, pattern)
    return "/" + filled.replace("^", "").replace("$", "")


def _admin_url(route: Route, rule: Rule, value: str) -> str:
    """Each admin address, with a real row where it names one."""
    model = re.match(r"admin/(\w+)/(\w+)/<", route.pattern)
    row = None
    if model is not None:
        row = apps.get_model(model.group(1), model.group(2))._default_manager.first()
    values = {
        "object_id": str(row.pk) if row is not None else "1",
        "id": str(row.pk) if row is not None else "1",
        "app_label": "accounts",
        "content_type_id": str(apps.get_model("contenttypes", "ContentType").objects.first().pk),
        "url": "no-such-page/",
    }
    return _fill(route.pattern, values)


def test_django_admin_is_the_operators_alone(world: World) -> None:
    started = time.monotonic()
    routes = [
        (r, ADMIN_EXCEPTIONS.get(r.key, Rule(OPERATOR))) for r in url_conf_routes() if is_admin(r)
    ]
    problems, asked = _run(world, routes, _admin_url, api_call=False)
    _report("admin", len(routes), asked, started, problems)
