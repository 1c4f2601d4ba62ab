"""Deterministic account-level demo data: users, workspaces, members, projects, billing.

Everything is drawn from ``random.Random(seed)`` so a given seed always produces the same ids and
values; per-project data is generated lazily by :mod:`agiler_sandbox.seed_project`.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from .http import rfc3339
from .scopes import OWNER, SUPPORT
from .seed_account import user_data
from .seed_project import generate_project_data
from .state import Project, State, User

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
    state.user_data[OWNER] = user_data(state, rng, owner, months=200 if large else 18, rich=True)
    state.user_data[SUPPORT] = user_data(state, rng, support, months=3, rich=False)


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
