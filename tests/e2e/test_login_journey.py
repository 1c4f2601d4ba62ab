"""Signing in and out as each demo user, in Chromium against the real server."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Page, expect

from portal.accounts.roles import role_allows
from portal.core.navigation import NAV_ITEMS
from tests.helpers import login


def expected_nav(role: str) -> list[str]:
    """The navigation the role matrix grants, limited to pages that exist in this build."""
    labels = []
    for item in NAV_ITEMS:
        try:
            reverse(item.url_name)
        except NoReverseMatch:
            continue
        if role_allows(role, item.action):
            labels.append(item.label)
    return labels


ROLE_LABELS = {"admin": "Admin", "operator": "Operator", "finance": "Finance", "support": "Support"}


@pytest.mark.parametrize("username", ["admin", "operator", "finance", "support"])
def test_demo_user_signs_in_and_sees_the_navigation_for_their_role(
    page: Page, base_url: str, username: str, shot
) -> None:  # type: ignore[no-untyped-def]
    login(page, base_url, username)
    expect(page).to_have_url(f"{base_url}/")
    expect(page.get_by_test_id("home-role")).to_have_text(ROLE_LABELS[username])
    nav = page.get_by_role("navigation", name="Main")
    labels = [text.strip() for text in nav.get_by_role("link").all_inner_texts()]
    assert labels == expected_nav(username)
    assert labels[0] == "Home"
    shot(page, "home")


def test_wrong_password_shows_an_error_and_stays_on_the_login_page(
    page: Page, base_url: str, shot
) -> None:  # type: ignore[no-untyped-def]
    login(page, base_url, "operator", "not-the-password")
    expect(page.get_by_test_id("login-error")).to_contain_text("do not match")
    expect(page).to_have_url(f"{base_url}/accounts/login/")
    shot(page, "login-error")


def test_sign_out_returns_to_the_login_page_and_protects_pages(
    page: Page, base_url: str, shot
) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base_url}/accounts/login/")
    shot(page, "login")
    login(page, base_url, "finance")
    page.get_by_role("button", name=re.compile("Account menu for finance")).click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base_url}/accounts/login/")
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto(f"{base_url}/")
    expect(page).to_have_url(f"{base_url}/accounts/login/?next=/")
