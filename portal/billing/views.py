"""Billing pages for finance: overview, transactions (+ CSV), statements (+ PDF), the budget
and charge settings, payment methods.

Everything is read from Agiler on each request; the one write (settings) goes through the client
so it is audited by construction, and statement downloads are audited by the client's observer.
The CSV export is a portal-side read of financial data, so it is recorded here before streaming.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.access import AuthenticatedHttpRequest, requires
from portal.agiler import AgilerClient, BadRequest, BillingTransactionMonth
from portal.billing import services
from portal.billing.forms import (
    BudgetForm,
    TransactionFilterForm,
    budget_initial,
)
from portal.billing.ledger import (
    budget_bar,
    card_expiry,
    csv_lines,
    month_view,
    monthly_chart,
    spend_in,
)
from portal.billing.services import billing_update, changed_settings, settings_of
from portal.lib.csv import csv_download
from portal.lib.downloads import media_type, relay
from portal.lib.forms import add_refusal
from portal.lib.htmx import done, form_status, is_fragment
from portal.tokens.service import agiler_for

#: months per page of the transactions list (Agiler's default is 12; 6 keeps a page readable)
MONTHS_PER_PAGE = 6
#: months per page when exporting (fewer round trips; Agiler refuses more than 200)
EXPORT_PAGE = 100
STATEMENTS_PER_PAGE = 12
RECENT_MONTHS = 3
PDF = "application/pdf"
PERIOD_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def _render(
    request: HttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    name = f"{template}#{partial}" if is_fragment(request) else template
    return render(request, name, context, status=status)


def _crumbs(label: str) -> list[dict[str, str]]:
    return [{"label": "Billing", "url": reverse("billing:overview")}, {"label": label, "url": ""}]


def _problem(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    """A clear error page (or fragment) for a request the portal refuses itself."""
    context = {"status": status, "title": title, "message": message, "page_title": title}
    template = "errors/fragment.html" if getattr(request, "htmx", False) else "errors/page.html"
    return render(request, template, context, status=status)


# --- overview ------------------------------------------------------------------------------------


@require_GET
@requires("billing.read")
def overview(request: HttpRequest) -> HttpResponse:
    """Balance, this month's spend against the budget, charges, the card, latest statements."""
    client = agiler_for(request.user, request=request)
    billing = client.get_billing()
    months = [month_view(m) for m in client.list_transactions(limit=RECENT_MONTHS)]
    now = timezone.now()
    spent = spend_in(months, year=now.year, month=now.month)
    context = {
        "page_title": "Billing",
        "billing": billing,
        "balance": months[0].balance if months else None,
        "bar": budget_bar(spent=spent, budget=billing.monthly_budget, alerts=billing.budget_alerts),
        "card": card_expiry(
            exp_month=billing.exp_month, exp_year=billing.exp_year, today=now.date()
        ),
        "recent": months,
        "month_label": f"{now:%B %Y}",
        "tab": "overview",
    }
    return _render(request, "billing/overview.html", "billing-overview", context)


# --- transactions --------------------------------------------------------------------------------


def _query(**params: Any) -> str:
    return urlencode({key: value for key, value in params.items() if value not in (None, "")})


@require_GET
@requires("billing.read")
def transactions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Months newest first with entries and totals; filter by year or year+month; older months
    by cursor; a chart of the shown months."""
    form = TransactionFilterForm(request.GET or None)
    base = reverse("billing:transactions")
    context: dict[str, Any] = {
        "page_title": "Transactions",
        "crumbs": _crumbs("Transactions"),
        "form": form,
        "tab": "transactions",
        "base_url": base,
        "months": [],
        # A link (open a month, clear, older months) changed the filter, not the form itself:
        # the fragment then carries the form out of band so it shows the filter on screen.
        "oob_form": is_fragment(request) and request.htmx.trigger != "transactions-filter",
    }
    valid = form.is_valid() if form.is_bound else True
    if not valid:
        context["refused"] = [e for errors in form.errors.values() for e in errors]
        # htmx swaps only 2xx answers: the fragment carries the refusal as its content.
        return _render(
            request,
            "billing/transactions.html",
            "transactions-results",
            context,
            status=form_status(request),
        )
    filters = form.filters() if form.is_bound else {"year": None, "month": None}
    cursor = (form.cleaned_data.get("cursor") if form.is_bound else None) or None
    client = agiler_for(request.user, request=request)
    page = client.list_transactions(**filters, cursor=cursor, limit=MONTHS_PER_PAGE)
    months = [month_view(m) for m in page]
    filter_query = _query(**filters)
    context.update(
        {
            "months": months,
            "chart": monthly_chart(months),
            "filters": filters,
            "filtered": any(v is not None for v in filters.values()),
            "paged": cursor is not None,
            "older_url": f"{base}?{_query(**filters, cursor=page.next_cursor)}"
            if page.next_cursor
            else None,
            "newest_url": f"{base}?{filter_query}" if filter_query else base,
            "export_url": reverse("billing:transactions_export")
            + (f"?{filter_query}" if filter_query else ""),
        }
    )
    return _render(request, "billing/transactions.html", "transactions-results", context)


def _all_months(
    client: AgilerClient, first: Any, filters: dict[str, Any]
) -> Iterator[BillingTransactionMonth]:
    yield from first
    cursor = first.next_cursor
    while cursor:
        page = client.list_transactions(**filters, cursor=cursor, limit=EXPORT_PAGE)
        yield from page
        cursor = page.next_cursor


@require_GET
@requires("billing.read")
def transactions_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Every transaction the filter selects (all pages), as a streamed CSV; audited."""
    form = TransactionFilterForm(request.GET)
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _problem(request, 400, "This filter cannot be exported", message)
    filters = form.filters()
    client = agiler_for(request.user, request=request)
    # The first page is fetched now so an Agiler error is a page, not a broken download.
    first = client.list_transactions(**filters, limit=EXPORT_PAGE)
    filename = services.transactions_export(actor=request.user, request=request, filters=filters)
    lines = csv_lines(month_view(m) for m in _all_months(client, first, filters))
    return csv_download(lines, filename=filename)


