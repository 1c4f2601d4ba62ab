"""SQL statements against the fake WordPress database (sync 200, or 202 with respond-async)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from agiler_sandbox.http import Request, Response, empty_response, invalid, json_response, rfc3339
from agiler_sandbox.pagination import paginate
from agiler_sandbox.sqlengine import SQLError, execute, is_write
from agiler_sandbox.state import ProjectData, State, public

from .common import find, get_bool, get_int, get_str, project_of

if TYPE_CHECKING:
    from agiler_sandbox.app import Sandbox

PREVIEW = 80
SLEEP_RE = re.compile(r"^\s*SELECT\s+SLEEP\(\s*(\d+(?:\.\d+)?)\s*\)\s*;?\s*$", re.I)
RESULT_FIELDS = ("columns", "rows", "row_count", "rows_affected")


def _run(state: State, data: ProjectData, stmt: dict[str, Any]) -> None:
    """Execute and fill in the outcome; errors are a statement status, not an HTTP error."""
    started = stmt["_submitted"]
    sleep = SLEEP_RE.match(stmt["sql"])
    duration = 3 + len(stmt["sql"]) % 40
    try:
        if sleep:
            seconds = float(sleep.group(1))
            if seconds > stmt["timeout"]:
                duration = stmt["timeout"] * 1000
                raise SQLError(
                    "Query execution was interrupted, maximum statement execution time exceeded"
                )
            duration = int(seconds * 1000)
            result = {
                "columns": [sleep.group(0).strip().rstrip(";")[7:]],
                "rows": [[0]],
                "row_count": 1,
                "rows_affected": 0,
            }
        else:
            result = execute(data.tables, stmt["sql"], started)
        stmt.update(result)
        stmt["status"], stmt["error"] = "success", None
    except SQLError as exc:
        stmt.update({"columns": [], "rows": [], "row_count": 0, "rows_affected": 0})
        stmt["status"], stmt["error"] = "error", str(exc)
    stmt["duration_ms"] = duration
    done = stmt.get("_ready") or started + timedelta(milliseconds=duration)
    stmt["completed_at"] = rfc3339(done)


def _settle(state: State, data: ProjectData) -> None:
    """Finish asynchronous statements whose time has come."""
    now = state.now()
    for stmt in data.statements:
        if stmt["status"] == "pending" and stmt.get("_ready") and now >= stmt["_ready"]:
            _run(state, data, stmt)


def _list_item(stmt: dict[str, Any]) -> dict[str, Any]:
    sql = " ".join(stmt["sql"].split())
    preview = sql if len(sql) <= PREVIEW else sql[: PREVIEW - 1] + "…"
    item = {
        "id": stmt["id"],
        "sql_preview": preview,
        "status": stmt["status"],
        "submitted_at": stmt["submitted_at"],
    }
    if stmt.get("duration_ms") is not None:
        item["duration_ms"] = stmt["duration_ms"]
    return item


def list_sql_statements(app: Sandbox, request: Request) -> Response:
    """GET /projects/{project}/sql/statements (newest first)."""
    state, _, data = project_of(app, request)
    _settle(state, data)
    return paginate(request, data.statements, 50, _list_item)


def create_sql_statement(app: Sandbox, request: Request) -> Response:
    """POST /projects/{project}/sql/statements."""
    state, _, data = project_of(app, request)
    body = request.json()
    sql = get_str(body, "sql", required=True, max_length=100_000) or ""
    read_only = get_bool(body, "read_only", required=True)
    timeout = get_int(body, "timeout", minimum=1, maximum=300)
    if read_only and is_write(sql):
        raise invalid("sql", "this statement modifies data but read_only is true")
    now = state.now()
    user = state.user(request.user_id)
    stmt: dict[str, Any] = {
        "id": state.new_id(),
        "sql": sql,
        "read_only": read_only,
        "timeout": 30 if timeout is None else timeout,
        "status": "pending",
        "submitted_at": rfc3339(now),
        "submitted_by": user.email,
        "completed_at": None,
        "duration_ms": None,
        "row_count": None,
        "rows_affected": None,
        "columns": None,
        "rows": None,
        "error": None,
        "_submitted": now,
    }
    data.statements.insert(0, stmt)
    if "respond-async" in (request.header("Prefer") or "").lower():
        stmt["_ready"] = now + timedelta(seconds=state.settings.sql_seconds)
        response = json_response(public(stmt), status=202)
        response.headers.append(("Preference-Applied", "respond-async"))
        return response
    _run(state, data, stmt)
    return json_response(public(stmt))


def get_sql_statement(app: Sandbox, request: Request) -> Response:
    """GET /projects/{project}/sql/statements/{statement}."""
    state, _, data = project_of(app, request)
    _settle(state, data)
    return json_response(public(find(data.statements, request.params["statement"], "statement")))


def delete_sql_statement(app: Sandbox, request: Request) -> Response:
    """DELETE …/statements/{statement}: cancels a pending one, else removes it from history."""
    state, _, data = project_of(app, request)
    _settle(state, data)
    stmt = find(data.statements, request.params["statement"], "statement")
    if stmt["status"] == "pending":
        stmt["status"] = "cancelled"
        stmt["completed_at"] = rfc3339(state.now())
        stmt["error"] = "cancelled by user"
    else:
        data.statements.remove(stmt)
    return empty_response()
