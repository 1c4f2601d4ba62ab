"""A create's audit trail starts with its creation: the outcome row names the new object."""

from __future__ import annotations

from typing import Any

import pytest

from portal.agiler import BadRequest
from portal.audit.models import AuditEvent, Outcome
from portal.audit.observer import AuditObserver


def test_creating_a_project_records_its_new_id_on_the_outcome(admin, make_client) -> None:  # type: ignore[no-untyped-def]
    setup = make_client()
    workspace = setup.list_workspaces().items[0]
    client = make_client(observer=AuditObserver(actor=admin))
    project = client.create_project(
        name="audited-new-site", region="eu-central-1", runtime="php-8.3", workspace_id=workspace.id
    )
    outcome = AuditEvent.objects.get(action="projects.create", outcome=Outcome.SUCCESS)
    assert outcome.target_type == "project"
    assert outcome.target_id == project.id
    assert outcome.project_id == project.id


def test_an_on_demand_backup_is_found_by_its_id(admin, make_client) -> None:  # type: ignore[no-untyped-def]
    setup = make_client()
    project: Any = setup.list_projects().items[0]
    client = make_client(observer=AuditObserver(actor=admin))
    backup = client.create_backup(project.id)
    row = AuditEvent.objects.get(target_id=backup.id)
    assert row.action == "backups.create"
    assert row.project_id == project.id


def test_a_failed_create_has_no_invented_id(admin, make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(observer=AuditObserver(actor=admin))
    with pytest.raises(BadRequest):
        client.create_project(name="", region="eu-central-1", runtime="php-8.3", workspace_id="x")
    outcome = AuditEvent.objects.get(action="projects.create", outcome=Outcome.FAILURE)
    assert outcome.target_id == ""
