"""Project files: listings vs downloads, uploads, move/copy, delete, odd names, 412/413."""

from __future__ import annotations

import io
from urllib.parse import quote

from tests.helpers import assert_error


def enc(path: str) -> str:
    """Percent-encode each segment, keeping the slashes (as the facts describe)."""
    return "/".join(quote(part, safe="") for part in path.split("/"))


def test_root_listing_has_entries_with_the_documented_shape(owner, project) -> None:
    entries = owner.get(f"/projects/{project['id']}/files").json()
    names = {e["name"] for e in entries}
    assert {"wp-config.php", "wp-content", "index.php"} <= names
    for entry in entries:
        assert {"name", "path", "is_dir", "size", "modified_at"} <= set(entry)


def test_directory_path_lists_and_file_path_downloads(owner, project) -> None:
    base = f"/projects/{project['id']}/files"
    listing = owner.get(f"{base}/wp-content/themes")
    assert listing.headers["content-type"] == "application/json"
    assert [e["path"] for e in listing.json()] == ["wp-content/themes/twentytwentyfour"]
    download = owner.get(f"{base}/wp-config.php")
    assert download.content.startswith(b"<?php")
    assert "last-modified" in download.headers and download.headers["etag"]


def test_names_with_spaces_and_non_ascii_round_trip(owner, project) -> None:
    base = f"/projects/{project['id']}/files"
    listing = owner.get(f"{base}/{enc('wp-content/uploads/2024/05')}").json()
    assert {e["name"] for e in listing} == {"Team photo.jpg", "Café menü.pdf"}
    pdf = owner.get(f"{base}/{enc('wp-content/uploads/2024/05/Café menü.pdf')}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"


def test_directory_listing_paginates(owner, project) -> None:
    first = owner.get(f"/projects/{project['id']}/files", params={"limit": 2})
    assert len(first.json()) == 2 and 'rel="next"' in first.headers["link"]


def test_upload_creates_201_then_overwrites_200(owner, fresh_project) -> None:
    url = f"/projects/{fresh_project['id']}/files/{enc('new dir/nötes.txt')}"
    created = owner.put(url, content=b"hello", headers={"Content-Type": "application/octet-stream"})
    assert created.status_code == 201
    assert created.json()["path"] == "new dir/nötes.txt" and created.json()["size"] == 5
    again = owner.put(url, content=b"hello again")
    assert again.status_code == 200 and again.json()["size"] == 11
    assert owner.get(url).content == b"hello again"


def test_streamed_chunked_upload_is_accepted(owner, fresh_project) -> None:
    url = f"/projects/{fresh_project['id']}/files/streamed.bin"

    def parts():
        for _ in range(4):
            yield b"x" * 1000

    response = owner.put(url, content=parts())
    assert response.status_code == 201 and response.json()["size"] == 4000


def test_if_none_match_star_on_existing_file_is_412(owner, project) -> None:
    url = f"/projects/{project['id']}/files/wp-config.php"
    response = owner.put(url, content=b"x", headers={"If-None-Match": "*"})
    assert_error(response, 412, "precondition_failed")


def test_upload_over_the_cap_is_413(owner, fresh_project) -> None:
    url = f"/projects/{fresh_project['id']}/files/huge.bin"
    assert_error(owner.put(url, content=b"x" * (65 * 1024)), 413, "payload_too_large")


def test_dot_dot_segments_are_refused(owner, project) -> None:
    url = f"/projects/{project['id']}/files/wp-content/%2E%2E/secret"
    assert_error(owner.get(url), 400, "invalid_argument", "path")
    assert_error(owner.put(url, content=b"x"), 400, field="path")


def test_move_and_copy_with_source_headers(owner, fresh_project) -> None:
    base = f"/projects/{fresh_project['id']}/files"
    copied = owner.put(
        f"{base}/{enc('copy of config.php')}", headers={"X-Copy-Source": enc("wp-config.php")}
    )
    assert copied.status_code == 201
    moved = owner.put(
        f"{base}/{enc('archive/théme')}", headers={"X-Move-Source": enc("wp-content/themes")}
    )
    assert moved.status_code == 201 and moved.json()["is_dir"] is True
    assert owner.get(f"{base}/{enc('archive/théme/twentytwentyfour/style.css')}").status_code == 200
    assert_error(owner.get(f"{base}/wp-content/themes"), 404)
    assert owner.get(f"{base}/wp-config.php").status_code == 200
    missing = owner.put(f"{base}/x", headers={"X-Move-Source": "no/such"})
    assert_error(missing, 404)


def test_delete_file_and_directory_recursively(owner, fresh_project) -> None:
    base = f"/projects/{fresh_project['id']}/files"
    assert owner.delete(f"{base}/robots.txt").status_code == 204
    assert owner.delete(f"{base}/wp-content").status_code == 204
    names = {e["name"] for e in owner.get(base).json()}
    assert "wp-content" not in names and "robots.txt" not in names
    assert_error(owner.get(f"{base}/wp-content/plugins/akismet/akismet.php"), 404)
    error = assert_error(owner.delete(f"{base}/robots.txt"), 404)
    assert error["resource"] == "file" and error["id"] == "robots.txt"


def test_missing_scope_for_writes(client_for, project) -> None:
    response = client_for("readonly").put(f"/projects/{project['id']}/files/a.txt", content=b"x")
    assert_error(response, 403)


def test_upload_is_replayed_with_idempotency_key(owner, fresh_project) -> None:
    url = f"/projects/{fresh_project['id']}/files/once.txt"
    first = owner.put(url, content=io.BytesIO(b"1").read(), headers={"Idempotency-Key": "up-1"})
    second = owner.put(url, content=b"1", headers={"Idempotency-Key": "up-1"})
    assert first.status_code == second.status_code == 201
    assert_error(owner.put(url, content=b"2", headers={"Idempotency-Key": "up-1"}), 409)
