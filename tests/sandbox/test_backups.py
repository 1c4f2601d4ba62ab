"""Backups: listing, async on-demand backups, policy, restores and binary downloads."""

from __future__ import annotations

import gzip
import io
import tarfile
import time

import httpx

from agiler_sandbox import create_app

from .conftest import assert_error


def _wait_done(owner, pid: str, bid: str) -> dict:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for backup in owner.get(f"/projects/{pid}/backups", params={"limit": 5}).json():
            if backup["id"] == bid and backup["status"] in ("done", "failed"):
                return backup
        time.sleep(0.05)
    raise AssertionError("backup never finished")


def test_demo_has_months_of_automatic_and_some_on_demand_backups(owner, project) -> None:
    backups = owner.get(f"/projects/{project['id']}/backups", params={"limit": 200}).json()
    assert len(backups) >= 60
    assert {True, False} == {b["automatic"] for b in backups}
    assert [b["created_at"] for b in backups] == sorted(
        (b["created_at"] for b in backups), reverse=True
    )
    assert all(
        b["status"] == "done" and b["size"] == b["database_size"] + b["storage_size"]
        for b in backups
    )


def test_on_demand_backup_goes_pending_running_done(owner, fresh_project) -> None:
    pid = fresh_project["id"]
    created = owner.post(f"/projects/{pid}/backups")
    assert created.status_code == 201
    backup = created.json()
    assert backup["status"] == "pending" and backup["automatic"] is False
    assert "size" not in backup
    seen = set()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and "done" not in seen:
        seen.add(owner.get(f"/projects/{pid}/backups").json()[0]["status"])
        time.sleep(0.02)
    assert {"running", "done"} <= seen
    done = owner.get(f"/projects/{pid}/backups").json()[0]
    assert done["size"] > 0


def test_unfinished_backup_cannot_be_downloaded_restored_or_deleted(owner, fresh_project) -> None:
    pid = fresh_project["id"]
    bid = owner.post(f"/projects/{pid}/backups").json()["id"]
    assert_error(owner.get(f"/projects/{pid}/backups/{bid}/database"), 409, "conflict")
    assert_error(owner.post(f"/projects/{pid}/backups/{bid}/restore"), 409)
    assert_error(owner.delete(f"/projects/{pid}/backups/{bid}"), 409)


def test_backup_policy_get_and_update(owner, fresh_project) -> None:
    url = f"/projects/{fresh_project['id']}/backups/policy"
    assert set(owner.get(url).json()) == {"frequency_days", "retention_days"}
    updated = owner.patch(url, json={"frequency_days": 0, "retention_days": 14})
    assert updated.json() == {"frequency_days": 0, "retention_days": 14}
    assert owner.get(url).json() == {"frequency_days": 0, "retention_days": 14}
    assert_error(owner.patch(url, json={"frequency_days": -1}), 400, field="frequency_days")
    assert_error(owner.patch(url, json={"retention_days": "x"}), 400, field="retention_days")


def test_delete_backup_then_404(owner, fresh_project) -> None:
    pid = fresh_project["id"]
    bid = owner.post(f"/projects/{pid}/backups").json()["id"]
    _wait_done(owner, pid, bid)
    assert owner.delete(f"/projects/{pid}/backups/{bid}").status_code == 204
    error = assert_error(owner.delete(f"/projects/{pid}/backups/{bid}"), 404)
    assert error["resource"] == "backup" and error["id"] == bid


def test_database_dump_is_real_gzipped_sql(owner, project) -> None:
    pid = project["id"]
    bid = owner.get(f"/projects/{pid}/backups").json()[0]["id"]
    response = owner.get(f"/projects/{pid}/backups/{bid}/database")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/gzip"
    assert int(response.headers["content-length"]) == len(response.content)
    assert "attachment" in response.headers["content-disposition"]
    assert ".sql.gz" in response.headers["content-disposition"]
    sql = gzip.decompress(response.content).decode()
    assert "CREATE TABLE `wp_posts`" in sql and "INSERT INTO `wp_options`" in sql


