"""Finance reconciles the account in Chromium against the real server and sandbox: filter a
year, open a month, export it, download a statement, change the budget alerts; an operator is
refused every billing page."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from tests.helpers import login


def test_finance_reconciles_a_month_and_tunes_the_budget(page: Page, base_url: str, shot) -> None:  # type: ignore[no-untyped-def]
    login(page, base_url, "finance")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Billing").click()
    expect(page).to_have_url(f"{base_url}/billing/")
    expect(page.get_by_test_id("budget-bar")).to_be_visible()
    expect(page.get_by_test_id("card-on-file")).to_contain_text("4242")
    shot(page, "overview")

    # Filter a year: the results swap in place and the filter lands in the address bar.
    page.get_by_role("link", name="Transactions").first.click()
    sections = page.get_by_test_id("month-section")
    expect(sections.first).to_be_visible()
    year = (sections.first.get_attribute("data-period") or "")[:4]
    page.get_by_label("Year", exact=True).fill(year)
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(rf"year={year}"))
    expect(page.get_by_test_id("filter-summary")).to_contain_text(f"Showing {year}")
    for period in sections.evaluate_all("els => els.map(e => e.dataset.period)"):
        assert period.startswith(year)
    expect(page.get_by_test_id("monthly-chart")).to_be_visible()
    shot(page, "year")

    # Open a month: one section, and the form shows the month it was opened on.
    page.get_by_test_id("open-month").first.click()
    expect(page).to_have_url(re.compile(rf"year={year}&month=\d+"))
    expect(sections).to_have_count(1)
    expect(page.get_by_label("Month", exact=True)).not_to_have_value("")
    shot(page, "month")

    # Month alone is refused with a clear message.
    page.get_by_label("Year", exact=True).fill("")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("filter-refused")).to_contain_text("Choose a year too")
    page.go_back()
    # Back asks the server for the month again (a history restore, the whole page).
    expect(page).to_have_url(re.compile(rf"year={year}&month=\d+"))
    expect(sections).to_have_count(1, timeout=15_000)

    # Export the month: the CSV rows are the rows on the page.
    page.reload()
    amounts = page.get_by_test_id("tx-amount").all_inner_texts()
    descriptions = page.get_by_test_id("tx-description").all_inner_texts()
    with page.expect_download() as info:
        page.get_by_test_id("export-csv").click()
    download = info.value
    assert re.fullmatch(rf"agiler-transactions-{year}-\d\d\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert [row[4] for row in rows[1:]] == [a.strip() for a in amounts]
    assert [row[2] for row in rows[1:]] == [d.strip() for d in descriptions]

    # Download a statement PDF.
    page.get_by_role("link", name="Statements").first.click()
    row = page.get_by_test_id("statement-row").first
    period = row.get_attribute("data-period")
    shot(page, "statements")
    with page.expect_download() as info:
        row.get_by_test_id("statement-download").click()
    pdf = info.value
    assert pdf.suggested_filename == f"agiler-statement-{period}.pdf"
    with open(pdf.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-32:]

    # Change the budget alerts and see them on the overview bar.
    page.get_by_role("link", name="Budget and charges").first.click()
    page.get_by_label("Budget alerts (% of the budget)").fill("95, 40, 70")
    shot(page, "budget-form")
    page.get_by_test_id("save-budget").click()
    expect(page).to_have_url(f"{base_url}/billing/")
    expect(page.get_by_test_id("budget-bar")).to_have_attribute("data-alerts", "40,70,95")
    expect(page.get_by_test_id("budget-marker")).to_have_text(["40%", "70%", "95%"])
    expect(page.get_by_text("Budget and charge settings saved.")).to_be_visible()
    shot(page, "overview-after")


def test_an_operator_is_refused_every_billing_page(page: Page, base_url: str, shot) -> None:  # type: ignore[no-untyped-def]
    login(page, base_url, "operator")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Billing")
    ).to_have_count(0)
    this_month = f"{datetime.now(UTC):%Y-%m}"
    for path in (
        "/billing/",
        "/billing/transactions/",
        "/billing/transactions/export.csv",
        "/billing/statements/",
        f"/billing/statements/{this_month}.pdf",
        "/billing/budget/",
        "/billing/payment-methods/",
    ):
        response = page.goto(base_url + path)
        assert response is not None and response.status == 403, path
    shot(page, "operator-refused")
