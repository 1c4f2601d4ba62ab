"""A 429's Retry-After is advice the error page repeats: only finite, sane numbers get through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from portal.agiler.errors import MAX_RETRY_AFTER, error_from_response, parse_retry_after
from portal.core.agiler_errors import AgilerErrorMiddleware


@pytest.mark.parametrize("value", ["inf", "-inf", "1e999", "nan", "Infinity"])
def test_retry_after_that_is_not_a_finite_number_is_ignored(value: str) -> None:
    assert parse_retry_after(value) is None


def test_retry_after_is_clamped_to_a_day() -> None:
    assert MAX_RETRY_AFTER == 86400
    assert parse_retry_after("1e300") == 86400.0
    assert parse_retry_after("86401") == 86400.0
    in_a_year = format_datetime(datetime.now(UTC) + timedelta(days=365), usegmt=True)
    assert parse_retry_after(in_a_year) == 86400.0
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("30") == 30.0


@pytest.mark.parametrize("value", ["inf", "1e999"])
def test_a_429_with_an_infinite_retry_after_is_a_busy_page_not_a_500(value: str, db) -> None:  # type: ignore[no-untyped-def]
    error = error_from_response(httpx.Response(429, headers={"Retry-After": value}, content=b""))
    request = RequestFactory().get("/billing/")
    request.user = AnonymousUser()
    request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
    response = AgilerErrorMiddleware(lambda r: None).process_exception(request, error)  # type: ignore[arg-type,return-value]
    assert response is not None and response.status_code == 429
    assert "Try again in a moment" in response.content.decode()
    assert "Retry-After" not in response
