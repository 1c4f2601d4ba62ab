"""Plain helpers and constants the tests share: one module, imported as ``tests.helpers``.

Conftest files hold only fixtures (they may import from here); test modules never import from a
conftest module (tests/test_structure.py checks it). Sandbox state is read through the sandbox's
inspection API (``sandbox.inspect``), never its internals, outside tests/sandbox/.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import parse_qs

import httpx
from django.db import connection
from django.test import Client
from django.urls import reverse

from portal.accounts.models import User
from portal.agiler import AgilerClient, CallInfo, CallOutcome

# --------------------------------------------------------------------------- portal clients

PASSWORD = "correct-horse-battery"


class HtmxHeaders(TypedDict, total=False):
    """What ``**HTMX`` adds to a test client request (a TypedDict, so the spread type-checks
    against ``Client.get``'s ``**extra`` rather than its other keywords; ``{}`` is one too)."""

    HTTP_HX_REQUEST: str


#: the request header htmx sends: ``client.get(url, **HTMX)``
HTMX: HtmxHeaders = {"HTTP_HX_REQUEST": "true"}


def client_for(user: User | None, *, enforce_csrf: bool = False) -> Client:
    """A test client signed in as ``user`` (anonymous when None)."""
    client = Client(enforce_csrf_checks=enforce_csrf)
    if user is not None:
        client.force_login(user)
    return client


def render_as(template: Any, user: User) -> str:
    """``template`` (an engine's template) rendered for a request by ``user`` to "/"."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return str(template.render({}, request))


# --------------------------------------------------------------------------- accounts

#: a token with a few scopes only, for the scope-gate tests; random so a leak search is exact
CANARY = "ak_canary_" + secrets.token_hex(16)
CANARY_SCOPES = ["projects:read", "billing:read"]


# --------------------------------------------------------------------------- audit


def close_as_the_server_does(response: Any) -> None:
    """Close a streamed response the way the WSGI server does when the browser goes away.

    ``close()`` sends ``request_finished``, and Django then closes its database connections: in
    a real request that is right, in a test it would end the test's own transaction (on
    PostgreSQL; SQLite's in-memory database is never closed). Holding the receiver off is not
    enough: the test client wraps the body in a generator whose own ``close`` reconnects it
    mid-way. So the connections' end-of-request check is held off while the response closes.
    """
    from contextlib import ExitStack
    from unittest import mock

    from django.db import connections

    with ExitStack() as held:
        for alias in connections:
            held.enter_context(
                mock.patch.object(connections[alias], "close_if_unusable_or_obsolete")
            )
        response.close()


def totp_code_with_time_to_use(totp: Any, margin: float = 5.0) -> str:
    """The authenticator app's code now, with time left to use it.

    When the current 30-second step ends within ``margin`` seconds, wait for the next one. A code
    that reaches the server one step late is still accepted, but django-otp then records a clock
    drift of one step, and the next step's code (what a test signs in with after enrolling,
    codes being single-use) falls outside the window it accepts.
    """
    import time

    left = totp.interval - time.time() % totp.interval
    if left < margin:
        time.sleep(left + 0.05)
    return str(totp.now())


def tamper(sql: str, params: list[Any] | None = None) -> None:
    """Change the table behind the application's back, as someone with database access could.

    On PostgreSQL the append-only trigger must be bypassed first (the table's owner can disable
    its triggers), which is exactly the attacker the hash chain is for. No superuser needed, so
    this runs as CI's ordinary database role too.
    """
    from portal.audit.models import AuditEvent

    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        try:
            cursor.execute(sql.replace("{table}", table), params or [])
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')


# --------------------------------------------------------------------------- sandbox data


def a_project(sandbox: Any) -> Any:
    """The first seeded project (~90 automatic backups and some on-demand ones; domains
    www.<name>.example (primary), <name>.example, *.<name>.example; a small WordPress tree)."""
    return sandbox.inspect.first_project()


def advance(sandbox: Any, seconds: float) -> None:
    """Move the sandbox's clock forward: backups finish, restores end, without sleeping."""
    sandbox.inspect.advance_clock(seconds)


