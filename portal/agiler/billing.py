"""Billing: profile, budget settings, payment methods, statements, transactions (cents)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._base import NOT_GIVEN, BaseClient, NotGiven, given
from .downloads import FileDownload
from .pagination import Page
from .types import BillingOutput, BillingTransactionMonth, PaymentMethodOutput

_BILLING = "/users/me/billing"


class BillingMixin(BaseClient):
    """Operations of the reference section "Billing"."""

    def get_billing(self) -> BillingOutput:
        """GET /users/me/billing — Billing."""
        return self._get_model(BillingOutput, "get_billing", _BILLING)

    def update_billing(
        self,
        *,
        budget_alerts: Sequence[int] | NotGiven = NOT_GIVEN,
        budget_stop: bool | NotGiven = NOT_GIVEN,
        charge_amount: int | NotGiven = NOT_GIVEN,
        charge_threshold: int | NotGiven = NOT_GIVEN,
        monthly_budget: int | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
        audit_before: Mapping[str, object] | None = None,
    ) -> None:
        """PATCH /users/me/billing — Billing (amounts in cents; answers 204).

        ``audit_before``: the values being replaced, recorded on the audit event beside the sent
        ones (the endpoint answers 204, so nothing else would say what a change replaced).
        """
        body = given(
            {
                "budget_alerts": budget_alerts
                if isinstance(budget_alerts, NotGiven)
                else list(budget_alerts),
                "budget_stop": budget_stop,
                "charge_amount": charge_amount,
                "charge_threshold": charge_threshold,
                "monthly_budget": monthly_budget,
            }
        )
        self._write(
            "update_billing",
            "PATCH",
            _BILLING,
            body=body,
            idempotency_key=idempotency_key,
            summary_extra={"before": dict(audit_before)} if audit_before is not None else None,
        )

    def list_payment_methods(
        self, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[PaymentMethodOutput]:
        """GET /users/me/billing/payment-methods — Billing."""
        return self._get_page(
            PaymentMethodOutput,
            "list_payment_methods",
            _BILLING + "/payment-methods",
            cursor=cursor,
            limit=limit,
        )

    def download_statement(self, period: str) -> FileDownload:
        """GET /users/me/billing/statements/{period} — Billing (PDF, ``period`` is YYYY-MM)."""
        return self._download(
            "download_statement", _BILLING + "/statements/{period}", {"period": period}
        )

    def list_transactions(
        self,
        *,
        year: int | None = None,
        month: int | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[BillingTransactionMonth]:
        """GET /users/me/billing/transactions — Billing (grouped by month)."""
        if month is not None and year is None:
            raise ValueError("month requires year")
        return self._get_page(
            BillingTransactionMonth,
            "list_transactions",
            _BILLING + "/transactions",
            cursor=cursor,
            limit=limit,
            query={"year": year, "month": month},
        )
