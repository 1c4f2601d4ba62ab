"""Audit events in words: a sentence for what happened, the outcome for how it ended.

``describe(event)`` → "finance changed the monthly budget from $250.00 to $300.00";
``outcome_words(event)`` → "Done", "Refused by Agiler: …", "Not sure — may have been applied",
"Handed to the web server to send" (a download nginx sends, docs/operations.md).
Everything else an event holds (ids, HTTP status, keys, hashes) stays in the detail page's
"Technical details" fold. Every ``Action`` has an entry in ``SENTENCES`` (a test checks it); many
are worded from the action's verb and target ("deleted the variable DB_HOST"), and an event
recorded before an action was renamed falls back to the same derivation, never a bare code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from portal.audit.actions import Action
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
    recorded = summary.get("before")
    before: Mapping[str, Any] = recorded if isinstance(recorded, dict) else {}
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
def _project_target(event: Any) -> str:
    """The project the event is about: its target when the target is the project itself."""
    if event.target_type == "project":
        return _target(event)
    return _project(event) or "a project"


def _sql(event: Any, summary: Mapping[str, Any], did: str) -> str:
    mode = " (read-only)" if summary.get("read_only") is True else ""
    if summary.get("read_only") is False:
        mode = " (allowed to change data)"
    return f"{did} a SQL statement{mode} on {_project_target(event)}"


def _file_put(event: Any, summary: Mapping[str, Any]) -> str:
    if summary.get("move_source"):
        return f"moved {summary['move_source']} to {_target(event)}{_in_project(event)}"
    if summary.get("copy_source"):
        return f"copied {summary['copy_source']} to {_target(event)}{_in_project(event)}"
    return f"uploaded {_target(event)}{_in_project(event)}"


def _file_sent(event: Any, summary: Mapping[str, Any]) -> str:
    how = "in full" if summary.get("completed") else "only in part (the download stopped)"
    return f"received the file {_target(event)}{_of_project(event)} {how}"


def _domain_update(event: Any, summary: Mapping[str, Any]) -> str:
    if summary.get("primary") is True:
        return f"made {_target(event)} the site address of {_project_target(event)}"
    return f"changed the domain {_target(event)}{_of_project(event)}"


SENTENCES: dict[str, Callable[[Any, Mapping[str, Any]], str]] = {
    Action.AUTH_LOGIN: lambda e, s: "signed in",
    Action.AUTH_LOGOUT: lambda e, s: "signed out",
    Action.AUTH_LOGIN_FAILED: lambda e, s: (
        f"A sign-in as {e.target_label or 'an unknown user'} failed"
    ),
    Action.AUTH_LOCKOUT: lambda e, s: (
        f"{e.target_label or 'An account'} was locked out after repeated failed sign-ins"
    ),
    Action.MFA_ENROLLED: lambda e, s: "turned on two-factor sign-in",
    Action.MFA_RESET: lambda e, s: f"reset the two-factor sign-in of {_target(e)}",
    Action.MFA_POLICY_CHANGED: lambda e, s: (
        "made two-factor sign-in required for everyone"
        if s.get("require_mfa")
        else "made two-factor sign-in optional"
    ),
    Action.TOKENS_SAVED: lambda e, s: "saved their Agiler token",
    Action.TOKENS_REPLACED: lambda e, s: "replaced their Agiler token",
    Action.TOKENS_REMOVED: lambda e, s: "removed their Agiler token",
    Action.TOKENS_REJECTED: lambda e, s: "offered an Agiler token that Agiler refused",
    Action.USERS_CREATED: lambda e, s: f"created the portal user {_target(e)}",
    Action.USERS_ROLE_CHANGED: lambda e, s: (
        f"changed the role of {_target(e)} from {s.get('from', '?')} to {s.get('to', '?')}"
    ),
    Action.USERS_DEACTIVATED: lambda e, s: f"deactivated the portal user {_target(e)}",
    Action.USERS_REACTIVATED: lambda e, s: f"reactivated the portal user {_target(e)}",
    Action.BILLING_TRANSACTIONS_EXPORT: lambda e, s: "exported the transactions",
    Action.BILLING_UPDATE: _billing,
    Action.BILLING_DOWNLOAD_STATEMENT: lambda e, s: f"downloaded the statement for {_target(e)}",
    Action.WORKSPACES_MEMBERS_EXPORT: lambda e, s: f"exported the members of {_target(e)}",
    Action.WORKSPACES_CREATE: lambda e, s: f"created the workspace {_target(e)}",
    Action.AUDIT_EXPORT: lambda e, s: "exported the audit log",
    Action.AUDIT_PRUNED: lambda e, s: "pruned old audit events",
    Action.PROJECTS_CREATE: lambda e, s: f"created the project {_target(e)}",
    Action.PROJECTS_UPDATE: _project_update,
    Action.PROJECTS_DELETE: lambda e, s: f"deleted the project {_target(e)}",
    Action.BACKUPS_CREATE: lambda e, s: f"took an on-demand backup of {_project(e) or 'a project'}",
    Action.BACKUPS_UPDATE_POLICY: _policy,
    Action.BACKUPS_DELETE: lambda e, s: f"deleted {_target(e)}{_of_project(e)}",
    Action.BACKUPS_RESTORE: _restore,
    Action.BACKUPS_DOWNLOAD_DATABASE: lambda e, s: (
        f"downloaded the database of {_target(e)}{_of_project(e)}"
    ),
    Action.BACKUPS_DOWNLOAD_STORAGE: lambda e, s: (
        f"downloaded the files of {_target(e)}{_of_project(e)}"
    ),
    Action.RULES_CREATE: lambda e, s: f"created the rule {_target(e)}{_in_project(e)}",
    Action.RULES_UPDATE: _rule_update,
    Action.RULES_DELETE: lambda e, s: f"deleted the rule {_target(e)}{_of_project(e)}",
    Action.RULES_REORDER: _rule_reorder,
    Action.NOTIFICATIONS_DISMISS: lambda e, s: f"dismissed the notification “{_target(e)}”",
    # worded from the action's verb and its target ("deleted the variable DB_HOST")
    Action.DOMAINS_CREATE: lambda e, s: f"added the domain {_target(e)} to {_project_target(e)}",
    Action.DOMAINS_UPDATE: _domain_update,
    Action.DOMAINS_DELETE: lambda e, s: f"removed the domain {_target(e)}{_of_project(e)}",
    Action.FILES_PUT: _file_put,
    Action.FILES_DELETE: lambda e, s: f"deleted {_target(e)}{_in_project(e)}",
    Action.FILES_DOWNLOAD: lambda e, s: f"downloaded the file {_target(e)}{_of_project(e)}",
    Action.FILES_DOWNLOAD_SENT: _file_sent,
    Action.SQL_EXECUTE: lambda e, s: _sql(e, s, "ran"),
    Action.SQL_CANCEL: lambda e, s: f"cancelled a SQL statement on {_project_target(e)}",
    Action.SQL_RESULT: lambda e, s: f"saw a SQL statement finish on {_project_target(e)}",
    Action.SQL_OPEN_RESULT: lambda e, s: (
        f"opened the result of a SQL statement on {_project_target(e)}"
    ),
    Action.SQL_EXPORT_RESULT: lambda e, s: (
        f"exported the result of a SQL statement on {_project_target(e)}"
    ),
    Action.VARIABLES_CREATE: lambda e, s: (
        f"added the variable {_target(e)} to {_project_target(e)}"
    ),
    Action.VARIABLES_UPDATE: lambda e, s: f"changed the variable {_target(e)}{_of_project(e)}",
    Action.VARIABLES_DELETE: lambda e, s: f"removed the variable {_target(e)}{_of_project(e)}",
    Action.LOGS_SEARCH: lambda e, s: f"searched the logs of {_project_target(e)}",
    Action.LOGS_EXPORT: lambda e, s: f"exported the logs of {_project_target(e)}",
    Action.USAGE_EXPORT: lambda e, s: f"exported the usage of {_project_target(e)}",
    Action.AUTH_PASSWORD_CHANGED: lambda e, s: "changed their password",
    Action.ACCESS_DENIED: lambda e, s: "was refused a page their role does not open",
    Action.AGILER_READ_FAILED: lambda e, s: f"could not read {_target(e)} from Agiler",
    Action.TOKENS_UNREADABLE: lambda e, s: "has a stored Agiler token no key can decrypt",
    Action.TOKENS_KEYS_ROTATED: lambda e, s: (
        "re-encrypted the stored Agiler tokens with the newest key"
    ),
}

#: sentences that name their own subject (no actor in front)
_SUBJECTLESS = {Action.AUTH_LOGIN_FAILED, Action.AUTH_LOCKOUT}


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
        summary = event.summary if isinstance(event.summary, dict) else {}
        if summary.get("handed_off"):
            # Agiler agreed and nginx in front sends the bytes (PORTAL_RELAY_VIA_PROXY): whether
            # they all arrived is in nginx's access log, under this event's request id.
            return "Handed to the web server to send"
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


ACTION_LABELS: dict[str, str] = {
    Action.AUTH_LOGIN: "Sign in",
    Action.AUTH_LOGOUT: "Sign out",
    Action.AUTH_LOGIN_FAILED: "Failed sign-in",
    Action.AUTH_LOCKOUT: "Account locked out",
    Action.MFA_ENROLLED: "Two-factor turned on",
    Action.MFA_RESET: "Two-factor reset",
    Action.MFA_POLICY_CHANGED: "Two-factor policy changed",
    Action.TOKENS_SAVED: "Agiler token saved",
    Action.TOKENS_REPLACED: "Agiler token replaced",
    Action.TOKENS_REMOVED: "Agiler token removed",
    Action.TOKENS_REJECTED: "Agiler token refused",
    Action.USERS_CREATED: "Portal user created",
    Action.USERS_ROLE_CHANGED: "Role changed",
    Action.USERS_DEACTIVATED: "Portal user deactivated",
    Action.USERS_REACTIVATED: "Portal user reactivated",
    Action.BILLING_TRANSACTIONS_EXPORT: "Transactions exported",
    Action.BILLING_UPDATE: "Billing settings changed",
    Action.BILLING_DOWNLOAD_STATEMENT: "Statement downloaded",
    Action.WORKSPACES_MEMBERS_EXPORT: "Members exported",
    Action.WORKSPACES_CREATE: "Workspace created",
    Action.AUDIT_EXPORT: "Audit log exported",
    Action.AUDIT_PRUNED: "Audit log pruned",
    Action.PROJECTS_CREATE: "Project created",
    Action.PROJECTS_UPDATE: "Project changed (or (de)activated)",
    Action.PROJECTS_DELETE: "Project deleted",
    Action.BACKUPS_CREATE: "Backup taken",
    Action.BACKUPS_UPDATE_POLICY: "Backup policy changed",
    Action.BACKUPS_DELETE: "Backup deleted",
    Action.BACKUPS_RESTORE: "Backup restored",
    Action.BACKUPS_DOWNLOAD_DATABASE: "Database downloaded",
    Action.BACKUPS_DOWNLOAD_STORAGE: "Files downloaded",
    Action.RULES_CREATE: "Rule created",
    Action.RULES_UPDATE: "Rule changed or moved",
    Action.RULES_DELETE: "Rule deleted",
    Action.RULES_REORDER: "Rules reordered",
    Action.NOTIFICATIONS_DISMISS: "Notification dismissed",
}
