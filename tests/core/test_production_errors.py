"""With DEBUG off, bad requests and failures still get a page, never a bare crash."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings

from portal.core.views import server_error


@pytest.mark.django_db
@override_settings(DEBUG=False, ALLOWED_HOSTS=["portal.example.com"])
def test_a_request_for_a_foreign_host_gets_a_400_page() -> None:
    response = Client(HTTP_HOST="evil.example.net").get("/")
    assert response.status_code == 400
    assert b"Bad request" in response.content


@pytest.mark.django_db
@override_settings(DEBUG=False, ALLOWED_HOSTS=["portal.example.com"], SECURE_SSL_REDIRECT=True)
def test_health_probes_answer_any_host_over_plain_http() -> None:
    """An orchestrator probes the container by IP: neither the host check nor HTTPS applies."""
    client = Client(HTTP_HOST="10.1.2.3:8000")
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"


@pytest.mark.django_db
def test_health_probes_touch_no_database_for_liveness(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(0):
        assert Client().get("/healthz").status_code == 200


def test_the_500_page_renders_without_a_user_session_or_database() -> None:
    request = RequestFactory().get("/")  # no .user, no .session: nothing ran
    response = server_error(request)
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"<html" in response.content


@pytest.mark.django_db
@override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"])
def test_an_unexpected_exception_is_a_500_page_not_a_traceback(admin, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from portal.core import views

    def explode(request, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "render", explode)
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    response = client.get("/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"RuntimeError" not in response.content
