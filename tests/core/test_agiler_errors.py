"""Every Agiler failure becomes a page a person can act on, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from portal.agiler import errors as agiler
from portal.core.agiler_errors import AgilerErrorMiddleware

CASES = [
    (agiler.NoAgilerToken(), 403, "Add your Agiler token"),
    (agiler.Unauthorized(status=401), 403, "did not accept your token"),
    (
        agiler.PermissionDenied("Token lacks projects.backups:write.", status=403),
        403,
        "projects.backups:write",
    ),
    (agiler.NotFound(status=404, resource="backup"), 404, "no backup with that id"),
    (
        agiler.Conflict("A restore is already running.", status=409),
        409,
        "A restore is already running.",
    ),
    (agiler.BadRequest("name must not be empty", status=400, field="name"), 400, "field name"),
    (agiler.ServerError(status=503, request_id="req-123"), 502, "req-123"),
    (agiler.AgilerResponseError("bad json"), 502, "does not understand"),
]


def _request(htmx: bool):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/somewhere", **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    request.user = AnonymousUser()
    request.htmx = HtmxDetails(request)
    return request


@pytest.mark.parametrize(("error", "status", "text"), CASES, ids=lambda c: str(c)[:30])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_agiler_error_becomes_a_clear_page_or_fragment(error, status, text, htmx, db) -> None:  # type: ignore[no-untyped-def]
    middleware = AgilerErrorMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    response = middleware.process_exception(_request(htmx), error)
    assert response is not None
    assert response.status_code == status
    body = response.content.decode()
    assert text in body
    assert ("<html" in body) is (not htmx)
    if htmx:
        assert "data-error-message" in body


def test_rate_limited_says_when_to_try_again(db) -> None:  # type: ignore[no-untyped-def]
    error = agiler.RateLimited(status=429)
    error.retry_after = 12.2
    response = AgilerErrorMiddleware(lambda r: None).process_exception(_request(False), error)  # type: ignore[arg-type,return-value]
    assert response is not None and response.status_code == 429
    assert "Try again in 13 s" in response.content.decode()
    assert response["Retry-After"] == "13"


def test_lost_answer_on_a_write_is_reported_as_unknown_outcome(db) -> None:  # type: ignore[no-untyped-def]
    error = agiler.AgilerUnavailable.__new__(agiler.AgilerUnavailable)
    agiler.AgilerError.__init__(error, "read timeout")
    error.may_have_been_applied = True
    response = AgilerErrorMiddleware(lambda r: None).process_exception(_request(False), error)  # type: ignore[arg-type,return-value]
    assert response is not None and response.status_code == 504
    assert "Not sure — may have been applied" in response.content.decode()


def test_other_exceptions_are_left_alone() -> None:
    assert (
        AgilerErrorMiddleware(lambda r: None).process_exception(_request(False), ValueError())
        is None
    )  # type: ignore[arg-type,return-value]


def test_upstream_403_names_the_scope_the_operation_needs(db) -> None:  # type: ignore[no-untyped-def]
    error = agiler.PermissionDenied("Token lacks a scope.", status=403, operation="restore_backup")
    response = AgilerErrorMiddleware(lambda r: None).process_exception(_request(False), error)  # type: ignore[arg-type,return-value]
    assert response is not None and response.status_code == 403
    body = response.content.decode()
    assert "can&#x27;t take backups" in body and "projects.backups:write" in body
    assert "Token lacks a scope." in body
