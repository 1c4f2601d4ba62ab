"""The home page's cards: per role, what that person needs first.

operator: projects and recent backups; finance: this month's balance and the latest statement;
support: workspaces and notifications; admin: a bit of each plus recent audit events.

Each card is loaded on its own: an Agiler failure (or a token without the card's scope) becomes
a message inside that card, never an error page. Independent calls run concurrently, so the
cards cost one upstream round trip; recent backups need the project list first (two round trips)
and are deferred to a request of their own (``load_cards(defer="backups")``, then
``only="backups"``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal.agiler import AgilerClient, AgilerError
from portal.agiler.types import ProjectBackupEntry
from portal.core.agiler_errors import describe
from portal.lib.parallel import run_concurrently
from portal.tokens.scopes import scope_gate

#: card → (portal action, Agiler scope it reads with); the first gate and the second.
CARD_GATES: dict[str, tuple[str, str]] = {
    "projects": ("projects.read", "projects:read"),
    "backups": ("backups.read", "projects.backups:read"),
    "billing": ("billing.read", "billing:read"),
    "workspaces": ("workspaces.read", ""),
    "notifications": ("notifications.read", "notifications:read"),
    "audit": ("audit.read_own", ""),
}
ROLE_CARDS: dict[str, tuple[str, ...]] = {
    "operator": ("projects", "backups"),
    "finance": ("billing",),
    "support": ("workspaces", "notifications"),
    "admin": ("projects", "backups", "billing", "workspaces", "notifications", "audit"),
}
#: Agiler-backed cards (the audit card is the portal's own log, readable without a token).
UPSTREAM_CARDS = frozenset(CARD_GATES) - {"audit"}

PROJECTS_SHOWN = 6
BACKUP_PROJECTS = 4  # recent backups are gathered from this many projects
BACKUPS_SHOWN = 6
WORKSPACES_SHOWN = 6
NOTIFICATIONS_SHOWN = 5
EVENTS_SHOWN = 6


@dataclass
class Card:
    """One card: its data once loaded, or the sentence explaining why it could not be."""

    key: str
    data: Any = None
    error: str = ""
    #: the Agiler scope the token lacks, shown as secondary text beside ``error``
    scope: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: not loaded here: the card fetches itself in a request of its own
    deferred: bool = False


def url_or_empty(name: str, *args: str) -> str:
    """The URL of a page if that page exists yet (areas land independently), else ""."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def cards_for(user: Any) -> list[str]:
    """The cards ``user``'s role gets, minus any the role matrix would refuse."""
    wanted = ROLE_CARDS.get(getattr(user, "role", ""), ())
    return [key for key in wanted if user.can(CARD_GATES[key][0])]


def _guard(call: Callable[[], Any]) -> Callable[[], tuple[Any, str]]:
    """Wrap a loader so an Agiler failure is that card's message, not the page's."""

    def guarded() -> tuple[Any, str]:
        try:
            return call(), ""
        except AgilerError as error:
            _, title, message = describe(error)
            return None, f"{title}. {message}"

    return guarded


def _billing(client: AgilerClient) -> dict[str, Any]:
    from portal.billing.ledger import month_view, spend_in

    months = [month_view(m) for m in client.list_transactions(limit=2)]
    now = timezone.now()
    this_month = next((m for m in months if (m.year, m.month) == (now.year, now.month)), None)
    # The latest statement is the last month that has ended; fall back to the current one.
    closed = [m for m in months if (m.year, m.month) < (now.year, now.month)]
    latest = closed[0] if closed else this_month
    return {
        "month_label": f"{now:%B %Y}",
        "balance": months[0].balance if months else None,
        "spent": spend_in(months, year=now.year, month=now.month),
        "statement": latest,
        "statement_url": url_or_empty("billing:statement_download", latest.period)
        if latest
        else "",
    }


def _loaders(client: AgilerClient, keys: list[str]) -> dict[str, Callable[[], Any]]:
    loaders: dict[str, Callable[[], Any]] = {
        "projects": lambda: client.list_projects(limit=PROJECTS_SHOWN).items,
        "billing": lambda: _billing(client),
        "workspaces": lambda: client.list_workspaces(limit=WORKSPACES_SHOWN).items,
        "notifications": lambda: client.list_notifications(limit=NOTIFICATIONS_SHOWN).items,
    }
    # Recent backups start from the project list, so "backups" needs "projects" loaded too.
    wanted = set(keys) | ({"projects"} if "backups" in keys else set())
    return {key: _guard(call) for key, call in loaders.items() if key in wanted}


def _latest_backups(client: AgilerClient, project_id: str) -> Sequence[ProjectBackupEntry]:
    return client.list_backups(project_id, limit=3).items


def _recent_backups(client: AgilerClient, projects: list[Any]) -> tuple[list[dict[str, Any]], str]:
    """The newest backups across the first few projects, fetched concurrently."""
    chosen = projects[:BACKUP_PROJECTS]
    found = run_concurrently({p.id: _guard(partial(_latest_backups, client, p.id)) for p in chosen})
    rows: list[dict[str, Any]] = []
    errors = []
    for project in chosen:
        items, error = found[project.id]
        if error:
            errors.append(error)
            continue
        rows.extend(
            {
                "backup": b,
                "project": project,
                "url": url_or_empty("backups:detail", project.id, b.id),
            }
            for b in items
        )
    rows.sort(key=lambda row: row["backup"].created_at, reverse=True)
    # One failing project does not hide the others' backups; all failing is the card's error.
    return rows[:BACKUPS_SHOWN], errors[0] if errors and not rows else ""


def load_cards(
    user: Any, client: AgilerClient | None, *, defer: str = "", only: str = ""
) -> dict[str, Card]:
    """Every card of ``user``'s role, loaded; ``client`` is None when they have no token.

    ``defer`` names a card left unloaded (``deferred``: it loads itself later); ``only`` loads
    that one card alone.
    """
    keys = cards_for(user)
    if client is None:  # nothing to ask Agiler: the page asks for a token instead
        keys = [key for key in keys if key not in UPSTREAM_CARDS]
    if only:
        keys = [key for key in keys if key == only]
    cards = {key: Card(key, deferred=key == defer) for key in keys}
    upstream = [key for key in keys if key in UPSTREAM_CARDS and key != defer]
    if client is not None and upstream:
        allowed = []
        for key in upstream:
            gate = scope_gate(user, CARD_GATES[key][1]) if CARD_GATES[key][1] else None
            if gate is not None and not gate.allowed:
                cards[key].error, cards[key].scope = gate.reason, gate.scope
            else:
                allowed.append(key)
        results = run_concurrently(_loaders(client, allowed)) if allowed else {}
        for key, (data, error) in results.items():
            if key in cards:
                cards[key].data, cards[key].error = data, error
        if "backups" in allowed:
            projects, error = results.get("projects", (None, ""))
            if error:
                cards["backups"].error = error
            else:
                cards["backups"].data, cards["backups"].error = _recent_backups(
                    client, projects or []
                )
    if "audit" in cards:
        from portal.audit.queries import visible_events

        cards["audit"].data = list(visible_events(user).order_by("-id")[:EVENTS_SHOWN])
    return cards