def first_workspace(sandbox: Any, name: str = "Acme Marketing") -> str:
    """The id of the seeded workspace called ``name``."""
    return sandbox.inspect.workspace_named(name)  # type: ignore[no-any-return]


def domains_of(sandbox: Any, project: Any) -> list[dict[str, Any]]:
    """What Agiler holds (the sandbox's own records)."""
    return sandbox.inspect.domains(project)  # type: ignore[no-any-return]


def variables_of(sandbox: Any, project: Any) -> dict[str, dict[str, Any]]:
    """What Agiler holds, by name (the sandbox's own records, values included)."""
    return {v["name"]: v for v in sandbox.inspect.variables(project)}


#: extra sandbox token (owner's data) without billing scopes, for the missing-scope cases
NO_BILLING_TOKEN = "ak_test_no_billing"


def owner_months(sandbox: Any) -> list[dict[str, Any]]:
    """The account owner's transaction months as the sandbox holds them (newest first)."""
    return sandbox.inspect.months()  # type: ignore[no-any-return]


def owner_billing(sandbox: Any) -> dict[str, Any]:
    """The account owner's billing profile as the sandbox holds it."""
    return sandbox.inspect.billing()  # type: ignore[no-any-return]


def the_catalog() -> Any:
    """The sandbox's rule catalog as the builder parses it (a ``portal.rules.catalog.Catalog``)."""
    from agiler_sandbox.catalog import catalog as sandbox_catalog
    from portal.rules.catalog import Catalog

    return Catalog.from_json(sandbox_catalog())


def project_rows(body: str) -> list[str]:
    """The markup of each row of the projects table on a page, in order."""
    return [row.split("</tr>")[0] for row in body.split('data-testid="project-row"')[1:]]


# --------------------------------------------------------------------------- files


def stored(direct: AgilerClient, project: Any, path: str) -> bytes:
    """The bytes Agiler holds at ``path`` (read with a direct client)."""
    result = direct.get_file(project.id, path)
    assert not hasattr(result, "items"), f"{path} is a folder"
    with result as download:  # type: ignore[union-attr]
        return b"".join(download.iter_bytes())


def browse(project: Any, path: str = "", *, folder: bool = True) -> str:
    """The file manager's URL for ``path`` of ``project``."""
    if not path:
        return reverse("files:browse", kwargs={"project": project.id})
    url = reverse("files:path", kwargs={"project": project.id, "path": path})
    return url + "/" if folder else url


# --------------------------------------------------------------------------- Agiler client


@dataclass
class FakeTime:
    """A clock that only moves when the client sleeps: retries take no real time."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@dataclass
class RecordingObserver:
    """An audit observer that records what the client told it."""

    events: list[tuple[str, object]] = field(default_factory=list)
    refuse: bool = False

    def before_write(self, call: CallInfo) -> object:
        if self.refuse:
            raise RuntimeError("audit log unavailable")
        self.events.append(("before_write", call))
        return f"handle-{len(self.events)}"

    def after_write(self, handle: object, outcome: CallOutcome) -> None:
        self.events.append(("after_write", (handle, outcome)))

    def sensitive_read(self, call: CallInfo, outcome: CallOutcome) -> None:
        self.events.append(("sensitive_read", (call, outcome)))

    def of(self, kind: str) -> list[object]:
        return [payload for k, payload in self.events if k == kind]


WireHandler = Callable[[httpx.Request], httpx.Response]


class RecordingTransport(httpx.BaseTransport):
    """Passes requests to the real (sandbox) transport and keeps them for assertions."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # keep the body for assertions (test uploads are small)
        self.requests.append(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def sent_json(request: httpx.Request) -> object:
    """The JSON body a request carried."""
    return json.loads(request.content) if request.content else None


def project_json(**overrides: object) -> dict[str, object]:
    """A valid ProjectDetail body."""
    body: dict[str, object] = {
        "id": "0193aaaa-0000-7000-8000-000000000001",
        "name": "shop",
        "region": "eu-central-1",
        "runtime": "php-8.3",
        "status": "running",
        "active": True,
        "workspace_id": "0193aaaa-0000-7000-8000-0000000000ff",
        "created_at": "2025-01-02T03:04:05Z",
        "updated_at": "2025-01-02T03:04:05Z",
    }
    body.update(overrides)
    return body


def error_json(code: str, message: str, **extra: str) -> dict[str, object]:
    """An ErrorResponse body."""
    return {"error": {"code": code, "message": message, **extra}}


class CountingApp:
    """A WSGI app in front of the sandbox that remembers every upstream request it passes on.

    ``on_request`` may act before the request reaches the sandbox (e.g. add a fault rule once
    a number of pages has been read).
    """

    def __init__(self, app: Any, on_request: Callable[[CountingApp], None] | None = None) -> None:
        self.app = app
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        self.on_request = on_request

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        self.requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], query))
        if self.on_request is not None:
            self.on_request(self)
        return self.app(environ, start_response)

    def project_pages(self) -> list[dict[str, list[str]]]:
        """The query of every ``GET /projects`` (the list, not one project)."""
        return [q for m, p, q in self.requests if m == "GET" and p.rstrip("/") == "/v1/projects"]


