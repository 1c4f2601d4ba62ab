"""Workspaces: list, create, read, members, pending billing transfer."""

from __future__ import annotations

from ._base import BaseClient
from .pagination import Page
from .types import WorkspaceBillingTransferOutput, WorkspaceMemberOutput, WorkspaceOutput


class WorkspacesMixin(BaseClient):
    """Operations of the reference section "workspaces"."""

    def list_workspaces(
        self, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[WorkspaceOutput]:
        """GET /workspaces — workspaces."""
        return self._get_page(
            WorkspaceOutput, "list_workspaces", "/workspaces", cursor=cursor, limit=limit
        )

    def create_workspace(self, *, name: str, idempotency_key: str | None = None) -> WorkspaceOutput:
        """POST /workspaces — workspaces (the caller becomes its owner)."""
        response = self._write(
            "create_workspace",
            "POST",
            "/workspaces",
            body={"name": name},
            idempotency_key=idempotency_key,
        )
        return self._model(WorkspaceOutput, response, "create_workspace")

    def get_workspace(self, workspace: str) -> WorkspaceOutput:
        """GET /workspaces/{workspace} — workspaces."""
        return self._get_model(
            WorkspaceOutput, "get_workspace", "/workspaces/{workspace}", {"workspace": workspace}
        )

    def get_billing_transfer(self, workspace: str) -> WorkspaceBillingTransferOutput:
        """GET /workspaces/{workspace}/billing-transfer — workspaces."""
        return self._get_model(
            WorkspaceBillingTransferOutput,
            "get_billing_transfer",
            "/workspaces/{workspace}/billing-transfer",
            {"workspace": workspace},
        )

    def list_workspace_members(
        self, workspace: str, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[WorkspaceMemberOutput]:
        """GET /workspaces/{workspace}/members — workspaces (includes pending invites)."""
        return self._get_page(
            WorkspaceMemberOutput,
            "list_workspace_members",
            "/workspaces/{workspace}/members",
            {"workspace": workspace},
            cursor=cursor,
            limit=limit,
        )
