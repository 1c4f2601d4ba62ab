"""Naming tables and the agiler-facts.md overlay used by tools/build_openapi.py.

The reference gives method + path but no operationIds and names only one request-body schema;
the tables below supply both. ``facts_overlay`` adds behaviour the real service shows beyond the
reference (see /work/shared/agiler-facts.md). Every whole object it adds is marked
``x-source: facts``; when it only tightens a reference-derived schema it lists the added keywords
in ``x-facts-keywords``.
"""

from __future__ import annotations

from typing import Any

OPERATION_IDS: dict[tuple[str, str], str] = {
    ("get", "/projects"): "list_projects",
    ("post", "/projects"): "create_project",
    ("delete", "/projects/{project}"): "delete_project",
    ("get", "/projects/{project}"): "get_project",
    ("patch", "/projects/{project}"): "update_project",
    ("get", "/projects/{project}/backups"): "list_backups",
    ("post", "/projects/{project}/backups"): "create_backup",
    ("get", "/projects/{project}/backups/policy"): "get_backup_policy",
    ("patch", "/projects/{project}/backups/policy"): "update_backup_policy",
    ("delete", "/projects/{project}/backups/{backup}"): "delete_backup",
    ("get", "/projects/{project}/backups/{backup}/database"): "download_backup_database",
    ("post", "/projects/{project}/backups/{backup}/restore"): "restore_backup",
    ("get", "/projects/{project}/backups/{backup}/storage"): "download_backup_storage",
    ("get", "/projects/{project}/domains"): "list_domains",
    ("post", "/projects/{project}/domains"): "create_domain",
    ("delete", "/projects/{project}/domains/{domain}"): "delete_domain",
    ("patch", "/projects/{project}/domains/{domain}"): "update_domain",
    ("get", "/projects/{project}/files"): "list_files",
    ("delete", "/projects/{project}/files/{path}"): "delete_file",
    ("get", "/projects/{project}/files/{path}"): "get_file",
    ("put", "/projects/{project}/files/{path}"): "put_file",
    ("get", "/projects/{project}/logs"): "list_logs",
    ("get", "/projects/{project}/rules"): "list_rules",
    ("post", "/projects/{project}/rules"): "create_rule",
    ("delete", "/projects/{project}/rules/{rule}"): "delete_rule",
    ("get", "/projects/{project}/rules/{rule}"): "get_rule",
    ("patch", "/projects/{project}/rules/{rule}"): "update_rule",
    ("get", "/projects/{project}/sql/statements"): "list_sql_statements",
    ("post", "/projects/{project}/sql/statements"): "create_sql_statement",
    ("delete", "/projects/{project}/sql/statements/{statement}"): "delete_sql_statement",
    ("get", "/projects/{project}/sql/statements/{statement}"): "get_sql_statement",
    ("get", "/projects/{project}/usage"): "get_usage",
    ("get", "/projects/{project}/variables"): "list_variables",
    ("post", "/projects/{project}/variables"): "create_variable",
    ("delete", "/projects/{project}/variables/{variable}"): "delete_variable",
    ("patch", "/projects/{project}/variables/{variable}"): "update_variable",
    ("get", "/regions"): "list_regions",
    ("get", "/regions/{region}"): "get_region",
    ("get", "/rules"): "get_rule_catalog",
    ("get", "/runtimes"): "list_runtimes",
    ("get", "/runtimes/{runtimeid}"): "get_runtime",
    ("get", "/users/me"): "get_me",
    ("get", "/users/me/billing"): "get_billing",
    ("patch", "/users/me/billing"): "update_billing",
    ("get", "/users/me/billing/payment-methods"): "list_payment_methods",
    ("get", "/users/me/billing/statements/{period}"): "download_statement",
    ("get", "/users/me/billing/transactions"): "list_transactions",
    ("get", "/users/me/notifications"): "list_notifications",
    ("delete", "/users/me/notifications/{notification}"): "dismiss_notification",
    ("get", "/users/me/verify"): "list_verifications",
    ("get", "/workspaces"): "list_workspaces",
    ("post", "/workspaces"): "create_workspace",
    ("get", "/workspaces/{workspace}"): "get_workspace",
    ("get", "/workspaces/{workspace}/billing-transfer"): "get_billing_transfer",
    ("get", "/workspaces/{workspace}/members"): "list_workspace_members",
}

