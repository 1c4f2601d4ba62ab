"""Workspace pages against the in-process sandbox: success, upstream errors, roles, htmx."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.audit.models import AuditEvent
from tests.helpers import HTMX, client_for, first_workspace

if TYPE_CHECKING:
    from agiler_sandbox import Sandbox
    from portal.accounts.models import User


def detail_url(sandbox: Any, name: str = "Acme Marketing") -> str:
    return reverse("workspaces:detail", args=[first_workspace(sandbox, name)])


# --- list ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "operator", "finance", "support"])
def test_every_role_sees_its_workspaces_with_role_and_mfa(
    tokened_cast: dict[str, User], role: str
) -> None:
    response = client_for(tokened_cast[role]).get(reverse("workspaces:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert body.count('data-testid="workspace-row"') == 3
    assert "Acme Marketing" in body and "Required" in body


def test_only_admin_is_offered_workspace_creation(tokened_cast: dict[str, User]) -> None:
    admin_page = client_for(tokened_cast["admin"]).get(reverse("workspaces:list")).content
    support_page = client_for(tokened_cast["support"]).get(reverse("workspaces:list")).content
    assert b'data-testid="new-workspace"' in admin_page
    assert b'data-testid="new-workspace"' not in support_page


def test_list_as_htmx_is_the_table_fragment(tokened_cast: dict[str, User]) -> None:
    body = client_for(tokened_cast["support"]).get(reverse("workspaces:list"), **HTMX).content
    assert b'id="workspaces-table"' in body
    assert b"<html" not in body


def test_no_workspaces_is_an_empty_state(tokened_cast: dict[str, User], sandbox: Sandbox) -> None:
    sandbox.inspect.clear_workspaces()
    body = client_for(tokened_cast["support"]).get(reverse("workspaces:list")).content.decode()
    assert "No workspaces yet" in body


def test_upstream_failure_on_the_list_is_an_error_page_not_a_crash(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    sandbox.faults.add(FaultRule(operation="list_workspaces", status=503))
    response = client_for(tokened_cast["support"]).get(reverse("workspaces:list"))
    assert response.status_code == 502
    assert "Agiler had a problem" in response.content.decode()


def test_without_a_token_the_page_asks_for_one(cast: dict[str, User], sandbox: Sandbox) -> None:
    response = client_for(cast["support"]).get(reverse("workspaces:list"))
    assert response.status_code == 403
    assert "Add your Agiler token" in response.content.decode()


# --- detail --------------------------------------------------------------------------------------


def test_workspace_page_shows_members_invites_projects_and_counts(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    response = client_for(tokened_cast["support"]).get(detail_url(sandbox))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-testid="member-row"') == 8
    assert "5 active" in body and "2 invited" in body and "1 expired" in body
    assert 'data-testid="billing-badge"' in body
    assert "expires in" in body  # new.hire's invite ends within 48 h
    assert "Invite expired" in body
    assert 'data-testid="workspace-projects"' in body


def test_require_mfa_workspace_warns_about_members_without_mfa(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    body = client_for(tokened_cast["support"]).get(detail_url(sandbox)).content.decode()
    warning = body.split('data-testid="mfa-warning"')[1].split("</div>")[0]
    assert "Vera Viewer" in warning
    assert "Ada Lovelace" not in warning


def test_workspace_without_mfa_requirement_shows_no_warning(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    body = client_for(tokened_cast["support"]).get(detail_url(sandbox, "Globex Shop")).content
    assert b'data-testid="mfa-warning"' not in body


def test_pending_billing_transfer_names_who_asked_and_to_whom(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    body = client_for(tokened_cast["support"]).get(detail_url(sandbox, "Globex Shop")).content
    panel = body.decode().split('data-testid="billing-transfer"')[1].split("</section>")[0]
    assert "ada@example.com" in panel and "grace@globex.example" in panel and "Pending" in panel


def test_no_billing_transfer_upstream_404_is_said_plainly(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    body = client_for(tokened_cast["support"]).get(detail_url(sandbox)).content.decode()
    assert "No pending billing transfer." in body


def test_filters_search_and_sort_as_htmx_return_only_the_table(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    url = detail_url(sandbox)
    response = client_for(tokened_cast["support"]).get(
        url, {"q": "hire", "status": "invited", "sort": "-expires"}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="members-table"' in body and "<html" not in body
    assert body.count('data-testid="member-row"') == 1
    assert "new.hire@acme.example" in body
    assert "1 of 8 shown" in body


def test_role_filter_and_sort_links_keep_the_other_filters(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    body = (
        client_for(tokened_cast["support"])
        .get(detail_url(sandbox), {"role": "viewer", "sort": "email"}, **HTMX)
        .content.decode()
    )
    assert body.count('data-testid="member-row"') == 2
    assert "role=viewer&amp;sort=-email" in body  # clicking Email again reverses
    assert 'aria-sort="ascending"' in body


def test_nothing_matching_is_an_empty_state(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    body = (
        client_for(tokened_cast["support"])
        .get(detail_url(sandbox), {"q": "nobody-at-all"}, **HTMX)
        .content.decode()
    )
    assert "No member or invite matches" in body


def test_unknown_workspace_is_a_404_page(tokened_cast: dict[str, User], sandbox: Sandbox) -> None:
    response = client_for(tokened_cast["support"]).get(
        reverse("workspaces:detail", args=["00000000-0000-4000-8000-000000000000"])
    )
    assert response.status_code == 404


def test_members_failure_as_htmx_is_an_error_fragment(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    sandbox.faults.add(FaultRule(operation="list_workspace_members", status=429, retry_after=30))
    response = client_for(tokened_cast["support"]).get(detail_url(sandbox), **HTMX)
    assert response.status_code == 429
    assert b"<html" not in response.content and b"Agiler is busy" in response.content


def test_a_failing_billing_transfer_call_fails_the_page_rather_than_hiding_it(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    # Only a 404 means "no transfer"; a 500 must not be shown as "no pending transfer".
    sandbox.faults.add(FaultRule(operation="get_billing_transfer", status=500))
    response = client_for(tokened_cast["support"]).get(detail_url(sandbox))
    assert response.status_code == 502


# --- export --------------------------------------------------------------------------------------


def test_members_export_streams_the_filtered_csv_and_is_audited(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    ws = first_workspace(sandbox)
    url = reverse("workspaces:members_export", args=[ws])
    response = client_for(tokened_cast["support"]).get(url, {"status": "expired"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "acme-marketing-members-" in response["Content-Disposition"]
    # Like every download: never rendered or sniffed as a page of the portal's origin.
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["X-Content-Type-Options"] == "nosniff"
    lines = response.getvalue().decode().splitlines()  # the joined stream
    assert len(lines) == 2 and lines[1].startswith("Late Invite,late.invite@acme.example")
    event = AuditEvent.objects.get(action="workspaces.members_export")
    assert event.actor_username == tokened_cast["support"].username
    assert event.workspace_id == ws
    assert event.summary["rows"] == 1 and event.summary["status"] == "expired"


def test_export_of_an_unknown_workspace_records_nothing(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    url = reverse("workspaces:members_export", args=["00000000-0000-4000-8000-000000000000"])
    assert client_for(tokened_cast["support"]).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="workspaces.members_export").exists()


# --- create --------------------------------------------------------------------------------------


def test_create_form_carries_an_idempotency_key(tokened_cast: dict[str, User]) -> None:
    body = client_for(tokened_cast["admin"]).get(reverse("workspaces:create")).content.decode()
    assert 'name="idempotency_key"' in body


def test_creating_a_workspace_twice_with_one_form_makes_one_and_audits_it(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    client = client_for(tokened_cast["admin"])
    data = {"name": "Umbrella Corp", "idempotency_key": "form-key-1"}
    first = client.post(reverse("workspaces:create"), data)
    second = client.post(reverse("workspaces:create"), data)
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"]
    names = [ws["name"] for ws in sandbox.inspect.workspaces().values()]
    assert names.count("Umbrella Corp") == 1
    assert AuditEvent.objects.filter(action="workspaces.create", outcome="success").exists()


def test_an_empty_name_is_refused_before_anything_is_sent(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    response = client_for(tokened_cast["admin"]).post(
        reverse("workspaces:create"), {"name": "   ", "idempotency_key": "k"}
    )
    assert response.status_code == 400
    assert len(sandbox.inspect.workspaces()) == 3
    assert not AuditEvent.objects.filter(action="workspaces.create").exists()


def test_an_upstream_field_error_lands_on_the_name_field(
    tokened_cast: dict[str, User], sandbox: Sandbox
) -> None:
    sandbox.faults.add(
        FaultRule(operation="create_workspace", status=400, message="name is already taken")
    )
    response = client_for(tokened_cast["admin"]).post(
        reverse("workspaces:create"), {"name": "Acme Marketing", "idempotency_key": "k2"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "invalid-feedback" in body and "name is already taken" in body
    assert 'value="k2"' not in body  # a refused body's key is not reused for the next try


def test_create_as_htmx_renders_the_form_fragment(tokened_cast: dict[str, User]) -> None:
    body = client_for(tokened_cast["admin"]).get(reverse("workspaces:create"), **HTMX).content
    assert b'id="create-form"' in body and b"<html" not in body


@pytest.mark.parametrize("role", ["operator", "finance", "support"])
def test_only_admin_may_create_a_workspace(
    tokened_cast: dict[str, User], sandbox: Sandbox, role: str
) -> None:
    response = client_for(tokened_cast[role]).post(
        reverse("workspaces:create"), {"name": "Sneaky", "idempotency_key": "k3"}
    )
    assert response.status_code == 403
    assert len(sandbox.inspect.workspaces()) == 3


# --- the role matrix, with tokens ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "operator", "finance", "support"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_every_role_reads_a_workspace_plain_and_htmx(
    tokened_cast: dict[str, User], sandbox: Sandbox, role: str, htmx: bool
) -> None:
    response = client_for(tokened_cast[role]).get(detail_url(sandbox), **(HTMX if htmx else {}))
    assert response.status_code == 200
    body = response.content.decode()
    assert ("<html" in body) is not htmx
    assert 'id="members-table"' in body
