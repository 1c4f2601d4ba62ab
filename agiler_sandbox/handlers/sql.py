"""SQL statements against the project's WordPress database (sync 200, or 202 with respond-async).

The database is in-memory SQLite answering like MySQL (``sqlengine``). A statement's rows page
like any list: 100 by default, 1000 at most, ``Link: rel="next"`` on ``GET …/statements/{id}``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from agiler_sandbox.http import Request, Response, empty_response, invalid, json_response, rfc3339
from agiler_sandbox.pagination import encode_cursor, page_window, paginate
from agiler_sandbox.sqlengine import SQLError, database_for, is_write, sleep_seconds
from agiler_sandbox.state import ProjectData, State, public

from .common import find, get_bool, get_int, get_str, project_of

if TYPE_CHECKING:
    from agiler_sandbox.app import Sandbox

PREVIEW = 80
#: result rows per page of GET …/statements/{id} (and in a POST's answer): default and maximum
ROWS_PAGE, ROWS_MAX = 100, 1000
INTERRUPTED = "Query execution was interrupted, maximum statement execution time exceeded"


def _run(state: State, data: ProjectData, stmt: dict[str, Any]) -> None:
    """Execute and fill in the outcome; errors are a statement status, not an HTTP error."""
    started = stmt["_submitted"]
    sleep = sleep_seconds(stmt["sql"])
    duration = 3 + len(stmt["sql"]) % 40
    db = database_for(data)
    try:
        if sleep > stmt["timeout"]:
            duration = stmt["timeout"] * 1000
            raise SQLError(INTERRUPTED)
        result = db.execute(
            stmt["sql"], read_only=stmt["read_only"], now=started, timeout=stmt["timeout"]
        )
        duration = max(duration, int(sleep * 1000))
        stmt.update(result)
        stmt["status"], stmt["error"] = "success", None
        if not stmt["read_only"]:
            # Backups dump the plain tables: keep them in step with the database.
            data.tables = db.snapshot()
    except SQLError as exc:
        stmt.update({"columns": [], "rows": [], "row_count": 0, "rows_affected": 0})
        stmt["status"], stmt["error"] = "error", str(exc)
    stmt["duration_ms"] = duration
    done = stmt.get("_ready") or started + timedelta(milliseconds=duration)
    stmt["completed_at"] = rfc3339(done)


def _with_rows_page(
    request: Request, stmt: dict[str, Any], url: str, offset: int, limit: int
) -> Response:
    """The statement with one page of its rows; ``Link: rel="next"`` when more remain."""
    body = public(stmt)
    rows = stmt.get("rows")
    if isinstance(rows, list):
        body["rows"] = rows[offset : offset + limit]
    response = json_response(body)
    if isinstance(rows, list) and offset + limit < len(rows):
        cursor = encode_cursor("get_sql_statement", offset + limit)
        query = urlencode({"cursor": cursor, "limit": str(limit)})
        response.headers.append(("Link", f'<{url}?{query}>; rel="next"'))
    return response


def _statement_url(request: Request, stmt_id: str) -> str:
    path = request.path if request.path.endswith(stmt_id) else f"{request.path}/{stmt_id}"
    return f"{request.base_url()}{quote(path, safe='/%')}"


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
        # A SLEEP(n) keeps it pending for n seconds (up to its timeout): a statement to cancel.
        runs = min(max(state.settings.sql_seconds, sleep_seconds(sql)), stmt["timeout"])
        stmt["_ready"] = now + timedelta(seconds=runs)
        response = json_response(public(stmt), status=202)
        response.headers.append(("Preference-Applied", "respond-async"))
        return response
    _run(state, data, stmt)
    return _with_rows_page(request, stmt, _statement_url(request, stmt["id"]), 0, ROWS_PAGE)


def get_sql_statement(app: Sandbox, request: Request) -> Response:
    """GET /projects/{project}/sql/statements/{statement}."""
    state, _, data = project_of(app, request)
    offset, limit = page_window(request, ROWS_PAGE, ROWS_MAX)
    _settle(state, data)
    stmt = find(data.statements, request.params["statement"], "statement")
    return _with_rows_page(request, stmt, _statement_url(request, stmt["id"]), offset, limit)


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
