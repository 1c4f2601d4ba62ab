"""The ``/_sandbox/…`` control endpoints (only mounted when ``faults_enabled``).

- ``GET /_sandbox/faults``: active rules; ``POST``: add a rule (object) or rules (array) → 201;
  ``DELETE``: remove all; ``DELETE /_sandbox/faults/{id}``: remove one.
- ``POST /_sandbox/reset``: rebuild the demo data from the seed.
- ``GET /_sandbox/writes``: every write applied (operation, path, Idempotency-Key) and the count
  of idempotent replays, for fault runs.
- ``GET /_sandbox/restores``: restore history (project, backup, drain_requests, started_at).
- ``POST /_sandbox/projects/{project}/logs``: append a request log entry stamped now (body:
  ``message``, optional ``priority`` and ``request_id``) → 201 with the entry; for watching a
  live tail pick it up.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .faults import FaultRule
from .http import ApiError, Response, empty_response, json_response, rfc3339

if TYPE_CHECKING:
    from .app import Sandbox


def handle(app: Sandbox, method: str, segments: list[str], environ: dict[str, Any]) -> Response:
    """Dispatch a control request."""
    try:
        return _dispatch(app, method, [s for s in segments if s], environ)
    except ApiError as exc:
        return exc.to_response()


def _dispatch(app: Sandbox, method: str, segments: list[str], environ: dict[str, Any]) -> Response:
    if segments == ["faults"]:
        if method == "GET":
            return json_response([rule.to_dict() for rule in app.faults.list()])
        if method == "DELETE":
            app.faults.clear()
            return empty_response()
        if method == "POST":
            return _add_faults(app, environ)
    if len(segments) == 2 and segments[0] == "faults" and method == "DELETE":
        if segments[1].isdigit() and app.faults.remove(int(segments[1])):
            return empty_response()
        raise ApiError(404, "no such fault rule", resource="fault", id=segments[1])
    if segments == ["writes"] and method == "GET":
        return json_response(app.journal.snapshot())
    if segments == ["reset"] and method == "POST":
        app.reset()
        return empty_response()
    if segments == ["restores"] and method == "GET":
        with app.state.lock:
            history = [
                {
                    "project_id": r.project_id,
                    "backup_id": r.backup_id,
                    "drain_requests": r.drain_requests,
                    "requested_by": r.requested_by,
                    "started_at": rfc3339(r.started_at),
                }
                for r in app.state.restores
            ]
        return json_response(history)
    is_logs = len(segments) == 3 and segments[:1] + segments[2:] == ["projects", "logs"]
    if is_logs and method == "POST":
        return _add_log(app, segments[1], environ)
    raise ApiError(
        404,
        "unknown sandbox control endpoint",
        resource="path",
        id="/_sandbox/" + "/".join(segments),
    )


def _add_faults(app: Sandbox, environ: dict[str, Any]) -> Response:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        data = json.loads(raw or b"null")
        items = data if isinstance(data, list) else [data]
        rules = [FaultRule.from_dict(item) for item in items]
    except (ValueError, TypeError) as exc:
        raise ApiError(400, f"invalid fault rule: {exc}", code="invalid_argument") from None
    stored = [app.faults.add(rule) for rule in rules]
    return json_response([rule.to_dict() for rule in stored], status=201)


def _add_log(app: Sandbox, project_id: str, environ: dict[str, Any]) -> Response:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise ApiError(400, "the body must be JSON", code="invalid_argument") from None
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        raise ApiError(400, "message (text) is required", code="invalid_argument")
    with app.state.lock:
        project = app.state.projects.get(project_id)
        if project is None:
            raise ApiError(404, "no such project", resource="project", id=project_id)
        entry = {
            "timestamp": rfc3339(app.state.now()),
            "priority": str(body.get("priority") or "info"),
            "message": body["message"],
            "request_id": str(body.get("request_id") or app.state.new_id()),
        }
        app.state.data(project).logs.insert(0, entry)  # newest first
    return json_response(entry, status=201)
