"""What the billing pages compute from Agiler's answers: month totals, this month's spend, the
budget bar, the monthly chart, card expiry and the CSV rows. Pure functions, no I/O."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from portal.agiler import AgilerResponseError, BillingTransactionEntry, BillingTransactionMonth
from portal.billing.money import format_money, plain_decimal
from portal.lib import csv as spreadsheet

#: a card expiring within this many days gets a warning
CARD_WARNING_DAYS = 60


@dataclass(frozen=True)
class MonthView:
    """One month of transactions, with the totals a reconciliation needs."""

    year: int
    month: int
    balance: int
    entries: Sequence[BillingTransactionEntry]
    credits: int
    debits: int

    @property
    def period(self) -> str:
        """``YYYY-MM``: how statements are addressed."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """``October 2026``."""
        return f"{calendar.month_name[self.month]} {self.year}"

    @property
    def net(self) -> int:
        """Credits plus debits (debits are negative)."""
        return self.credits + self.debits


def month_view(month: BillingTransactionMonth) -> MonthView:
    """Entries oldest first (as on a statement) and the month's credit and debit totals.

    Raises AgilerResponseError for a month that is no calendar month (the decoder checks only
    types): an error page naming Agiler's answer, not an IndexError deep in a template.
    """
    if not (1 <= month.month <= 12 and 1 <= month.year <= 9999):
        raise AgilerResponseError(
            f"Agiler listed transactions for a month that does not exist "
            f"(year {month.year}, month {month.month})."
        )
    entries = sorted(month.tx, key=lambda tx: tx.created_at)
    return MonthView(
        year=month.year,
        month=month.month,
        balance=month.balance,
        entries=entries,
        credits=sum(tx.amount for tx in entries if tx.amount > 0),
        debits=sum(tx.amount for tx in entries if tx.amount < 0),
    )


def spend_in(months: Iterable[MonthView], *, year: int, month: int) -> int:
    """What was spent (debits, as a positive number) in ``year``-``month``; 0 when no entries."""
    for view in months:
        if (view.year, view.month) == (year, month):
            return -view.debits
    return 0


# --- budget bar ----------------------------------------------------------------------------------


BAR_UNITS = 1000


@dataclass(frozen=True)
class BudgetBar:
    """The monthly budget as a bar: the spent share and where each alert fires."""

    spent: int
    budget: int
    alerts: Sequence[int]
    #: spent / budget in percent (may exceed 100); None without a budget
    percent: int | None
    #: bar fill in 0..100 (the SVG's width in percent)
    fill: int
    #: "ok", "warning" (an alert threshold passed) or "danger" (the budget reached)
    level: str
    #: the highest alert already passed, if any
    passed_alert: int | None

    @property
    def fill_x(self) -> int:
        """The fill's width in the SVG's 1000-unit-wide viewBox."""
        return self.fill * BAR_UNITS // 100

    @property
    def markers(self) -> list[dict[str, object]]:
        """Each alert's x in the viewBox and whether this month already passed it."""
        return [
            {
                "percent": alert,
                "x": alert * BAR_UNITS // 100,
                "passed": self.percent is not None and self.percent >= alert,
                # Labels at the ends are anchored inwards so they stay inside the picture.
                "anchor": "end" if alert >= 95 else ("start" if alert <= 5 else "middle"),
            }
            for alert in self.alerts
            if alert <= 100
        ]


def budget_bar(*, spent: int, budget: int, alerts: Sequence[int]) -> BudgetBar:
    """Where this month's spend stands against the budget and its alert percentages."""
    ordered = sorted(set(alerts))
    if budget <= 0:
        return BudgetBar(spent, budget, ordered, None, 0, "ok", None)
    # Integer percent, rounded down: an alert at 80 % must not show as passed at 79.6 %.
    percent = spent * 100 // budget
    passed = [alert for alert in ordered if percent >= alert]
    level = "danger" if percent >= 100 else ("warning" if passed else "ok")
    return BudgetBar(
        spent=spent,
        budget=budget,
        alerts=ordered,
        percent=percent,
        fill=max(0, min(100, percent)),
        level=level,
        passed_alert=passed[-1] if passed else None,
    )


# --- the monthly chart ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartBar:
    """One month in the chart: credits up, debits down from the zero line (SVG units), each
    with its amount written at the bar's end."""

    label: str
    period: str
    credits: int
    debits: int
    x: int
    credit_y: int
    credit_height: int
    debit_height: int
    #: where the month's name and the two amounts are written (centre of the bar)
    centre: int = 0
    credit_label: str = ""
    debit_label: str = ""
    credit_label_y: int = 0
    debit_label_y: int = 0


@dataclass(frozen=True)
class Tick:
    """A value on the vertical axis."""

    y: int
    label: str


