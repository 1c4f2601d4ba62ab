"""Hostile or broken input on every Files page gets a clear answer, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from tests.helpers import HTMX, browse, client_for


@pytest.mark.parametrize(
    "query",
    [
        "?sort=%00&order=sideways",
        "?cursor=" + "x" * 5000,
        "?cursor=%00&prev=%00",
        "?sort=size&prev=a",
    ],
)
def test_odd_queries_on_a_folder_still_show_it(tokened_cast, project, query: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(tokened_cast["operator"]).get(browse(project) + query)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "data",
    [
        {"name": "x\x00y", "folder": "/", "origin": "/"},
        {"name": "ok.txt", "folder": "/a/\x00/b", "origin": "/"},
        {"name": "ok.txt", "folder": "/a//b", "origin": "/"},
        {"name": "ok.txt", "folder": "/../etc", "origin": "/"},
        {"name": "é" * 200, "folder": "/", "origin": "/"},
        {"name": "ok.txt", "folder": "/" + "a/" * 3000, "origin": "/"},
    ],
)
def test_a_bad_destination_is_a_form_error(tokened_cast, project, data) -> None:  # type: ignore[no-untyped-def]
    url = reverse("files:move", kwargs={"project": project.id, "path": "robots.txt"})
    response = client_for(tokened_cast["operator"]).post(url, {**data, "idempotency_key": "k"})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()


@pytest.mark.parametrize("name", ["..", ".", "a/b", "", "x\x00"])
def test_a_bad_folder_name_is_a_form_error(tokened_cast, project, name: str) -> None:  # type: ignore[no-untyped-def]
    url = reverse("files:new_folder", kwargs={"project": project.id, "path": ""})
    response = client_for(tokened_cast["operator"]).post(
        url, {"name": name, "idempotency_key": "k"}, **HTMX
    )
    assert response.status_code == 200  # htmx swaps only 2xx: the dialog shows the error
    assert "invalid-feedback" in response.content.decode()


def test_agiler_down_while_listing_is_a_page_in_words(tokened_cast, project, sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox.faults.add(FaultRule(operation="get_file", status=503, times=1))
    response = client_for(tokened_cast["operator"]).get(browse(project, "wp-content"))
    assert response.status_code == 502
    assert "Agiler had a problem" in response.content.decode()


def test_an_upload_agiler_fails_is_answered_in_words(tokened_cast, project, sandbox) -> None:  # type: ignore[no-untyped-def]
    # A 500 may follow a write Agiler applied: the person is told it may have been uploaded.
    sandbox.faults.add(FaultRule(operation="put_file", status=500, times=1))
    url = reverse("files:upload", kwargs={"project": project.id, "path": ""})
    response = client_for(tokened_cast["operator"]).post(
        f"{url}?name={quote('a.txt')}", data=b"abc", content_type="application/octet-stream"
    )
    assert response.status_code == 400
    assert response.json()["outcome"] == "failed"
    assert "Not sure — may have been applied" in response.json()["message"]


def test_an_unknown_project_is_a_404(tokened_cast) -> None:  # type: ignore[no-untyped-def]
    url = reverse("files:path", kwargs={"project": "no-such", "path": "x/"})
    assert client_for(tokened_cast["operator"]).get(url).status_code == 404
