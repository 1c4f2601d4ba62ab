"""Project domains, variables, rules and request logs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from agiler_sandbox.catalog import validate_actions, validate_conditions
from agiler_sandbox.http import (
    ApiError,
    Request,
    Response,
    empty_response,
    invalid,
    json_response,
    not_found,
    parse_rfc3339,
    rfc3339,
)
from agiler_sandbox.pagination import paginate
from agiler_sandbox.state import public

from .common import find, get_bool, get_str, project_of
from .usage import get_usage

if TYPE_CHECKING:
    from agiler_sandbox.app import Sandbox

__all__ = ["get_usage"]

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
FQDN_RE = re.compile(rf"^(?:{_LABEL}\.)+[a-z][a-z0-9-]{{0,61}}[a-z0-9]$")
VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# -- domains -----------------------------------------------------------------------------------
def normalise_domain(name: str) -> str:
    """Lower-case a domain and check it is an FQDN or ``*.<fqdn>`` (400 field name otherwise)."""
    value = name.strip().lower().rstrip(".")
    bare = value[2:] if value.startswith("*.") else value
    if len(value) > 253 or not FQDN_RE.match(bare):
        raise invalid("name", f"{name!r} is not a fully qualified domain name or *.<fqdn>")
    return value


def _domain(items: list[dict[str, Any]], ident: str) -> dict[str, Any]:
    for item in items:
        if ident in (item["id"], item["name"]):
            return item
    raise not_found("domain", ident)


def list_domains(app: Sandbox, request: Request) -> Response:
    """GET /projects/{project}/domains."""
    _, _, data = project_of(app, request)
    return paginate(request, data.domains, 50)


def create_domain(app: Sandbox, request: Request) -> Response:
    """POST /projects/{project}/domains."""
    state, _, data = project_of(app, request)
    body = request.json()
    name = normalise_domain(get_str(body, "name", required=True, max_length=253) or "")
    primary = bool(get_bool(body, "primary"))
    if primary and name.startswith("*."):
        raise invalid("primary", "a wildcard domain cannot be the primary domain")
    if any(d["name"] == name for d in data.domains):
        raise ApiError(
            409, f"{name} is already attached to this project", code="conflict", field="name"
        )
    if primary:
        for other in data.domains:
            other["primary"] = False
    domain = {
        "id": state.new_id(),
        "name": name,
        "primary": primary,
        "created_at": rfc3339(state.now()),
    }
    data.domains.append(domain)
    return json_response(domain, status=201)


def update_domain(app: Sandbox, request: Request) -> Response:
    """PATCH /projects/{project}/domains/{domain} (the primary flag only)."""
    _, _, data = project_of(app, request)
    domain = _domain(data.domains, request.params["domain"])
    primary = get_bool(request.json(), "primary", required=True)
    if primary and domain["name"].startswith("*."):
        raise invalid("primary", "a wildcard domain cannot be the primary domain")
    if primary:
        for other in data.domains:
            other["primary"] = False
    domain["primary"] = bool(primary)
    return json_response(domain)


def delete_domain(app: Sandbox, request: Request) -> Response:
    """DELETE /projects/{project}/domains/{domain}."""
    _, _, data = project_of(app, request)
    data.domains.remove(_domain(data.domains, request.params["domain"]))
    return empty_response()


# -- variables ---------------------------------------------------------------------------------
def render_variable(var: dict[str, Any]) -> dict[str, Any]:
    """ProjectVariableOutput: a sensitive variable never shows its value."""
    out = {"id": var["id"], "name": var["name"], "sensitive": var["sensitive"]}
    if not var["sensitive"]:
        out["value"] = var["value"]
    return out


def _variable_name(
    body: dict[str, Any], data_vars: list[dict[str, Any]], current: dict[str, Any] | None = None
) -> str | None:
    name = get_str(body, "name", required=current is None, max_length=255)
    if name is None:
        return None
    if not VAR_RE.match(name):
        raise invalid(
            "name", "name must start with a letter or _ and hold only letters, digits and _"
        )
    name = name.upper()
    if any(v["name"] == name and v is not current for v in data_vars):
        raise ApiError(409, f"variable {name} already exists", code="conflict", field="name")
    return name


def _variable(items: list[dict[str, Any]], ident: str) -> dict[str, Any]:
    for item in items:
        if ident == item["id"] or ident.upper() == item["name"]:
            return item
    raise not_found("variable", ident)


def list_variables(app: Sandbox, request: Request) -> Response:
    """GET /projects/{project}/variables."""
    _, _, data = project_of(app, request)
    return paginate(request, data.variables, 100, render_variable)


def create_variable(app: Sandbox, request: Request) -> Response:
    """POST /projects/{project}/variables (names are upper-cased)."""
    state, _, data = project_of(app, request)
    body = request.json()
    name = _variable_name(body, data.variables)
    value = get_str(body, "value", required=True, max_length=32_768, allow_empty=True)
    sensitive = bool(get_bool(body, "sensitive"))
    var = {"id": state.new_id(), "name": name, "value": value, "sensitive": sensitive}
    data.variables.append(var)
    return json_response(render_variable(var), status=201)


def update_variable(app: Sandbox, request: Request) -> Response:
    """PATCH /projects/{project}/variables/{variable}."""
    _, _, data = project_of(app, request)
    var = _variable(data.variables, request.params["variable"])
    body = request.json()
    name = _variable_name(body, data.variables, var)
    value = get_str(body, "value", max_length=32_768, allow_empty=True)
    sensitive = get_bool(body, "sensitive")
    if name is not None:
        var["name"] = name
    if value is not None:
        var["value"] = value
    if sensitive is not None:
        var["sensitive"] = sensitive
    return json_response(render_variable(var))


def delete_variable(app: Sandbox, request: Request) -> Response:
    """DELETE /projects/{project}/variables/{variable}."""
    _, _, data = project_of(app, request)
    data.variables.remove(_variable(data.variables, request.params["variable"]))
    return empty_response()


# -- rules -------------------------------------------------------------------------------------
def _priority(body: dict[str, Any]) -> int | None:
    value = body.get("priority")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise invalid("priority", "priority must be a whole number")
    if not 0 <= value <= 1_000_000:
        raise invalid("priority", "priority must be between 0 and 1000000")
    return int(value)


def _sorted_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rules, key=lambda r: (r["priority"], r["created_at"]))


def list_rules(app: Sandbox, request: Request) -> Response:
    """GET /projects/{project}/rules (lowest priority first: it runs first)."""
    _, _, data = project_of(app, request)
    return paginate(request, _sorted_rules(data.rules), 50, public)


def get_rule(app: Sandbox, request: Request) -> Response:
    """GET /projects/{project}/rules/{rule}."""
    _, _, data = project_of(app, request)
    return json_response(find(data.rules, request.params["rule"], "rule"))


def create_rule(app: Sandbox, request: Request) -> Response:
    """POST /projects/{project}/rules (validated against the catalog)."""
    state, _, data = project_of(app, request)
    body = request.json()
    name = get_str(body, "name", required=True, max_length=200)
    if "conditions" not in body:
        raise invalid("conditions", "conditions is required")
    validate_conditions(body["conditions"])
    if "actions" not in body:
        raise invalid("actions", "actions is required")
    validate_actions(body["actions"])
    active = get_bool(body, "active")
    priority = _priority(body)
    stamp = rfc3339(state.now())
    rule = {
        "id": state.new_id(),
        "name": name,
        "active": True if active is None else active,
        "priority": 100 if priority is None else priority,
        "conditions": body["conditions"],
        "actions": body["actions"],
        "created_at": stamp,
        "updated_at": stamp,
    }
    data.rules.append(rule)
    return json_response(rule, status=201)


def update_rule(app: Sandbox, request: Request) -> Response:
    """PATCH /projects/{project}/rules/{rule}."""
    state, _, data = project_of(app, request)
    rule = find(data.rules, request.params["rule"], "rule")
    body = request.json()
    name = get_str(body, "name", max_length=200)
    if "conditions" in body:
        validate_conditions(body["conditions"])
    if "actions" in body:
        validate_actions(body["actions"])
    active = get_bool(body, "active")
    priority = _priority(body)
    for key, value in (
        ("name", name),
        ("active", active),
        ("priority", priority),
        ("conditions", body.get("conditions")),
        ("actions", body.get("actions")),
    ):
        if value is not None:
            rule[key] = value
    rule["updated_at"] = rfc3339(state.now())
    return json_response(rule)


def delete_rule(app: Sandbox, request: Request) -> Response:
    """DELETE /projects/{project}/rules/{rule}."""
    _, _, data = project_of(app, request)
    data.rules.remove(find(data.rules, request.params["rule"], "rule"))
    return empty_response()


# -- logs --------------------------------------------------------------------------------------
def list_logs(app: Sandbox, request: Request) -> Response:
    """GET /projects/{project}/logs (newest first; since/until/q filters)."""
    _, _, data = project_of(app, request)
    since_raw, until_raw, q = request.arg("since"), request.arg("until"), request.arg("q")
    since = rfc3339(parse_rfc3339(since_raw, "since")) if since_raw else None
    until = rfc3339(parse_rfc3339(until_raw, "until")) if until_raw else None
    if since and until and since > until:
        raise invalid("since", "since must not be after until")
    needle = q.lower() if q else None
    items = data.logs
    if since or until or needle:
        items = [
            e
            for e in items
            if (since is None or e["timestamp"] >= since)
            and (until is None or e["timestamp"] <= until)
            and (needle is None or needle in e["message"].lower())
        ]
    return paginate(request, items, 100)
