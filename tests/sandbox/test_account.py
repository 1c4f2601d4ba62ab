"""/users/me, billing, statements, payment methods, notifications, verifications, catalogs."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from agiler_sandbox import create_app
from tests.helpers import assert_error, follow_all


def test_me_has_the_self_user_shape(owner) -> None:
    me = owner.get("/users/me").json()
    assert set(me) == {"id", "name", "email", "created_at", "effective_scopes"}


def test_billing_profile_shape_and_cents(owner) -> None:
    billing = owner.get("/users/me/billing").json()
    for key in (
        "account_id",
        "address_city",
        "address_country",
        "address_line1",
        "brand",
        "last4",
        "exp_month",
        "exp_year",
        "name",
        "monthly_budget",
        "budget_alerts",
        "budget_stop",
        "charge_amount",
        "charge_threshold",
    ):
        assert key in billing
    assert billing["budget_alerts"] == [50, 80, 100]
    assert isinstance(billing["monthly_budget"], int)


def test_update_billing_is_204_and_persists(client_for) -> None:
    finance = client_for("finance")
    response = finance.patch(
        "/users/me/billing",
        json={"monthly_budget": 30_000, "budget_alerts": [90, 50], "budget_stop": True},
    )
    assert response.status_code == 204 and response.content == b""
    billing = finance.get("/users/me/billing").json()
    assert (billing["monthly_budget"], billing["budget_alerts"], billing["budget_stop"]) == (
        30_000,
        [50, 90],
        True,
    )


def test_update_billing_validation_and_scope(client_for) -> None:
    finance = client_for("finance")
    assert_error(
        finance.patch("/users/me/billing", json={"monthly_budget": -1}), 400, field="monthly_budget"
    )
    assert_error(
        finance.patch("/users/me/billing", json={"budget_alerts": [50, "x"]}),
        400,
        field="budget_alerts",
    )
    for alerts in ([0], [101], [50, 50]):
        assert_error(
            finance.patch("/users/me/billing", json={"budget_alerts": alerts}),
            400,
            field="budget_alerts",
        )
    assert_error(
        finance.patch("/users/me/billing", json={"budget_stop": "yes"}), 400, field="budget_stop"
    )
    assert_error(client_for("readonly").patch("/users/me/billing", json={}), 403)


def test_support_user_sees_his_own_billing(client_for) -> None:
    support = client_for("support").get("/users/me/billing").json()
    owner = client_for("owner").get("/users/me/billing").json()
    assert support["account_id"] != owner["account_id"]
    assert "force_update" in support


def test_payment_methods_one_default_one_expiring_soon(owner) -> None:
    methods = owner.get("/users/me/billing/payment-methods").json()
    assert len(methods) == 2 and sum(m["is_default"] for m in methods) == 1
    now = datetime.now(UTC)
    soon = [
        m
        for m in methods
        if (m["card"]["exp_year"], m["card"]["exp_month"])
        <= (now.year + (now.month + 1) // 13, (now.month % 12) + 1)
    ]
    assert soon
    assert set(methods[0]["billing_details"]["address"]) == {
        "city",
        "country",
        "line1",
        "line2",
        "postal_code",
        "state",
    }


def test_transactions_grouped_by_month_newest_first(owner) -> None:
    months, pages = follow_all(owner, "/users/me/billing/transactions")
    assert len(months) == 18 and pages == 2
    assert (months[0]["year"], months[0]["month"]) > (months[-1]["year"], months[-1]["month"])
    amounts = [t["amount"] for m in months for t in m["tx"]]
    assert any(a > 0 for a in amounts) and any(a < 0 for a in amounts)
    assert any("expires_at" in t for m in months for t in m["tx"])
    running = 0
    for month in reversed(months):
        running += sum(t["amount"] for t in month["tx"])
        assert month["balance"] == running


def test_transactions_filters(owner) -> None:
    latest = owner.get("/users/me/billing/transactions").json()[0]
    only = owner.get(
        "/users/me/billing/transactions", params={"year": latest["year"], "month": latest["month"]}
    ).json()
    assert [(m["year"], m["month"]) for m in only] == [(latest["year"], latest["month"])]
    assert_error(
        owner.get("/users/me/billing/transactions", params={"month": 3}), 400, field="month"
    )
    assert_error(
        owner.get("/users/me/billing/transactions", params={"year": 2024, "month": 13}),
        400,
        field="month",
    )
    assert_error(
        owner.get("/users/me/billing/transactions", params={"year": "24"}), 400, field="year"
    )


def test_statement_is_a_real_pdf(owner) -> None:
    latest = owner.get("/users/me/billing/transactions").json()[1]
    period = f"{latest['year']}-{latest['month']:02d}"
    response = owner.get(f"/users/me/billing/statements/{period}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and response.content.rstrip().endswith(b"%%EOF")
    assert f"statement {period}".encode() in response.content


def test_a_statement_is_the_same_file_on_every_download() -> None:
    """A copy relayed by the portal can be compared with Agiler's byte for byte."""
    app = create_app(seed=1)
    api = httpx.Client(
        transport=httpx.WSGITransport(app=app),
        base_url="http://sandbox.test/v1",
        headers={"Authorization": "Bearer ak_sandbox_owner"},
    )
    latest = api.get("/users/me/billing/transactions").json()[0]
    url = f"/users/me/billing/statements/{latest['year']}-{latest['month']:02d}"
    first = api.get(url).content
    app.inspect.advance_clock(61)
    assert api.get(url).content == first


def test_statement_period_errors(owner) -> None:
    assert_error(owner.get("/users/me/billing/statements/2024-13"), 400, field="period")
    assert_error(owner.get("/users/me/billing/statements/last-month"), 400, field="period")
    error = assert_error(owner.get("/users/me/billing/statements/2099-01"), 404)
    assert error["resource"] == "statement" and error["id"] == "2099-01"


def test_notifications_list_and_dismiss(client_for) -> None:
    owner = client_for("owner")
    items = owner.get("/users/me/notifications").json()
    assert {"critical", "high", "normal", "low"} <= {n["priority"] for n in items}
    assert set(items[0]) == {"id", "name", "title", "description", "priority", "url", "created_at"}
    assert owner.delete(f"/users/me/notifications/{items[-1]['id']}").status_code == 204
    assert_error(owner.delete(f"/users/me/notifications/{items[-1]['id']}"), 404)
    assert_error(client_for("readonly").delete(f"/users/me/notifications/{items[0]['id']}"), 403)


def test_verifications_are_per_user(client_for) -> None:
    owner = client_for("owner").get("/users/me/verify").json()
    support = client_for("support").get("/users/me/verify").json()
    assert owner[0]["channel"] == "sms" and support[0]["channel"] == "email"


def test_regions_and_runtimes(owner) -> None:
    regions = owner.get("/regions").json()
    assert {"eu-central-1", "us-east-1", "ap-southeast-1"} <= {r["id"] for r in regions}
    assert owner.get("/regions/eu-central-1").json()["description"]
    assert_error(owner.get("/regions/mars-1"), 404)
    runtimes = {r["id"]: r for r in owner.get("/runtimes").json()}
    assert "deprecated_at" in runtimes["php-8.1"] and "deprecated_at" not in runtimes["php-8.3"]
    assert owner.get("/runtimes/php-8.4").json()["id"] == "php-8.4"
    assert_error(owner.get("/runtimes/php-5.6"), 404, field=None)
