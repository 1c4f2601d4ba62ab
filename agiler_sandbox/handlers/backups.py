"""Backups: listing, on-demand backups, policy, downloads and (asynchronous) restores."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agiler_sandbox import binaries
from agiler_sandbox.http import ApiError, Request, Response, empty_response, json_response, rfc3339
from agiler_sandbox.pagination import paginate
from agiler_sandbox.state import Project, Restore, State

from .common import find, get_int, project_of, query_bool

if TYPE_CHECKING:
    from agiler_sandbox.app import Sandbox

SIZE_FIELDS = ("database_size", "storage_size", "size")


def render(state: State, backup: dict[str, Any]) -> dict[str, Any]:
    """ProjectBackupEntry; sizes only once the backup is done."""
    status = state.backup_status(backup)
    out = {k: v for k, v in backup.items() if not k.startswith("_")}
    out["status"] = status
    if status != "done":
        for key in SIZE_FIELDS:
            out.pop(key, None)
    return out


def list_backups(app: Sandbox, request: Request) -> Response:
    """GET /projects/{project}/backups (newest first)."""
    state, _, data = project_of(app, request)
    return paginate(request, data.backups, 50, lambda b: render(state, b))


def create_backup(app: Sandbox, request: Request) -> Response:
    """POST /projects/{project}/backups: 201 with a ``pending`` backup."""
    state, project, data = project_of(app, request)
    previous = next((b for b in data.backups if b.get("database_size")), None)
    db = state.settings.dump_size or (previous["database_size"] if previous else 4_194_304)
    storage = previous["storage_size"] if previous else 12_582_912
    fail = bool(request.fault is not None and request.fault.fail_backup)
    backup = {
        "id": state.new_id(),
        "automatic": False,
        "created_at": rfc3339(state.now()),
        "runtime": project.runtime,
        "database_size": db,
        "storage_size": storage,
        "size": db + storage,
        "_started": state.now(),
        "_final": "failed" if fail else "done",
    }
    data.backups.insert(0, backup)
    return json_response(render(state, backup), status=201)


def get_backup_policy(app: Sandbox, request: Request) -> Response:
    """GET /projects/{project}/backups/policy."""
    _, _, data = project_of(app, request)
    return json_response(data.policy)


def update_backup_policy(app: Sandbox, request: Request) -> Response:
    """PATCH /projects/{project}/backups/policy (frequency_days 0 disables automatic backups)."""
    _, _, data = project_of(app, request)
    body = request.json()
    frequency = get_int(body, "frequency_days", minimum=0, maximum=30)
    retention = get_int(body, "retention_days", minimum=1, maximum=365)
    if frequency is not None:
        data.policy["frequency_days"] = frequency
    if retention is not None:
        data.policy["retention_days"] = retention
    return json_response(data.policy)


def _backup(app: Sandbox, request: Request) -> tuple[State, Project, dict[str, Any]]:
    state, project, data = project_of(app, request)
    return state, project, find(data.backups, request.params["backup"], "backup")


def delete_backup(app: Sandbox, request: Request) -> Response:
    """DELETE /projects/{project}/backups/{backup} (409 while it is still running)."""
    state, project, backup = _backup(app, request)
    if state.backup_status(backup) in ("pending", "running"):
        raise ApiError(409, "backup is still in progress and cannot be deleted", code="conflict")
    data = state.data(project)
    data.backups.remove(backup)
    return empty_response()


def _stamp(backup: dict[str, Any]) -> str:
    return backup["created_at"].replace(":", "").replace("-", "")


def download_backup_database(app: Sandbox, request: Request) -> Response:
    """GET …/database: a gzip'd SQL dump, streamed (exactly ``dump_size`` bytes when set)."""
    state, project, backup = _backup(app, request)
    state.require_ready_backup(backup)
    header = f"Agiler backup {backup['id']} of {project.name} taken {backup['created_at']}"
    tables = {
        name: {**t, "rows": [list(r) for r in t["rows"]]}
        for name, t in state.data(project).tables.items()
    }
    size = state.settings.dump_size
    filename = f"{project.name}-{_stamp(backup)}.sql.gz"
    headers = [
        ("Content-Type", "application/gzip"),
        ("Content-Disposition", f'attachment; filename="{filename}"'),
    ]
    if size is None:
        return Response(200, headers, binaries.small_dump(tables, header))
    if size < 2 * 1024 * 1024:
        return Response(200, headers, b"".join(binaries.sized_dump(tables, header, size)))
    return Response(200, headers, binaries.sized_dump(tables, header, size), length=size)


def download_backup_storage(app: Sandbox, request: Request) -> Response:
    """GET …/storage: a tar.gz of the project's files."""
    state, project, backup = _backup(app, request)
    state.require_ready_backup(backup)
    archive = binaries.storage_archive(state.data(project).files)
    filename = f"{project.name}-{_stamp(backup)}-storage.tar.gz"
    headers = [
        ("Content-Type", "application/gzip"),
        ("Content-Disposition", f'attachment; filename="{filename}"'),
    ]
    return Response(200, headers, binaries.chunked(archive), length=len(archive))


def restore_backup(app: Sandbox, request: Request) -> Response:
    """POST …/restore: 202; the project goes (draining →) restoring → running."""
    state, project, backup = _backup(app, request)
    drain = query_bool(request, "drain_requests")
    state.require_ready_backup(backup)
    running = state.active_restore(project.id)
    if running is not None:
        raise ApiError(
            409,
            f"a restore of backup {running.backup_id} is already running on "
            "this project; wait for it to finish",
            code="conflict",
        )
    seconds = state.settings.restore_seconds
    state.restores.append(
        Restore(
            project_id=project.id,
            backup_id=backup["id"],
            drain_requests=drain,
            requested_by=request.user_id,
            started_at=state.now(),
            drain_seconds=seconds * 0.3 if drain else 0.0,
            restore_seconds=seconds,
        )
    )
    return empty_response(202)
