"""Taking a backup now: one backup per rendered form, the row polls until done, errors explained."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from tests.helpers import HTMX, a_project, advance, client_for

KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def _take(client: Any, project: Any, key: str, **extra: Any) -> Any:
    return client.post(
        reverse("backups:create", args=[project.id]), {"idempotency_key": key}, **extra
    )


def _count(sandbox: Any, project: Any) -> int:
    return len(sandbox.inspect.backups(project))


def test_take_backup_adds_a_row_that_polls_and_a_fresh_form(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    page = client.get(reverse("backups:list", args=[project.id])).content.decode()
    key = KEY.search(page.split('id="take-backup"')[1]).group(1)  # type: ignore[union-attr]
    before = _count(sandbox, project)

    response = _take(client, project, key, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert _count(sandbox, project) == before + 1
    new = sandbox.inspect.backups(project)[0]
    row = body.split(f'<tr id="backup-{new["id"]}"')[1].split("</tr>")[0]
    assert 'hx-trigger="every 2s"' in row
    # The form comes back out of band with a new key: the next click is a new backup.
    oob = body.split('id="take-backup"')[1]
    assert 'hx-swap-oob="true"' in oob
    assert KEY.search(oob).group(1) != key  # type: ignore[union-attr]
    event = AuditEvent.objects.filter(action="backups.create").order_by("-id").first()
    assert event is not None and event.outcome == "success" and event.idempotency_key == key


def test_double_submit_with_the_same_key_makes_one_backup(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    before = _count(sandbox, project)
    _take(client, project, "double-click-key", **HTMX)
    again = _take(client, project, "double-click-key", **HTMX)
    assert again.status_code == 200
    assert _count(sandbox, project) == before + 1
    body = again.content.decode()
    new_id = sandbox.inspect.backups(project)[0]["id"]
    assert body.count(f'<tr id="backup-{new_id}"') == 1


def test_plain_post_redirects_back_to_the_list(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    response = _take(client_for(tokened_cast["admin"]), project, "plain-key")
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("backups:list", args=[project.id])


def test_polled_row_stops_polling_once_the_backup_is_done(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    _take(client, project, "poll-key", **HTMX)
    new_id = sandbox.inspect.backups(project)[0]["id"]
    url = reverse("backups:detail", args=[project.id, new_id])

    running = client.get(url, **HTMX).content.decode()
    assert running.strip().startswith(f'<tr id="backup-{new_id}"')
    assert 'hx-trigger="every 2s"' in running and "<html" not in running
    assert 'data-testid="download-database"' not in running  # nothing to download yet

    advance(sandbox, 10)
    done = client.get(url, **HTMX).content.decode()
    assert 'data-status="done"' in done
    assert "hx-trigger" not in done
    assert 'data-testid="download-database"' in done and "MiB" in done


def test_a_failed_backup_shows_failed_and_stops_polling(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    sandbox.faults.add(FaultRule(operation="create_backup", fail_backup=True, times=1))
    client = client_for(tokened_cast["operator"])
    _take(client, project, "fail-key", **HTMX)
    new_id = sandbox.inspect.backups(project)[0]["id"]
    advance(sandbox, 10)
    row = client.get(reverse("backups:detail", args=[project.id, new_id]), **HTMX)
    html = row.content.decode()
    assert 'data-status="failed"' in html and "Failed" in html and "hx-trigger" not in html


def test_a_token_without_write_scope_gets_a_403_explained_and_audited(
    tokened_cast, sandbox, give_token
) -> None:  # type: ignore[no-untyped-def]
    give_token(tokened_cast["support"], "ak_sandbox_readonly")
    project = a_project(sandbox)
    before = _count(sandbox, project)
    response = _take(client_for(tokened_cast["support"]), project, "support-key", **HTMX)
    assert response.status_code == 403
    assert "projects.backups:write" in response.content.decode()
    assert _count(sandbox, project) == before
    event = AuditEvent.objects.filter(action="backups.create").order_by("-id").first()
    assert event is not None and event.outcome == "failure" and event.status == 403


def test_finance_may_not_take_a_backup(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    response = _take(client_for(tokened_cast["finance"]), a_project(sandbox), "k")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="backups.create").exists()


def test_upstream_404_429_and_500_make_no_backup_and_say_so(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    before = _count(sandbox, project)
    for status, ours in [(404, 404), (429, 429), (500, 502), (503, 502)]:
        sandbox.faults.add(
            FaultRule(operation="create_backup", status=status, retry_after=2, times=1)
        )
        response = _take(client, project, f"key-{status}", **HTMX)
        assert response.status_code == ours
        assert "data-error-message" in response.content.decode()
        event = AuditEvent.objects.filter(action="backups.create").order_by("-id").first()
        assert event is not None and event.status == status
        assert event.outcome == (
            "unknown" if status >= 500 else "failure"
        )  # a 5xx may follow an applied write
    assert _count(sandbox, project) == before


def test_a_post_without_its_key_makes_nothing(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    before = _count(sandbox, project)
    response = client_for(tokened_cast["operator"]).post(
        reverse("backups:create", args=[project.id]), {}
    )
    assert response.status_code == 302
    assert _count(sandbox, project) == before
