"""Audit events in words: a sentence for what happened, the outcome for how it ended.

``describe(event)`` → "finance changed the monthly budget from $250.00 to $300.00";
``outcome_words(event)`` → "Done", "Refused by Agiler: …", "Not sure — may have been applied".
Everything else an event holds (ids, HTTP status, keys, hashes) stays in the detail page's
"Technical details" fold. Actions without a sentence of their own fall back to one derived from
their name ("deleted the variable DB_HOST"), so a new area never shows a bare action code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from portal.billing.money import format_money

__all__ = ["action_label", "describe", "outcome_words", "workspace_words"]

_PAST = {
    "create": "created",
    "update": "changed",
    "delete": "deleted",
    "put": "uploaded",
    "download": "downloaded",
    "execute": "ran",
    "cancel": "cancelled",
    "dismiss": "dismissed",
    "restore": "restored",
}
_NOUN = {
    "sql": "SQL statement",
    "sql_statement": "SQL statement",
    "billing_profile": "billing profile",
    "audit_log": "audit log",
}


def _short(object_id: str) -> str:
    """An id shortened for a sentence: its first 8 characters."""
    return object_id[:8]


def workspace_words(event: Any) -> str:
    """The workspace by name; "workspace 1a2b3c4d" when the portal had not seen its name (nobody
    had listed the workspaces before the event was recorded); "" when there is none."""
    name = getattr(event, "workspace_name", "") or ""
    if name:
        return name
    workspace = getattr(event, "workspace_id", "") or ""
    return f"workspace {_short(workspace)}" if workspace else ""


def _target(event: Any) -> str:
    label = event.target_label or ""
    if label and label == event.target_id and len(label) > 20:
        if event.target_type == "workspace":
            return f"workspace {_short(label)}"
        return "an item"  # an id alone: it is in the technical details
    return label or "an item"


def _project(event: Any) -> str:
    return event.project_name or ("a project" if event.project_id else "")


def _in_project(event: Any) -> str:
    project = _project(event)
    return f" in {project}" if project else ""


def _of_project(event: Any) -> str:
    project = _project(event)
    return f" of {project}" if project else ""


def _percentages(values: object) -> str:
    if isinstance(values, list) and values:
        return ", ".join(f"{value} %" for value in values)
    return "none"


def _billing(event: Any, summary: Mapping[str, Any]) -> str:
    before = summary.get("before") if isinstance(summary.get("before"), dict) else {}
    parts = []

    def change(what: str, key: str, show: Callable[[object], str]) -> None:
        if key not in summary:
            return
        new = show(summary[key])
        if key in before and before[key] != summary[key]:
            parts.append(f"changed {what} from {show(before[key])} to {new}")
        elif key in before:
            parts.append(f"kept {what} at {new}")
        else:
            parts.append(f"set {what} to {new}")

    change("the monthly budget", "monthly_budget", format_money)
    change("the budget alerts", "budget_alerts", _percentages)
    if "budget_stop" in summary:
        stop = "on" if summary["budget_stop"] else "off"
        parts.append(f"turned the budget stop {stop}")
    change("the automatic top-up amount", "charge_amount", format_money)
    change("the top-up threshold", "charge_threshold", format_money)
    return " and ".join(parts) or "changed the billing profile"


def _project_update(event: Any, summary: Mapping[str, Any]) -> str:
    if "active" in summary and len([k for k in summary if k not in _META]) == 1:
        verb = "reactivated" if summary["active"] else "deactivated"
        return f"{verb} the project {_target(event)}"
    fields = [k.replace("_", " ") for k in summary if k not in _META and k != "before"]
    detail = f" ({', '.join(fields)})" if fields else ""
    return f"changed the settings of {_target(event)}{detail}"


def _rule_update(event: Any, summary: Mapping[str, Any]) -> str:
    keys = {k for k in summary if k not in _META}
    if keys == {"priority"}:
        return (
            f"moved the rule {_target(event)}{_of_project(event)} to priority {summary['priority']}"
        )
    if keys == {"active"}:
        state = "on" if summary["active"] else "off"
        return f"turned the rule {_target(event)}{_of_project(event)} {state}"
    return f"changed the rule {_target(event)}{_of_project(event)}"


def _rule_reorder(event: Any, summary: Mapping[str, Any]) -> str:
    """One entry for a keyboard move or a drag: "moved the rule X above Y in acme-blog"."""
    rule = _target(event)
    rule = f"the rule {rule}" if rule != "an item" else "the rules"
    if summary.get("above"):
        return f"moved {rule} above {summary['above']}{_in_project(event)}"
    if summary.get("below"):
        return f"moved {rule} below {summary['below']}{_in_project(event)}"
    return f"reordered the rules{_in_project(event)}"


def _policy(event: Any, summary: Mapping[str, Any]) -> str:
    every, keep = summary.get("frequency_days"), summary.get("retention_days")
    if every == 0:
        words = "automatic backups off"
    elif isinstance(every, int):
        words = (
            "automatic backups every day" if every == 1 else f"automatic backups every {every} days"
        )
    else:
        words = "the backup policy"
    if isinstance(keep, int):
        words += f", kept {keep} day{'s' if keep != 1 else ''}"
    return f"set the backup policy{_of_project(event)}: {words}"


def _restore(event: Any, summary: Mapping[str, Any]) -> str:
    drained = " (requests drained first)" if summary.get("drain_requests") else ""
    return f"restored {_project(event) or 'a project'} from {_target(event)}{drained}"


_META = {"operation", "method", "before"}

#: action → how to say it (the actor's name comes first)
SENTENCES: dict[str, Callable[[Any, Mapping[str, Any]], str]] = {
    "auth.login": lambda e, s: "signed in",
    "auth.logout": lambda e, s: "signed out",
    "auth.login_failed": lambda e, s: f"A sign-in as {e.target_label or 'an unknown user'} failed",
    "auth.lockout": lambda e, s: (
        f"{e.target_label or 'An account'} was locked out after repeated failed sign-ins"
    ),
    "mfa.enrolled": lambda e, s: "turned on two-factor sign-in",
    "mfa.reset": lambda e, s: f"reset the two-factor sign-in of {_target(e)}",
    "mfa.policy_changed": lambda e, s: (
        "made two-factor sign-in required for everyone"
        if s.get("require_mfa")
        else "made two-factor sign-in optional"
    ),
    "tokens.saved": lambda e, s: "saved their Agiler token",
    "tokens.replaced": lambda e, s: "replaced their Agiler token",
    "tokens.removed": lambda e, s: "removed their Agiler token",
    "tokens.rejected": lambda e, s: "offered an Agiler token that Agiler refused",
    "users.created": lambda e, s: f"created the portal user {_target(e)}",
    "users.role_changed": lambda e, s: (
        f"changed the role of {_target(e)} from {s.get('from', '?')} to {s.get('to', '?')}"
    ),
    "users.deactivated": lambda e, s: f"deactivated the portal user {_target(e)}",
    "users.reactivated": lambda e, s: f"reactivated the portal user {_target(e)}",
    "billing.transactions_export": lambda e, s: "exported the transactions",
    "billing.update": _billing,
    "billing.download_statement": lambda e, s: f"downloaded the statement for {_target(e)}",
    "workspaces.members_export": lambda e, s: f"exported the members of {_target(e)}",
    "workspaces.create": lambda e, s: f"created the workspace {_target(e)}",
    "audit.export": lambda e, s: "exported the audit log",
    "audit.pruned": lambda e, s: "pruned old audit events",
    "projects.create": lambda e, s: f"created the project {_target(e)}",
    "projects.update": _project_update,
    "projects.delete": lambda e, s: f"deleted the project {_target(e)}",
    "backups.create": lambda e, s: f"took an on-demand backup of {_project(e) or 'a project'}",
    "backups.update_policy": _policy,
    "backups.delete": lambda e, s: f"deleted {_target(e)}{_of_project(e)}",
    "backups.restore": _restore,
    "backups.download_database": lambda e, s: (
        f"downloaded the database of {_target(e)}{_of_project(e)}"
    ),
    "backups.download_storage": lambda e, s: (
        f"downloaded the files of {_target(e)}{_of_project(e)}"
    ),
    "rules.create": lambda e, s: f"created the rule {_target(e)}{_in_project(e)}",
    "rules.update": _rule_update,
    "rules.delete": lambda e, s: f"deleted the rule {_target(e)}{_of_project(e)}",
    "rules.reorder": _rule_reorder,
    "notifications.dismiss": lambda e, s: f"dismissed the notification “{_target(e)}”",
}

#: sentences that name their own subject (no actor in front)
_SUBJECTLESS = {"auth.login_failed", "auth.lockout"}


def _derived(event: Any) -> str:
    area, _, verb = event.action.partition(".")
    noun = _NOUN.get(event.target_type) or (event.target_type or area).replace("_", " ")
    past = _PAST.get(verb.split("_", 1)[0], verb.replace("_", " "))
    target = f" {_target(event)}" if event.target_label or event.target_id else ""
    return f"{past} the {noun}{target}{_in_project(event)}"


def describe(event: Any) -> str:
    """The event as one sentence, actor first."""
    summary = event.summary
    build = SENTENCES.get(event.action)
    text = build(event, summary) if build else _derived(event)
    if event.action in _SUBJECTLESS:
        return text
    return f"{event.actor_username or 'Someone'} {text}"


def outcome_words(event: Any) -> str:
    """How it ended, in words."""
    outcome = event.display_outcome
    if outcome == "success":
        return "Done"
    if outcome == "failure":
        reason = event.error_message or event.error_code.replace("_", " ")
        if event.status and event.status >= 500:
            who = "Failed at Agiler"  # not a refusal: Agiler broke (nothing was applied)
        elif event.status:
            who = "Refused by Agiler"
        else:
            who = "Refused"
        return f"{who}: {reason}" if reason else who
    return "Not sure — may have been applied"


def action_label(action: str) -> str:
    """An action as a person would name it in a filter ("Restore a backup")."""
    return ACTION_LABELS.get(action) or action.replace(".", ": ").replace("_", " ").capitalize()


ACTION_LABELS = {
    "auth.login": "Sign in",
    "auth.logout": "Sign out",
    "auth.login_failed": "Failed sign-in",
    "auth.lockout": "Account locked out",
    "mfa.enrolled": "Two-factor turned on",
    "mfa.reset": "Two-factor reset",
    "mfa.policy_changed": "Two-factor policy changed",
    "tokens.saved": "Agiler token saved",
    "tokens.replaced": "Agiler token replaced",
    "tokens.removed": "Agiler token removed",
    "tokens.rejected": "Agiler token refused",
    "users.created": "Portal user created",
    "users.role_changed": "Role changed",
    "users.deactivated": "Portal user deactivated",
    "users.reactivated": "Portal user reactivated",
    "billing.transactions_export": "Transactions exported",
    "billing.update": "Billing settings changed",
    "billing.download_statement": "Statement downloaded",
    "workspaces.members_export": "Members exported",
    "workspaces.create": "Workspace created",
    "audit.export": "Audit log exported",
    "audit.pruned": "Audit log pruned",
    "projects.create": "Project created",
    "projects.update": "Project changed (or (de)activated)",
    "projects.delete": "Project deleted",
    "backups.create": "Backup taken",
    "backups.update_policy": "Backup policy changed",
    "backups.delete": "Backup deleted",
    "backups.restore": "Backup restored",
    "backups.download_database": "Database downloaded",
    "backups.download_storage": "Files downloaded",
    "rules.create": "Rule created",
    "rules.update": "Rule changed or moved",
    "rules.delete": "Rule deleted",
    "rules.reorder": "Rules reordered",
    "notifications.dismiss": "Notification dismissed",
}
