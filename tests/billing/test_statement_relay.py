"""A relayed statement is a PDF or nothing: Agiler's body never runs as a page of the portal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from django.urls import reverse

from tests.helpers import client_for

THIS_MONTH = f"{datetime.now(UTC):%Y-%m}"
SANDBOX_CSP = "sandbox; default-src 'none'"


class _Retyped(httpx.BaseTransport):
    """The sandbox, except that statements come back with another Content-Type."""

    def __init__(self, inner: httpx.BaseTransport, content_type: str) -> None:
        self.inner = inner
        self.content_type = content_type

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if "/billing/statements/" not in request.url.path or response.status_code != 200:
            return response
        body = response.read()
        return httpx.Response(200, headers={"Content-Type": self.content_type}, content=body)


@pytest.fixture
def statements_as(settings: Any, sandbox: Any) -> Callable[[str], None]:
    def retype(content_type: str) -> None:
        settings.AGILER_TRANSPORT = _Retyped(settings.AGILER_TRANSPORT, content_type)

    return retype


def _get(user: Any, query: str = "") -> Any:
    return client_for(user).get(reverse("billing:statement_download", args=[THIS_MONTH]) + query)


@pytest.mark.parametrize(
    "content_type",
    ["text/html", "text/javascript", "image/svg+xml", "text/html; a=application/pdf"],
)
def test_a_statement_that_is_not_a_pdf_is_refused_with_a_502_page(  # type: ignore[no-untyped-def]
    fin, statements_as, content_type
) -> None:
    statements_as(content_type)
    response = _get(fin)
    assert response.status_code == 502
    assert not response.streaming
    body = response.content.decode()
    assert "not a PDF" in body and "<html" in body


def test_a_pdf_with_parameters_is_still_a_pdf_and_served_as_plain_application_pdf(  # type: ignore[no-untyped-def]
    fin, statements_as
) -> None:
    statements_as("Application/PDF; name=x.pdf")
    response = _get(fin)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("query", ["", "?download=1"])
def test_a_statement_is_sandboxed_and_never_sniffed(fin, sandbox, query) -> None:  # type: ignore[no-untyped-def]
    response = _get(fin, query)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert csp.startswith(SANDBOX_CSP) and "script-src" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_the_transactions_csv_is_sandboxed_too(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    response = client_for(fin).get(reverse("billing:transactions_export"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == SANDBOX_CSP
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_statement_opened_in_the_tab_lets_the_pdf_viewer_style_itself(fin, sandbox) -> None:  # type: ignore[no-untyped-def]
    """Chromium's PDF viewer draws with inline styles: under default-src 'none' each opening
    logged an "inline style" CSP violation. Inline, styles are allowed; scripts still are not."""
    inline = _get(fin)["Content-Security-Policy"]
    assert inline == SANDBOX_CSP + "; style-src 'unsafe-inline'"
    assert _get(fin, "?download=1")["Content-Security-Policy"] == SANDBOX_CSP
