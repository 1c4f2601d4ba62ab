"""Every request has an id: in the response, on its audit rows, and sent upstream as
X-Request-ID (issue 15, item 10); the chain covers it without changing older rows' hashes."""

from __future__ import annotations

import contextlib

import httpx
from django.urls import reverse

from portal.agiler import AgilerClient
from portal.audit import record
from portal.audit.chain import compute_hash, verify_chain
from portal.audit.models import AuditEvent
from tests.helpers import client_for


def test_a_write_is_audited_with_the_request_id_the_response_names(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = sandbox.inspect.first_project()
    response = client_for(tokened_cast["operator"]).post(
        reverse("backups:create", args=[project.id]), {"idempotency_key": "rid-1"}
    )
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    rows = AuditEvent.objects.filter(action="backups.create")
    assert {row.portal_request_id for row in rows} == {request_id}  # intent and outcome
    assert verify_chain().ok


def test_the_client_sends_the_request_id_upstream() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "u1", "email": "a@b.c"})

    client = AgilerClient(
        base_url="https://agiler.test/v1",
        token="ak_x",
        transport=httpx.MockTransport(handler),
        request_id="0123abcd",
    )
    with contextlib.suppress(Exception):  # the body's shape is not the point here
        client.get_me()
    assert seen and seen[0].headers["X-Request-ID"] == "0123abcd"


def test_the_request_id_is_hashed_and_rows_without_one_keep_their_hash(admin) -> None:  # type: ignore[no-untyped-def]
    event = record(action="auth.login", actor=admin)
    assert event.portal_request_id == ""
    before = compute_hash(event)
    event.portal_request_id = "f" * 32
    assert compute_hash(event) != before  # set, it is part of the hash
    event.portal_request_id = ""
    assert compute_hash(event) == before == event.hash
