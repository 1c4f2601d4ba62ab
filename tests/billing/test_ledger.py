"""The numbers behind the pages: month totals, the budget bar, card expiry, chart and CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from portal.agiler import BillingTransactionEntry, BillingTransactionMonth
from portal.billing.ledger import (
    CSV_HEADER,
    budget_bar,
    card_expiry,
    csv_lines,
    month_view,
    monthly_chart,
    spend_in,
)


def _tx(
    amount: int, day: int, description: str = "x", expires: bool = False
) -> BillingTransactionEntry:
    return BillingTransactionEntry(
        amount=amount,
        description=description,
        created_at=datetime(2026, 10, day, 9, tzinfo=UTC),
        expires_at=datetime(2027, 1, 1, tzinfo=UTC) if expires else None,
    )


def _month(*txs: BillingTransactionEntry, balance: int = 1000) -> BillingTransactionMonth:
    return BillingTransactionMonth(
        year=2026,
        month=10,
        balance=balance,
        created_at=datetime(2026, 10, 1, tzinfo=UTC),
        tx=list(txs),
    )


def test_a_month_totals_credits_and_debits_separately_and_lists_entries_oldest_first() -> None:
    view = month_view(_month(_tx(-300, 20), _tx(5000, 1), _tx(-1200, 5)))
    assert view.credits == 5000
    assert view.debits == -1500
    assert view.net == 3500
    assert [tx.created_at.day for tx in view.entries] == [1, 5, 20]
    assert view.period == "2026-10"
    assert view.label == "October 2026"


def test_this_months_spend_is_its_debits_and_zero_without_entries() -> None:
    views = [month_view(_month(_tx(5000, 1), _tx(-1200, 5)))]
    assert spend_in(views, year=2026, month=10) == 1200
    assert spend_in(views, year=2026, month=11) == 0


def test_budget_bar_marks_passed_alerts_and_caps_the_fill() -> None:
    bar = budget_bar(spent=8_000, budget=10_000, alerts=[100, 50, 80])
    assert bar.alerts == [50, 80, 100]
    assert (bar.percent, bar.fill, bar.level, bar.passed_alert) == (80, 80, "warning", 80)
    assert [m["passed"] for m in bar.markers] == [True, True, False]
    over = budget_bar(spent=25_000, budget=10_000, alerts=[50])
    assert (over.percent, over.fill, over.fill_x, over.level) == (250, 100, 1000, "danger")


def test_an_alert_is_not_passed_a_fraction_of_a_percent_early() -> None:
    bar = budget_bar(spent=7_999, budget=10_000, alerts=[80])
    assert bar.percent == 79
    assert bar.level == "ok"


def test_no_budget_means_no_percentage() -> None:
    bar = budget_bar(spent=500, budget=0, alerts=[50])
    assert bar.percent is None and bar.fill == 0 and bar.level == "ok"


def test_card_expiry_warns_within_sixty_days_and_flags_expired_cards() -> None:
    today = date(2026, 11, 29)
    valid_long = card_expiry(exp_month=8, exp_year=2029, today=today)
    assert valid_long is not None and not valid_long.expiring and not valid_long.expired
    soon = card_expiry(exp_month=12, exp_year=2026, today=today)
    assert soon is not None and soon.expiring and soon.days_left == 32 and soon.label == "12/2026"
    this_month = card_expiry(exp_month=11, exp_year=2026, today=today)
    assert this_month is not None and this_month.expiring and this_month.days_left == 1
    gone = card_expiry(exp_month=10, exp_year=2026, today=today)
    assert gone is not None and gone.expired and not gone.expiring
    assert card_expiry(exp_month=13, exp_year=2026, today=today) is None


def test_chart_draws_months_oldest_left_on_one_scale() -> None:
    newer = month_view(
        BillingTransactionMonth(
            year=2026,
            month=11,
            balance=0,
            created_at=datetime(2026, 11, 1, tzinfo=UTC),
            tx=[_tx(10_000, 1), _tx(-5_000, 2)],
        )
    )
    older = month_view(_month(_tx(5_000, 1), _tx(-10_000, 2)))
    chart = monthly_chart([newer, older])
    assert chart is not None
    assert [bar.period for bar in chart.bars] == ["2026-10", "2026-11"]
    assert chart.bars[1].credit_height == 2 * chart.bars[0].credit_height
    assert chart.bars[0].debit_height == 2 * chart.bars[1].debit_height
    assert monthly_chart([]) is None


def test_csv_has_a_row_per_transaction_with_formatted_and_plain_amounts() -> None:
    view = month_view(
        _month(_tx(2500, 2, "Promotional credit", expires=True), _tx(-123456, 3, "=SUM(A1)"))
    )
    rows = list(csv.reader(io.StringIO("".join(csv_lines([view])).removeprefix("\ufeff"))))
    assert rows[0] == CSV_HEADER
    assert rows[1] == [
        "2026-10",
        "2026-10-02",
        "Promotional credit",
        "credit",
        "+$25.00",
        "25.00",
        "2027-01-01",
        "10.00",
    ]
    # A description that a spreadsheet would run as a formula is neutralised.
    assert rows[2][2] == "'=SUM(A1)"
    assert rows[2][3:6] == ["debit", "-$1,234.56", "-1234.56"]


def test_the_chart_has_an_axis_and_each_bar_its_amount_even_for_one_month() -> None:
    only = month_view(_month(_tx(123_456, 1), _tx(-5_000, 2)))
    chart = monthly_chart([only])
    assert chart is not None
    # One month stays one slot of a six-slot-wide picture, not a wall-sized bar.
    assert chart.width >= 6 * 120 and chart.bar_width < chart.width / 6
    assert [tick.label for tick in chart.ticks] == ["$1,234.56", "$0.00", "-$50.00"]
    bar = chart.bars[0]
    assert (bar.credit_label, bar.debit_label) == ("$1,234.56", "-$50.00")
    assert bar.credit_label_y < chart.zero_y < bar.debit_label_y < chart.height
