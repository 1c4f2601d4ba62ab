"""Creating, changing, (de)activating and deleting projects through the portal."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from tests.conftest import HTMX, client_for
from tests.workspaces.conftest import first_workspace


def a_project(sandbox: Any) -> Any:
    return next(iter(sandbox.state.projects.values()))


def form_key(body: str) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', body)
    assert match, "the form carries an idempotency key"
    return match.group(1)


def create_data(sandbox: Any, body: str, **overrides: str) -> dict[str, str]:
    data = {
        "name": "brand-new-site",
        "workspace_id": first_workspace(sandbox),
        "region": "eu-west-1",
        "runtime": "php-8.3",
        "idempotency_key": form_key(body),
    }
    data.update(overrides)
    return data


def by_name(sandbox: Any, name: str) -> Any:
    return next((p for p in sandbox.state.projects.values() if p.name == name), None)


# --- create ---------------------------------------------------------------------------------------


def test_create_form_offers_live_regions_and_only_current_runtimes(tokened_cast) -> None:  # type: ignore[no-untyped-def]
    response = client_for(tokened_cast["operator"]).get(reverse("projects:create"))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    assert 'value="eu-central-1"' in body and "Frankfurt, Germany" in body
    assert 'value="php-8.3"' in body
    # php-8.1 is deprecated: named in the hint, never a choice
    assert 'value="php-8.1"' not in body
    assert "Deprecated runtimes are not offered for new projects (php-8.1)" in body


def test_catalogs_are_cached_so_a_catalog_outage_does_not_block_the_form(
    tokened_cast, sandbox
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    assert client.get(reverse("projects:create")).status_code == 200
    sandbox.faults.add(FaultRule(operation="list_runtimes", status=500))
    sandbox.faults.add(FaultRule(operation="list_regions", status=500))
    assert client.get(reverse("projects:create")).status_code == 200


def test_creating_a_project_lands_on_its_home_and_is_audited(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    data = create_data(sandbox, client.get(reverse("projects:create")).content.decode())
    response = client.post(reverse("projects:create"), data)
    created = by_name(sandbox, "brand-new-site")
    assert created is not None and created.region == "eu-west-1"
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[created.id])
    outcomes = list(
        AuditEvent.objects.filter(action="projects.create").values_list("outcome", flat=True)
    )
    assert sorted(outcomes) == ["intent", "success"]


def test_submitting_the_same_create_form_twice_creates_one_project(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    data = create_data(sandbox, client.get(reverse("projects:create")).content.decode())
    first = client.post(reverse("projects:create"), data)
    second = client.post(reverse("projects:create"), data)
    assert first["Location"] == second["Location"]
    assert sum(p.name == "brand-new-site" for p in sandbox.state.projects.values()) == 1


def test_upstream_field_error_shows_on_the_name_field_with_a_fresh_key(
    tokened_cast, sandbox
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    data = create_data(
        sandbox, client.get(reverse("projects:create")).content.decode(), name="Not Valid"
    )
    response = client.post(reverse("projects:create"), data)
    body = response.content.decode()
    assert response.status_code == 400
    name_block = body.split('for="id_name"')[1].split('for="id_workspace_id"')[0]
    assert "lower-case letters, digits or hyphens" in name_block
    assert form_key(body) != data["idempotency_key"]
    assert by_name(sandbox, "Not Valid") is None


def test_a_name_already_taken_is_a_name_field_error(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    taken = a_project(sandbox).name
    data = create_data(sandbox, client.get(reverse("projects:create")).content.decode(), name=taken)
    response = client.post(reverse("projects:create"), data, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="project-form"' in body and "<html" not in body
    assert "already exists" in body.split('for="id_name"')[1].split('for="id_workspace_id"')[0]


def test_a_deprecated_runtime_cannot_be_submitted(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    data = create_data(
        sandbox, client.get(reverse("projects:create")).content.decode(), runtime="php-8.1"
    )
    response = client.post(reverse("projects:create"), data)
    assert response.status_code == 400
    assert by_name(sandbox, "brand-new-site") is None


def test_htmx_create_is_told_to_navigate_to_the_new_project(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["admin"])
    data = create_data(sandbox, client.get(reverse("projects:create"), **HTMX).content.decode())
    response = client.post(reverse("projects:create"), data, **HTMX)
    created = by_name(sandbox, "brand-new-site")
    assert response["HX-Redirect"] == reverse("projects:detail", args=[created.id])


def test_token_without_write_scope_sees_the_form_disabled_with_the_scope_named(
    tokened_cast, give_token
) -> None:  # type: ignore[no-untyped-def]
    operator = tokened_cast["operator"]
    give_token(operator, "ak_sandbox_readonly")
    body = client_for(operator).get(reverse("projects:create")).content.decode()
    assert 'data-testid="scope-gate"' in body and "projects:write" in body
    assert re.search(r'data-testid="create-project"[^>]*disabled', body)


def test_upstream_refusing_the_scope_is_a_403_naming_it(tokened_cast, sandbox, give_token) -> None:  # type: ignore[no-untyped-def]
    operator = tokened_cast["operator"]
    client = client_for(operator)
    data = create_data(sandbox, client.get(reverse("projects:create")).content.decode())
    give_token(operator, "ak_sandbox_readonly")
    response = client.post(reverse("projects:create"), data)
    assert response.status_code == 403
    assert "projects:write" in response.content.decode()
    assert by_name(sandbox, "brand-new-site") is None
    assert AuditEvent.objects.filter(action="projects.create", outcome="failure").exists()


@pytest.mark.parametrize(("status", "shown"), [(429, 429), (500, 502), (503, 502)])
def test_upstream_failures_on_create_are_error_pages(tokened_cast, sandbox, status, shown) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    data = create_data(sandbox, client.get(reverse("projects:create")).content.decode())
    sandbox.faults.add(FaultRule(operation="create_project", status=status, retry_after=5))
    assert client.post(reverse("projects:create"), data).status_code == shown


def test_idempotency_key_reused_with_another_body_is_a_409_page(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    data = create_data(sandbox, client.get(reverse("projects:create")).content.decode())
    client.post(reverse("projects:create"), data)
    response = client.post(reverse("projects:create"), {**data, "name": "another-one"})
    assert response.status_code == 409
    assert by_name(sandbox, "another-one") is None


# --- settings (rename, runtime, move) -----------------------------------------------------------


def settings_data(client: Any, project: Any, **changes: str) -> dict[str, str]:
    body = client.get(reverse("projects:settings", args=[project.id])).content.decode()
    data = {
        "name": project.name,
        "runtime": project.runtime,
        "workspace_id": project.workspace_id,
        "idempotency_key": form_key(body),
    }
    data.update(changes)
    return data


def test_settings_form_has_no_region_field(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("projects:settings", args=[project.id]))
        .content.decode()
    )
    assert 'name="region"' not in body and "cannot be changed" in body
    assert f'value="{project.name}"' in body


def test_rename_sends_only_the_name_and_is_audited(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    response = client.post(
        reverse("projects:settings", args=[project.id]),
        settings_data(client, project, name="renamed-site"),
    )
    assert response.status_code == 302
    assert sandbox.state.projects[project.id].name == "renamed-site"
    event = AuditEvent.objects.get(action="projects.update", outcome="success")
    summary = json.loads(event.summary_json)
    assert summary.get("name") == "renamed-site"
    assert "runtime" not in summary and "workspace_id" not in summary
    assert event.project_id == project.id


def test_change_runtime_and_move_workspace(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    other = first_workspace(sandbox, "Initech Labs")
    assert project.workspace_id != other
    client = client_for(tokened_cast["admin"])
    new_runtime = "php-8.4" if project.runtime != "php-8.4" else "php-8.2"
    client.post(
        reverse("projects:settings", args=[project.id]),
        settings_data(client, project, runtime=new_runtime, workspace_id=other),
    )
    changed = sandbox.state.projects[project.id]
    assert changed.runtime == new_runtime and changed.workspace_id == other


def test_saving_without_changes_sends_nothing(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    response = client.post(
        reverse("projects:settings", args=[project.id]), settings_data(client, project)
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="projects.update").exists()


def test_rename_to_a_taken_name_is_a_field_error(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    first, second = list(sandbox.state.projects.values())[:2]
    client = client_for(tokened_cast["operator"])
    response = client.post(
        reverse("projects:settings", args=[first.id]),
        settings_data(client, first, name=second.name),
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert sandbox.state.projects[first.id].name == first.name


def test_settings_of_an_unknown_project_is_404(tokened_cast) -> None:  # type: ignore[no-untyped-def]
    url = reverse("projects:settings", args=["00000000-0000-4000-8000-000000000000"])
    assert client_for(tokened_cast["operator"]).get(url).status_code == 404


# --- activate / deactivate ----------------------------------------------------------------------


def active_key(client: Any, project: Any) -> str:
    body = client.get(reverse("projects:detail", args=[project.id])).content.decode()
    return form_key(body)


def test_deactivate_then_activate_from_the_project_home(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    url = reverse("projects:active", args=[project.id])
    detail = client.get(reverse("projects:detail", args=[project.id])).content.decode()
    assert "Deactivate" in detail
    response = client.post(url, {"active": "false", "idempotency_key": form_key(detail)}, **HTMX)
    assert response["HX-Redirect"] == reverse("projects:detail", args=[project.id])
    assert sandbox.state.projects[project.id].active is False
    detail = client.get(reverse("projects:detail", args=[project.id])).content.decode()
    assert "Activate" in detail and "Inactive" in detail
    client.post(url, {"active": "true", "idempotency_key": form_key(detail)})
    assert sandbox.state.projects[project.id].active is True
    assert AuditEvent.objects.filter(action="projects.update", outcome="success").count() == 2


def test_replayed_deactivate_does_not_flip_it_back(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    data = {"active": "false", "idempotency_key": active_key(client, project)}
    url = reverse("projects:active", args=[project.id])
    client.post(url, data)
    client.post(url, data)
    assert sandbox.state.projects[project.id].active is False


def test_active_switch_is_post_only(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    url = reverse("projects:active", args=[a_project(sandbox).id])
    assert client_for(tokened_cast["operator"]).get(url).status_code == 405


def test_upstream_conflict_on_deactivate_is_a_409_page(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    data = {"active": "false", "idempotency_key": active_key(client, project)}
    sandbox.faults.add(FaultRule(operation="update_project", status=409))
    assert client.post(reverse("projects:active", args=[project.id]), data).status_code == 409
    assert sandbox.state.projects[project.id].active is True


def test_readonly_token_sees_disabled_controls_naming_the_scope(
    tokened_cast, sandbox, give_token
) -> None:  # type: ignore[no-untyped-def]
    operator = tokened_cast["operator"]
    give_token(operator, "ak_sandbox_readonly")
    body = (
        client_for(operator)
        .get(reverse("projects:detail", args=[a_project(sandbox).id]))
        .content.decode()
    )
    assert 'data-testid="scope-gate"' in body and "projects:write" in body
    assert 'data-testid="delete-project"' not in body


def test_support_sees_no_write_controls(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    body = (
        client_for(tokened_cast["support"])
        .get(reverse("projects:detail", args=[a_project(sandbox).id]))
        .content.decode()
    )
    assert 'data-testid="project-actions"' not in body


# --- delete -------------------------------------------------------------------------------------


def test_delete_dialog_names_the_project_and_the_consequence(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    plain = client.get(reverse("projects:delete", args=[project.id])).content.decode()
    assert "<html" in plain and project.name in plain and "cannot be undone" in plain
    fragment = client.get(reverse("projects:delete", args=[project.id]), **HTMX).content.decode()
    assert 'id="project-dialog"' in fragment and "<html" not in fragment and "modal" in fragment


def test_delete_needs_the_exact_name(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    url = reverse("projects:delete", args=[project.id])
    key = form_key(client.get(url).content.decode())
    response = client.post(url, {"confirm_name": project.name.upper(), "idempotency_key": key})
    assert response.status_code == 400 and "exactly" in response.content.decode()
    assert project.id in sandbox.state.projects


def test_delete_with_the_name_removes_it_and_is_audited(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    url = reverse("projects:delete", args=[project.id])
    key = form_key(client.get(url, **HTMX).content.decode())
    response = client.post(url, {"confirm_name": project.name, "idempotency_key": key}, **HTMX)
    assert response["HX-Redirect"] == reverse("projects:list")
    assert project.id not in sandbox.state.projects
    event = AuditEvent.objects.get(action="projects.delete", outcome="success")
    assert event.project_id == project.id


def test_delete_of_an_unknown_project_is_404(tokened_cast) -> None:  # type: ignore[no-untyped-def]
    url = reverse("projects:delete", args=["00000000-0000-4000-8000-000000000000"])
    assert client_for(tokened_cast["operator"]).get(url).status_code == 404


def test_delete_upstream_server_error_keeps_the_project(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    url = reverse("projects:delete", args=[project.id])
    key = form_key(client.get(url).content.decode())
    sandbox.faults.add(FaultRule(operation="delete_project", status=500))
    response = client.post(url, {"confirm_name": project.name, "idempotency_key": key})
    assert response.status_code == 502
    assert project.id in sandbox.state.projects


def test_delete_with_a_readonly_token_is_blocked_naming_the_scope(
    tokened_cast, sandbox, give_token
) -> None:  # type: ignore[no-untyped-def]
    operator = tokened_cast["operator"]
    give_token(operator, "ak_sandbox_readonly")
    body = (
        client_for(operator)
        .get(reverse("projects:delete", args=[a_project(sandbox).id]))
        .content.decode()
    )
    assert 'data-testid="confirm-blocked"' in body and "projects:write" in body
    assert 'data-testid="confirm-submit"' not in body


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("operator", 200), ("support", 403), ("finance", 403)]
)
def test_role_matrix_for_project_writes(tokened_cast, sandbox, role, status) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast[role])
    project = a_project(sandbox)
    assert client.get(reverse("projects:create")).status_code == status
    assert client.get(reverse("projects:settings", args=[project.id])).status_code == status
    assert client.get(reverse("projects:delete", args=[project.id])).status_code == status
