"""Projects and workspaces: shapes, validation, visibility and cascading delete."""

from __future__ import annotations

import uuid

from tests.helpers import assert_error

PROJECT_KEYS = {
    "id",
    "name",
    "region",
    "runtime",
    "workspace_id",
    "active",
    "status",
    "created_at",
    "updated_at",
}


def test_projects_have_the_summary_shape_and_realistic_variety(owner) -> None:
    projects = owner.get("/projects", params={"limit": 200}).json()
    assert len(projects) >= 20
    assert all(set(p) == PROJECT_KEYS for p in projects)
    assert {"running", "stopped"} <= {p["status"] for p in projects}
    assert len({p["region"] for p in projects}) >= 3
    assert "php-8.1" in {p["runtime"] for p in projects}
    assert all(p["created_at"].endswith("Z") for p in projects)


def test_get_project_by_id_and_by_name(owner, project) -> None:
    assert owner.get(f"/projects/{project['id']}").json() == project
    assert owner.get(f"/projects/{project['name']}").json()["id"] == project["id"]


def test_unknown_project_is_404_with_resource_and_id(owner) -> None:
    error = assert_error(owner.get("/projects/does-not-exist"), 404, "not_found")
    assert error["resource"] == "project" and error["id"] == "does-not-exist"


def test_create_project_answers_201_with_detail(owner, fresh_project) -> None:
    assert set(fresh_project) == PROJECT_KEYS
    assert fresh_project["status"] == "running" and fresh_project["active"] is True
    assert owner.get(f"/projects/{fresh_project['id']}").status_code == 200


def test_create_project_validates_every_field(owner) -> None:
    base = {"name": "ok-name", "region": "eu-central-1", "runtime": "php-8.3"}
    assert_error(owner.post("/projects", json={**base, "name": ""}), 400, field="name")
    assert_error(owner.post("/projects", json={**base, "name": "Bad Name"}), 400, field="name")
    assert_error(owner.post("/projects", json={**base, "region": "mars-1"}), 400, field="region")
    assert_error(owner.post("/projects", json={**base, "runtime": "php-5"}), 400, field="runtime")
    assert_error(owner.post("/projects", json={**base, "runtime": "php-8.1"}), 400, field="runtime")
    assert_error(
        owner.post("/projects", json={**base, "workspace_id": str(uuid.uuid4())}),
        400,
        field="workspace_id",
    )
    assert_error(
        owner.post("/projects", json={"region": "eu-central-1", "runtime": "php-8.3"}),
        400,
        field="name",
    )
    assert_error(owner.post("/projects", json={**base, "name": 5}), 400, field="name")


def test_body_must_be_a_json_object(owner) -> None:
    assert_error(owner.post("/projects", json=[1, 2]), 400, "invalid_request")
    assert_error(
        owner.post("/projects", content=b"{not json", headers={"Content-Type": "application/json"}),
        400,
    )


def test_duplicate_project_name_is_409(owner, fresh_project) -> None:
    response = owner.post(
        "/projects",
        json={"name": fresh_project["name"], "region": "us-east-1", "runtime": "php-8.4"},
    )
    assert_error(response, 409, "conflict", "name")


def test_update_project_changes_name_runtime_and_active(owner, fresh_project) -> None:
    url = f"/projects/{fresh_project['id']}"
    new_name = fresh_project["name"] + "-x"
    updated = owner.patch(url, json={"name": new_name, "runtime": "php-8.4", "active": False})
    assert updated.status_code == 200
    body = updated.json()
    assert (body["name"], body["runtime"], body["active"], body["status"]) == (
        new_name,
        "php-8.4",
        False,
        "stopped",
    )


def test_region_is_immutable(owner, fresh_project) -> None:
    response = owner.patch(f"/projects/{fresh_project['id']}", json={"region": "us-east-1"})
    assert_error(response, 400, "invalid_argument", "region")


def test_update_unknown_project_is_404(owner) -> None:
    assert_error(owner.patch("/projects/nope", json={"active": True}), 404)


