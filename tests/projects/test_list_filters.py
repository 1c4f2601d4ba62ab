"""The project list's portal-side filters and search: a bounded scan over Agiler's pages.

Agiler filters projects only by workspace; region, runtime, status, active and the name search
walk upstream pages from the current cursor until a page of matches is full or the scan budget
is spent. The large sandbox (10,000 projects) proves the budget holds.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from django.urls import reverse

from agiler_sandbox import FaultRule
from agiler_sandbox.seed import REGIONS
from portal.projects.listing import PAGE_SIZE, SCAN_LIMIT, SCAN_PAGES
from tests.helpers import HTMX, CountingApp, client_for

LARGE = pytest.mark.parametrize("sandbox_options", [{"scale": "large"}])


def every_project(sandbox: Any) -> list[dict[str, Any]]:
    """Every project the owner token sees, in Agiler's order, straight from the API."""
    api = httpx.Client(
        transport=httpx.WSGITransport(app=sandbox),
        base_url="http://sandbox.test/v1",
        headers={"Authorization": "Bearer ak_sandbox_owner"},
    )
    found: list[dict[str, Any]] = []
    url: str | None = "/projects?limit=200"
    while url:
        response = api.get(url)
        found.extend(response.json())
        url = response.links.get("next", {}).get("url")
    return found


def names_on(body: str) -> list[str]:
    return re.findall(r'<tr data-testid="project-row">\s*<td><a href="[^"]+">([^<]+)</a>', body)


def link(body: str, testid: str) -> str:
    """The href of the link with ``data-testid``, checking its hx-get is the same URL."""
    tag = re.search(rf'<a [^>]*data-testid="{testid}"[^>]*>', body)
    assert tag, f"no {testid} link"
    href = re.search(r'href="([^"]+)"', tag.group(0))
    hx_get = re.search(r'hx-get="([^"]+)"', tag.group(0))
    assert href and hx_get and href.group(1) == hx_get.group(1)
    return html.unescape(href.group(1))


def list_url(**params: str) -> str:
    return reverse("projects:list") + "?" + "&".join(f"{k}={v}" for k, v in params.items())


# --- filters over the demo account ----------------------------------------------------------


def test_region_runtime_status_and_active_filters_combine(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    projects = every_project(sandbox)
    sample = projects[5]
    wanted = {"region": sample["region"], "runtime": sample["runtime"], "active": "yes"}
    expected = [
        p["name"]
        for p in projects
        if p["region"] == sample["region"] and p["runtime"] == sample["runtime"] and p["active"]
    ]
    body = client_for(tokened_cast["operator"]).get(reverse("projects:list"), wanted).content
    assert names_on(body.decode()) == expected[:PAGE_SIZE]
    assert 0 < len(expected) < len(projects)

    stopped = client_for(tokened_cast["operator"]).get(
        reverse("projects:list"), {"status": "stopped"}
    )
    assert names_on(stopped.content.decode()) == [
        p["name"] for p in projects if p["status"] == "stopped"
    ]


def test_inactive_filter_shows_only_inactive_projects(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    inactive = [p["name"] for p in every_project(sandbox) if not p["active"]]
    body = client_for(tokened_cast["operator"]).get(reverse("projects:list"), {"active": "no"})
    assert names_on(body.content.decode()) == inactive and inactive


def test_name_search_is_case_insensitive_and_matches_part_of_a_name(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    projects = every_project(sandbox)
    part = projects[0]["name"].split("-")[-1]
    expected = [p["name"] for p in projects if part in p["name"]]
    body = client_for(tokened_cast["operator"]).get(reverse("projects:list"), {"q": part.upper()})
    assert names_on(body.content.decode()) == expected[:PAGE_SIZE]
    assert f'value="{part.upper()}"' in body.content.decode()  # the search box keeps the query


def test_workspace_filter_still_goes_upstream_and_combines_with_local_ones(
    tokened_cast, sandbox, counted
) -> None:  # type: ignore[no-untyped-def]
    projects = every_project(sandbox)
    ws = projects[1]["workspace_id"]
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("projects:list"), {"workspace": ws, "active": "yes"})
        .content.decode()
    )
    assert names_on(body) == [
        p["name"] for p in projects if p["workspace_id"] == ws and p["active"]
    ]
    assert [q.get("workspace_id") for q in counted.project_pages()] == [[ws]]


def test_nothing_matching_is_an_empty_state_with_a_way_back(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("projects:list"), {"q": "no-such-site"})
        .content.decode()
    )
    assert 'data-testid="no-match"' in body and "No project matches" in body
    assert 'data-testid="clear-filters"' in body
    assert 'data-testid="next-page"' not in body and 'data-testid="scan-budget"' not in body


