"""Browsing: breadcrumbs, folders first, sizes and dates, sorting, pages, and paths that
round-trip exactly through the URL."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.helpers import HTMX, browse, client_for

NAMES = ["Q1 report ñ.txt", "Größe ü 日本.bin", "50% off #1?.txt", "a+b c.txt"]


def _names(html: str) -> list[str]:
    return [unescape(n) for n in re.findall(r'data-testid="file-row" data-name="([^"]*)"', html)]


def _links(html: str) -> dict[str, str]:
    rows = re.findall(
        r'data-name="([^"]*)".*?<a href="([^"]*)" class="files-name"', html, flags=re.S
    )
    return {unescape(name): unescape(href) for name, href in rows}


def test_the_top_folder_lists_folders_first_with_sizes_and_dates(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    response = client_for(tokened_cast["operator"]).get(browse(project))
    assert response.status_code == 200
    html = response.content.decode()
    names = _names(html)
    assert names[0] == "wp-content" and "robots.txt" in names
    folders = [n for n in names if n == "wp-content"]
    assert names[: len(folders)] == folders
    assert "35 B" in html  # robots.txt, in human units
    assert "data-local" in html and "<time datetime=" in html
    assert f"Files of {project.name}" in html


def test_every_tricky_name_round_trips_through_its_url(tokened_cast, project, direct) -> None:  # type: ignore[no-untyped-def]
    for name in NAMES:
        direct.put_file(project.id, f"docs/{name}", name.encode())
    client = client_for(tokened_cast["operator"])
    root = client.get(browse(project)).content.decode()
    docs_url = _links(root)["docs"]
    assert docs_url.endswith("/files/docs/")
    listing = client.get(docs_url).content.decode()
    links = _links(listing)
    assert sorted(links) == sorted(NAMES)
    for name, url in links.items():
        assert "#" not in url and "?" not in url  # both encoded: they would cut the path
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.content.decode()
        assert '<h2 class="card-title text-break" id="preview-title">' in body
        assert unescape(re.search(r'id="preview-title">([^<]*)<', body).group(1)) == name  # type: ignore[union-attr]
    # the breadcrumbs lead back up
    assert 'href="' + browse(project) + '"' in listing


@pytest.mark.parametrize(
    "tail",
    ["wp-content//themes/", "./robots.txt", "wp-content/../robots.txt", "wp-content/%2E%2E/x"],
)
def test_dot_and_empty_segments_are_refused_locally_with_a_message(
    tokened_cast, project, sandbox, tail: str
) -> None:  # type: ignore[no-untyped-def]
    url = browse(project) + tail
    calls_before = len(sandbox.inspect.projects())
    for extra in ({}, HTMX):
        response = client_for(tokened_cast["operator"]).get(url, **extra)
        assert response.status_code == 400, url
        assert "This path cannot be opened" in response.content.decode()
    assert len(sandbox.inspect.projects()) == calls_before


def test_a_missing_file_is_a_404_in_words(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    response = client_for(tokened_cast["operator"]).get(
        browse(project, "nope/gone.txt", folder=False)
    )
    assert response.status_code == 404
    assert "There is no file or folder “/nope/gone.txt”" in response.content.decode()


def test_a_nul_byte_in_the_path_is_refused_not_a_500(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    response = client_for(tokened_cast["operator"]).get(browse(project) + "a%00b")
    assert response.status_code == 400


def test_sorting_by_size_keeps_folders_first_and_pushes_the_url(
    tokened_cast, project, direct
) -> None:  # type: ignore[no-untyped-def]
    for name, size in [("small.txt", 1), ("big.txt", 500), ("mid.txt", 50)]:
        direct.put_file(project.id, f"sorted/{name}", b"x" * size)
    direct.put_file(project.id, "sorted/sub/inner.txt", b"x")
    client = client_for(tokened_cast["operator"])
    url = browse(project, "sorted") + "?sort=size&order=desc"
    html = client.get(url, **HTMX, HTTP_HX_TARGET="file-list").content.decode()
    assert "<html" not in html
    assert _names(html) == ["sub", "big.txt", "mid.txt", "small.txt"]
    assert 'aria-sort="descending"' in html
    ascending = client.get(browse(project, "sorted") + "?sort=size").content.decode()
    assert _names(ascending) == ["sub", "small.txt", "mid.txt", "big.txt"]


def test_a_big_folder_is_paged_with_a_way_back(tokened_cast, project, direct) -> None:  # type: ignore[no-untyped-def]
    for index in range(105):
        direct.put_file(project.id, f"many/file-{index:03}.txt", b"x")
    client = client_for(tokened_cast["operator"])
    first = client.get(browse(project, "many")).content.decode()
    assert len(_names(first)) == 100
    next_url = unescape(re.search(r'href="([^"]*)"[^>]*rel="next"', first).group(1))  # type: ignore[union-attr]
    second = client.get(next_url).content.decode()
    assert _names(second) == [f"file-{i:03}.txt" for i in range(100, 105)]
    assert 'rel="prev"' in second and "Page 2" in second


def test_an_empty_folder_says_so(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    response = client_for(tokened_cast["operator"]).get(browse(project, "wp-content/cache"))
    assert "This folder is empty" in response.content.decode()


def test_support_browses_but_sees_no_change_controls(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    html = client_for(tokened_cast["support"]).get(browse(project)).content.decode()
    assert "robots.txt" in html and 'data-testid="download-file"' in html
    for control in ("new-folder", "move-file", "copy-file", "delete-file", "data-upload-zone"):
        assert control not in html


def test_finance_may_not_browse(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    assert client_for(tokened_cast["finance"]).get(browse(project)).status_code == 403


def test_the_projects_page_links_to_files(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    html = client_for(tokened_cast["support"]).get(reverse("projects:detail", args=[project.id]))
    assert browse(project) in html.content.decode()


def test_a_token_without_files_write_shows_the_controls_disabled_with_the_reason(
    cast, give_token, project
) -> None:  # type: ignore[no-untyped-def]
    give_token(cast["operator"], "ak_sandbox_support")  # a read-only token
    html = client_for(cast["operator"]).get(browse(project)).content.decode()
    assert 'data-testid="new-folder" aria-disabled="true"' in html
    assert "projects.files:write" in html
    assert re.search(r'id="upload-input"[^>]*disabled', html)
