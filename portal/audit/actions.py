"""The one table from Agiler operationIds to audit action names and targets.

An operation missing here gets an action derived from its operationId (``verb_noun`` →
``nouns.verb``); ``record_event`` refuses it unless that name is an ``Action``, so a new client
write cannot escape the log: it fails closed until it is listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import models


class Action(models.TextChoices):
    """Every action the portal records in the audit log: ``record_event`` refuses any other.

    The Agiler operations (the client's writes and downloads, mapped in ``OPERATIONS``), then the
    portal's own events (security events, local writes, sensitive reads, exports). Each has a
    sentence in ``portal/audit/sentences.py`` (tests/audit/test_action_catalog.py checks it).
    """

    PROJECTS_CREATE = "projects.create"
    PROJECTS_UPDATE = "projects.update"
    PROJECTS_DELETE = "projects.delete"
    BACKUPS_CREATE = "backups.create"
    BACKUPS_UPDATE_POLICY = "backups.update_policy"
    BACKUPS_DELETE = "backups.delete"
    BACKUPS_RESTORE = "backups.restore"
    BACKUPS_DOWNLOAD_DATABASE = "backups.download_database"
    BACKUPS_DOWNLOAD_STORAGE = "backups.download_storage"
    DOMAINS_CREATE = "domains.create"
    DOMAINS_UPDATE = "domains.update"
    DOMAINS_DELETE = "domains.delete"
    FILES_PUT = "files.put"
    FILES_DELETE = "files.delete"
    FILES_DOWNLOAD = "files.download"
    RULES_CREATE = "rules.create"
    RULES_UPDATE = "rules.update"
    RULES_DELETE = "rules.delete"
    RULES_REORDER = "rules.reorder"
    SQL_EXECUTE = "sql.execute"
    SQL_CANCEL = "sql.cancel"
    VARIABLES_CREATE = "variables.create"
    VARIABLES_UPDATE = "variables.update"
    VARIABLES_DELETE = "variables.delete"
    BILLING_UPDATE = "billing.update"
    BILLING_DOWNLOAD_STATEMENT = "billing.download_statement"
    NOTIFICATIONS_DISMISS = "notifications.dismiss"
    WORKSPACES_CREATE = "workspaces.create"
    AUTH_LOGIN = "auth.login"
    AUTH_LOGIN_FAILED = "auth.login_failed"
    AUTH_LOCKOUT = "auth.lockout"
    AUTH_LOGOUT = "auth.logout"
    MFA_ENROLLED = "mfa.enrolled"
    MFA_RESET = "mfa.reset"
    MFA_POLICY_CHANGED = "mfa.policy_changed"
    TOKENS_SAVED = "tokens.saved"
    TOKENS_REPLACED = "tokens.replaced"
    TOKENS_REMOVED = "tokens.removed"
    TOKENS_REJECTED = "tokens.rejected"
    USERS_CREATED = "users.created"
    USERS_ROLE_CHANGED = "users.role_changed"
    USERS_DEACTIVATED = "users.deactivated"
    USERS_REACTIVATED = "users.reactivated"
    BILLING_TRANSACTIONS_EXPORT = "billing.transactions_export"
    WORKSPACES_MEMBERS_EXPORT = "workspaces.members_export"
    AUDIT_EXPORT = "audit.export"
    LOGS_SEARCH = "logs.search"
    LOGS_EXPORT = "logs.export"
    USAGE_EXPORT = "usage.export"
    SQL_RESULT = "sql.result"
    SQL_OPEN_RESULT = "sql.open_result"
    SQL_EXPORT_RESULT = "sql.export_result"
    AUDIT_PRUNED = "audit.pruned"
    FILES_DOWNLOAD_SENT = "files.download_sent"
    AUTH_PASSWORD_CHANGED = "auth.password_changed"
    ACCESS_DENIED = "access.denied"
    AGILER_READ_FAILED = "agiler.read_failed"
    TOKENS_UNREADABLE = "tokens.unreadable"
    TOKENS_KEYS_ROTATED = "tokens.keys_rotated"


@dataclass(frozen=True)
class ActionSpec:
    """How one operation appears in the log: its action name and which path param is the target."""

    action: Action
    target_type: str
    #: the path parameter holding the target's id ("" for creates: the id is not known yet)
    target_param: str = ""


OPERATIONS: Mapping[str, ActionSpec] = {
    # Projects
    "create_project": ActionSpec(Action.PROJECTS_CREATE, "project"),
    "update_project": ActionSpec(Action.PROJECTS_UPDATE, "project", "project"),
    "delete_project": ActionSpec(Action.PROJECTS_DELETE, "project", "project"),
    # Backups
    "create_backup": ActionSpec(Action.BACKUPS_CREATE, "backup"),
    "update_backup_policy": ActionSpec(Action.BACKUPS_UPDATE_POLICY, "project", "project"),
    "delete_backup": ActionSpec(Action.BACKUPS_DELETE, "backup", "backup"),
    "restore_backup": ActionSpec(Action.BACKUPS_RESTORE, "backup", "backup"),
    "download_backup_database": ActionSpec(Action.BACKUPS_DOWNLOAD_DATABASE, "backup", "backup"),
    "download_backup_storage": ActionSpec(Action.BACKUPS_DOWNLOAD_STORAGE, "backup", "backup"),
    # Domains
    "create_domain": ActionSpec(Action.DOMAINS_CREATE, "domain"),
    "update_domain": ActionSpec(Action.DOMAINS_UPDATE, "domain", "domain"),
    "delete_domain": ActionSpec(Action.DOMAINS_DELETE, "domain", "domain"),
    # Files
    "put_file": ActionSpec(Action.FILES_PUT, "file", "path"),
    "delete_file": ActionSpec(Action.FILES_DELETE, "file", "path"),
    "get_file": ActionSpec(Action.FILES_DOWNLOAD, "file", "path"),
    # Rules
    "create_rule": ActionSpec(Action.RULES_CREATE, "rule"),
    "update_rule": ActionSpec(Action.RULES_UPDATE, "rule", "rule"),
    "delete_rule": ActionSpec(Action.RULES_DELETE, "rule", "rule"),
    # SQL: every statement is recorded, read-only ones too (it is a POST)
    "create_sql_statement": ActionSpec(Action.SQL_EXECUTE, "sql_statement"),
    "delete_sql_statement": ActionSpec(Action.SQL_CANCEL, "sql_statement", "statement"),
    # Variables (their values, sensitive or not, are redacted by the client)
    "create_variable": ActionSpec(Action.VARIABLES_CREATE, "variable"),
    "update_variable": ActionSpec(Action.VARIABLES_UPDATE, "variable", "variable"),
    "delete_variable": ActionSpec(Action.VARIABLES_DELETE, "variable", "variable"),
    # Billing
    "update_billing": ActionSpec(Action.BILLING_UPDATE, "billing_profile"),
    "download_statement": ActionSpec(Action.BILLING_DOWNLOAD_STATEMENT, "statement", "period"),
    # Notifications and workspaces
    "dismiss_notification": ActionSpec(
        Action.NOTIFICATIONS_DISMISS, "notification", "notification"
    ),
    "create_workspace": ActionSpec(Action.WORKSPACES_CREATE, "workspace"),
}

#: Portal-side events recorded by other apps through ``record()``; listed for the action filter.
PORTAL_ACTIONS: tuple[Action, ...] = tuple(
    action for action in Action if action not in {spec.action for spec in OPERATIONS.values()}
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
    derived = f"{_plural(noun)}.{verb}"
    # not an Action unless listed: record_event refuses it (the write is refused, not unlogged)
    return ActionSpec(Action(derived) if derived in Action.values else derived, noun)  # type: ignore[arg-type]


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