def test_delete_project_removes_everything_under_it(owner, app, fresh_project) -> None:
    pid = fresh_project["id"]
    assert (
        owner.post(f"/projects/{pid}/variables", json={"name": "A", "value": "1"}).status_code
        == 201
    )
    assert owner.delete(f"/projects/{pid}").status_code == 204
    assert not app.state.has_data(pid)
    for path in ("", "/variables", "/backups", "/files", "/logs", "/sql/statements"):
        assert_error(owner.get(f"/projects/{pid}{path}"), 404)


def test_workspace_filter_on_projects(owner) -> None:
    workspaces = owner.get("/workspaces").json()
    ws = workspaces[1]["id"]
    projects = owner.get("/projects", params={"workspace_id": ws, "limit": 200}).json()
    assert projects and all(p["workspace_id"] == ws for p in projects)


def test_workspaces_list_and_get(owner) -> None:
    workspaces = owner.get("/workspaces").json()
    assert len(workspaces) >= 3
    keys = {"id", "name", "billing_user_id", "require_mfa", "role", "created_at", "updated_at"}
    assert all(keys <= set(w) for w in workspaces)
    assert any(w["require_mfa"] for w in workspaces)
    first = workspaces[0]
    assert owner.get(f"/workspaces/{first['id']}").json() == first
    assert_error(owner.get(f"/workspaces/{uuid.uuid4()}"), 404, field=None)


def test_support_user_has_other_roles_in_the_same_workspaces(client_for) -> None:
    owner_roles = {w["id"]: w["role"] for w in client_for("owner").get("/workspaces").json()}
    support_roles = {w["id"]: w["role"] for w in client_for("support").get("/workspaces").json()}
    demo = [wid for wid in support_roles if wid in owner_roles]
    assert len(demo) >= 3
    assert {owner_roles[w] for w in demo} == {"owner"}
    assert "owner" not in {support_roles[w] for w in demo}


def test_members_include_every_role_pending_invites_and_mfa_mix(owner) -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    for ws in owner.get("/workspaces").json()[:3]:
        members = owner.get(f"/workspaces/{ws['id']}/members").json()
        assert {"owner", "admin", "developer", "viewer"} <= {m["role"] for m in members}
        pending = [m for m in members if m["status"] == "pending"]
        assert pending and all(m.get("invite_id") and m.get("expires_at") for m in pending)
        expiries = [datetime.fromisoformat(m["expires_at"].replace("Z", "+00:00")) for m in pending]
        assert any(now < e < now + timedelta(hours=48) for e in expiries)
        assert any(e < now for e in expiries)
        active = [m for m in members if m["status"] == "active"]
        assert {True, False} <= {m.get("mfa_enabled") for m in active}
        assert sum(m["is_billing_user"] for m in members) == 1


def test_exactly_one_workspace_has_a_pending_billing_transfer(owner) -> None:
    found = []
    for ws in owner.get("/workspaces").json()[:3]:
        response = owner.get(f"/workspaces/{ws['id']}/billing-transfer")
        if response.status_code == 200:
            found.append(response.json())
        else:
            assert_error(response, 404, "not_found")
    assert len(found) == 1
    assert {
        "id",
        "workspace_id",
        "requested_by_email",
        "target_email",
        "requested_by_user_id",
        "target_user_id",
        "created_at",
    } <= set(found[0])


def test_create_workspace_makes_caller_owner(owner) -> None:
    created = owner.post("/workspaces", json={"name": "Fresh team"})
    assert created.status_code == 201
    ws = created.json()
    assert ws["role"] == "owner" and ws["require_mfa"] is False
    members = owner.get(f"/workspaces/{ws['id']}/members").json()
    assert [m["role"] for m in members] == ["owner"]
    assert_error(owner.post("/workspaces", json={"name": "  "}), 400, field="name")
    assert_error(owner.post("/workspaces", json={}), 400, field="name")


def test_workspace_of_another_user_is_hidden_404(client_for) -> None:
    ws = client_for("owner").post("/workspaces", json={"name": "Private"}).json()
    assert_error(client_for("support").get(f"/workspaces/{ws['id']}"), 404)
    assert_error(client_for("support").get(f"/workspaces/{ws['id']}/members"), 404)
    assert_error(client_for("support").get(f"/workspaces/{ws['id']}/billing-transfer"), 404)
