"""Restoring: a dialog that says what is overwritten and wants the project's name; one restore
at a time; a banner on the project page, polling until the project is back; the history."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from tests.helpers import HTMX, a_project, advance, client_for


def _url(project: Any, backup_id: str) -> str:
    return reverse("backups:restore", args=[project.id, backup_id])


def _backup(direct: Any, project: Any) -> Any:
    return direct.list_backups(project.id).items[2]


def _restore(client: Any, project: Any, backup: Any, **fields: Any) -> Any:
    data = {"confirm_name": project.name, "idempotency_key": "restore-1", **fields}
    return client.post(_url(project, backup.id), data, **HTMX)


def test_the_dialog_states_what_is_overwritten_and_offers_draining(
    tokened_cast, sandbox, direct
) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = _backup(direct, project)
    body = client_for(tokened_cast["operator"]).get(_url(project, backup.id), **HTMX)
    html = body.content.decode()
    assert 'data-testid="restore-dialog"' in html and "<html" not in html
    consequence = html.split('data-testid="confirm-consequence"')[1].split("</p>")[0]
    assert "database and all stored files" in consequence
    assert f"{backup.created_at:%Y-%m-%d %H:%M}" in consequence
    assert 'name="drain_requests"' in html and "in flight" in html
    assert 'name="confirm_name"' in html and project.name in html


def test_a_wrong_name_restores_nothing(tokened_cast, sandbox, direct) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    response = _restore(
        client_for(tokened_cast["operator"]), project, _backup(direct, project), confirm_name="x"
    )
    assert response.status_code == 200
    assert "Type the project&#x27;s name exactly" in response.content.decode()
    assert sandbox.inspect.restores() == []
    assert not AuditEvent.objects.filter(action="backups.restore").exists()


def test_restore_with_draining_starts_and_the_project_page_shows_the_banner(
    tokened_cast, sandbox, direct
) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = _backup(direct, project)
    client = client_for(tokened_cast["operator"])
    response = _restore(client, project, backup, drain_requests="on")
    assert response.headers["HX-Redirect"] == reverse("projects:detail", args=[project.id])
    [restore] = sandbox.inspect.restores()
    assert restore.backup_id == backup.id and restore.drain_requests is True
    event = AuditEvent.objects.get(action="backups.restore", outcome="success")
    assert event.target_id == backup.id and event.summary["drain_requests"] is True

    # Everyone viewing the project sees it, support included.
    home = client_for(tokened_cast["support"]).get(reverse("projects:detail", args=[project.id]))
    banner = home.content.decode().split('<div id="restore-banner"')[1].split("Restore history")[0]
    assert 'data-state="running"' in banner and "otto" in banner
    assert "waiting for in-flight requests" in banner
    assert 'hx-trigger="every 2s"' in banner and "watching=1" in banner


def test_the_banner_polls_until_the_project_is_back_then_reports_outcome_and_duration(
    tokened_cast, sandbox, direct
) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    _restore(client, project, _backup(direct, project))
    poll_url = reverse("backups:restores", args=[project.id]) + "?watching=1"
    running_answer = client.get(poll_url, **HTMX)
    assert "restore-finished" not in running_answer.get("HX-Trigger", "")
    running = running_answer.content.decode()
    assert 'data-state="running"' in running and "<html" not in running
    assert "A restore is in progress" in running

    advance(sandbox, 60)
    finished_answer = client.get(poll_url, **HTMX)
    # The project's details on the page refresh themselves on this event (no stale "Draining").
    assert "portal:restore-finished" in finished_answer.get("HX-Trigger", "")
    finished = finished_answer.content.decode()
    assert 'data-state="finished"' in finished and "Restore finished" in finished
    assert 'data-testid="restore-duration"' in finished
    assert "hx-trigger" not in finished  # polling stops
    # A fresh view after the restore shows no banner at all.
    quiet = client.get(reverse("backups:restores", args=[project.id]), **HTMX).content.decode()
    assert 'data-state="none"' in quiet


def test_a_second_restore_while_one_runs_is_prevented_before_asking_agiler(
    tokened_cast, sandbox, direct
) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = _backup(direct, project)
    client = client_for(tokened_cast["operator"])
    _restore(client, project, backup)
    dialog = client.get(_url(project, backup.id), **HTMX).content.decode()
    assert 'data-testid="confirm-blocked"' in dialog and "already running" in dialog
    assert "started by otto" in dialog and 'data-testid="confirm-submit"' not in dialog
    again = client.post(
        _url(project, backup.id), {"confirm_name": project.name, "idempotency_key": "second"}
    )
    assert again.status_code == 409 and "already running" in again.content.decode()
    assert len(sandbox.inspect.restores()) == 1
    assert AuditEvent.objects.filter(action="backups.restore", outcome="intent").count() == 1


def test_an_upstream_409_is_explained_in_the_dialog(tokened_cast, sandbox, direct) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    sandbox.faults.add(FaultRule(operation="restore_backup", status=409, times=1))
    response = _restore(client_for(tokened_cast["operator"]), project, _backup(direct, project))
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="confirm-error"' in body
    assert "another restore is still running" in body and "nothing was changed" in body
    assert sandbox.inspect.restores() == []
    event = AuditEvent.objects.get(action="backups.restore", outcome="failure")
    assert event.status == 409


@pytest.mark.parametrize(("status", "ours"), [(404, 404), (429, 429), (500, 502)])
def test_other_upstream_failures_are_explained_and_start_nothing(
    tokened_cast, sandbox, direct, status, ours
) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    sandbox.faults.add(FaultRule(operation="restore_backup", status=status, times=1))
    response = _restore(client_for(tokened_cast["operator"]), project, _backup(direct, project))
    assert response.status_code == ours and "data-error-message" in response.content.decode()
    assert sandbox.inspect.restores() == []
    # A 5xx may follow an applied write: Agiler received it (issue 15 #3).
    event = AuditEvent.objects.get(
        action="backups.restore", outcome=("unknown" if status >= 500 else "failure")
    )
    assert event.status == status


def test_a_readonly_token_is_refused_naming_the_scope(cast, give_token, sandbox, direct) -> None:  # type: ignore[no-untyped-def]
    operator = cast["operator"]
    give_token(operator, "ak_sandbox_readonly")
    project = a_project(sandbox)
    response = _restore(client_for(operator), project, _backup(direct, project))
    assert response.status_code == 403 and "projects.backups:write" in response.content.decode()
    assert sandbox.inspect.restores() == []
    assert AuditEvent.objects.get(action="backups.restore", outcome="failure").status == 403


@pytest.mark.parametrize("role", ["support", "finance"])
def test_support_and_finance_may_not_restore(tokened_cast, sandbox, direct, role) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = _backup(direct, project)
    client = client_for(tokened_cast[role])
    assert client.get(_url(project, backup.id)).status_code == 403
    assert _restore(client, project, backup).status_code == 403
    assert sandbox.inspect.restores() == []


def test_history_pages_show_who_restored_which_backup_and_the_outcome(
    tokened_cast, sandbox, direct
) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = _backup(direct, project)
    _restore(client_for(tokened_cast["operator"]), project, backup)
    sandbox.faults.add(FaultRule(operation="restore_backup", status=500, times=1))
    advance(sandbox, 60)
    _restore(client_for(tokened_cast["admin"]), project, backup, idempotency_key="restore-2")

    # Support sees everyone's restores of the project, not only its own events.
    page = client_for(tokened_cast["support"]).get(reverse("backups:restores", args=[project.id]))
    body = page.content.decode()
    assert page.status_code == 200 and "<html" in body
    rows = body.split('data-testid="history-row"')[1:]
    assert len(rows) == 2
    assert "ada" in rows[0] and "Failed" not in rows[0]  # a 500 may follow an applied write
    assert "otto" in rows[1] and "Done" in rows[1]

    detail = client_for(tokened_cast["operator"]).get(
        reverse("backups:detail", args=[project.id, backup.id])
    )
    detail_body = detail.content.decode()
    assert "<html" in detail_body and detail_body.count('data-testid="history-row"') == 2
    assert f'id="backup-{backup.id}"' in detail_body
