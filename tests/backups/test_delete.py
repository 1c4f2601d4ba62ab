"""Deleting a backup: a confirmation naming it, one deletion per key, conflicts explained."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from tests.helpers import HTMX, a_project, client_for


def _ids(sandbox: Any, project: Any) -> list[str]:
    return [b["id"] for b in sandbox.inspect.backups(project)]


def _url(project: Any, backup_id: str) -> str:
    return reverse("backups:delete", args=[project.id, backup_id])


def test_the_dialog_names_the_backup_and_the_consequence(tokened_cast, sandbox, direct) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = direct.list_backups(project.id).items[3]
    response = client_for(tokened_cast["operator"]).get(_url(project, backup.id), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="backup-dialog"' in body and 'aria-modal="true"' in body
    assert f"{backup.created_at:%Y-%m-%d %H:%M}" in body and project.name in body
    assert "deleted from Agiler for good" in body
    assert 'name="idempotency_key"' in body and "btn-danger" in body and "Cancel" in body
    plain = client_for(tokened_cast["operator"]).get(_url(project, backup.id)).content.decode()
    assert "<html" in plain and 'data-testid="delete-dialog"' in plain


def test_confirming_deletes_once_and_is_audited(tokened_cast, sandbox, direct) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = direct.list_backups(project.id).items[3]
    client = client_for(tokened_cast["operator"])
    response = client.post(_url(project, backup.id), {"idempotency_key": "del-1"}, **HTMX)
    assert response.headers["HX-Redirect"] == reverse("backups:list", args=[project.id])
    assert backup.id not in _ids(sandbox, project)
    event = AuditEvent.objects.get(action="backups.delete", outcome="success")
    assert event.target_id == backup.id and event.idempotency_key == "del-1"
    # A browser retry of the same form finds the backup gone: a clear 404, nothing else deleted.
    count = len(_ids(sandbox, project))
    retry = client.post(_url(project, backup.id), {"idempotency_key": "del-1"})
    assert retry.status_code == 404
    assert len(_ids(sandbox, project)) == count


def test_a_backup_still_being_taken_cannot_be_deleted(tokened_cast, sandbox, direct) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    created = direct.create_backup(project.id)
    client = client_for(tokened_cast["operator"])
    page = client.get(_url(project, created.id), **HTMX).content.decode()
    assert 'data-testid="confirm-blocked"' in page and 'data-testid="confirm-submit"' not in page


def test_an_upstream_409_is_explained_in_the_dialog(tokened_cast, sandbox, direct) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = direct.list_backups(project.id).items[3]
    sandbox.faults.add(
        FaultRule(
            operation="delete_backup",
            status=409,
            message="backup is being copied to cold storage",
            times=1,
        )
    )
    response = client_for(tokened_cast["operator"]).post(
        _url(project, backup.id), {"idempotency_key": "del-409"}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="confirm-error"' in body
    assert "cold storage" in body and "Nothing was deleted" in body
    assert backup.id in _ids(sandbox, project)
    event = AuditEvent.objects.get(action="backups.delete", outcome="failure")
    assert event.status == 409


@pytest.mark.parametrize(("status", "ours"), [(403, 403), (429, 429), (500, 502)])
def test_other_upstream_failures_are_pages_and_delete_nothing(
    tokened_cast, sandbox, direct, status, ours
) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = direct.list_backups(project.id).items[3]
    sandbox.faults.add(FaultRule(operation="delete_backup", status=status, times=1))
    response = client_for(tokened_cast["operator"]).post(
        _url(project, backup.id), {"idempotency_key": f"del-{status}"}
    )
    assert response.status_code == ours
    assert backup.id in _ids(sandbox, project)
    # A 5xx may follow an applied write: Agiler received it (issue 15 #3).
    event = AuditEvent.objects.get(
        action="backups.delete", outcome=("unknown" if status >= 500 else "failure")
    )
    assert event.status == status


def test_a_readonly_token_gets_a_403_naming_the_scope(cast, give_token, sandbox, direct) -> None:  # type: ignore[no-untyped-def]
    operator = cast["operator"]
    give_token(operator, "ak_sandbox_readonly")
    project = a_project(sandbox)
    backup = direct.list_backups(project.id).items[3]
    response = client_for(operator).post(_url(project, backup.id), {"idempotency_key": "ro"})
    assert response.status_code == 403
    assert "projects.backups:write" in response.content.decode()
    assert backup.id in _ids(sandbox, project)


@pytest.mark.parametrize("role", ["support", "finance"])
def test_support_and_finance_may_not_delete(tokened_cast, sandbox, direct, role) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    backup = direct.list_backups(project.id).items[3]
    client = client_for(tokened_cast[role])
    assert client.get(_url(project, backup.id)).status_code == 403
    assert client.post(_url(project, backup.id), {"idempotency_key": "x"}).status_code == 403
    assert backup.id in _ids(sandbox, project)
