"""The one table from Agiler operationIds to audit action names and targets.

An operation missing here is still recorded (never refused): its action is derived from the
operationId (``verb_noun`` → ``nouns.verb``), so a new client method cannot escape the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSpec:
    """How one operation appears in the log: its action name and which path param is the target."""

    action: str
    target_type: str
    #: the path parameter holding the target's id ("" for creates: the id is not known yet)
    target_param: str = ""


OPERATIONS: Mapping[str, ActionSpec] = {
    # Projects
    "create_project": ActionSpec("projects.create", "project"),
    "update_project": ActionSpec("projects.update", "project", "project"),
    "delete_project": ActionSpec("projects.delete", "project", "project"),
    # Backups
    "create_backup": ActionSpec("backups.create", "backup"),
    "update_backup_policy": ActionSpec("backups.update_policy", "project", "project"),
    "delete_backup": ActionSpec("backups.delete", "backup", "backup"),
    "restore_backup": ActionSpec("backups.restore", "backup", "backup"),
    "download_backup_database": ActionSpec("backups.download_database", "backup", "backup"),
    "download_backup_storage": ActionSpec("backups.download_storage", "backup", "backup"),
    # Domains
    "create_domain": ActionSpec("domains.create", "domain"),
    "update_domain": ActionSpec("domains.update", "domain", "domain"),
    "delete_domain": ActionSpec("domains.delete", "domain", "domain"),
    # Files
    "put_file": ActionSpec("files.put", "file", "path"),
    "delete_file": ActionSpec("files.delete", "file", "path"),
    "get_file": ActionSpec("files.download", "file", "path"),
    # Rules
    "create_rule": ActionSpec("rules.create", "rule"),
    "update_rule": ActionSpec("rules.update", "rule", "rule"),
    "delete_rule": ActionSpec("rules.delete", "rule", "rule"),
    # SQL: every statement is recorded, read-only ones too (it is a POST)
    "create_sql_statement": ActionSpec("sql.execute", "sql_statement"),
    "delete_sql_statement": ActionSpec("sql.cancel", "sql_statement", "statement"),
    # Variables (their values, sensitive or not, are redacted by the client)
    "create_variable": ActionSpec("variables.create", "variable"),
    "update_variable": ActionSpec("variables.update", "variable", "variable"),
    "delete_variable": ActionSpec("variables.delete", "variable", "variable"),
    # Billing
    "update_billing": ActionSpec("billing.update", "billing_profile"),
    "download_statement": ActionSpec("billing.download_statement", "statement", "period"),
    # Notifications and workspaces
    "dismiss_notification": ActionSpec("notifications.dismiss", "notification", "notification"),
    "create_workspace": ActionSpec("workspaces.create", "workspace"),
}

#: Portal-side events recorded by other apps through ``record()``; listed for the action filter.
PORTAL_ACTIONS = (
    "auth.login",
    "auth.login_failed",
    "auth.lockout",
    "auth.logout",
    "mfa.enrolled",
    "mfa.reset",
    "mfa.policy_changed",
    "tokens.saved",
    "tokens.replaced",
    "tokens.removed",
    "tokens.rejected",
    "users.created",
    "users.role_changed",
    "users.deactivated",
    "users.reactivated",
    "billing.transactions_export",
    "workspaces.members_export",
    "audit.export",
    "logs.search",
    "logs.export",
    "usage.export",
    "sql.result",
    "sql.open_result",
    "sql.export_result",
    "audit.pruned",
    "files.download_sent",
    "rules.reorder",
)

# Summary fields that make a readable label for an object being created.
_LABEL_FIELDS = ("name", "domain", "title", "path", "period")


def _plural(noun: str) -> str:
    return noun if noun.endswith("s") else noun + "s"


def spec_for(operation: str) -> ActionSpec:
    """The spec of ``operation``, derived from its name when it is not in the table."""
    spec = OPERATIONS.get(operation)
    if spec is not None:
        return spec
    verb, _, noun = operation.partition("_")
    noun = noun or "agiler"
    return ActionSpec(f"{_plural(noun)}.{verb}", noun)


def target_of(
    operation: str, path_params: Mapping[str, str], summary: Mapping[str, object]
) -> tuple[str, str, str]:
    """(target type, id, human label) of an operation, from its path params and summary."""
    spec = spec_for(operation)
    target_id = path_params.get(spec.target_param, "") if spec.target_param else ""
    label = ""
    for field in _LABEL_FIELDS:
        value = summary.get(field)
        if isinstance(value, str) and value:
            label = value
            break
    if not label and target_id:
        label = target_id
    if spec.target_type == "file" and target_id:
        label = "/" + target_id.strip("/")
    return spec.target_type, target_id, label


def action_groups(extra: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, list[str]]]:
    """Every known action (and ``extra`` ones) grouped by area, for the filter's
    ``<optgroup>``s."""
    groups: dict[str, list[str]] = {}
    actions = {spec.action for spec in OPERATIONS.values()} | set(PORTAL_ACTIONS) | set(extra)
    for action in sorted(actions):
        groups.setdefault(action.split(".", 1)[0], []).append(action)
    return sorted(groups.items())
