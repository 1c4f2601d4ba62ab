"""Billing writes: the settings update, audited with the values before and after.

The client's ``update_billing`` records the sent body (the *after* values) through the audit
observer; finance also wants the *before* values on the same event, so a reviewer can see what a
change replaced without hunting for the previous one: ``audit_before=`` carries them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from portal.agiler import AgilerClient, BillingOutput
from portal.audit import record
from portal.audit.actions import Action

#: the fields the portal changes, in the order finance reads them
SETTINGS_FIELDS = (
    "monthly_budget",
    "budget_alerts",
    "budget_stop",
    "charge_threshold",
    "charge_amount",
)


def settings_of(billing: BillingOutput) -> dict[str, Any]:
    """The budget and charge settings of a billing profile (cents, alerts sorted)."""
    return {
        "monthly_budget": billing.monthly_budget,
        "budget_alerts": sorted(billing.budget_alerts),
        "budget_stop": billing.budget_stop,
        "charge_threshold": billing.charge_threshold,
        "charge_amount": billing.charge_amount,
    }


def changed_settings(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Only the settings whose value differs (a PATCH sends just those)."""
    return {key: after[key] for key in SETTINGS_FIELDS if before.get(key) != after.get(key)}


def billing_update(
    *,
    client: AgilerClient,
    before: Mapping[str, Any],
    changes: Mapping[str, Any],
    idempotency_key: str,
) -> None:
    """PATCH /users/me/billing with ``changes``; the audit event holds them and ``before``.

    Raises the client's AgilerError (BadRequest carries the refused ``field``).
    """
    body = {key: changes[key] for key in SETTINGS_FIELDS if key in changes}
    client.update_billing(
        **body,
        idempotency_key=idempotency_key,
        audit_before={key: before.get(key) for key in body},
    )


def transactions_export(
    *, actor: Any, request: HttpRequest | None, filters: Mapping[str, Any]
) -> str:
    """Record that ``actor`` exported the transactions ``filters`` select; return the file name
    to stream them under (its scope: "2026-03", "2026" or "all").

    Recorded before the first byte: an export that cannot be recorded does not happen.
    """
    year, month = filters.get("year"), filters.get("month")
    scope = f"{year:04d}-{month:02d}" if month else (f"{year:04d}" if year else "all")
    record(
        action=Action.BILLING_TRANSACTIONS_EXPORT,
        actor=actor,
        request=request,
        target_type="transactions",
        target_label=f"transactions {scope}",
        summary={"format": "csv", **{k: v for k, v in filters.items() if v is not None}},
    )
    return f"agiler-transactions-{scope}.csv"
