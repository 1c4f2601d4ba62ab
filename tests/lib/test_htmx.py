"""Page or partial: htmx gets the region, everything else (history restore too) the page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.conftest import client_for

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_history_restore_after_back_gets_the_whole_page_with_the_navigation(
    tokened_cast: Any,
) -> None:
    """Back after a filter pushed the URL: htmx asks again with HX-History-Restore-Request and
    swaps the answer in as the whole page, so it must have the layout (the main navigation)."""
    client = client_for(tokened_cast["operator"])
    url = reverse("projects:list") + "?q=acme"
    fragment = client.get(url, **HTMX)
    assert b"<html" not in fragment.content and b'id="projects-table"' in fragment.content
    restored = client.get(url, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert restored.status_code == 200
    assert b"<html" in restored.content and b'id="portal-nav-menu"' in restored.content
    assert b'id="projects-table"' in restored.content


def test_a_boosted_navigation_gets_the_whole_page(tokened_cast: Any) -> None:
    client = client_for(tokened_cast["operator"])
    page = client.get(reverse("projects:list"), HTTP_HX_BOOSTED="true", **HTMX)
    assert b"<html" in page.content


def test_pages_and_fragments_say_they_vary_on_hx_request(tokened_cast: Any) -> None:
    client = client_for(tokened_cast["operator"])
    for headers in ({}, HTMX):
        response = client.get(reverse("projects:list"), **headers)
        assert "HX-Request" in response["Vary"]
