"""New folder, move/rename, copy and delete: each through Agiler with the form's key, audited
with source and destination, refused in words, and confirmed before anything is deleted."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from portal.audit.models import AuditEvent
from tests.helpers import HTMX, browse, client_for, stored


def _url(name: str, project: Any, path: str) -> str:
    return reverse(f"files:{name}", kwargs={"project": project.id, "path": path})


def _key(html: str) -> str:
    import re

    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_a_new_folder_appears_in_the_listing(tokened_cast, project, direct) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    dialog = client.get(_url("new_folder", project, "wp-content"), **HTMX).content.decode()
    assert "<html" not in dialog and "Folder name" in dialog
    response = client.post(
        _url("new_folder", project, "wp-content"),
        {"name": "Neue Ordner ü", "idempotency_key": _key(dialog)},
        follow=True,
    )
    html = response.content.decode()
    assert "Folder “Neue Ordner ü” created." in html
    assert 'data-name="Neue Ordner ü"' in html
    again = client.post(
        _url("new_folder", project, "wp-content"),
        {"name": "Neue Ordner ü", "idempotency_key": "k2"},
    )
    assert again.status_code == 400 and "There is already a folder" in again.content.decode()


def test_moving_a_file_into_a_folder_is_audited_with_source_and_destination(
    tokened_cast, project, direct
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    dialog = client.get(_url("move", project, "robots.txt")).content.decode()
    assert 'value="robots.txt"' in dialog and 'name="folder_pick" value="wp-content"' in dialog
    response = client.post(
        _url("move", project, "robots.txt"),
        {
            "name": "robots copy.txt",
            "folder": "/wp-content/",
            "origin": "/",
            "idempotency_key": _key(dialog),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == browse(project, "wp-content")
    assert stored(direct, project, "wp-content/robots copy.txt").startswith(b"User-agent")
    event = AuditEvent.objects.get(action="files.put", outcome="success")
    assert event.target_id == "wp-content/robots copy.txt"
    assert event.summary["move_source"] == "robots.txt"


def test_a_folder_picked_in_the_tree_wins_over_an_untouched_box(
    tokened_cast, project, direct
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    client.post(
        _url("copy", project, "index.php"),
        {
            "name": "index.php",
            "folder": "/",
            "origin": "/",
            "folder_pick": "wp-content/themes",
            "idempotency_key": "k",
        },
    )
    assert stored(direct, project, "wp-content/themes/index.php").startswith(b"<?php")
    assert stored(direct, project, "index.php").startswith(b"<?php")  # a copy leaves the source


def test_moving_onto_an_existing_name_is_refused_unless_replacing(
    tokened_cast, project, direct
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    data = {"name": "index.php", "folder": "/", "origin": "/", "idempotency_key": "k1"}
    response = client.post(_url("move", project, "robots.txt"), data)
    assert response.status_code == 400
    assert "There is already “index.php”" in response.content.decode()
    response = client.post(
        _url("move", project, "robots.txt"), {**data, "replace": "on", "idempotency_key": "k2"}
    )
    assert response.status_code == 302
    assert stored(direct, project, "index.php").startswith(b"User-agent")


def test_a_folder_cannot_go_inside_itself(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    response = client_for(tokened_cast["operator"]).post(
        _url("move", project, "wp-content"),
        {
            "name": "wp-content",
            "folder": "/wp-content/themes",
            "origin": "/",
            "idempotency_key": "k",
        },
    )
    assert response.status_code == 400 and "cannot go inside itself" in response.content.decode()


def test_deleting_a_folder_says_how_many_entries_go_with_it(tokened_cast, project, direct) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    dialog = client.get(_url("delete", project, "wp-content/themes"), **HTMX).content.decode()
    assert "3 entries (files and folders) under it go too." in dialog  # a theme folder, 2 files
    response = client.post(
        _url("delete", project, "wp-content/themes"), {"idempotency_key": _key(dialog)}, **HTMX
    )
    assert response.headers["HX-Redirect"] == browse(project, "wp-content")
    listing = direct.list_directory(project.id, "wp-content").items
    assert "themes" not in [entry.name for entry in listing]
    event = AuditEvent.objects.get(action="files.delete", outcome="success")
    assert event.target_id == "wp-content/themes"


def test_deleting_something_already_gone_is_explained(tokened_cast, project, direct) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    dialog = client.get(_url("delete", project, "robots.txt")).content.decode()
    assert "The file (35 B) is deleted" in dialog
    direct.delete_file(project.id, "robots.txt")
    response = client.post(_url("delete", project, "robots.txt"), {"idempotency_key": _key(dialog)})
    assert response.status_code == 404
    assert "may have been deleted" in response.content.decode()


def test_moving_or_copying_something_already_gone_is_explained(
    tokened_cast, project, direct
) -> None:  # type: ignore[no-untyped-def]
    direct.delete_file(project.id, "robots.txt")
    client = client_for(tokened_cast["operator"])
    for name in ("move", "copy"):
        response = client.get(_url(name, project, "robots.txt"))
        assert response.status_code == 404
        assert "There is no “/robots.txt” any more; it may have been moved." in (
            response.content.decode()
        )


def test_the_top_folder_cannot_be_moved_copied_or_deleted(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    for name, words in (
        ("move", "moved or copied"),
        ("copy", "moved or copied"),
        ("delete", "deleted"),
    ):
        response = client.get(_url(name, project, "/"))
        assert response.status_code == 400
        assert f"The top folder cannot be {words}." in response.content.decode()


def test_support_cannot_change_anything(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["support"])
    for name in ("move", "copy", "delete", "new_folder"):
        assert (
            client.post(_url(name, project, "robots.txt"), {"idempotency_key": "k"}).status_code
            == 403
        )
