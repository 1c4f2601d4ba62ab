"""Deterministic per-user account data: billing profile, payment methods, transactions,
notifications and pending verifications."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from agiler_sandbox.http import rfc3339
from agiler_sandbox.state import State, User, UserData

SITE_WORDS = ["blog", "shop", "docs", "careers", "events", "news", "press", "support", "wiki"]


def user_data(state: State, rng: random.Random, user: User, *, months: int, rich: bool) -> UserData:
    """Billing and inbox of one user; ``rich`` for the account owner, sparse for others."""
    billing: dict[str, Any] = {
        "account_id": f"acct_{rng.getrandbits(48):012x}",
        "name": user.name,
        "address_line1": "12 Analytical Engine Row" if rich else "1 Support Street",
        "address_line2": "Floor 3" if rich else "",
        "address_city": "London" if rich else "Berlin",
        "address_state": "" if rich else "BE",
        "address_zip": "EC1A 1BB" if rich else "10115",
        "address_country": "GB" if rich else "DE",
        "brand": "visa",
        "last4": "4242" if rich else "1881",
        "exp_month": 8,
        "exp_year": state.anchor.year + 3,
        "monthly_budget": 25_000 if rich else 5_000,
        "budget_alerts": [50, 80, 100],
        "budget_stop": False,
        "charge_threshold": 1_000,
        "charge_amount": 5_000,
    }
    if not rich:
        billing["force_update"] = rfc3339(state.ago(days=2))
    soon = state.anchor + timedelta(days=20)
    methods = [
        _payment_method(rng, user, "visa", billing["last4"], 8, state.anchor.year + 3, True),
    ]
    if rich:
        methods.append(
            _payment_method(rng, user, "mastercard", "5454", soon.month, soon.year, False)
        )
    return UserData(
        billing=billing,
        payment_methods=methods,
        months=_transaction_months(state, rng, months),
        notifications=_notifications(state, rng, rich),
        verifications=[
            {
                "channel": "sms" if rich else "email",
                "target": "+44 •••• ••• 042" if rich else user.email,
                "expires_at": rfc3339(state.anchor + timedelta(hours=30)),
            }
        ],
    )


def _payment_method(
    rng: random.Random, user: User, brand: str, last4: str, month: int, year: int, default: bool
) -> dict[str, Any]:
    return {
        "id": f"pm_{rng.getrandbits(64):016x}",
        "type": "card",
        "is_default": default,
        "card": {"brand": brand, "last4": last4, "exp_month": month, "exp_year": year},
        "billing_details": {
            "name": user.name,
            "address": {
                "line1": "12 Analytical Engine Row",
                "line2": "",
                "city": "London",
                "state": "",
                "postal_code": "EC1A 1BB",
                "country": "GB",
            },
        },
    }


def _transaction_months(state: State, rng: random.Random, months: int) -> list[dict[str, Any]]:
    """Monthly groups, newest first; amounts in cents (credits > 0, debits < 0)."""
    year, month = state.anchor.year, state.anchor.month
    periods = []
    for _ in range(months):
        periods.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    balance = 0
    result = []
    for year, month in reversed(periods):
        start = state.anchor.replace(year=year, month=month, day=1, hour=0)
        is_current = (year, month) == (state.anchor.year, state.anchor.month)
        span_days = max(1, state.anchor.day - 1) if is_current else 27
        txs: list[dict[str, Any]] = []
        top_up = rng.choice([5_000, 10_000, 20_000])
        txs.append(
            {
                "amount": top_up,
                "created_at": start + timedelta(hours=9),
                "description": "Account top-up (card •••• 4242)",
            }
        )
        if rng.random() < 0.3:
            txs.append(
                {
                    "amount": 2_500,
                    "created_at": start + timedelta(days=1, hours=10),
                    "description": "Promotional credit",
                    "expires_at": rfc3339(start + timedelta(days=90)),
                }
            )
        for _ in range(rng.randint(2, 5)):
            txs.append(
                {
                    "amount": -rng.randint(300, 4_000),
                    "created_at": start
                    + timedelta(days=rng.randint(0, span_days), hours=rng.randint(0, 23)),
                    "description": f"Hosting usage — {rng.choice(SITE_WORDS)} site",
                }
            )
        txs.sort(key=lambda t: t["created_at"])
        balance += sum(t["amount"] for t in txs)
        for tx in txs:
            tx["created_at"] = rfc3339(tx["created_at"])
        result.append(
            {
                "year": year,
                "month": month,
                "created_at": rfc3339(start),
                "balance": balance,
                "tx": txs,
            }
        )
    result.reverse()
    return result


def _notifications(state: State, rng: random.Random, rich: bool) -> list[dict[str, Any]]:
    specs = [
        (
            "backup_failed",
            "high",
            "Backup failed",
            "The nightly backup of acme-shop failed.",
            "/projects",
        ),
        (
            "budget_alert",
            "critical",
            "Budget at 80%",
            "You have used 80% of this month's budget.",
            "/billing",
        ),
        (
            "runtime_deprecated",
            "normal",
            "PHP 8.1 is deprecated",
            "Upgrade projects on php-8.1 before support ends.",
            "/runtimes",
        ),
        (
            "invoice_ready",
            "low",
            "Statement ready",
            "Your monthly statement is available.",
            "/billing/statements",
        ),
        (
            "domain_verified",
            "low",
            "Domain verified",
            "shop.globex.example is now live.",
            "/domains",
        ),
        (
            "member_joined",
            "normal",
            "New member",
            "Lin Admin joined Acme Marketing.",
            "/workspaces",
        ),
    ]
    if not rich:
        specs = [specs[2], specs[5]]
    out = []
    for i, (name, priority, title, desc, url) in enumerate(specs):
        out.append(
            {
                "id": f"ntf_{rng.getrandbits(48):012x}",
                "name": name,
                "priority": priority,
                "title": title,
                "description": desc,
                "url": f"https://app.agiler.io{url}",
                "created_at": rfc3339(state.ago(hours=5 + i * 17)),
            }
        )
    return out
