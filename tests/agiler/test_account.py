"""Account-level operations against the sandbox: catalogs, me, billing, notifications,
workspaces."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from portal.agiler import (
    AgilerClient,
    BadRequest,
    BillingOutput,
    BillingTransactionMonth,
    NotFound,
    PaymentMethodOutput,
    PermissionDenied,
    RegionOutput,
    RuntimeOutput,
    SelfUser,
    WorkspaceMemberOutput,
    WorkspaceOutput,
)
from tests.helpers import RecordingObserver, RecordingTransport, sent_json


def test_regions_and_runtimes(client: AgilerClient, wire: RecordingTransport) -> None:
    regions = client.list_regions()
    assert all(isinstance(r, RegionOutput) for r in regions)
    assert client.get_region(regions.items[0].id) == regions.items[0]
    assert wire.last.url.path == f"/v1/regions/{regions.items[0].id}"
    runtimes = client.list_runtimes(limit=50)
    assert all(isinstance(r, RuntimeOutput) for r in runtimes)
    assert any(r.deprecated_at is not None for r in runtimes)
    assert client.get_runtime(runtimes.items[0].id).id == runtimes.items[0].id
    with pytest.raises(NotFound):
        client.get_runtime("php-4.0")


def test_get_me_lists_effective_scopes(make_client: Callable[..., AgilerClient]) -> None:
    me = make_client("ak_sandbox_readonly").get_me()
    assert isinstance(me, SelfUser)
    assert "projects:read" in me.effective_scopes
    assert not any(s.endswith(":write") for s in me.effective_scopes)


def test_billing_profile_update_and_payment_methods(
    client: AgilerClient, wire: RecordingTransport
) -> None:
    billing = client.get_billing()
    assert isinstance(billing, BillingOutput)
    assert client.update_billing(monthly_budget=25000, budget_alerts=[50, 90]) is None
    assert (wire.last.method, wire.last.url.path) == ("PATCH", "/v1/users/me/billing")
    assert sent_json(wire.last) == {"budget_alerts": [50, 90], "monthly_budget": 25000}
    assert client.get_billing().monthly_budget == 25000
    methods = client.list_payment_methods()
    assert methods and all(isinstance(m, PaymentMethodOutput) for m in methods)
    assert sum(m.is_default for m in methods) == 1


def test_transactions_by_month_and_a_statement_pdf(
    client: AgilerClient, wire: RecordingTransport, observer: RecordingObserver
) -> None:
    months = client.list_transactions(limit=3)
    assert all(isinstance(m, BillingTransactionMonth) for m in months)
    month = months.items[0]
    filtered = client.list_transactions(year=month.year, month=month.month)
    assert wire.last.url.params["month"] == str(month.month)
    assert [m.month for m in filtered] == [month.month]
    with client.download_statement(f"{month.year}-{month.month:02d}") as pdf:
        assert pdf.headers.content_type == "application/pdf"
        body = b"".join(pdf.iter_bytes())
    assert body.startswith(b"%PDF-")
    ((call, _),) = observer.of("sensitive_read")  # type: ignore[misc]
    assert call.operation == "download_statement"
    with pytest.raises(ValueError):
        client.list_transactions(month=1)


def test_a_malformed_statement_period_is_refused(client: AgilerClient) -> None:
    with pytest.raises(BadRequest) as caught:
        client.download_statement("January")
    assert caught.value.field == "period"


def test_a_read_only_token_cannot_change_billing(
    make_client: Callable[..., AgilerClient],
) -> None:
    with pytest.raises(PermissionDenied):
        make_client("ak_sandbox_readonly").update_billing(monthly_budget=1)


def test_notifications_and_verifications(
    make_client: Callable[..., AgilerClient], wire: RecordingTransport
) -> None:
    support = make_client("ak_sandbox_support")
    notifications = support.list_notifications()
    assert notifications.items
    first = notifications.items[0]
    support.dismiss_notification(first.id)
    assert (wire.last.method, wire.last.url.path) == (
        "DELETE",
        f"/v1/users/me/notifications/{first.id}",
    )
    assert first.id not in {n.id for n in support.paginate(support.list_notifications)}
    verifications = make_client().list_verifications()
    assert all(v.channel and v.target for v in verifications)


def test_workspaces_members_and_billing_transfer(
    client: AgilerClient, wire: RecordingTransport
) -> None:
    workspaces = client.list_workspaces()
    assert all(isinstance(w, WorkspaceOutput) for w in workspaces)
    assert client.get_workspace(workspaces.items[0].id) == workspaces.items[0]
    members = client.list_workspace_members(workspaces.items[0].id)
    assert all(isinstance(m, WorkspaceMemberOutput) for m in members)
    assert any(
        m.status == "pending" for ws in workspaces for m in client.list_workspace_members(ws.id)
    )
    transfers = []
    for ws in workspaces:
        try:
            transfers.append(client.get_billing_transfer(ws.id))
        except NotFound:
            continue
    assert len(transfers) == 1
    assert wire.requests[-1].url.path.endswith("/billing-transfer")

    created = client.create_workspace(name="Side project")
    assert sent_json(wire.last) == {"name": "Side project"}
    assert created.role == "owner"
