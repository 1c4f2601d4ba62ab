"""The route table: every operationId of the reference, its method, path and required scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .handlers import account, backups, catalogs, files, project_misc, projects, sql, workspaces

if TYPE_CHECKING:
    from .app import Sandbox
    from .http import Request, Response

Handler = Callable[["Sandbox", "Request"], "Response"]


@dataclass(frozen=True)
class Route:
    """One operation: ``pattern`` segments are literals, ``{name}`` or a trailing ``{name*}``."""

    method: str
    pattern: tuple[str, ...]
    operation: str
    scope: str | None
    handler: Handler

    def match(self, segments: list[str]) -> dict[str, str] | None:
        """Return the path parameters when ``segments`` fit this pattern."""
        params: dict[str, str] = {}
        for i, part in enumerate(self.pattern):
            if part.endswith("*}"):
                rest = segments[i:]
                if not rest:
                    return None
                params[part[1:-2]] = "/".join(rest)
                return params
            if i >= len(segments):
                return None
            if part.startswith("{"):
                if not segments[i]:
                    return None
                params[part[1:-1]] = segments[i]
            elif part != segments[i]:
                return None
        return params if len(segments) == len(self.pattern) else None


def _r(method: str, path: str, operation: str, scope: str | None, handler: Handler) -> Route:
    return Route(method, tuple(path.strip("/").split("/")), operation, scope, handler)


P = "projects/{project}"
ROUTES: list[Route] = [
    _r("GET", "projects", "list_projects", "projects:read", projects.list_projects),
    _r("POST", "projects", "create_project", "projects:write", projects.create_project),
    _r("DELETE", P, "delete_project", "projects:write", projects.delete_project),
    _r("GET", P, "get_project", "projects:read", projects.get_project),
    _r("PATCH", P, "update_project", "projects:write", projects.update_project),
    # Backups: the literal "policy" must be tried before "{backup}".
    _r("GET", f"{P}/backups", "list_backups", "projects.backups:read", backups.list_backups),
    _r("POST", f"{P}/backups", "create_backup", "projects.backups:write", backups.create_backup),
    _r(
        "GET",
        f"{P}/backups/policy",
        "get_backup_policy",
        "projects.backups:read",
        backups.get_backup_policy,
    ),
    _r(
        "PATCH",
        f"{P}/backups/policy",
        "update_backup_policy",
        "projects.backups:write",
        backups.update_backup_policy,
    ),
    _r(
        "DELETE",
        f"{P}/backups/{{backup}}",
        "delete_backup",
        "projects.backups:write",
        backups.delete_backup,
    ),
    _r(
        "GET",
        f"{P}/backups/{{backup}}/database",
        "download_backup_database",
        "projects.backups:read",
        backups.download_backup_database,
    ),
    _r(
        "POST",
        f"{P}/backups/{{backup}}/restore",
        "restore_backup",
        "projects.backups:write",
        backups.restore_backup,
    ),
    _r(
        "GET",
        f"{P}/backups/{{backup}}/storage",
        "download_backup_storage",
        "projects.backups:read",
        backups.download_backup_storage,
    ),
    _r("GET", f"{P}/domains", "list_domains", "projects.domains:read", project_misc.list_domains),
    _r(
        "POST",
        f"{P}/domains",
        "create_domain",
        "projects.domains:write",
        project_misc.create_domain,
    ),
    _r(
        "DELETE",
        f"{P}/domains/{{domain}}",
        "delete_domain",
        "projects.domains:write",
        project_misc.delete_domain,
    ),
    _r(
        "PATCH",
        f"{P}/domains/{{domain}}",
        "update_domain",
        "projects.domains:write",
        project_misc.update_domain,
    ),
    _r("GET", f"{P}/files", "list_files", "projects.files:read", files.list_files),
    _r("DELETE", f"{P}/files/{{path*}}", "delete_file", "projects.files:write", files.delete_file),
    _r("GET", f"{P}/files/{{path*}}", "get_file", "projects.files:read", files.get_file),
    _r("PUT", f"{P}/files/{{path*}}", "put_file", "projects.files:write", files.put_file),
    _r("GET", f"{P}/logs", "list_logs", "projects.logs:read", project_misc.list_logs),
    _r("GET", f"{P}/rules", "list_rules", "projects.rules:read", project_misc.list_rules),
    _r("POST", f"{P}/rules", "create_rule", "projects.rules:write", project_misc.create_rule),
    _r(
        "DELETE",
        f"{P}/rules/{{rule}}",
        "delete_rule",
        "projects.rules:write",
        project_misc.delete_rule,
    ),
    _r("GET", f"{P}/rules/{{rule}}", "get_rule", "projects.rules:read", project_misc.get_rule),
    _r(
        "PATCH",
        f"{P}/rules/{{rule}}",
        "update_rule",
        "projects.rules:write",
        project_misc.update_rule,
    ),
    _r(
        "GET",
        f"{P}/sql/statements",
        "list_sql_statements",
        "projects.sql:execute",
        sql.list_sql_statements,
    ),
    _r(
        "POST",
        f"{P}/sql/statements",
        "create_sql_statement",
        "projects.sql:execute",
        sql.create_sql_statement,
    ),
    _r(
        "DELETE",
        f"{P}/sql/statements/{{statement}}",
        "delete_sql_statement",
        "projects.sql:execute",
        sql.delete_sql_statement,
    ),
    _r(
        "GET",
        f"{P}/sql/statements/{{statement}}",
        "get_sql_statement",
        "projects.sql:execute",
        sql.get_sql_statement,
    ),
    _r("GET", f"{P}/usage", "get_usage", "projects.usage:read", project_misc.get_usage),
    _r(
        "GET",
        f"{P}/variables",
        "list_variables",
        "projects.variables:read",
        project_misc.list_variables,
    ),
    _r(
        "POST",
        f"{P}/variables",
        "create_variable",
        "projects.variables:write",
        project_misc.create_variable,
    ),
    _r(
        "DELETE",
        f"{P}/variables/{{variable}}",
        "delete_variable",
        "projects.variables:write",
        project_misc.delete_variable,
    ),
    _r(
        "PATCH",
        f"{P}/variables/{{variable}}",
        "update_variable",
        "projects.variables:write",
        project_misc.update_variable,
    ),
    _r("GET", "regions", "list_regions", None, catalogs.list_regions),
    _r("GET", "regions/{region}", "get_region", None, catalogs.get_region),
    _r("GET", "rules", "get_rule_catalog", None, catalogs.get_rule_catalog),
    _r("GET", "runtimes", "list_runtimes", None, catalogs.list_runtimes),
    _r("GET", "runtimes/{runtimeid}", "get_runtime", None, catalogs.get_runtime),
    _r("GET", "users/me", "get_me", None, account.get_me),
    _r("GET", "users/me/billing", "get_billing", "billing:read", account.get_billing),
    _r("PATCH", "users/me/billing", "update_billing", "billing:write", account.update_billing),
    _r(
        "GET",
        "users/me/billing/payment-methods",
        "list_payment_methods",
        "billing:read",
        account.list_payment_methods,
    ),
    _r(
        "GET",
        "users/me/billing/statements/{period}",
        "download_statement",
        "billing:read",
        account.download_statement,
    ),
    _r(
        "GET",
        "users/me/billing/transactions",
        "list_transactions",
        "billing:read",
        account.list_transactions,
    ),
    _r(
        "GET",
        "users/me/notifications",
        "list_notifications",
        "notifications:read",
        account.list_notifications,
    ),
    _r(
        "DELETE",
        "users/me/notifications/{notification}",
        "dismiss_notification",
        "notifications:write",
        account.dismiss_notification,
    ),
    _r("GET", "users/me/verify", "list_verifications", None, account.list_verifications),
    _r("GET", "workspaces", "list_workspaces", "projects:read", workspaces.list_workspaces),
    _r("POST", "workspaces", "create_workspace", "projects:write", workspaces.create_workspace),
    _r("GET", "workspaces/{workspace}", "get_workspace", "projects:read", workspaces.get_workspace),
    _r(
        "GET",
        "workspaces/{workspace}/billing-transfer",
        "get_billing_transfer",
        "projects:read",
        workspaces.get_billing_transfer,
    ),
    _r(
        "GET",
        "workspaces/{workspace}/members",
        "list_workspace_members",
        "projects:read",
        workspaces.list_workspace_members,
    ),
]

OPERATIONS = {route.operation: route for route in ROUTES}


def resolve(method: str, segments: list[str]) -> tuple[Route | None, dict[str, str], bool]:
    """Find the route; returns ``(route, params, path_known)`` (path_known drives 404 vs 405)."""
    path_known = False
    for route in ROUTES:
        params = route.match(segments)
        if params is None:
            continue
        path_known = True
        if route.method == method:
            return route, params, True
    return None, {}, path_known
