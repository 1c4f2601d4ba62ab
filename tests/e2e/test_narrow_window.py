"""On a phone-sized window (390 × 844) the portal stays usable: the main navigation folds
behind the menu button and still reaches every page, and list tables stack into cards
instead of widening the page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.helpers import login, open_area, sideways_overflow

PHONE = {"width": 390, "height": 844}


def test_operator_on_a_phone_opens_the_menu_reaches_projects_and_backups_fit_the_width(
    page: Page, base_url: str, shot
) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    login(page, base_url, "operator")
    expect(page.get_by_role("heading", name="Welcome, operator")).to_be_visible()

    # Folded away at first: the links are not on screen until the menu button opens them.
    main_nav = page.get_by_role("navigation", name="Main")
    projects_link = main_nav.get_by_role("link", name="Projects")
    expect(projects_link).to_be_hidden()
    assert sideways_overflow(page) == 0, "the header must not widen the page on a phone"
    menu = page.get_by_role("button", name="Main menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(projects_link).to_be_visible()
    shot(page, "menu-open")
    projects_link.click()

    expect(page).to_have_url(f"{base_url}/projects/")
    expect(page.get_by_role("heading", name="Projects", exact=True)).to_be_visible()
    assert sideways_overflow(page) == 0, "the projects list must fit the phone's width"

    page.get_by_test_id("projects-table").get_by_role("link").first.click()
    open_area(page, "Backups")
    table = page.get_by_test_id("backups-table")
    expect(table).to_be_visible()
    shot(page, "backups")

    # The table stacks into cards (tests/e2e/test_phone_tables.py checks every list page).
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
    assert sideways_overflow(page) == 0, "the backups table must not widen the page"
    scroller = table.locator("xpath=..")
    box = scroller.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]


def test_on_a_phone_the_home_cards_badges_show_their_whole_word(page: Page, base_url: str) -> None:
    """A badge beside a long title keeps its width (the title wraps): "Normal", not "Norma"."""
    page.set_viewport_size(PHONE)
    login(page, base_url, "admin")
    notifications = page.get_by_test_id("card-notifications")
    expect(notifications.locator(".badge").first).to_be_visible()
    clipped = page.evaluate(
        """() => [...document.querySelectorAll("#home-cards .badge")]
             .filter(b => b.scrollWidth > b.clientWidth + 1)
             .map(b => b.textContent.trim())"""
    )
    assert clipped == []