# --- statements ----------------------------------------------------------------------------------


@require_GET
@requires("billing.read")
def statements(request: HttpRequest) -> HttpResponse:
    """One row per month with its closing balance and its PDF statement."""
    cursor = request.GET.get("cursor") or None
    client = agiler_for(request.user, request=request)
    page = client.list_transactions(cursor=cursor, limit=STATEMENTS_PER_PAGE)
    base = reverse("billing:statements")
    context = {
        "page_title": "Statements",
        "crumbs": _crumbs("Statements"),
        "tab": "statements",
        "months": [month_view(m) for m in page],
        "older_url": f"{base}?{_query(cursor=page.next_cursor)}" if page.next_cursor else None,
        "newest_url": base if cursor else None,
    }
    return _render(request, "billing/statements.html", "statements-table", context)


@require_GET
@requires("billing.read")
def statement_download(request: HttpRequest, period: str) -> HttpResponse | StreamingHttpResponse:
    """The month's PDF relayed as a stream; ``?download=1`` saves it instead of opening it."""
    match = PERIOD_RE.fullmatch(period)
    if match is None:
        return _problem(
            request,
            400,
            "Not a statement period",
            f"“{period[:20]}” is not a month. Statements are addressed as YYYY-MM, e.g. 2026-10.",
        )
    now = timezone.now()
    if (int(match.group(1)), int(match.group(2))) > (now.year, now.month):
        return _problem(
            request,
            404,
            "No statement for a future month",
            f"{period} has not begun yet, so there is no statement for it.",
        )
    client = agiler_for(request.user, request=request)
    # Audited by the client's observer (a sensitive read), success or failure.
    download = client.download_statement(period)
    if media_type(download.headers.content_type) != PDF:
        # Served inline from our origin, an HTML or script body would act as a portal page.
        got = media_type(download.headers.content_type) or "no type"
        download.close()
        return _problem(
            request,
            502,
            "Agiler sent something that is not a PDF",
            f"The statement for {period} came back as {got[:60]}, not as a PDF, so the portal "
            "did not pass it on. Try again later; if it persists, download it in the Agiler app.",
        )
    response = relay(
        download,
        request=request,
        content_type=PDF,
        filename=f"agiler-statement-{period}.pdf",
        inline=not request.GET.get("download"),
    )
    return response


# --- budget and charges --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires("billing.write")
def budget_edit(request: HttpRequest) -> HttpResponse:
    """Edit the monthly budget, alerts, budget stop and automatic charge; idempotent per form."""
    client = agiler_for(request.user, request=request)
    billing = client.get_billing()
    before = settings_of(billing)
    status = 200
    if request.method == "POST":
        status = 400
        form = BudgetForm(request.POST)
        if form.is_valid():
            changes = changed_settings(before, form.settings())
            url = reverse("billing:overview")
            if not changes:
                messages.info(request, "Nothing changed: the settings already had these values.")
                return done(request, url)
            try:
                billing_update(
                    client=client,
                    before=before,
                    changes=changes,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except BadRequest as error:
                add_refusal(form, error)
            else:
                messages.success(request, "Budget and charge settings saved.")
                return done(request, url)
    else:
        form = BudgetForm(initial=budget_initial(billing))
    context = {
        "page_title": "Budget and charges",
        "crumbs": _crumbs("Budget and charges"),
        "tab": "budget",
        "form": form,
        "billing": billing,
    }
    if is_fragment(request):
        status = 200  # htmx swaps only 2xx answers: the form with its errors must land
    return _render(request, "billing/budget.html", "budget-form", context, status=status)


# --- payment methods -----------------------------------------------------------------------------


@require_GET
@requires("billing.read")
def payment_methods(request: HttpRequest) -> HttpResponse:
    """Cards on file with brand, last 4, expiry and billing details; the default first."""
    client = agiler_for(request.user, request=request)
    today = timezone.now().date()
    methods = sorted(client.list_payment_methods(), key=lambda m: not m.is_default)
    cards = [
        {
            "method": method,
            "expiry": card_expiry(
                exp_month=method.card.exp_month, exp_year=method.card.exp_year, today=today
            ),
        }
        for method in methods
    ]
    context = {
        "page_title": "Payment methods",
        "crumbs": _crumbs("Payment methods"),
        "tab": "payment_methods",
        "cards": cards,
    }
    return _render(request, "billing/payment_methods.html", "payment-methods", context)
