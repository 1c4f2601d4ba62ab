"""The projects list keeps each person's workspace names a few seconds (portal.workspaces.names)
and asks Agiler again whenever they cannot be right: a row or the filter names a workspace they
do not hold, the person created one, their token changed, or the time ran out."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import httpx
from django.urls import reverse

from agiler_sandbox import FaultRule
from portal.lib.forms import new_idempotency_key
from portal.workspaces import names
from tests.helpers import CountingApp, RewritingApp, client_for, project_rows

if TYPE_CHECKING:
    from agiler_sandbox import Sandbox
    from portal.accounts.models import User
    from portal.agiler import AgilerClient


def workspace_reads(counted: CountingApp) -> int:
    return sum(1 for m, p, _ in counted.requests if m == "GET" and p == "/v1/workspaces")


def filter_options(body: str) -> list[str]:
    select = body.split('id="id_workspace"')[1].split("</select>")[0]
    return re.findall(r"<option value=\"[^\"]*\"(?: selected)?>([^<]+)</option>", select)


def a_project_in(direct: AgilerClient, sandbox: Sandbox, workspace_id: str, name: str) -> Any:
    region = sandbox.inspect.regions()[0]["id"]
    return direct.create_project(
        name=name, region=region, runtime="php-8.3", workspace_id=workspace_id
    )


def test_once_it_knows_the_workspaces_the_list_asks_agiler_only_for_projects(
    tokened_cast: dict[str, User], counted: CountingApp
) -> None:
    client = client_for(tokened_cast["operator"])
    first = client.get(reverse("projects:list")).content.decode()
    assert workspace_reads(counted) == 1
    counted.requests.clear()

    again = client.get(reverse("projects:list")).content.decode()
    assert [path for _, path, _ in counted.requests] == ["/v1/projects"]
    # The same names, in the rows and in the filter.
    assert "Acme Marketing" in again
    assert filter_options(again) == filter_options(first)


def test_a_project_in_a_workspace_created_elsewhere_is_named_at_once(
    tokened_cast: dict[str, User], counted: CountingApp, direct: AgilerClient, sandbox: Sandbox
) -> None:
    client = client_for(tokened_cast["operator"])
    client.get(reverse("projects:list"))  # the names are kept now
    sandbox.inspect.clear_projects()
    made = direct.create_workspace(name="Hooli Research")
    a_project_in(direct, sandbox, made.id, "hooli-site")

    body = client.get(reverse("projects:list")).content.decode()
    row = project_rows(body)[0]
    assert "hooli-site" in row and "Hooli Research" in row
    assert "Hooli Research" in filter_options(body)


def test_filtering_by_a_workspace_created_elsewhere_names_it(
    tokened_cast: dict[str, User], counted: CountingApp, direct: AgilerClient
) -> None:
    client = client_for(tokened_cast["operator"])
    client.get(reverse("projects:list"))
    made = direct.create_workspace(name="Hooli Empty")

    body = client.get(reverse("projects:list"), {"workspace": made.id}).content.decode()
    assert "No projects in Hooli Empty" in body
    assert f'<option value="{made.id}" selected>Hooli Empty</option>' in body


def test_a_workspace_created_in_the_portal_is_offered_in_the_filter_at_once(
    tokened_cast: dict[str, User], counted: CountingApp
) -> None:
    client = client_for(tokened_cast["admin"])  # admins create workspaces
    assert "Portal Made" not in filter_options(
        client.get(reverse("projects:list")).content.decode()
    )

    created = client.post(
        reverse("workspaces:create"),
        {"name": "Portal Made", "idempotency_key": new_idempotency_key()},
    )
    assert created.status_code == 302
    body = client.get(reverse("projects:list")).content.decode()
    assert "Portal Made" in filter_options(body)


def test_the_workspaces_page_refreshes_the_kept_names(
    tokened_cast: dict[str, User], counted: CountingApp, direct: AgilerClient
) -> None:
    client = client_for(tokened_cast["operator"])
    client.get(reverse("projects:list"))
    direct.create_workspace(name="Seen On The Workspaces Page")
    client.get(reverse("workspaces:list"))
    counted.requests.clear()

    body = client.get(reverse("projects:list")).content.decode()
    assert "Seen On The Workspaces Page" in filter_options(body)
    assert workspace_reads(counted) == 0


def test_a_new_token_does_not_reuse_the_names_kept_for_the_old_one(
    tokened_cast: dict[str, User], counted: CountingApp, give_token: Any
) -> None:
    operator = tokened_cast["operator"]
    client = client_for(operator)
    client.get(reverse("projects:list"))
    give_token(operator, "ak_sandbox_support")
    counted.requests.clear()

    client.get(reverse("projects:list"))
    assert workspace_reads(counted) == 1


def test_kept_names_are_asked_for_again_after_a_while(
    tokened_cast: dict[str, User], counted: CountingApp, monkeypatch: Any
) -> None:
    client = client_for(tokened_cast["operator"])
    client.get(reverse("projects:list"))
    now = names._here._clock()
    monkeypatch.setattr(names._here, "_clock", lambda: now + names.NAMES_TTL - 1)
    client.get(reverse("projects:list"))
    assert workspace_reads(counted) == 1

    monkeypatch.setattr(names._here, "_clock", lambda: now + names.NAMES_TTL + 1)
    client.get(reverse("projects:list"))
    assert workspace_reads(counted) == 2


def test_a_workspace_agiler_lists_no_name_for_costs_no_call_on_every_page(
    tokened_cast: dict[str, User], sandbox: Sandbox, settings: Any
) -> None:
    """A project shared without its workspace: the row shows the id, and the next pages do not
    ask for the workspace list again because of it."""

    def elsewhere(items: list[dict[str, Any]]) -> None:
        items[0]["workspace_id"] = "0193ffff-0000-7000-8000-00000000beef"

    counted = CountingApp(RewritingApp(sandbox, "/v1/projects", elsewhere))
    settings.AGILER_TRANSPORT = httpx.WSGITransport(app=counted)
    client = client_for(tokened_cast["operator"])
    first = client.get(reverse("projects:list")).content.decode()
    assert '<code class="small">0193ffff-000…</code>' in first
    assert "Acme Marketing" in filter_options(first)
    for _ in range(2):
        client.get(reverse("projects:list"))
    assert workspace_reads(counted) == 1


def test_when_agiler_cannot_list_workspaces_the_kept_names_still_serve_the_page(
    tokened_cast: dict[str, User], counted: CountingApp, direct: AgilerClient, sandbox: Sandbox
) -> None:
    client = client_for(tokened_cast["operator"])
    client.get(reverse("projects:list"))
    sandbox.inspect.clear_projects()
    made = direct.create_workspace(name="Hooli Research")
    a_project_in(direct, sandbox, made.id, "hooli-site")
    sandbox.faults.add(FaultRule(operation="list_workspaces", status=503))

    response = client.get(reverse("projects:list"))
    row = project_rows(response.content.decode())[0]
    assert response.status_code == 200
    assert "hooli-site" in row and f'<code class="small">{made.id[:12]}…</code>' in row
