"""Every URL in the URLconf with the answer each role gets: the spec of who may open what.

A URL missing here fails ``tests/core/test_access_matrix.py`` (deny by default: a new page must
be added here with its rule). Each feature adds its rows.

Per entry: the URL name, its kwargs, the roles that may open it (``PUBLIC`` for no login), and
the status an allowed role gets on GET (405 for POST-only views). Kwargs written ``"{project}"``
(also ``{workspace}``, ``{backup}``, ``{rule}``, ``{domain}``, ``{variable}``) are replaced by
real ids from the seeded sandbox; every role carries its demo user's sandbox token, so allowed
roles reach real pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

PUBLIC = "public"
BILLING = frozenset({"admin", "finance"})
#: a statement period that exists in the seeded sandbox (its data is anchored to now, UTC)
THIS_MONTH = datetime.now(UTC).strftime("%Y-%m")
ALL_ROLES = frozenset({"admin", "operator", "finance", "support"})
BACKUPS_READ = frozenset({"admin", "operator", "support"})
BACKUPS_WRITE = frozenset({"admin", "operator"})


@dataclass(frozen=True)
class UrlRule:
    name: str
    allowed: frozenset[str] | str
    kwargs: dict[str, str] = field(default_factory=dict)
    ok_status: int = 200
    #: the id of the region an htmx GET answers with (checked when given)
    fragment: str = ""


URL_RULES: list[UrlRule] = [
    UrlRule("core:home", ALL_ROLES),
    UrlRule("core:healthz", PUBLIC),
    UrlRule("core:readyz", PUBLIC),
    UrlRule("accounts:login", PUBLIC),
    UrlRule("accounts:logout", PUBLIC, ok_status=405),
    UrlRule("accounts:password_change", ALL_ROLES),
    UrlRule("accounts:login_verify", PUBLIC, ok_status=302),  # no sign-in half-way: back to login
    UrlRule("accounts:token", ALL_ROLES),
    UrlRule("accounts:token_remove", ALL_ROLES, ok_status=405),
    UrlRule("accounts:mfa", ALL_ROLES),
    UrlRule("accounts:users", frozenset({"admin"})),
    UrlRule("accounts:user_create", frozenset({"admin"})),
    UrlRule("accounts:security_policy", frozenset({"admin"}), ok_status=405),
    UrlRule("accounts:user_detail", frozenset({"admin"}), kwargs={"username": "otto"}),
    UrlRule("accounts:user_role", frozenset({"admin"}), kwargs={"username": "otto"}, ok_status=405),
    UrlRule(
        "accounts:user_active", frozenset({"admin"}), kwargs={"username": "otto"}, ok_status=405
    ),
    UrlRule(
        "accounts:user_mfa_reset",
        frozenset({"admin"}),
        kwargs={"username": "otto"},
        ok_status=405,
    ),
    UrlRule("audit:list", ALL_ROLES),
    UrlRule("audit:detail", ALL_ROLES, kwargs={"event_id": "999999999"}, ok_status=404),
    UrlRule("audit:export", ALL_ROLES, kwargs={"fmt": "csv"}),
    # Agiler-backed pages: every role carries its demo user's sandbox token and the sandbox
    # answers in-process; "{workspace}", "{project}", "{backup}", "{rule}" stand for real ids.
    UrlRule("workspaces:list", ALL_ROLES),
    UrlRule("workspaces:create", frozenset({"admin"})),
    UrlRule("workspaces:detail", ALL_ROLES, kwargs={"workspace": "{workspace}"}),
    UrlRule("workspaces:members_export", ALL_ROLES, kwargs={"workspace": "{workspace}"}),
    UrlRule(
        "projects:list", frozenset({"admin", "operator", "support"}), fragment="projects-table"
    ),
    UrlRule(
        "projects:detail",
        frozenset({"admin", "operator", "support"}),
        kwargs={"project": "{project}"},
    ),
    UrlRule("projects:create", frozenset({"admin", "operator"})),
    UrlRule("projects:settings", frozenset({"admin", "operator"}), kwargs={"project": "{project}"}),
    UrlRule(
        "projects:active",
        frozenset({"admin", "operator"}),
        kwargs={"project": "{project}"},
        ok_status=405,
    ),
    UrlRule("projects:delete", frozenset({"admin", "operator"}), kwargs={"project": "{project}"}),
    # Backups: support may look (and take a backup: POST only); downloads, policy, delete and
    # restore are admin and operator; finance nothing.
    UrlRule(
        "backups:list", BACKUPS_READ, kwargs={"project": "{project}"}, fragment="backups-table"
    ),
    UrlRule("backups:create", BACKUPS_READ, kwargs={"project": "{project}"}, ok_status=405),
    UrlRule("backups:policy", BACKUPS_WRITE, kwargs={"project": "{project}"}),
    UrlRule("backups:restores", BACKUPS_READ, kwargs={"project": "{project}"}),
    UrlRule("backups:detail", BACKUPS_READ, kwargs={"project": "{project}", "backup": "{backup}"}),
    UrlRule(
        "backups:download_database",
        BACKUPS_WRITE,
        kwargs={"project": "{project}", "backup": "{backup}"},
    ),
    UrlRule(
        "backups:download_storage",
        BACKUPS_WRITE,
        kwargs={"project": "{project}", "backup": "{backup}"},
    ),
    UrlRule("backups:delete", BACKUPS_WRITE, kwargs={"project": "{project}", "backup": "{backup}"}),
    UrlRule(
        "backups:restore", BACKUPS_WRITE, kwargs={"project": "{project}", "backup": "{backup}"}
    ),
    # Rules: admin and operator write; support reads (the builder opens read-only) and may use
    # "Try it"; finance nothing. The builder's fragments and the writes are POST-only.
    UrlRule("rules:list", BACKUPS_READ, kwargs={"project": "{project}"}),
    UrlRule("rules:new", BACKUPS_WRITE, kwargs={"project": "{project}"}),
    UrlRule("rules:reorder", BACKUPS_WRITE, kwargs={"project": "{project}"}, ok_status=405),
    UrlRule("rules:row", BACKUPS_WRITE, kwargs={"project": "{project}"}, ok_status=405),
    UrlRule("rules:preview", BACKUPS_WRITE, kwargs={"project": "{project}"}, ok_status=405),
    UrlRule("rules:try", BACKUPS_READ, kwargs={"project": "{project}"}, ok_status=405),
    UrlRule("rules:edit", BACKUPS_READ, kwargs={"project": "{project}", "rule": "{rule}"}),
    UrlRule(
        "rules:save",
        BACKUPS_WRITE,
        kwargs={"project": "{project}", "rule": "{rule}"},
        ok_status=405,
    ),
    UrlRule(
        "rules:active",
        BACKUPS_WRITE,
        kwargs={"project": "{project}", "rule": "{rule}"},
        ok_status=405,
    ),
    UrlRule("rules:delete", BACKUPS_WRITE, kwargs={"project": "{project}", "rule": "{rule}"}),
    # Domains and variables: admin and operator write; support reads (names only for
    # variables); finance nothing. "{domain}" and "{variable}" are seeded ids.
    UrlRule(
        "domains:list", BACKUPS_READ, kwargs={"project": "{project}"}, fragment="domains-table"
    ),
    UrlRule("domains:add", BACKUPS_WRITE, kwargs={"project": "{project}"}, fragment="domain-form"),
    UrlRule(
        "domains:primary",
        BACKUPS_WRITE,
        kwargs={"project": "{project}", "domain": "{domain}"},
        fragment="domain-dialog",
    ),
    UrlRule(
        "domains:remove",
        BACKUPS_WRITE,
        kwargs={"project": "{project}", "domain": "{domain}"},
        fragment="domain-dialog",
    ),
    UrlRule(
        "variables:list",
        BACKUPS_READ,
        kwargs={"project": "{project}"},
        fragment="variables-table",
    ),
    UrlRule(
        "variables:add", BACKUPS_WRITE, kwargs={"project": "{project}"}, fragment="variable-form"
    ),
    UrlRule(
        "variables:paste", BACKUPS_WRITE, kwargs={"project": "{project}"}, fragment="paste-flow"
    ),
    UrlRule(
        "variables:edit",
        BACKUPS_WRITE,
        kwargs={"project": "{project}", "variable": "{variable}"},
        fragment="variable-form",
    ),
    UrlRule(
        "variables:remove",
        BACKUPS_WRITE,
        kwargs={"project": "{project}", "variable": "{variable}"},
        fragment="variable-dialog",
    ),
    # Notifications: everyone (their token's notifications scopes decide the rest).
    UrlRule("notifications:list", ALL_ROLES, fragment="notifications-list"),
    UrlRule("notifications:indicator", ALL_ROLES),
    UrlRule("notifications:dismiss", ALL_ROLES, kwargs={"notification": "ntf_0"}, ok_status=405),
    # Billing: finance and admin only. The statement is this month's (the sandbox seeds it).
    UrlRule("billing:overview", BILLING),
    UrlRule("billing:transactions", BILLING),
    UrlRule("billing:transactions_export", BILLING),
    UrlRule("billing:statements", BILLING),
    UrlRule("billing:statement_download", BILLING, kwargs={"period": THIS_MONTH}),
    UrlRule("billing:budget", BILLING),
    UrlRule("billing:payment_methods", BILLING),
]
