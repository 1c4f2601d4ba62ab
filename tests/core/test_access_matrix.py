"""The role matrix walked over every URL, for every role and anonymous, plain and htmx."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from portal.core.checks import iter_patterns
from tests.helpers import HTMX, client_for
from tests.url_matrix import PUBLIC, URL_RULES, UrlRule


def test_every_url_in_the_urlconf_has_a_rule() -> None:
    """Deny by default: a page nobody wrote an access rule for fails here."""
    covered = {rule.name for rule in URL_RULES}
    missing = [f"{route} ({name})" for route, name, _ in iter_patterns() if name not in covered]
    assert missing == [], f"URLs without a rule in tests/url_matrix.py: {missing}"


@pytest.fixture
def sample_ids(direct) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Real ids from the seeded sandbox for the ``{placeholder}`` kwargs in url_matrix.py."""
    workspace = direct.list_workspaces().items[0]
    project = direct.list_projects(workspace_id=workspace.id).items[0]
    ids = {"workspace": workspace.id, "project": project.id}
    backups = direct.list_backups(project.id).items
    if backups:
        ids["backup"] = backups[0].id
    rules = direct.list_rules(project.id).items
    if rules:
        ids["rule"] = rules[0].id
    finished = [s for s in direct.list_sql_statements(project.id).items if s.status == "success"]
    if finished:
        ids["statement"] = finished[0].id
    domains = direct.list_domains(project.id).items
    if domains:
        ids["domain"] = domains[0].id
    variables = direct.list_variables(project.id).items
    if variables:
        ids["variable"] = variables[0].id
    return ids


def _resolve(kwargs: dict[str, str], ids: dict[str, str]) -> dict[str, str]:
    return {
        key: ids[value[1:-1]] if value.startswith("{") and value.endswith("}") else value
        for key, value in kwargs.items()
    }


@pytest.mark.parametrize("rule", URL_RULES, ids=lambda rule: rule.name)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_each_role_gets_the_expected_answer(  # type: ignore[no-untyped-def]
    rule: UrlRule, htmx: bool, tokened_cast, outsider, sample_ids
) -> None:
    """Every role carries the sandbox token of its demo user, so allowed roles reach the page."""
    cast = tokened_cast
    url = reverse(rule.name, kwargs=_resolve(rule.kwargs, sample_ids))
    extra = HTMX if htmx else {}

    anonymous = client_for(None).get(url, **extra)
    if rule.allowed == PUBLIC:
        assert anonymous.status_code == rule.ok_status
    elif htmx:
        # htmx cannot follow a redirect to a full page: it is told to navigate instead.
        assert anonymous.status_code == 200
        assert anonymous.headers["HX-Redirect"].startswith(reverse("accounts:login"))
    else:
        assert anonymous.status_code == 302
        assert anonymous.headers["Location"].startswith(reverse("accounts:login"))

    for role, user in cast.items():
        response = client_for(user).get(url, **extra)
        allowed = rule.allowed == PUBLIC or role in rule.allowed
        expected = rule.ok_status if allowed else 403
        if rule.name == "accounts:login" and allowed:
            expected = 302  # signed-in users are sent on to the home page
        assert response.status_code == expected, f"{role} on {url}"
        if response.status_code == 200 and response.headers["Content-Type"].startswith("text/html"):
            body = response.content.decode()
            assert_csp_clean(body, url)
            if htmx and rule.allowed != PUBLIC:
                assert "<html" not in body or rule.name in FULL_PAGE_ONLY, url
                if "<html" not in body:
                    # The fragment is the region htmx swaps: its root carries the stable id the
                    # page's hx-target names (and the rule names it, where it declares one).
                    root = ROOT_ID.match(body)
                    assert root, f"fragment of {url} has no root element with an id"
                    if rule.fragment:
                        assert root.group(1) == rule.fragment, url
            elif not htmx:
                assert "<html" in body

    # A deactivated account is treated like anyone signed out.
    if rule.allowed != PUBLIC:
        response = client_for(outsider).get(url, **extra)
        assert response.status_code in (200, 302)
        assert "HX-Redirect" in response.headers or "Location" in response.headers


#: the first element of a fragment (after comments and whitespace) and its id
ROOT_ID = re.compile(r"\s*(?:<!--.*?-->\s*)*<[a-zA-Z][\w-]*\b[^>]*?\bid=\"([^\"]+)\"", re.DOTALL)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\s(?:on[a-z]+|hx-on[:-][\w:-]*)\s*=", re.IGNORECASE)


def assert_csp_clean(body: str, url: str) -> None:
    """What the Content-Security-Policy would block must not be in any page at all."""
    assert not INLINE_SCRIPT.search(body), f"inline <script> on {url}"
    assert not INLINE_STYLE.search(body), f"inline style on {url}"
    assert not INLINE_HANDLER.search(body), f"inline event handler on {url}"


#: pages that have no fragment form yet and answer htmx with the full page
FULL_PAGE_ONLY = {"core:home", "accounts:password_change"}


def test_post_without_csrf_token_is_refused_everywhere(tokened_cast, sample_ids) -> None:  # type: ignore[no-untyped-def]
    """With CSRF checks enforced, no URL accepts a state-changing request without the token."""
    cast = tokened_cast
    for rule in URL_RULES:
        url = reverse(rule.name, kwargs=_resolve(rule.kwargs, sample_ids))
        for user in [None, cast["admin"]]:
            response = client_for(user, enforce_csrf=True).post(url, {})
            assert response.status_code in (403, 405), f"{url} accepted a POST without CSRF"


@pytest.mark.parametrize("bad", ["..", ".", "%2E%2E", "no-such-id"])
def test_malformed_ids_in_urls_are_a_404_never_a_500(tokened_cast, bad: str) -> None:  # type: ignore[no-untyped-def]
    """Every URL with an id, opened with an id that cannot exist, by a role allowed there."""
    from urllib.parse import unquote

    for rule in URL_RULES:
        if not rule.kwargs or rule.allowed == PUBLIC:
            continue
        role = sorted(rule.allowed)[0]
        kwargs = {key: unquote(bad) for key in rule.kwargs}
        try:
            url = reverse(rule.name, kwargs=kwargs)
        except Exception:  # the URL pattern itself refuses such a value: nothing to open
            continue
        for htmx in (False, True):
            response = client_for(tokened_cast[role]).get(url, **(HTMX if htmx else {}))
            assert response.status_code in (400, 404, 405), (
                f"{role} on {url}: {response.status_code}"
            )


def test_requires_refuses_a_deactivated_user_whatever_the_backend(outsider) -> None:  # type: ignore[no-untyped-def]
    """The decorator itself checks is_active, not only the auth backend that loads the user."""
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse
    from django.test import RequestFactory

    from portal.accounts.access import requires

    view = requires("home.view")(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/")
    request.user = outsider  # as a permissive backend would have loaded it
    with pytest.raises(PermissionDenied):
        view(request)


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<div style="color:red">',
        '<button onclick="go()">',
        '<button hx-on:click="go()">',
        "<style>p{}</style>",
    ],
)
def test_the_csp_check_catches_what_the_policy_blocks(html: str) -> None:
    with pytest.raises(AssertionError):
        assert_csp_clean(f"<html><body>{html}</body></html>", "/x")


def test_the_csp_check_accepts_static_scripts_and_classes() -> None:
    assert_csp_clean('<script src="/static/js/portal.js" defer></script><p class="x">', "/x")
