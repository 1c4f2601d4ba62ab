"""A new teammate: added by an admin, saves an Agiler token, sees its scopes, turns on
two-factor sign-in and signs in with a TOTP code — in Chromium against the real servers."""

from __future__ import annotations

import re
import time

import pyotp
from playwright.sync_api import Page, expect

from tests.helpers import login, totp_code_with_time_to_use

NEW_PASSWORD = "a-long-and-private-passphrase"


def test_save_a_token_see_scopes_and_sign_in_with_mfa(page: Page, base_url: str, shot) -> None:  # type: ignore[no-untyped-def]
    # The admin adds a person; the one-time password is shown once.
    login(page, base_url, "admin")
    page.goto(f"{base_url}/accounts/people/new/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Role").select_option("operator")
    page.get_by_role("button", name="Add person").click()
    one_time = page.get_by_test_id("one-time-password").inner_text().strip()
    shot(page, "1-person-added")
    page.context.clear_cookies()

    # Erin signs in and must choose her own password first.
    login(page, base_url, "erin", one_time)
    expect(page).to_have_url(f"{base_url}/accounts/password/")
    page.get_by_label("Old password").fill(one_time)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page).to_have_url(f"{base_url}/")

    # A wrong token is refused; the read-only sandbox token is saved and its scopes explained.
    page.get_by_role("button", name=re.compile("Account menu")).click()
    page.get_by_role("link", name="Your Agiler token", exact=True).click()
    page.get_by_label("Agiler API token").fill("ak_not_a_real_token")
    page.get_by_test_id("token-save").click()
    expect(page.get_by_text("Agiler did not accept this token")).to_be_visible()
    page.get_by_label("Agiler API token").fill("ak_sandbox_readonly")
    page.get_by_test_id("token-save").click()
    expect(page.get_by_test_id("token-fingerprint")).to_contain_text("…only · ")
    scopes = page.get_by_test_id("token-scopes")
    expect(scopes).to_contain_text("projects.backups:read")
    expect(scopes).to_contain_text("Take, restore and delete backups")
    assert "ak_sandbox_readonly" not in page.content()
    shot(page, "2-token-saved")

    # Two-factor enrolment: scan (here: read the key), confirm, keep the recovery codes.
    page.get_by_role("button", name=re.compile("Account menu")).click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.get_by_test_id("mfa-qr")).to_be_visible()
    shot(page, "3-mfa-enrol")
    secret = page.get_by_test_id("mfa-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Authentication code").fill(totp_code_with_time_to_use(totp))
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    shot(page, "4-recovery-codes")

    # Sign out; signing in now asks for a code after the password.
    page.get_by_role("button", name=re.compile("Account menu")).click()
    page.get_by_role("button", name="Sign out").click()
    login(page, base_url, "erin", NEW_PASSWORD)
    expect(page).to_have_url(f"{base_url}/accounts/login/verify/")
    shot(page, "5-mfa-verify")
    # The enrolment used the current code; codes are single-use, so take the next step's.
    page.get_by_label("Authentication code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Verify and sign in").click()
    expect(page).to_have_url(f"{base_url}/")
    expect(page.get_by_test_id("home-role")).to_have_text("Operator")