# The reference prints "Request body / application/json" without the schema name except for
# the backup policy; each *Input schema in its Schemas section belongs to exactly one operation.
REQUEST_BODY_SCHEMAS: dict[str, str] = {
    "create_project": "CreateProjectInput",
    "update_project": "UpdateProjectInput",
    "update_backup_policy": "UpdateProjectBackupPolicyInput",
    "create_domain": "CreateProjectDomainInput",
    "update_domain": "UpdateProjectDomainInput",
    "create_rule": "CreateProjectRuleInput",
    "update_rule": "UpdateProjectRuleInput",
    "create_sql_statement": "CreateSQLStatementInput",
    "create_variable": "CreateProjectVariableInput",
    "update_variable": "UpdateProjectVariableInput",
    "update_billing": "UpdateBillingInput",
    "create_workspace": "CreateWorkspaceInput",
}

LINK_HEADER = {
    "description": 'Next page as `<absolute url>; rel="next"` (carries the cursor); absent on '
    "the last page. The body stays a bare array.",
    "schema": {"type": "string"},
}
RETRY_AFTER_HEADER = {
    "description": "How long to wait before retrying: delta-seconds (an HTTP-date is also legal).",
    "schema": {"type": "string"},
}
# The reference only says BinaryStream; these media types are what each download carries.
BINARY_MEDIA = {
    "download_backup_database": ("application/gzip", "application/octet-stream"),
    "download_backup_storage": ("application/gzip", "application/octet-stream"),
    "download_statement": ("application/pdf",),
    "get_file": ("application/octet-stream",),
}

FACTS = "facts"
ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
# "backups, files, SQL when the edge is unavailable" (facts: errors, limits, pagination).
EDGE_PREFIXES = (
    "/projects/{project}/backups",
    "/projects/{project}/files",
    "/projects/{project}/sql",
)
LIST_PAGE_MAXIMUM = 200
USAGE_BUCKETS_MAXIMUM = 365


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": ERROR, "x-source": FACTS}


def _header(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": schema,
        "x-source": FACTS,
    }


def _operations(spec: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        operation["operationId"]: (path, operation)
        for path, item in spec["paths"].items()
        for operation in item.values()
    }


def facts_overlay(spec: dict[str, Any]) -> None:
    """Add the facts-file behaviour to a reference-derived spec, in place."""
    operations = _operations(spec)
    for path, operation in operations.values():
        _limits(operation)
        if path.startswith(EDGE_PREFIXES):
            operation["responses"].setdefault("502", _error("Bad Gateway (edge unavailable)"))
            operation["responses"].setdefault("503", _error("Service Unavailable (edge)"))
    _put_file(operations["put_file"][1])
    _get_file(operations["get_file"][1])
    _create_sql_statement(operations["create_sql_statement"][1])
    _get_sql_statement(operations["get_sql_statement"][1])
    _statement_period(operations["download_statement"][1])
    for name in ("ProjectSummary", "ProjectDetail"):
        status = spec["components"]["schemas"][name]["properties"]["status"]
        status["description"] = "Seen: running, stopped, building (unconfirmed, open list)."


