"""Health probes and the security headers every response carries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, override_settings

from tests.helpers import client_for


@pytest.mark.django_db
def test_healthz_answers_without_login_or_database() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_the_database_reachable() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_cursor(*args: object, **kwargs: object) -> object:
        raise RuntimeError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_responses_carry_csp_nosniff_referrer_policy(admin) -> None:  # type: ignore[no-untyped-def]
    response = client_for(admin).get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_SSL_REDIRECT=False)
def test_hsts_is_sent_on_secure_requests(admin) -> None:  # type: ignore[no-untyped-def]
    response = client_for(admin).get("/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_have_no_inline_script(admin) -> None:  # type: ignore[no-untyped-def]
    body = client_for(admin).get("/").content.decode()
    for chunk in body.split("<script")[1:]:
        tag, _, rest = chunk.partition(">")
        assert "src=" in tag, "inline <script> found"
        assert rest.startswith("</script>")


@pytest.mark.django_db
def test_unknown_page_is_a_404_in_the_layout() -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