def test_choices_come_from_the_catalogs_and_the_catalogs_are_cached(
    tokened_cast, sandbox, counted
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    body = client.get(reverse("projects:list"), {"region": "eu-west-1"}).content.decode()
    for region, _description in REGIONS:
        assert f'<option value="{region}"' in body
    assert '<option value="eu-west-1" selected>' in body
    assert '<option value="php-8.1">php-8.1 — ' in body  # deprecated runtimes still filter
    client.get(reverse("projects:list"), {"region": "us-east-1"})
    catalog_reads = [
        p for m, p, _ in counted.requests if p.rstrip("/") in ("/v1/regions", "/v1/runtimes")
    ]
    assert sorted(catalog_reads) == ["/v1/regions", "/v1/runtimes"]


def test_an_unknown_status_or_active_value_is_ignored_not_an_error(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    response = client_for(tokened_cast["operator"]).get(
        reverse("projects:list"), {"status": "exploded", "active": "maybe"}
    )
    assert response.status_code == 200
    assert len(names_on(response.content.decode())) == PAGE_SIZE


def test_htmx_filtering_answers_the_table_alone_and_a_full_page_keeps_the_form(
    tokened_cast, sandbox
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    fragment = client.get(reverse("projects:list"), {"status": "stopped"}, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="projects-table"') and "<html" not in fragment
    assert 'data-testid="project-filters"' not in fragment
    page = client.get(reverse("projects:list"), {"status": "stopped"}).content.decode()
    assert "<html" in page and 'data-testid="project-filters"' in page
    assert '<option value="stopped" selected>' in page
    assert 'hx-push-url="true"' in page and 'hx-indicator="#projects-indicator"' in page


# --- the bounded scan over 10,000 projects ------------------------------------------------------


@LARGE
def test_a_search_over_ten_thousand_projects_reads_a_bounded_number_of_pages(
    tokened_cast, sandbox, counted
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    body = client.get(reverse("projects:list"), {"q": "no-such-site"}).content.decode()
    pages = counted.project_pages()
    assert len(pages) == SCAN_PAGES
    assert all(q["limit"] == [str(SCAN_LIMIT)] for q in pages)
    budget = re.sub(r"\s+", " ", body.split('data-testid="scan-budget"')[1].split("</div>")[0])
    assert "Searched 2,000 projects, 0 matches so far" in budget
    assert 'data-testid="no-match"' not in body  # not "nothing matches": it has not looked yet

    # Continuing starts where the scan stopped, with the filters, and is bounded again.
    more = link(body, "continue-search")
    assert link(body, "next-page") == more
    assert parse_qs(urlparse(more).query)["q"] == ["no-such-site"]
    counted.requests.clear()
    client.get(more)
    pages = counted.project_pages()
    assert len(pages) == SCAN_PAGES
    assert pages[0]["cursor"] == parse_qs(urlparse(more).query)["cursor"]


@LARGE
def test_a_rare_match_is_found_by_continuing_until_the_end(tokened_cast, sandbox, counted) -> None:  # type: ignore[no-untyped-def]
    expected = [p["name"] for p in every_project(sandbox) if "0999" in p["name"]]
    client = client_for(tokened_cast["operator"])
    url: str | None = list_url(q="0999")
    found: list[str] = []
    steps = 0
    while url:
        counted.requests.clear()
        body = client.get(url, **HTMX).content.decode()
        assert len(counted.project_pages()) <= SCAN_PAGES
        found += names_on(body)
        steps += 1
        url = link(body, "next-page") if 'data-testid="next-page"' in body else None
    assert found == expected and len(expected) == 11
    assert steps == 10_000 // (SCAN_PAGES * SCAN_LIMIT)


@LARGE
def test_filtered_pages_resume_inside_an_upstream_page_without_gaps_or_repeats(
    tokened_cast, sandbox, counted
) -> None:  # type: ignore[no-untyped-def]
    expected = [p["name"] for p in every_project(sandbox) if p["status"] == "running"]
    client = client_for(tokened_cast["operator"])
    url = list_url(status="running")
    seen: list[str] = []
    for number in (1, 2, 3):
        counted.requests.clear()
        body = client.get(url).content.decode()
        assert f"Page {number}" in body
        assert len(counted.project_pages()) == 1  # 25 of 200 running projects: one upstream read
        seen += names_on(body)
        url = link(body, "next-page")
        assert "skip=" in url  # the page filled in the middle of an upstream page
    assert seen == expected[: 3 * PAGE_SIZE]

    # Previous goes back to exactly the page before.
    back = client.get(link(body, "prev-page")).content.decode()
    assert names_on(back) == expected[PAGE_SIZE : 2 * PAGE_SIZE]


@LARGE
def test_without_portal_filters_one_upstream_page_of_25_is_read(
    tokened_cast, sandbox, counted
) -> None:  # type: ignore[no-untyped-def]
    body = client_for(tokened_cast["operator"]).get(reverse("projects:list")).content.decode()
    assert len(names_on(body)) == PAGE_SIZE
    assert [q["limit"] for q in counted.project_pages()] == [[str(PAGE_SIZE)]]


# --- upstream errors --------------------------------------------------------------------------


def test_rate_limit_during_a_filtered_scan_is_the_retry_later_page(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox.faults.add(FaultRule(operation="list_projects", status=429, retry_after=7))
    client = client_for(tokened_cast["operator"])
    response = client.get(reverse("projects:list"), {"q": "acme"})
    assert response.status_code == 429 and response["Retry-After"] == "7"
    fragment = client.get(reverse("projects:list"), {"q": "acme"}, **HTMX)
    assert fragment.status_code == 429 and b"<html" not in fragment.content


@LARGE
def test_a_server_error_in_the_middle_of_a_scan_is_an_error_page(
    tokened_cast, sandbox, settings
) -> None:  # type: ignore[no-untyped-def]
    def fail_after_three_pages(counter: CountingApp) -> None:
        if len(counter.project_pages()) == 3:
            sandbox.faults.add(FaultRule(operation="list_projects", status=500, times=1))

    counter = CountingApp(sandbox, on_request=fail_after_three_pages)
    settings.AGILER_TRANSPORT = httpx.WSGITransport(app=counter)
    response = client_for(tokened_cast["operator"]).get(reverse("projects:list"), {"q": "nope"})
    assert response.status_code == 502
    assert "Agiler had a problem" in response.content.decode()
    assert len(counter.project_pages()) == 3  # the scan stopped at the failure