def _limits(operation: dict[str, Any]) -> None:
    """`limit` above 200 is refused with 400 (not clamped); usage takes up to 365 buckets."""
    for parameter in operation["parameters"]:
        if parameter["name"] != "limit":
            continue
        usage = operation["operationId"] == "get_usage"
        parameter["schema"]["minimum"] = 1
        parameter["schema"]["maximum"] = USAGE_BUCKETS_MAXIMUM if usage else LIST_PAGE_MAXIMUM
        parameter["x-facts-keywords"] = ["schema.maximum", "schema.minimum"]
        # The reference lists no 400 for reads, yet an out-of-range limit or a stale cursor
        # is refused with one, so a client must expect it.
        operation["responses"].setdefault(
            "400", _error("Bad Request (limit out of range, bad cursor or filter)")
        )


def _put_file(operation: dict[str, Any]) -> None:
    responses = operation["responses"]
    responses["200"]["description"] = "OK (an existing file was overwritten, moved or copied)"
    responses["201"] = {
        "description": "Created (the file did not exist before)",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ProjectFileEntry"}}
        },
        "x-source": FACTS,
    }
    responses["412"] = _error("Precondition Failed (If-None-Match: * and the file exists)")
    responses["413"] = _error("Content Too Large (upload body too large)")
    operation["parameters"] += [
        _header(
            "If-None-Match",
            "`*` makes the upload fail with 412 when the file already exists.",
            {"type": "string", "enum": ["*"]},
        ),
        _header(
            "X-Move-Source",
            "Percent-encoded source path to move to this path (send no body).",
            {"type": "string", "minLength": 1},
        ),
        _header(
            "X-Copy-Source",
            "Percent-encoded source path to copy to this path (send no body).",
            {"type": "string", "minLength": 1},
        ),
    ]


def _get_file(operation: dict[str, Any]) -> None:
    ok = operation["responses"]["200"]
    ok["description"] = "A directory listing (JSON array) or the raw bytes of a file"
    # A downloaded file carries its own media type (text/css, image/png, …), which no closed
    # list could name; JSON stays first so validators check directory listings against it.
    ok["content"]["*/*"] = {
        "schema": {"$ref": "#/components/schemas/BinaryStream"},
        "x-source": FACTS,
    }
    ok["headers"]["Last-Modified"] = {
        "description": "Modification time of a downloaded file (absent on directory listings).",
        "schema": {"type": "string"},
        "x-source": FACTS,
    }


def _create_sql_statement(operation: dict[str, Any]) -> None:
    operation["parameters"].append(
        _header(
            "Prefer",
            "`respond-async` lets the server answer 202 with a pending statement.",
            {"type": "string", "enum": ["respond-async"]},
        )
    )
    operation["responses"]["202"] = {
        "description": "Accepted: the statement is pending (only with Prefer: respond-async)",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/FreeformObject"}}
        },
        "x-source": FACTS,
    }


def _get_sql_statement(operation: dict[str, Any]) -> None:
    """ "SQL result rows page at 100 by default, 1000 at most", the next page in ``Link``."""
    operation["parameters"] += [
        {
            "name": "cursor",
            "in": "query",
            "required": False,
            "description": "Cursor of the next page of result rows (opaque; from the previous "
            'response\'s Link rel="next").',
            "schema": {"type": "string"},
            "x-source": FACTS,
        },
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "Result rows per page: 100 by default, 1000 at most.",
            "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
            "x-source": FACTS,
        },
    ]
    operation["responses"]["200"]["headers"] = {
        "Link": {
            "description": 'Next page of result rows as `<absolute url>; rel="next"` (carries '
            "the cursor); absent on the last page.",
            "schema": {"type": "string"},
            "x-source": FACTS,
        }
    }
    operation["responses"].setdefault(
        "400", _error("Bad Request (rows limit out of range or bad cursor)")
    )


def _statement_period(operation: dict[str, Any]) -> None:
    (period,) = (p for p in operation["parameters"] if p["name"] == "period")
    period["description"] = "Statement month as YYYY-MM."
    period["schema"]["pattern"] = "^[0-9]{4}-(0[1-9]|1[0-2])$"
    period["x-facts-keywords"] = ["schema.pattern"]