class RewritingApp:
    """A WSGI app in front of the sandbox that changes the JSON answers of one path: Agiler
    answering with values the sandbox never gives (odd ids, markup in names, statuses no real
    project has). ``change`` edits the decoded body in place."""

    def __init__(self, app: Any, path: str, change: Callable[[Any], None]) -> None:
        self.app, self.path, self.change = app, path, change

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ["PATH_INFO"] != self.path:
            return self.app(environ, start_response)
        answered: list[Any] = []
        body = b"".join(self.app(environ, lambda *args: answered.append(args)))
        status, headers = answered[0][0], answered[0][1]
        data = json.loads(body)
        self.change(data)
        out = json.dumps(data).encode()
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        start_response(status, [*headers, ("Content-Length", str(len(out)))])
        return [out]


# --------------------------------------------------------------------------- sandbox over HTTP


def assert_error(
    response: httpx.Response, status: int, code: str | None = None, field: str | None = None
) -> dict[str, Any]:
    """Assert an ErrorResponse with the given status (and code/field when given)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    if field is not None:
        assert error.get("field") == field
    return error


def follow_all(client: httpx.Client, url: str, **params: Any) -> tuple[list[Any], int]:
    """Follow Link rel=next to the end; returns all items and the number of pages."""
    items: list[Any] = []
    pages = 0
    response = client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        items.extend(response.json())
        pages += 1
        link = response.headers.get("link")
        if not link:
            return items, pages
        assert link.endswith('; rel="next"') and link.startswith("<http")
        response = client.get(link[1 : link.index(">")])


# --------------------------------------------------------------------------- browser tests

#: screenshots of the browser tests (never committed)
ARTIFACTS = Path(__file__).resolve().parent / "e2e" / "artifacts"
DEMO_PASSWORD = "agiler-demo"


def login(page: Any, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form in a Playwright page."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


#: the running sandbox's account owner, to set things up and read what Agiler holds
OWNER = {"Authorization": "Bearer ak_sandbox_owner"}


def seeded_project(sandbox: str, index: int = 0) -> tuple[str, str]:
    """(id, name) of the ``index``-th seeded project, asked of the running sandbox at
    ``sandbox`` (its /v1 URL) as the account owner."""
    projects = httpx.get(f"{sandbox}/projects?limit={index + 1}", headers=OWNER).json()
    return projects[index]["id"], projects[index]["name"]


def sideways_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the window: 0 when nothing scrolls sideways
    (the phone-width checks)."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def open_area(page: Any, area: str) -> None:
    """On a project's page, follow the link to one of its areas ("Backups", "SQL", …) in the
    "Project areas" navigation, as a person does."""
    page.get_by_role("navigation", name="Project areas").get_by_role("link", name=area).click()
