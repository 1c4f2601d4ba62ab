"""Projects: list, create, get, update, delete."""

from __future__ import annotations

from ._base import NOT_GIVEN, BaseClient, NotGiven, given
from .pagination import Page
from .types import ProjectDetail, ProjectSummary


class ProjectsMixin(BaseClient):
    """Operations of the reference section "Projects"."""

    def list_projects(
        self,
        *,
        workspace_id: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[ProjectSummary]:
        """GET /projects — Projects."""
        return self._get_page(
            ProjectSummary,
            "list_projects",
            "/projects",
            cursor=cursor,
            limit=limit,
            query={"workspace_id": workspace_id},
        )

    def create_project(
        self,
        *,
        name: str,
        region: str,
        runtime: str,
        workspace_id: str | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> ProjectDetail:
        """POST /projects — Projects."""
        body = given(
            {"name": name, "region": region, "runtime": runtime, "workspace_id": workspace_id}
        )
        response = self._write(
            "create_project", "POST", "/projects", body=body, idempotency_key=idempotency_key
        )
        return self._model(ProjectDetail, response, "create_project")

    def delete_project(self, project: str, *, idempotency_key: str | None = None) -> None:
        """DELETE /projects/{project} — Projects."""
        self._write(
            "delete_project",
            "DELETE",
            "/projects/{project}",
            {"project": project},
            idempotency_key=idempotency_key,
        )

    def get_project(self, project: str) -> ProjectDetail:
        """GET /projects/{project} — Projects."""
        return self._get_model(
            ProjectDetail, "get_project", "/projects/{project}", {"project": project}
        )

    def update_project(
        self,
        project: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        runtime: str | NotGiven = NOT_GIVEN,
        active: bool | NotGiven = NOT_GIVEN,
        workspace_id: str | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> ProjectDetail:
        """PATCH /projects/{project} — Projects. Sends only the fields passed."""
        body = given(
            {"name": name, "runtime": runtime, "active": active, "workspace_id": workspace_id}
        )
        response = self._write(
            "update_project",
            "PATCH",
            "/projects/{project}",
            {"project": project},
            body=body,
            idempotency_key=idempotency_key,
        )
        return self._model(ProjectDetail, response, "update_project")
