"""In Chromium: the operator adds an internationalised domain, makes it the site's address (the
dialog says from what to what) and removes the old one; the pages fit a phone's width."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.helpers import login, open_area, seeded_project, sideways_overflow

PHONE = {"width": 390, "height": 844}


def test_operator_adds_a_domain_makes_it_primary_and_removes_the_old_one(
    page: Page, base_url: str, live_servers: dict[str, str], shot
) -> None:  # type: ignore[no-untyped-def]
    project_id, name = seeded_project(live_servers["sandbox"], 1)
    old = f"www.{name}.example"
    login(page, base_url, "operator")
    page.goto(f"{base_url}/projects/{project_id}/")
    expect(page.get_by_test_id("site-link")).to_have_text(old)
    shot(page, "project-home")
    open_area(page, "Domains")
    expect(page.get_by_role("heading", name=f"Domains of {name}")).to_be_visible()
    rows = page.get_by_test_id("domain-row")
    expect(rows.first).to_have_attribute("data-name", old)
    expect(rows.first.get_by_test_id("primary-badge")).to_be_visible()
    shot(page, "list")

    # A bad name first: the message is on the field, nothing is added.
    field = page.get_by_label("Domain name")
    field.fill("exаmple.com")  # a Cyrillic "а"
    page.get_by_test_id("add-domain").click()
    expect(page.get_by_text("look-alikes from another alphabet")).to_be_visible()
    shot(page, "add-refused")

    # A wildcard cannot be the site's address: the box turns off while one is typed.
    page.get_by_label("Domain name").fill("*.promo.example")
    expect(page.get_by_label("Make it the site's address (primary domain)")).to_be_disabled()

    # An internationalised name: shown in Unicode, sent as ASCII.
    page.get_by_label("Domain name").fill("Café-Shop.example")
    page.get_by_test_id("add-domain").click()
    expect(page.get_by_text("Domain café-shop.example added")).to_be_visible()
    added = page.locator('[data-testid="domain-row"][data-name="xn--caf-shop-d1a.example"]')
    expect(added).to_contain_text("café-shop.example")
    expect(added).to_contain_text("Sent to Agiler as")

    # Make it the site's address: the dialog says from what to what.
    added.get_by_test_id("make-primary").click()
    dialog = page.get_by_test_id("primary-dialog")
    expect(dialog.get_by_test_id("confirm-consequence")).to_contain_text(
        f"changes from {old} to café-shop.example"
    )
    shot(page, "primary-dialog")
    dialog.get_by_test_id("confirm-submit").click()
    expect(page.get_by_text("The site's address is now café-shop.example.")).to_be_visible()
    expect(rows.first).to_have_attribute("data-name", "xn--caf-shop-d1a.example")

    # Remove the old address: a secondary domain now, the address does not change.
    page.locator(f'[data-testid="domain-row"][data-name="{old}"]').get_by_test_id(
        "remove-domain"
    ).click()
    dialog = page.get_by_test_id("remove-dialog")
    expect(dialog.get_by_test_id("confirm-consequence")).to_contain_text("address does not change")
    shot(page, "remove-dialog")
    dialog.get_by_test_id("confirm-submit").click()
    expect(page.get_by_text(f"Domain {old} removed.")).to_be_visible()
    expect(page.locator(f'[data-testid="domain-row"][data-name="{old}"]')).to_have_count(0)
    shot(page, "after")

    # The project home links the new address; on a phone the list fits the width.
    page.goto(f"{base_url}/projects/{project_id}/")
    expect(page.get_by_test_id("site-link")).to_have_text("café-shop.example")
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/projects/{project_id}/domains/")
    expect(rows.first).to_be_visible()
    assert sideways_overflow(page) == 0, "the domains list must fit a phone's width"
    shot(page, "phone-list")
    rows.nth(1).get_by_test_id("remove-domain").click()
    expect(page.get_by_test_id("remove-dialog")).to_be_visible()
    assert sideways_overflow(page) == 0
    shot(page, "phone-remove-dialog")


def test_support_sees_domains_without_controls(
    page: Page, base_url: str, live_servers: dict[str, str], shot
) -> None:  # type: ignore[no-untyped-def]
    project_id, _ = seeded_project(live_servers["sandbox"], 2)
    login(page, base_url, "support")
    page.goto(f"{base_url}/projects/{project_id}/domains/")
    expect(page.get_by_test_id("domain-row").first).to_be_visible()
    expect(page.get_by_test_id("remove-domain")).to_have_count(0)
    expect(page.get_by_test_id("add-domain")).to_have_count(0)
    shot(page, "support-list")