@dataclass(frozen=True)
class Chart:
    """A server-rendered bar chart of the shown months (oldest left), sized for a viewBox: a
    labelled vertical axis (the largest credit, zero, the largest debit), each bar's amount at
    its end, the months along the bottom."""

    bars: Sequence[ChartBar]
    width: int
    height: int
    zero_y: int
    bar_width: int
    top_label: str
    bottom_label: str
    axis_x: int = 0
    ticks: Sequence[Tick] = ()
    month_y: int = 0


CHART_HEIGHT = 210
CHART_AXIS = 84  # the left gutter for the axis labels ("$12,345.67")
CHART_SLOT = 120  # horizontal room per month (wide: the picture stays low on a wide page)
CHART_MIN_SLOTS = 6
_VALUE_ROOM = 18  # above the tallest credit and below the deepest debit: their amounts
_MONTH_ROOM = 22  # the month names under the plot


def monthly_chart(months: Sequence[MonthView]) -> Chart | None:
    """Credits and debits per month on one scale; None when there is nothing to draw."""
    if not months:
        return None
    ordered = sorted(months, key=lambda m: (m.year, m.month))
    top = max(max(m.credits for m in ordered), 1)
    bottom = max(max(-m.debits for m in ordered), 1)
    # Credits above and debits below a zero line placed in proportion to the two maxima.
    plot = CHART_HEIGHT - 2 * _VALUE_ROOM - _MONTH_ROOM
    zero_y = _VALUE_ROOM + round(plot * top / (top + bottom))
    scale = plot / (top + bottom)
    bar_width = CHART_SLOT - 40
    bars = []
    for index, view in enumerate(ordered):
        credit_height = round(view.credits * scale)
        debit_height = round(-view.debits * scale)
        x = CHART_AXIS + index * CHART_SLOT + 20
        bars.append(
            ChartBar(
                label=f"{calendar.month_abbr[view.month]} {view.year % 100:02d}",
                period=view.period,
                credits=view.credits,
                debits=view.debits,
                x=x,
                credit_y=zero_y - credit_height,
                credit_height=credit_height,
                debit_height=debit_height,
                centre=x + bar_width // 2,
                credit_label=format_money(view.credits) if view.credits else "",
                debit_label=format_money(view.debits) if view.debits else "",
                credit_label_y=zero_y - credit_height - 5,
                debit_label_y=zero_y + debit_height + 14,
            )
        )
    ticks = [Tick(_VALUE_ROOM, format_money(top)), Tick(zero_y, "$0.00")]
    ticks.append(Tick(_VALUE_ROOM + plot, format_money(-bottom)))
    return Chart(
        bars=bars,
        # At least six slots wide: one month alone must not become a wall-sized bar.
        width=CHART_AXIS + max(len(ordered), CHART_MIN_SLOTS) * CHART_SLOT,
        height=CHART_HEIGHT,
        zero_y=zero_y,
        bar_width=bar_width,
        top_label=format_money(top),
        bottom_label=format_money(-bottom),
        axis_x=CHART_AXIS,
        ticks=ticks,
        month_y=CHART_HEIGHT - 5,
    )


# --- the card on file ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CardExpiry:
    """A card's expiry: the last day it works, and whether to warn."""

    last_day: date
    days_left: int
    expired: bool
    expiring: bool

    @property
    def label(self) -> str:
        """``08/2029`` as printed on the card."""
        return f"{self.last_day.month:02d}/{self.last_day.year}"


def card_expiry(*, exp_month: int, exp_year: int, today: date) -> CardExpiry | None:
    """A card is valid through the last day of its expiry month; None for a nonsense expiry."""
    # date() accepts years 1..9999 only: anything else is nonsense from upstream, not a crash.
    if not (1 <= exp_month <= 12 and 1 <= exp_year <= 9999):
        return None
    last_day = date(exp_year, exp_month, calendar.monthrange(exp_year, exp_month)[1])
    days_left = (last_day - today).days
    return CardExpiry(
        last_day=last_day,
        days_left=days_left,
        expired=days_left < 0,
        expiring=0 <= days_left <= CARD_WARNING_DAYS,
    )


# --- CSV -----------------------------------------------------------------------------------------

CSV_HEADER = [
    "period",
    "date",
    "description",
    "type",
    "amount",
    "amount_decimal",
    "credit_expires",
    "month_closing_balance",
]


def _kind(amount: int) -> str:
    return "credit" if amount > 0 else ("debit" if amount < 0 else "zero")


def _iso_date(moment: datetime) -> str:
    return moment.date().isoformat()


def csv_lines(months: Iterable[MonthView]) -> Iterator[str]:
    """One line per transaction, header first; lazily, for a streamed response."""
    rows = (_csv_row(view, tx) for view in months for tx in view.entries)
    return spreadsheet.csv_lines(CSV_HEADER, rows)


def _csv_row(view: MonthView, tx: BillingTransactionEntry) -> list[object]:
    return [
        view.period,
        _iso_date(tx.created_at),
        tx.description,
        _kind(tx.amount),
        format_money(tx.amount, signed=True),
        plain_decimal(tx.amount),
        _iso_date(tx.expires_at) if tx.expires_at else "",
        plain_decimal(view.balance),
    ]
