"""Who may do what: the portal's role × action matrix, in one table.

Views declare the action they perform with ``@requires("backups.restore")`` (see
``portal.accounts.access``); templates ask the same table with ``{% if request.user|can:"…" %}``.
This is the first gate. Agiler's own token scopes are the second (a token without
``projects.backups:write`` cannot restore, whatever the portal role).

To add a feature: add its actions here, decorate its views, extend the URL matrix test.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    OPERATOR = "operator", "Operator"
    FINANCE = "finance", "Finance"
    SUPPORT = "support", "Support"


A, O, F, S = Role.ADMIN, Role.OPERATOR, Role.FINANCE, Role.SUPPORT  # noqa: E741

#: action → roles allowed. Anything not listed is denied to everyone.
MATRIX: dict[str, frozenset[Role]] = {
    # Projects and their areas (domains, rules, variables, files, logs).
    "projects.read": frozenset({A, O, S}),
    "projects.write": frozenset({A, O}),
    # SQL console: support and finance have no SQL at all; writes are a separate action.
    "sql.execute": frozenset({A, O}),
    "sql.write": frozenset({A, O}),
    "variables.read_values": frozenset({A, O}),
    "usage.read": frozenset({A, O, F, S}),
    # Backups: support may look and take an on-demand backup, never restore, delete or download.
    "backups.read": frozenset({A, O, S}),
    "backups.create": frozenset({A, O, S}),
    "backups.write": frozenset({A, O}),
    "backups.download": frozenset({A, O}),
    "backups.restore": frozenset({A, O}),
    # Billing, statements, payment methods, budgets.
    "billing.read": frozenset({A, F}),
    "billing.write": frozenset({A, F}),
    # Workspaces, members and billing transfers.
    "workspaces.read": frozenset({A, O, F, S}),
    "workspaces.write": frozenset({A}),
    # Audit log: everyone sees their own events; finance also billing events; admin and support all.
    "audit.read_own": frozenset({A, O, F, S}),
    "audit.read_billing": frozenset({A, F, S}),
    "audit.read_all": frozenset({A, S}),
    "audit.export": frozenset({A, O, F, S}),
    # Portal users and roles.
    "users.manage": frozenset({A}),
    # Everyone manages their own Agiler token and password.
    "self.manage": frozenset({A, O, F, S}),
    # The caller's Agiler notifications (the token's notifications scopes are the second gate).
    "notifications.read": frozenset({A, O, F, S}),
    "notifications.dismiss": frozenset({A, O, F, S}),
    # The home page.
    "home.view": frozenset({A, O, F, S}),
}


def role_allows(role: str | None, action: str) -> bool:
    """Return whether ``role`` may perform ``action``; unknown actions are denied."""
    if role is None:
        return False
    allowed = MATRIX.get(action)
    if allowed is None:
        return False
    return role in allowed


def actions_for(role: str) -> frozenset[str]:
    """Every action ``role`` may perform (for navigation and the docs)."""
    return frozenset(action for action, roles in MATRIX.items() if role in roles)