def test_storage_archive_is_a_real_tar_gz_of_the_files(owner, project) -> None:
    pid = project["id"]
    bid = owner.get(f"/projects/{pid}/backups").json()[0]["id"]
    response = owner.get(f"/projects/{pid}/backups/{bid}/storage")
    assert response.headers["content-type"] == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(response.content), mode="r:gz") as archive:
        names = archive.getnames()
    assert "storage/wp-config.php" in names
    assert "storage/wp-content/uploads/2024/05/Café menü.pdf" in names


def test_downloads_of_unknown_backup_are_404(owner, project) -> None:
    for kind in ("database", "storage"):
        assert_error(owner.get(f"/projects/{project['id']}/backups/nope/{kind}"), 404)


def test_large_dump_streams_exact_length_as_valid_gzip() -> None:
    size = 5 * 1024 * 1024 + 123
    app = create_app(dump_size=size)
    client = httpx.Client(
        transport=httpx.WSGITransport(app=app),
        base_url="http://sb/v1",
        headers={"Authorization": "Bearer ak_sandbox_owner"},
    )
    pid = client.get("/projects").json()[0]["id"]
    backup = client.get(f"/projects/{pid}/backups").json()[0]
    assert backup["database_size"] == size
    response = client.get(f"/projects/{pid}/backups/{backup['id']}/database")
    assert int(response.headers["content-length"]) == size == len(response.content)
    sql = gzip.decompress(response.content)
    assert sql.startswith(b"-- Agiler backup") and b"wp_postmeta" in sql


def test_one_gib_dump_is_not_materialised() -> None:
    from agiler_sandbox.binaries import sized_dump

    size = 1024**3
    stream = sized_dump({}, "header", size)
    first = next(stream)
    assert len(first) < 64 * 1024  # the header member; the rest is generated on demand
    assert sum(len(c) for c in stream) + len(first) == size


def test_large_dumps_stream_in_socket_sized_pieces() -> None:
    # 1 MiB pieces made in-process consumers (httpx's re-chunker through WSGITransport) copy
    # large fresh buffers: the first 128 MiB download took seconds.
    from agiler_sandbox.binaries import CHUNK, sized_dump

    size = 16 * 1024 * 1024 + 12345
    sizes = [len(chunk) for chunk in sized_dump({}, "header", size)]
    assert sum(sizes) == size
    assert max(sizes) <= CHUNK


def test_restore_runs_draining_then_restoring_then_running(owner, app, fresh_project) -> None:
    pid = fresh_project["id"]
    bid = owner.post(f"/projects/{pid}/backups").json()["id"]
    _wait_done(owner, pid, bid)
    response = owner.post(
        f"/projects/{pid}/backups/{bid}/restore", params={"drain_requests": "true"}
    )
    assert response.status_code == 202
    seen = []
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        status = owner.get(f"/projects/{pid}").json()["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == "running":
            break
        time.sleep(0.02)
    assert seen == ["draining", "restoring", "running"]
    history = [r for r in app.state.restores if r.project_id == pid]
    assert history[-1].drain_requests is True and history[-1].backup_id == bid


def test_second_restore_while_one_runs_is_409(owner, fresh_project) -> None:
    pid = fresh_project["id"]
    bid = owner.post(f"/projects/{pid}/backups").json()["id"]
    _wait_done(owner, pid, bid)
    assert owner.post(f"/projects/{pid}/backups/{bid}/restore").status_code == 202
    error = assert_error(owner.post(f"/projects/{pid}/backups/{bid}/restore"), 409, "conflict")
    assert "already running" in error["message"]


def test_restore_without_drain_skips_draining(owner, server, fresh_project) -> None:
    pid = fresh_project["id"]
    bid = owner.post(f"/projects/{pid}/backups").json()["id"]
    _wait_done(owner, pid, bid)
    owner.post(f"/projects/{pid}/backups/{bid}/restore", params={"drain_requests": "false"})
    assert owner.get(f"/projects/{pid}").json()["status"] == "restoring"
    restores = httpx.get(f"{server.root_url}/_sandbox/restores").json()
    assert [r for r in restores if r["project_id"] == pid][-1]["drain_requests"] is False


def test_drain_requests_must_be_boolean(owner, project) -> None:
    bid = owner.get(f"/projects/{project['id']}/backups").json()[0]["id"]
    response = owner.post(
        f"/projects/{project['id']}/backups/{bid}/restore", params={"drain_requests": "maybe"}
    )
    assert_error(response, 400, field="drain_requests")
