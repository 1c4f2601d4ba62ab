"""Downloads handed to nginx (X-Accel-Redirect) instead of relayed by the portal: only when
turned on and only for requests from the trusted proxy; the credential only in the header nginx
reads; the portal's own pages for what fails before the hand-off; the audit row says what the
portal knows. (nginx's side of it is proven by `make prod-check`, scripts/prod_smoke.py.)"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.agiler import AgilerClient
from portal.audit.models import AuditEvent
from portal.audit.sentences import outcome_words
from portal.lib.downloads import DOWNLOAD_CSP, INLINE_PDF_CSP
from tests.helpers import a_project, client_for

OWNER = "ak_sandbox_owner"
#: what only nginx may see of a hand-off
PRIVATE = ("X-Accel-Redirect", "X-Agiler-Authorization", "X-Portal-Disposition")
NGINX_ID = "0123456789abcdef0123456789abcdef"  # nginx's $request_id, kept from a trusted proxy
THIS_MONTH = f"{datetime.now(UTC):%Y-%m}"


@pytest.fixture
def direct(sandbox: Any) -> AgilerClient:
    """A client straight to the sandbox (no portal, no audit) to check what Agiler holds."""
    return AgilerClient(
        base_url="http://sandbox.test/v1",
        token=OWNER,
        transport=httpx.WSGITransport(app=sandbox),
        max_retries=0,
    )


@pytest.fixture
def behind_nginx(settings: Any) -> None:
    """The production setting: nginx in front (a trusted proxy on loopback), hand-off on."""
    settings.PORTAL_TRUSTED_PROXY = True
    settings.PORTAL_RELAY_VIA_PROXY = True


def _dump(sandbox: Any, direct: AgilerClient) -> tuple[Any, Any, str]:
    project = a_project(sandbox)
    backup = next(b for b in direct.list_backups(project.id).items if b.status == "done")
    return project, backup, reverse("backups:download_database", args=[project.id, backup.id])


def _carrying(response: Any, token: str) -> list[str]:
    """The names of the response headers whose value holds ``token``."""
    return [name for name, value in response.headers.items() if token in value]


def _relayed_whole(response: Any, expected: bytes) -> None:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert not [name for name in PRIVATE if name in response]
    assert b"".join(response.streaming_content) == expected


# --- when the portal keeps the bytes ------------------------------------------------------------


def test_off_by_default_the_portal_relays_the_bytes_itself_even_behind_a_proxy(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, direct, settings
) -> None:
    settings.PORTAL_TRUSTED_PROXY = True
    project, backup, url = _dump(sandbox, direct)
    with direct.download_backup_database(project.id, backup.id) as original:
        expected = b"".join(original.iter_bytes())
    response = client_for(tokened_cast["operator"]).get(url)
    assert _carrying(response, OWNER) == []
    _relayed_whole(response, expected)
    event = AuditEvent.objects.get(action="backups.download_database")
    assert event.summary["completed"] is True and "handed_off" not in event.summary


@pytest.mark.parametrize(
    ("remote_addr", "trusted_proxy"),
    [
        ("203.0.113.9", True),  # straight to gunicorn from elsewhere, not through nginx
        ("127.0.0.1", False),  # no trusted proxy configured at all
        ("::ffff:203.0.113.9", True),  # an IPv4 client seen by a dual-stack listener
    ],
)
def test_on_but_not_from_the_trusted_proxy_the_portal_relays_and_gives_no_credential(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, direct, settings, remote_addr, trusted_proxy
) -> None:
    settings.PORTAL_RELAY_VIA_PROXY = True
    settings.PORTAL_TRUSTED_PROXY = trusted_proxy
    project, backup, url = _dump(sandbox, direct)
    with direct.download_backup_database(project.id, backup.id) as original:
        expected = b"".join(original.iter_bytes())
    response = client_for(tokened_cast["operator"]).get(url, REMOTE_ADDR=remote_addr)
    assert _carrying(response, OWNER) == []
    _relayed_whole(response, expected)


def test_a_proxy_address_list_can_name_a_network(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, direct, behind_nginx, settings
) -> None:
    import ipaddress

    settings.PORTAL_TRUSTED_PROXY_ADDRESSES = (ipaddress.ip_network("172.30.53.0/24"),)
    _, _, url = _dump(sandbox, direct)
    client = client_for(tokened_cast["operator"])
    assert "X-Accel-Redirect" in client.get(url, REMOTE_ADDR="172.30.53.7")
    outside = client.get(url, REMOTE_ADDR="127.0.0.1")
    assert "X-Accel-Redirect" not in outside
    b"".join(outside.streaming_content)


# --- handed to nginx ----------------------------------------------------------------------------


def test_behind_nginx_the_dump_is_handed_over_with_the_credential_for_nginx_alone(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, direct, behind_nginx
) -> None:
    project, backup, url = _dump(sandbox, direct)
    response = client_for(tokened_cast["operator"]).get(url, HTTP_X_REQUEST_ID=NGINX_ID)
    assert response.status_code == 200
    assert not response.streaming and response.content == b""  # nginx fetches the bytes
    assert response["X-Accel-Redirect"] == (
        f"/_agiler/projects/{project.id}/backups/{backup.id}/database"
    )
    assert response["X-Agiler-Authorization"] == f"Bearer {OWNER}"
    assert _carrying(response, OWNER) == ["X-Agiler-Authorization"]
    # The download's own headers: nginx passes Content-Type and Cache-Control on and re-adds
    # the CSP and nosniff; the name travels privately (nginx adds it to a success only).
    stamp = f"{backup.created_at:%Y%m%d-%H%M%S}"
    assert "Content-Disposition" not in response
    assert response["X-Portal-Disposition"] == (
        f'attachment; filename="{project.name}-{stamp}-database.sql.gz"'
    )
    assert response["Content-Type"] == "application/gzip"
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_a_handed_over_download_is_audited_as_handed_to_the_web_server(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, direct, behind_nginx
) -> None:
    project, backup, url = _dump(sandbox, direct)
    client_for(tokened_cast["operator"]).get(url, HTTP_X_REQUEST_ID=NGINX_ID)
    event = AuditEvent.objects.get(action="backups.download_database")
    assert event.outcome == "success" and event.status == 200
    assert event.summary["handed_off"] is True
    assert "bytes_sent" not in event.summary and "completed" not in event.summary
    assert event.target_id == backup.id and event.project_id == project.id
    assert event.actor_username == "otto"
    # nginx's access log line for the bytes carries the same id.
    assert event.portal_request_id == NGINX_ID
    assert outcome_words(event) == "Handed to the web server to send"
    page = client_for(tokened_cast["admin"]).get(reverse("audit:detail", args=[event.id]))
    assert "Handed to the web server to send" in page.content.decode()


def test_a_statement_handed_over_keeps_its_inline_pdf_headers(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, behind_nginx
) -> None:
    url = reverse("billing:statement_download", args=[THIS_MONTH])
    response = client_for(tokened_cast["finance"]).get(url)
    assert response["X-Accel-Redirect"] == f"/_agiler/users/me/billing/statements/{THIS_MONTH}"
    assert response["X-Agiler-Authorization"] == "Bearer ak_sandbox_finance"
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["X-Portal-Disposition"] == f'inline; filename="agiler-statement-{THIS_MONTH}.pdf"'
    )
    assert response["Content-Security-Policy"] == INLINE_PDF_CSP
    event = AuditEvent.objects.get(action="billing.download_statement")
    assert event.summary["handed_off"] is True


def test_a_file_with_a_non_ascii_name_is_handed_over_under_its_encoded_address(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, direct, behind_nginx
) -> None:
    project = a_project(sandbox)
    direct.put_file(project.id, "docs/Café résumé (1).txt", b"bonjour")
    url = reverse(
        "files:download", kwargs={"project": project.id, "path": "docs/Café résumé (1).txt"}
    )
    response = client_for(tokened_cast["operator"]).get(url)
    assert response["X-Accel-Redirect"] == (
        f"/_agiler/projects/{project.id}/files/docs/Caf%C3%A9%20r%C3%A9sum%C3%A9%20%281%29.txt"
    )
    assert response["X-Portal-Disposition"] == (
        'attachment; filename="Caf_ r_sum_ (1).txt"; '
        "filename*=UTF-8''Caf%C3%A9%20r%C3%A9sum%C3%A9%20%281%29.txt"
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP
    assert AuditEvent.objects.get(action="files.download").summary["handed_off"] is True
    # The portal sent no byte of it: what reached the person is in nginx's log, not here.
    assert not AuditEvent.objects.filter(action="files.download_sent").exists()


@pytest.mark.parametrize("name", ["100% sure.txt", "why?.txt", "a;b.txt", 'say "hi".txt'])
def test_a_file_nginx_would_ask_agiler_for_by_another_address_stays_with_the_portal(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, direct, behind_nginx, name
) -> None:
    project = a_project(sandbox)
    direct.put_file(project.id, name, b"exact bytes")
    url = reverse("files:download", kwargs={"project": project.id, "path": name})
    response = client_for(tokened_cast["operator"]).get(url)
    assert _carrying(response, OWNER) == []
    _relayed_whole(response, b"exact bytes")  # the test client closes it at the end
    sent = AuditEvent.objects.get(action="files.download_sent")
    assert sent.summary["completed"] is True


# --- failures before the hand-off are the portal's pages ----------------------------------------


@pytest.mark.parametrize(
    ("status", "ours", "words"),
    [(404, 404, "not found"), (401, 403, "did not accept your token"), (503, 502, "")],
)
def test_a_refusal_or_a_missing_dump_before_the_hand_off_is_the_portals_own_page(  # type: ignore[no-untyped-def]
    tokened_cast, sandbox, direct, behind_nginx, status, ours, words
) -> None:
    _, _, url = _dump(sandbox, direct)
    sandbox.faults.add(FaultRule(operation="download_backup_database", status=status, times=1))
    response = client_for(tokened_cast["operator"]).get(url)
    assert response.status_code == ours
    page = response.content.decode()
    assert "<html" in page and words in page.lower()
    assert not [name for name in PRIVATE if name in response]
    assert _carrying(response, OWNER) == []
    event = AuditEvent.objects.get(action="backups.download_database")
    assert event.outcome == "failure" and event.status == status
    assert "handed_off" not in event.summary
