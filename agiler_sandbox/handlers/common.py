"""Shared helpers for handlers: typed body-field readers and resource resolution."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agiler_sandbox.http import Request, invalid, not_found
from agiler_sandbox.state import Project, ProjectData, State

if TYPE_CHECKING:
    from agiler_sandbox.app import Sandbox


def get_str(
    body: dict[str, Any],
    name: str,
    *,
    required: bool = False,
    max_length: int = 255,
    allow_empty: bool = False,
) -> str | None:
    """Read an optional/required string field (400 naming the field when wrong)."""
    if name not in body or body[name] is None:
        if required:
            raise invalid(name, f"{name} is required")
        return None
    value = body[name]
    if not isinstance(value, str):
        raise invalid(name, f"{name} must be a string")
    if not allow_empty and not value.strip():
        raise invalid(name, f"{name} must not be empty")
    if len(value) > max_length:
        raise invalid(name, f"{name} must be at most {max_length} characters")
    return value


def get_bool(body: dict[str, Any], name: str, *, required: bool = False) -> bool | None:
    """Read a boolean field."""
    if name not in body or body[name] is None:
        if required:
            raise invalid(name, f"{name} is required")
        return None
    if not isinstance(body[name], bool):
        raise invalid(name, f"{name} must be a boolean")
    return bool(body[name])


def get_int(
    body: dict[str, Any],
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = False,
) -> int | None:
    """Read an integer field (JSON numbers with an integral value; booleans refused)."""
    if name not in body or body[name] is None:
        if required:
            raise invalid(name, f"{name} is required")
        return None
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise invalid(name, f"{name} must be an integer")
    number = int(value)
    if minimum is not None and number < minimum:
        raise invalid(name, f"{name} must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise invalid(name, f"{name} must be at most {maximum}")
    return number


def query_bool(request: Request, name: str, default: bool = False) -> bool:
    """Read a boolean query parameter (true/false/1/0)."""
    raw = request.arg(name)
    if raw is None or raw == "":
        return default
    lowered = raw.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise invalid(name, f"{name} must be true or false")


def project_of(app: Sandbox, request: Request) -> tuple[State, Project, ProjectData]:
    """Resolve ``{project}`` for the caller and return the state, project and its data."""
    state = app.state
    project = state.project_for(request.params["project"], request.user_id)
    return state, project, state.data(project)


def find(items: list[dict[str, Any]], ident: str, resource: str) -> dict[str, Any]:
    """Find a record by id in a list (404 naming resource and id otherwise)."""
    for item in items:
        if item.get("id") == ident:
            return item
    raise not_found(resource, ident)
