"""Deterministic account-level demo data: users, workspaces, members, projects, billing.

Everything is drawn from ``random.Random(seed)`` so a given seed always produces the same ids and
values; per-project data is generated lazily by :mod:`portal.sandbox.seed_project`.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from .http import rfc3339
from .scopes import OWNER, SUPPORT
from .seed_project import generate_project_data
from .state import Project, State, User, UserData

REGIONS = [
    ("eu-central-1", "Frankfurt, Germany"),
    ("eu-west-1", "Dublin, Ireland"),
    ("us-east-1", "Ashburn, Virginia, USA"),
    ("us-west-2", "Portland, Oregon, USA"),
    ("ap-southeast-1", "Singapore"),
]
RUNTIMES = [
    ("php-8.1", "PHP 8.1 (security fixes only; deprecated)", True),
    ("php-8.2", "PHP 8.2", False),
    ("php-8.3", "PHP 8.3 (recommended)", False),
    ("php-8.4", "PHP 8.4", False),
]
WORKSPACES = [
    ("Acme Marketing", True, "acme"),
    ("Globex Shop", False, "globex"),
    ("Initech Labs", False, "initech"),
]
SITE_WORDS = ["blog", "shop", "docs", "careers", "events", "news", "press", "support", "wiki"]


def uid(rng: random.Random) -> str:
    """A UUID drawn from the seeded RNG."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def populate(state: State) -> None:
    """Fill ``state`` with the demo account for ``state.settings.seed``/``scale``."""
    rng = random.Random(state.settings.seed)
    state.set_data_factory(generate_project_data)
    _catalogs(state)
    owner = User(OWNER, uid(rng), "Ada Lovelace", "ada@example.com", state.ago(days=900))
    support = User(SUPPORT, uid(rng), "Sam Carter", "sam.support@example.com", state.ago(days=400))
    state.users = {OWNER: owner, SUPPORT: support}
    ws_ids = [_workspace(state, rng, i, spec) for i, spec in enumerate(WORKSPACES)]
    _projects(state, rng, ws_ids)
    large = state.settings.scale == "large"
    state.user_data[OWNER] = _user_data(state, rng, owner, months=200 if large else 18, rich=True)
    state.user_data[SUPPORT] = _user_data(state, rng, support, months=3, rich=False)


def _catalogs(state: State) -> None:
    created = rfc3339(state.ago(days=1200))
    state.regions = [
        {"id": rid, "description": desc, "created_at": created, "updated_at": created}
        for rid, desc in REGIONS
    ]
    state.runtimes = []
    for i, (rid, desc, deprecated) in enumerate(RUNTIMES):
        stamp = rfc3339(state.ago(days=1000 - i * 200))
        item: dict[str, Any] = {
            "id": rid,
            "description": desc,
            "created_at": stamp,
            "updated_at": stamp,
        }
        if deprecated:
            item["deprecated_at"] = rfc3339(state.ago(days=120))
            item["updated_at"] = item["deprecated_at"]
        state.runtimes.append(item)


def _member(
    state: State,
    rng: random.Random,
    *,
    email: str,
    role: str,
    name: str | None = None,
    user: User | None = None,
    pending_expires: datetime | None = None,
    mfa: bool | None = None,
    billing: bool = False,
) -> dict[str, Any]:
    created = state.ago(days=rng.randint(20, 300))
    member: dict[str, Any] = {
        "email": email,
        "role": role,
        "status": "pending" if pending_expires else "active",
        "is_billing_user": billing,
        "created_at": rfc3339(created),
        "updated_at": rfc3339(created + timedelta(days=rng.randint(0, 10))),
    }
    if name:
        member["name"] = name
    if pending_expires is not None:
        member["invite_id"] = uid(rng)
        member["expires_at"] = rfc3339(pending_expires)
    else:
        member["user_id"] = user.id if user else uid(rng)
        member["mfa_enabled"] = bool(mfa)
    return member


def _workspace(state: State, rng: random.Random, index: int, spec: tuple[str, bool, str]) -> str:
    name, require_mfa, slug = spec
    owner, support = state.users[OWNER], state.users[SUPPORT]
    ws_id = uid(rng)
    created = state.ago(days=700 - index * 150)
    state.workspaces[ws_id] = {
        "id": ws_id,
        "name": name,
        "require_mfa": require_mfa,
        "billing_user_id": owner.id,
        "created_at": rfc3339(created),
        "updated_at": rfc3339(created + timedelta(days=30)),
    }
    support_role = ["developer", "viewer", "admin"][index % 3]
    members = [
        _member(
            state,
            rng,
            email=owner.email,
            name=owner.name,
            role="owner",
            user=owner,
            mfa=True,
            billing=True,
        ),
        _member(
            state,
            rng,
            email=support.email,
            name=support.name,
            role=support_role,
            user=support,
            mfa=index != 1,
        ),
        _member(
            state, rng, email=f"lin.admin@{slug}.example", name="Lin Admin", role="admin", mfa=True
        ),
        _member(
            state,
            rng,
            email=f"dev@{slug}.example",
            name="Dario Developer",
            role="developer",
            mfa=index == 0,
        ),
        _member(
            state, rng, email=f"viewer@{slug}.example", name="Vera Viewer", role="viewer", mfa=False
        ),
        _member(
            state,
            rng,
            email=f"new.hire@{slug}.example",
            role="developer",
            pending_expires=state.anchor + timedelta(hours=20 + index),
        ),
        _member(
            state,
            rng,
            email=f"contractor@{slug}.example",
            role="viewer",
            pending_expires=state.anchor + timedelta(days=5),
        ),
        _member(
            state,
            rng,
            email=f"late.invite@{slug}.example",
            name="Late Invite",
            role="developer",
            pending_expires=state.anchor - timedelta(days=2),
        ),
    ]
    state.members[ws_id] = members
    if index == 1:
        transfer_created = state.ago(days=3)
        state.transfers[ws_id] = {
            "id": uid(rng),
            "workspace_id": ws_id,
            "requested_by_user_id": owner.id,
            "requested_by_email": owner.email,
            "requested_by_name": owner.name,
            "target_user_id": uid(rng),
            "target_email": "grace@globex.example",
            "target_name": "Grace Hopper",
            "created_at": rfc3339(transfer_created),
            "updated_at": rfc3339(transfer_created),
        }
    return ws_id


def _projects(state: State, rng: random.Random, ws_ids: list[str]) -> None:
    large = state.settings.scale == "large"
    count = 10_000 if large else 25
    slugs = [spec[2] for spec in WORKSPACES]
    for i in range(count):
        ws_index = i % len(ws_ids)
        if large:
            name = f"site-{i:05d}"
        else:
            name = f"{slugs[ws_index]}-{SITE_WORDS[(i // 3) % len(SITE_WORDS)]}"
            if i >= 3 * len(SITE_WORDS):
                name += f"-{i}"
        region = REGIONS[rng.randrange(len(REGIONS))][0] if i > 2 else REGIONS[i][0]
        runtime = RUNTIMES[[0, 1, 2, 2, 3][rng.randrange(5)]][0]
        created = state.ago(days=800 - (i * 700) // count, hours=rng.randint(0, 23))
        active = i % 7 != 4
        project = Project(
            id=uid(rng),
            name=name,
            region=region,
            runtime=runtime,
            workspace_id=ws_ids[ws_index],
            active=active,
            status="running" if active else "stopped",
            created_at=created,
            updated_at=created + timedelta(days=rng.randint(0, 60)),
            index=i,
        )
        state.add_project(project)


def _user_data(
    state: State, rng: random.Random, user: User, *, months: int, rich: bool
) -> UserData:
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
