"""The caller's account: /users/me, billing, statements, notifications, verifications."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from agiler_sandbox import binaries
from agiler_sandbox.http import (
    Request,
    Response,
    empty_response,
    invalid,
    json_response,
    not_found,
    parse_rfc3339,
    rfc3339,
)
from agiler_sandbox.pagination import paginate

from .common import get_bool, get_int

if TYPE_CHECKING:
    from agiler_sandbox.app import Sandbox

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def get_me(app: Sandbox, request: Request) -> Response:
    """GET /users/me with effective (implication-resolved) scopes."""
    user = app.state.user(request.user_id)
    return json_response(
        {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "created_at": rfc3339(user.created_at),
            "effective_scopes": sorted(request.scopes),
        }
    )


def get_billing(app: Sandbox, request: Request) -> Response:
    """GET /users/me/billing."""
    return json_response(app.state.user_data[request.user_id].billing)


def update_billing(app: Sandbox, request: Request) -> Response:
    """PATCH /users/me/billing: budget and automatic-charge settings (cents); 204."""
    billing = app.state.user_data[request.user_id].billing
    body = request.json()
    alerts = body.get("budget_alerts")
    if alerts is not None:
        if not isinstance(alerts, list) or len(alerts) > 10:
            raise invalid("budget_alerts", "budget_alerts must be a list of up to 10 percentages")
        for value in alerts:
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
                raise invalid("budget_alerts", "each budget alert must be a percentage 1-100")
        if len(set(alerts)) != len(alerts):
            raise invalid("budget_alerts", "budget alerts must not repeat")
    updates = {
        "monthly_budget": get_int(body, "monthly_budget", minimum=0, maximum=100_000_000),
        "charge_threshold": get_int(body, "charge_threshold", minimum=0, maximum=10_000_000),
        "charge_amount": get_int(body, "charge_amount", minimum=500, maximum=10_000_000),
        "budget_stop": get_bool(body, "budget_stop"),
        "budget_alerts": sorted(alerts) if alerts is not None else None,
    }
    for key, value in updates.items():
        if value is not None:
            billing[key] = value
    return empty_response()


def list_payment_methods(app: Sandbox, request: Request) -> Response:
    """GET /users/me/billing/payment-methods."""
    return json_response(app.state.user_data[request.user_id].payment_methods)


def list_transactions(app: Sandbox, request: Request) -> Response:
    """GET /users/me/billing/transactions (months newest first; year/month filters)."""
    months = app.state.user_data[request.user_id].months
    year_raw, month_raw = request.arg("year"), request.arg("month")
    year = month = None
    if year_raw:
        if not re.fullmatch(r"\d{4}", year_raw):
            raise invalid("year", "year must be a four-digit year")
        year = int(year_raw)
    if month_raw:
        if year is None:
            raise invalid("month", "month requires year")
        if not month_raw.isdigit() or not 1 <= int(month_raw) <= 12:
            raise invalid("month", "month must be between 1 and 12")
        month = int(month_raw)
    items = [
        m
        for m in months
        if (year is None or m["year"] == year) and (month is None or m["month"] == month)
    ]
    return paginate(request, items, 12)


def download_statement(app: Sandbox, request: Request) -> Response:
    """GET /users/me/billing/statements/{period}: a PDF for a month with transactions."""
    period = request.params["period"]
    match = PERIOD_RE.match(period)
    if not match:
        raise invalid("period", "period must look like YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    data = app.state.user_data[request.user_id]
    group = next((m for m in data.months if m["year"] == year and m["month"] == month), None)
    if group is None:
        raise not_found("statement", period)
    user = app.state.user(request.user_id)
    lines = [f"Account {data.billing['account_id']} - {user.name} <{user.email}>", ""]
    for tx in group["tx"]:
        lines.append(
            f"{tx['created_at'][:10]}   {tx['amount'] / 100:>10.2f} USD   {tx['description']}"
        )
    lines += ["", f"Balance at end of period: {group['balance'] / 100:.2f} USD"]
    # Stamped with the period's last entry, not the moment of the request: the same statement
    # is the same file on every download (a relayed copy can then be compared with Agiler's).
    issued = max(
        (parse_rfc3339(tx["created_at"], "created_at") for tx in group["tx"]), default=None
    )
    pdf = binaries.statement_pdf(f"Agiler statement {period}", lines, issued or app.state.anchor)
    headers = [
        ("Content-Type", "application/pdf"),
        ("Content-Disposition", f'attachment; filename="agiler-statement-{period}.pdf"'),
    ]
    return Response(200, headers, pdf)


def list_notifications(app: Sandbox, request: Request) -> Response:
    """GET /users/me/notifications (newest first)."""
    return paginate(request, app.state.user_data[request.user_id].notifications, 50)


def dismiss_notification(app: Sandbox, request: Request) -> Response:
    """DELETE /users/me/notifications/{notification}."""
    items = app.state.user_data[request.user_id].notifications
    ident = request.params["notification"]
    for item in items:
        if item["id"] == ident:
            items.remove(item)
            return empty_response()
    raise not_found("notification", ident)


def list_verifications(app: Sandbox, request: Request) -> Response:
    """GET /users/me/verify: pending verifications."""
    return json_response(app.state.user_data[request.user_id].verifications)
