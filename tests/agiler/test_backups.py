"""Project backups against the sandbox: list, trigger, policy, download, restore, delete."""

from __future__ import annotations

import gzip
import io
import tarfile

from portal.agiler import (
    AgilerClient,
    FileDownload,
    ProjectBackupEntry,
    ProjectBackupPolicyOutput,
)
from tests.helpers import RecordingObserver, RecordingTransport, sent_json


def test_list_backups_is_a_typed_page(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    page = client.list_backups(project_id, limit=3)
    assert len(page) == 3 and all(isinstance(b, ProjectBackupEntry) for b in page)
    assert page.items[0].created_at.tzinfo is not None
    assert wire.last.url.path == f"/v1/projects/{project_id}/backups"
    assert page.next_cursor


def test_create_backup_posts_with_a_key_and_returns_the_pending_backup(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    backup = client.create_backup(project_id, idempotency_key="backup-now-1")
    assert backup.automatic is False and backup.status in {"pending", "running"}
    assert (wire.last.method, wire.last.url.path) == ("POST", f"/v1/projects/{project_id}/backups")
    assert wire.last.headers["Idempotency-Key"] == "backup-now-1"


def test_a_double_submit_with_the_same_key_creates_one_backup(
    client: AgilerClient, project_id: str
) -> None:
    first = client.create_backup(project_id, idempotency_key="same-form")
    second = client.create_backup(project_id, idempotency_key="same-form")
    assert first.id == second.id


def test_backup_policy_get_and_partial_update(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    policy = client.get_backup_policy(project_id)
    assert isinstance(policy, ProjectBackupPolicyOutput)
    updated = client.update_backup_policy(project_id, retention_days=14)
    assert sent_json(wire.last) == {"retention_days": 14}
    assert wire.last.url.path == f"/v1/projects/{project_id}/backups/policy"
    assert updated.retention_days == 14 and updated.frequency_days == policy.frequency_days


def test_database_dump_streams_as_a_gzip_with_a_filename(
    client: AgilerClient, project_id: str, observer: RecordingObserver
) -> None:
    backup = client.list_backups(project_id).items[0]
    with client.download_backup_database(project_id, backup.id) as download:
        assert isinstance(download, FileDownload)
        assert download.headers.content_type == "application/gzip"
        assert download.headers.filename and download.headers.filename.endswith(".gz")
        data = b"".join(download.iter_bytes(8192))
    assert download.closed
    assert len(data) == download.headers.content_length
    assert gzip.decompress(data)  # a valid gzip stream end to end
    ((call, outcome),) = observer.of("sensitive_read")  # type: ignore[misc]
    assert call.operation == "download_backup_database" and outcome.outcome == "success"


def test_storage_archive_is_a_real_tar_gz(client: AgilerClient, project_id: str) -> None:
    backup = client.list_backups(project_id).items[0]
    with client.download_backup_storage(project_id, backup.id) as download:
        data = b"".join(download.iter_bytes())
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        assert archive.getnames()


def test_restore_sends_drain_requests_and_its_key(
    client: AgilerClient, project_id: str, wire: RecordingTransport, sandbox: object
) -> None:
    backup = client.list_backups(project_id).items[0]
    result = client.restore_backup(
        project_id, backup.id, drain_requests=True, idempotency_key="restore-1"
    )
    assert result is None
    request = wire.last
    assert (request.method, request.url.path) == (
        "POST",
        f"/v1/projects/{project_id}/backups/{backup.id}/restore",
    )
    assert request.url.params["drain_requests"] == "true"
    assert request.headers["Idempotency-Key"] == "restore-1"
    assert client.get_project(project_id).status in {"draining", "restoring", "running"}


def test_delete_backup(client: AgilerClient, project_id: str, wire: RecordingTransport) -> None:
    backup = client.list_backups(project_id).items[-1]
    client.delete_backup(project_id, backup.id)
    assert (wire.last.method, wire.last.url.path) == (
        "DELETE",
        f"/v1/projects/{project_id}/backups/{backup.id}",
    )
    remaining = {b.id for b in client.paginate(client.list_backups, project_id, limit=200)}
    assert backup.id not in remaining
