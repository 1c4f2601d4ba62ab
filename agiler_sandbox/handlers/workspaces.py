"""Workspaces, members and billing transfers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agiler_sandbox.http import Request, Response, json_response, not_found, rfc3339
from agiler_sandbox.state import State

from .common import get_str

if TYPE_CHECKING:
    from agiler_sandbox.app import Sandbox


def render(state: State, workspace: dict[str, Any], user_key: str) -> dict[str, Any]:
    """WorkspaceOutput, with ``role`` being the caller's role in it."""
    member = state.membership(workspace["id"], user_key)
    return {**workspace, "role": member["role"] if member else "viewer"}


def list_workspaces(app: Sandbox, request: Request) -> Response:
    """GET /workspaces (the caller's)."""
    state = app.state
    visible = state.visible_workspace_ids(request.user_id)
    items = [
        render(state, ws, request.user_id) for wid, ws in state.workspaces.items() if wid in visible
    ]
    return json_response(items)


def create_workspace(app: Sandbox, request: Request) -> Response:
    """POST /workspaces: the caller becomes its owner and billing user."""
    state = app.state
    name = get_str(request.json(), "name", required=True, max_length=100)
    user = state.user(request.user_id)
    stamp = rfc3339(state.now())
    ws_id = state.new_id()
    state.workspaces[ws_id] = {
        "id": ws_id,
        "name": (name or "").strip(),
        "require_mfa": False,
        "billing_user_id": user.id,
        "created_at": stamp,
        "updated_at": stamp,
    }
    state.members[ws_id] = [
        {
            "user_id": user.id,
            "email": user.email,
            "name": user.name,
            "role": "owner",
            "status": "active",
            "is_billing_user": True,
            "mfa_enabled": True,
            "created_at": stamp,
            "updated_at": stamp,
        }
    ]
    return json_response(render(state, state.workspaces[ws_id], request.user_id), status=201)


def get_workspace(app: Sandbox, request: Request) -> Response:
    """GET /workspaces/{workspace}."""
    state = app.state
    ws = state.workspace_for(request.params["workspace"], request.user_id)
    return json_response(render(state, ws, request.user_id))


def get_billing_transfer(app: Sandbox, request: Request) -> Response:
    """GET /workspaces/{workspace}/billing-transfer (404 when none is pending)."""
    state = app.state
    ws = state.workspace_for(request.params["workspace"], request.user_id)
    transfer = state.transfers.get(ws["id"])
    if transfer is None:
        raise not_found("billing_transfer", ws["id"])
    return json_response(transfer)


def list_workspace_members(app: Sandbox, request: Request) -> Response:
    """GET /workspaces/{workspace}/members (members and pending invites)."""
    state = app.state
    ws = state.workspace_for(request.params["workspace"], request.user_id)
    return json_response(state.members[ws["id"]])
