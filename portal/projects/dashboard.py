"""The project home's cards: what an operator (or support) wants to see first about a site.

Site (primary domain and status), backups (the last one and the next automatic one), traffic
(7-day sparkline with the 5xx share), recent errors (the last 24 hours of logs) and counts of
domains, rules and variables. Every upstream call the page needs is independent of the others,
so they all run at once (``run_concurrently``): the page costs about one round trip. Each card
is loaded on its own: an Agiler failure, or a token without the card's scope, becomes a message
in that card; only the project itself failing makes the page an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal.agiler import AgilerClient, AgilerError
from portal.core.agiler_errors import describe
from portal.lib.pager import with_query
from portal.lib.parallel import run_concurrently
from portal.tokens.scopes import scope_gate

#: card → (portal action, Agiler scope); a card the role may not see is left out, one the token
#: cannot read explains which scope is missing.
CARD_GATES: dict[str, tuple[str, str]] = {
    "site": ("projects.read", "projects.domains:read"),
    "backups": ("backups.read", "projects.backups:read"),
    "traffic": ("usage.read", "projects.usage:read"),
    "errors": ("projects.read", "projects.logs:read"),
    "counts": ("projects.read", ""),
}
#: the counts card's rows: (key, label, URL name, scope)
COUNTS = (
    ("domains", "Domains", "domains:list", "projects.domains:read"),
    ("rules", "Edge rules", "rules:list", "projects.rules:read"),
    ("variables", "Environment variables", "variables:list", "projects.variables:read"),
)
COUNT_LIMIT = 200
ERRORS_SHOWN = 5
#: how many of the last 24 hours' entries are looked through for errors (one upstream page)
ERROR_SCAN = 1000
SPARK_DAYS = 7


@dataclass
class Card:
    key: str
    data: Any = None
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def area_url(name: str, project: str, query: QueryDict | None = None) -> str:
    """The URL of a project area's page, or "" while that area is not built (domains and
    variables land from another branch: the link appears as soon as their URLs exist)."""
    try:
        url = reverse(name, kwargs={"project": project})
    except NoReverseMatch:
        return ""
    return with_query(url, query) if query is not None else url


def guard(call: Callable[[], Any]) -> Callable[[], tuple[Any, str]]:
    def guarded() -> tuple[Any, str]:
        try:
            return call(), ""
        except AgilerError as error:
            _, title, message = describe(error)
            return None, f"{title}. {message}"

    return guarded


def _count(page: Any) -> str:
    return f"{len(page.items)}+" if page.next_cursor else str(len(page.items))


def _next_backup(backups: list[Any], frequency_days: int, now: datetime) -> dict[str, Any]:
    """When the next automatic backup is due, in words (Agiler does not say; estimated)."""
    if frequency_days <= 0:
        return {"off": True}
    automatic = [b for b in backups if b.automatic]
    if not automatic:
        return {"when": None, "text": "with the next scheduled run"}
    due = automatic[0].created_at + timedelta(days=frequency_days)
    if due <= now:
        return {"when": due, "text": "due now"}
    return {"when": due}


def _refused(reason: str) -> tuple[None, str]:
    """A card the token's scopes keep empty: no data, the reason instead."""
    return None, reason


