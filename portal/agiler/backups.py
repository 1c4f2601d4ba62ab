"""Project Backups: list, trigger, policy, delete, download, restore."""

from __future__ import annotations

from ._base import NOT_GIVEN, BaseClient, NotGiven, given
from .downloads import FileDownload
from .pagination import Page
from .types import ProjectBackupEntry, ProjectBackupPolicyOutput

_BACKUP = "/projects/{project}/backups/{backup}"


class BackupsMixin(BaseClient):
    """Operations of the reference section "Project Backups"."""

    def list_backups(
        self, project: str, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[ProjectBackupEntry]:
        """GET /projects/{project}/backups — Project Backups."""
        return self._get_page(
            ProjectBackupEntry,
            "list_backups",
            "/projects/{project}/backups",
            {"project": project},
            cursor=cursor,
            limit=limit,
        )

    def create_backup(
        self, project: str, *, idempotency_key: str | None = None
    ) -> ProjectBackupEntry:
        """POST /projects/{project}/backups — Project Backups."""
        response = self._write(
            "create_backup",
            "POST",
            "/projects/{project}/backups",
            {"project": project},
            idempotency_key=idempotency_key,
        )
        return self._model(ProjectBackupEntry, response, "create_backup")

    def get_backup_policy(self, project: str) -> ProjectBackupPolicyOutput:
        """GET /projects/{project}/backups/policy — Project Backups."""
        return self._get_model(
            ProjectBackupPolicyOutput,
            "get_backup_policy",
            "/projects/{project}/backups/policy",
            {"project": project},
        )

    def update_backup_policy(
        self,
        project: str,
        *,
        frequency_days: int | NotGiven = NOT_GIVEN,
        retention_days: int | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> ProjectBackupPolicyOutput:
        """PATCH /projects/{project}/backups/policy — Project Backups."""
        body = given({"frequency_days": frequency_days, "retention_days": retention_days})
        response = self._write(
            "update_backup_policy",
            "PATCH",
            "/projects/{project}/backups/policy",
            {"project": project},
            body=body,
            idempotency_key=idempotency_key,
        )
        return self._model(ProjectBackupPolicyOutput, response, "update_backup_policy")

    def delete_backup(
        self, project: str, backup: str, *, idempotency_key: str | None = None
    ) -> None:
        """DELETE /projects/{project}/backups/{backup} — Project Backups."""
        self._write(
            "delete_backup",
            "DELETE",
            _BACKUP,
            {"project": project, "backup": backup},
            idempotency_key=idempotency_key,
        )

    def download_backup_database(self, project: str, backup: str) -> FileDownload:
        """GET /projects/{project}/backups/{backup}/database — Project Backups (streamed)."""
        return self._download(
            "download_backup_database",
            _BACKUP + "/database",
            {"project": project, "backup": backup},
        )

    def restore_backup(
        self,
        project: str,
        backup: str,
        *,
        drain_requests: bool | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        """POST /projects/{project}/backups/{backup}/restore — Project Backups (202, async)."""
        self._write(
            "restore_backup",
            "POST",
            _BACKUP + "/restore",
            {"project": project, "backup": backup},
            query={"drain_requests": drain_requests},
            idempotency_key=idempotency_key,
        )

    def download_backup_storage(self, project: str, backup: str) -> FileDownload:
        """GET /projects/{project}/backups/{backup}/storage — Project Backups (streamed)."""
        return self._download(
            "download_backup_storage", _BACKUP + "/storage", {"project": project, "backup": backup}
        )
