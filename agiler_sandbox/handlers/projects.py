"""Projects: list, create, get, update, delete."""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING, Any

from agiler_sandbox.http import (
    ApiError,
    Request,
    Response,
    empty_response,
    invalid,
    json_response,
    rfc3339,
)
from agiler_sandbox.pagination import paginate
from agiler_sandbox.seed_project import demo_files, demo_tables
from agiler_sandbox.state import Project, ProjectData, State

from .common import get_bool, get_str, project_of

if TYPE_CHECKING:
    from agiler_sandbox.app import Sandbox

NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
WRITE_ROLES = {"owner", "admin", "developer"}


def render(state: State, project: Project) -> dict[str, Any]:
    """ProjectDetail / ProjectSummary (same shape)."""
    return {
        "id": project.id,
        "name": project.name,
        "region": project.region,
        "runtime": project.runtime,
        "workspace_id": project.workspace_id,
        "active": project.active,
        "status": state.project_status(project),
        "created_at": rfc3339(project.created_at),
        "updated_at": rfc3339(project.updated_at),
    }


def list_projects(app: Sandbox, request: Request) -> Response:
    """GET /projects (optionally ?workspace_id=)."""
    state = app.state
    visible = state.visible_workspace_ids(request.user_id)
    wanted = request.arg("workspace_id")
    if wanted:
        visible &= {wanted}
    items = [p for p in state.projects.values() if p.workspace_id in visible]
    return paginate(request, items, 50, lambda p: render(state, p))


def _check_name(state: State, name: str, current: Project | None = None) -> None:
    if not NAME_RE.match(name):
        raise invalid(
            "name",
            "name must be 1-63 lower-case letters, digits or hyphens, "
            "starting and ending with a letter or digit",
        )
    owner_id = state.project_names.get(name)
    if owner_id is not None and (current is None or owner_id != current.id):
        raise ApiError(
            409, f"a project named {name!r} already exists", code="conflict", field="name"
        )


def _check_runtime(state: State, runtime: str) -> None:
    match = next((r for r in state.runtimes if r["id"] == runtime), None)
    if match is None:
        raise invalid("runtime", f"unknown runtime {runtime!r}")
    if match.get("deprecated_at"):
        raise invalid("runtime", f"runtime {runtime} is deprecated; choose a newer one")


def _check_workspace(state: State, request: Request, workspace_id: str) -> None:
    member = (
        state.membership(workspace_id, request.user_id)
        if workspace_id in state.workspaces
        else None
    )
    if member is None:
        raise invalid("workspace_id", f"unknown workspace {workspace_id!r}")
    if member["role"] not in WRITE_ROLES:
        raise ApiError(403, f"your role {member['role']} in this workspace cannot manage projects")


def create_project(app: Sandbox, request: Request) -> Response:
    """POST /projects."""
    state = app.state
    body = request.json()
    name = get_str(body, "name", required=True, max_length=63)
    region = get_str(body, "region", required=True)
    runtime = get_str(body, "runtime", required=True)
    workspace_id = get_str(body, "workspace_id")
    assert name is not None and region is not None and runtime is not None
    _check_name(state, name)
    if region not in {r["id"] for r in state.regions}:
        raise invalid("region", f"unknown region {region!r}")
    _check_runtime(state, runtime)
    if workspace_id is None:
        workspace_id = next(
            iter(
                sorted(
                    state.visible_workspace_ids(request.user_id),
                    key=lambda w: state.workspaces[w]["created_at"],
                )
            ),
            "",
        )
    _check_workspace(state, request, workspace_id)
    now = state.now()
    project = Project(
        id=state.new_id(),
        name=name,
        region=region,
        runtime=runtime,
        workspace_id=workspace_id,
        active=True,
        status="running",
        created_at=now,
        updated_at=now,
    )
    rng = random.Random(project.id)
    fresh = ProjectData(
        policy={"frequency_days": 1, "retention_days": 30},
        files=demo_files(state, project),
        tables=demo_tables(state, rng, project),
        usage_seed=rng.getrandbits(32),
    )
    state.add_project(project, fresh)
    return json_response(render(state, project), status=201)


def get_project(app: Sandbox, request: Request) -> Response:
    """GET /projects/{project}."""
    state, project, _ = project_of(app, request)
    return json_response(render(state, project))


def update_project(app: Sandbox, request: Request) -> Response:
    """PATCH /projects/{project}: name, runtime, active, workspace_id; region is immutable."""
    state, project, _ = project_of(app, request)
    body = request.json()
    if "region" in body:
        raise invalid("region", "region cannot be changed after creation")
    name = get_str(body, "name", max_length=63)
    runtime = get_str(body, "runtime")
    active = get_bool(body, "active")
    workspace_id = get_str(body, "workspace_id")
    if name is not None:
        _check_name(state, name, project)
    if runtime is not None and runtime != project.runtime:
        _check_runtime(state, runtime)
    if workspace_id is not None:
        _check_workspace(state, request, workspace_id)
    if name is not None:
        state.rename_project(project, name)
    if runtime is not None:
        project.runtime = runtime
    if active is not None:
        project.active = active
        project.status = "running" if active else "stopped"
    if workspace_id is not None:
        project.workspace_id = workspace_id
    project.updated_at = state.now()
    return json_response(render(state, project))


def delete_project(app: Sandbox, request: Request) -> Response:
    """DELETE /projects/{project}: removes the project and everything under it."""
    state, project, _ = project_of(app, request)
    state.delete_project(project)
    return empty_response()