def loaders(
    client: AgilerClient, user: Any, project: str, now: datetime
) -> dict[str, Callable[[], Any]]:
    """Every independent call of the page, each guarded (one failing fails only its card)."""
    since_day = (now - timedelta(days=SPARK_DAYS - 1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    calls: dict[str, Callable[[], Any]] = {
        "domains": lambda: client.list_domains(project, limit=50),
        "backups": lambda: client.list_backups(project, limit=10),
        "policy": lambda: client.get_backup_policy(project),
        "usage": lambda: client.get_usage(
            project, since=since_day, until=now, granularity="day", limit=SPARK_DAYS
        ),
        "logs": lambda: client.list_logs(
            project, since=now - timedelta(hours=24), limit=ERROR_SCAN
        ),
        "rules": lambda: client.list_rules(project, limit=COUNT_LIMIT),
        "variables": lambda: client.list_variables(project, limit=COUNT_LIMIT),
    }
    scope_of = {
        "domains": "projects.domains:read",
        "backups": "projects.backups:read",
        "policy": "projects.backups:read",
        "usage": "projects.usage:read",
        "logs": "projects.logs:read",
        "rules": "projects.rules:read",
        "variables": "projects.variables:read",
    }
    wanted = {
        "domains": user.can("projects.read"),
        "backups": user.can("backups.read"),
        "policy": user.can("backups.read"),
        "usage": user.can("usage.read"),
        "logs": user.can("projects.read"),
        "rules": user.can("projects.read"),
        "variables": user.can("projects.read"),
    }
    out: dict[str, Callable[[], Any]] = {}
    for key, call in calls.items():
        if not wanted[key]:
            continue
        gate = scope_gate(user, scope_of[key])
        if not gate.allowed:
            reason = gate.reason
            out[key] = partial(_refused, reason)
        else:
            out[key] = guard(call)
    return out


def build_cards(
    user: Any, project: Any, found: dict[str, tuple[Any, str]], now: datetime, tz: Any = None
) -> dict[str, Card]:
    """The cards from the calls' results (``found``: name → (data, error))."""
    from portal.logs.search import LogSearch, looks_like_error
    from portal.usage import charts
    from portal.usage.series import percent_text, share

    cards: dict[str, Card] = {}
    pid = project.id

    domains, domains_error = found.get("domains", (None, ""))
    primary = next((d for d in domains.items if d.primary), None) if domains else None
    if primary is not None:
        # As the domains pages show it: Unicode for an IDN, and the site's URL.
        from portal.domains.services import present

        primary = present(primary)
    cards["site"] = Card(
        "site",
        data={"primary": primary, "domains": domains},
        error=domains_error,
        extra={"domains_url": area_url("domains:list", pid)},
    )

    if "backups" in found:
        backups, error = found["backups"]
        policy, policy_error = found.get("policy", (None, ""))
        card = Card("backups", error=error, extra={"url": area_url("backups:list", pid)})
        if backups is not None:
            items = list(backups.items)
            card.data = {
                "last": items[0] if items else None,
                "policy": policy,
                "policy_error": policy_error,
                "next": _next_backup(items, policy.frequency_days, now) if policy else None,
            }
        cards["backups"] = card

    if "usage" in found:
        usage, error = found["usage"]
        card = Card("traffic", error=error)
        card.extra["url"] = area_url("usage:project", pid, QueryDict("window=7d&granularity=day"))
        if usage is not None:
            items = list(usage.items)
            totals = usage.totals
            card.data = {
                "spark": charts.sparkline([(i.requests_total, i.responses_5xx) for i in items]),
                "days": [
                    {
                        "label": f"{i.events_at:%a %d %b}",
                        "requests": f"{i.requests_total:,}",
                        "errors": f"{i.responses_5xx:,}",
                    }
                    for i in items
                ],
                "requests": f"{totals.requests_total:,}",
                "share": percent_text(share(totals.responses_5xx, totals.requests_total)),
                "errors": f"{totals.responses_5xx:,}",
                "bad": share(totals.responses_5xx, totals.requests_total) >= 1.0,
            }
        cards["traffic"] = card

    if "logs" in found:
        logs, error = found["logs"]
        search = LogSearch(window="24h", tz=getattr(tz, "key", "") or "", now=now)
        card = Card("errors", error=error)
        errors_query = search.params()
        errors_query["priority"] = "error"
        card.extra["url"] = area_url("logs:list", pid, errors_query)
        if logs is not None:
            entries = [e for e in logs.items if looks_like_error(e)]
            card.data = [
                {
                    "entry": e,
                    "url": area_url(
                        "logs:list", pid, search.for_request(e.request_id, e.timestamp).params()
                    ),
                }
                for e in entries[:ERRORS_SHOWN]
            ]
            card.extra["total"] = len(entries)
            card.extra["scanned_all"] = logs.next_cursor is None
        cards["errors"] = card

    rows = []
    for key, label, url_name, _scope in COUNTS:
        page, error = found.get(key, (None, ""))
        rows.append(
            {
                "key": key,
                "label": label,
                "count": _count(page) if page is not None else "",
                "error": error,
                "url": area_url(url_name, pid),
            }
        )
    cards["counts"] = Card("counts", data=rows)
    return {key: card for key, card in cards.items() if user.can(CARD_GATES[key][0])}


def load(
    client: AgilerClient, user: Any, project: str, extra: dict[str, Callable[[], Any]]
) -> dict[str, Any]:
    """The project, ``extra`` calls and every card's calls, all at once: one round trip."""
    now = timezone.now()
    calls = {**extra, "project": lambda: client.get_project(project)}
    card_calls = loaders(client, user, project, now)
    results = run_concurrently({**calls, **{f"card:{k}": v for k, v in card_calls.items()}})
    found = {k[5:]: v for k, v in results.items() if k.startswith("card:")}
    out = {k: v for k, v in results.items() if not k.startswith("card:")}
    out["cards"] = build_cards(user, results["project"], found, now)
    return out
