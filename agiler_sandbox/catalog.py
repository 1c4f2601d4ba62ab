"""The rule catalog (``GET /rules``) and validation of rule bodies against it.

Operator semantics (the facts leave condition operators unconfirmed; this is the sandbox's
documented set, mirrored in each catalog description and in docs/sandbox.md):

- ``eq`` / ``ne``: the fact equals / does not equal ``value`` exactly (case-sensitive, except
  ``request.method``, ``request.host`` and ``request.scheme``, compared case-insensitively).
- ``in``: ``value`` is a comma-separated list; matches when the fact equals one of the items.
- ``prefix`` / ``suffix`` / ``contains``: substring tests, case-sensitive.
- ``matches``: ``value`` is an RE2 regular expression (linear time; no look-around or
  back-references; at most 1000 characters) searched anywhere in the fact; anchor with ``^``/``$``
  for a full match.
- ``cidr``: only for ``request.ip``; ``value`` is an IPv4/IPv6 network (``10.0.0.0/8``) or a
  single address, matching when the client address is inside it.
- ``exists``: only for ``request.header.*``/``request.cookie.*``; matches when the header/cookie is
  present. ``value`` must be ``"true"``.

A missing header or cookie makes every operator but ``ne`` false. ``conditions`` combine as
``all`` (AND) ∧ ``any`` (OR, false when empty) ∧ ¬(``not`` as an AND); ``{"all": []}`` matches
every request.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import re2

from .http import invalid

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
COUNTRIES = [
    "AR",
    "AT",
    "AU",
    "BE",
    "BR",
    "CA",
    "CH",
    "CL",
    "CN",
    "CZ",
    "DE",
    "DK",
    "ES",
    "FI",
    "FR",
    "GB",
    "GR",
    "HK",
    "IE",
    "IL",
    "IN",
    "IT",
    "JP",
    "KR",
    "MX",
    "NL",
    "NO",
    "NZ",
    "PL",
    "PT",
    "RO",
    "RU",
    "SE",
    "SG",
    "TR",
    "TW",
    "UA",
    "US",
    "ZA",
]

_OP_TEXT = {
    "eq": "eq: equals value exactly",
    "ne": "ne: does not equal value",
    "in": "in: equals one item of value, a comma-separated list",
    "prefix": "prefix: starts with value",
    "suffix": "suffix: ends with value",
    "contains": "contains: has value as a substring",
    "matches": "matches: the regular expression in value is found anywhere (use ^…$ to anchor)",
    "cidr": "cidr: the address lies inside the network in value (e.g. 10.0.0.0/8) or equals it",
    "exists": 'exists: the header/cookie is present (value must be "true")',
}

STRING_OPS = ["eq", "ne", "in", "prefix", "suffix", "contains", "matches"]


def _condition(fact: str, operators: list[str], allowed: list[str], what: str) -> dict[str, Any]:
    ops = "; ".join(_OP_TEXT[o] for o in operators)
    return {
        "fact": fact,
        "operators": operators,
        "allowed_values": allowed,
        "description": f"{what} Operators — {ops}.",
    }


CONDITIONS: list[dict[str, Any]] = [
    _condition(
        "request.method",
        ["eq", "ne", "in"],
        METHODS,
        "HTTP method of the request, upper-case (compared case-insensitively).",
    ),
    _condition(
        "request.scheme",
        ["eq", "ne"],
        ["http", "https"],
        "Scheme the client used to reach the edge.",
    ),
    _condition(
        "request.host",
        STRING_OPS,
        ["*"],
        "Host header without port, lower-case (compared case-insensitively).",
    ),
    _condition(
        "request.path",
        STRING_OPS,
        ["*"],
        "URL path, percent-decoded, starting with '/', without the query string.",
    ),
    _condition(
        "request.query",
        ["eq", "ne", "contains", "matches"],
        ["*"],
        "Raw query string without the leading '?' (empty when absent).",
    ),
    _condition(
        "request.header.*",
        [*STRING_OPS, "exists"],
        ["*"],
        "A request header; the sub-key is the header name, case-insensitive "
        "(request.header.user-agent). Absent headers fail every operator but ne.",
    ),
    _condition(
        "request.cookie.*",
        ["eq", "ne", "prefix", "contains", "matches", "exists"],
        ["*"],
        "A request cookie by exact name (request.cookie.wordpress_logged_in).",
    ),
    _condition(
        "request.country",
        ["eq", "ne", "in"],
        COUNTRIES,
        "ISO 3166-1 alpha-2 country of the client address (GeoIP).",
    ),
    _condition(
        "request.ip",
        ["eq", "ne", "cidr"],
        ["*"],
        "Client IP address as seen by the edge (IPv4 or IPv6).",
    ),
    _condition(
        "request.user_agent",
        ["eq", "ne", "prefix", "contains", "matches"],
        ["*"],
        "User-Agent header (empty string when absent).",
    ),
]

ACTIONS: list[dict[str, Any]] = [
    {
        "operator": "set",
        "fact": "cache.bypass",
        "allowed_values": ["true", "false"],
        "description": "Skip the edge cache for this request (true) or allow caching (false).",
    },
    {
        "operator": "set",
        "fact": "cache.ttl",
        "allowed_values": ["0", "60", "300", "600", "3600", "86400", "604800"],
        "description": "Cache the response for this many seconds at the edge.",
    },
    {
        "operator": "set",
        "fact": "response.header.*",
        "allowed_values": ["*"],
        "description": "Set a response header; the sub-key is the header name.",
    },
    {
        "operator": "set",
        "fact": "response.status",
        "allowed_values": ["403", "404", "410", "429"],
        "description": "Answer at once with this status and an empty body (blocks the request).",
    },
    {
        "operator": "set",
        "fact": "redirect.location",
        "allowed_values": ["*"],
        "description": "Redirect to this absolute URL or path; {host}, {path} and {query} "
        "are replaced with the request's values.",
    },
    {
        "operator": "set",
        "fact": "redirect.status",
        "allowed_values": ["301", "302", "307", "308"],
        "description": "Status used with redirect.location (default 302).",
    },
    {
        "operator": "end",
        "description": "Stop evaluating further rules for this request. Must be the last action.",
    },
]

NOTES = {
    "conditions_shape": (
        "A JSON object containing one or more of 'all' (AND), 'any' (OR), or 'not' (negated "
        'AND). Each maps to an array of statements. {"all": []} matches every request.'
    ),
    "statement_shape": (
        "Copy fact/operator from a catalog entry, then supply a single string 'value' (NOT "
        "'values') chosen from the entry's 'allowed_values' domain (any string when it is "
        "[\"*\"]); for a fact ending in '.*' replace '*' with the sub-key."
    ),
    "terminal_action_end": (
        '{"operator": "end"} stops rule evaluation after this rule\'s actions. It takes no '
        "fact and no value and must be the last action of the list."
    ),
}

TEMPLATES: list[dict[str, Any]] = [
    {
        "name": "Bypass cache for wp-admin",
        "description": "Never cache the WordPress dashboard or login page.",
        "priority": 10,
        "conditions": {
            "any": [
                {"fact": "request.path", "operator": "prefix", "value": "/wp-admin"},
                {"fact": "request.path", "operator": "eq", "value": "/wp-login.php"},
            ]
        },
        "actions": [{"operator": "set", "fact": "cache.bypass", "value": "true"}],
    },
    {
        "name": "Redirect HTTP to HTTPS",
        "description": "Permanent redirect to the https URL.",
        "priority": 1,
        "conditions": {"all": [{"fact": "request.scheme", "operator": "eq", "value": "http"}]},
        "actions": [
            {"operator": "set", "fact": "redirect.location", "value": "https://{host}{path}"},
            {"operator": "set", "fact": "redirect.status", "value": "301"},
            {"operator": "end"},
        ],
    },
    {
        "name": "Block xmlrpc.php",
        "description": "Refuse XML-RPC, a common brute-force target.",
        "priority": 5,
        "conditions": {"all": [{"fact": "request.path", "operator": "eq", "value": "/xmlrpc.php"}]},
        "actions": [
            {"operator": "set", "fact": "response.status", "value": "403"},
            {"operator": "end"},
        ],
    },
    {
        "name": "Bypass cache for logged-in users",
        "description": "Serve logged-in WordPress users uncached pages.",
        "priority": 20,
        "conditions": {
            "all": [
                {
                    "fact": "request.cookie.wordpress_logged_in",
                    "operator": "exists",
                    "value": "true",
                }
            ]
        },
        "actions": [{"operator": "set", "fact": "cache.bypass", "value": "true"}],
    },
    {
        "name": "Cache static assets for a day",
        "priority": 30,
        "conditions": {
            "all": [
                {
                    "fact": "request.path",
                    "operator": "matches",
                    "value": "\\.(css|js|png|jpe?g|gif|svg|woff2?)$",
                }
            ]
        },
        "actions": [{"operator": "set", "fact": "cache.ttl", "value": "86400"}],
    },
    {
        "name": "Restrict wp-admin to office network",
        "description": "Replace 203.0.113.0/24 with your office range before enabling.",
        "priority": 2,
        "requires_configuration": True,
        "conditions": {
            "all": [
                {"fact": "request.path", "operator": "prefix", "value": "/wp-admin"},
                {"fact": "request.ip", "operator": "cidr", "value": "203.0.113.0/24"},
            ]
        },
        "actions": [
            {"operator": "set", "fact": "response.status", "value": "403"},
            {"operator": "end"},
        ],
    },
]


def catalog() -> dict[str, Any]:
    """The RuleOptionsOutput body."""
    return {"conditions": CONDITIONS, "actions": ACTIONS, "notes": NOTES, "templates": TEMPLATES}


#: As Agiler: ``matches`` is RE2 (linear time; no look-around or back-references), ≤ 1000 chars.
MAX_PATTERN = 1000


def regex_problem(pattern: str) -> str | None:
    """Why Agiler refuses ``pattern`` for ``matches``, or None."""
    if len(pattern) > MAX_PATTERN:
        return f"longer than {MAX_PATTERN} characters"
    options = re2.Options()
    options.log_errors = False
    options.max_mem = 8 << 20
    try:
        re2.compile(pattern, options)
    except re2.error as exc:
        raw = exc.args[0] if exc.args else b""
        return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return None


def _lookup(entries: list[dict[str, Any]], fact: str) -> dict[str, Any] | None:
    for entry in entries:
        pattern = entry.get("fact")
        if pattern == fact:
            return entry
        wildcard = bool(pattern) and pattern.endswith(".*")
        if wildcard and fact.startswith(pattern[:-1]) and len(fact) > len(pattern) - 1:
            return entry
    return None


def _check_value(where: str, entry: dict[str, Any], operator: str, value: Any) -> None:
    if not isinstance(value, str):
        raise invalid(f"{where}.value", "value must be a single string")
    allowed = entry["allowed_values"]
    items = [v.strip() for v in value.split(",")] if operator == "in" else [value]
    if allowed != ["*"]:
        bad = [v for v in items if v not in allowed]
        if bad:
            raise invalid(
                f"{where}.value",
                f"{bad[0]!r} is not an allowed value for "
                f"{entry['fact']} (allowed: {', '.join(allowed)})",
            )
    if operator == "matches":
        reason = regex_problem(value)
        if reason:
            raise invalid(f"{where}.value", f"invalid regular expression: {reason}")
    if operator == "cidr":
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise invalid(
                f"{where}.value", "value must be an IP network such as 10.0.0.0/8"
            ) from None
    if operator == "exists" and value != "true":
        raise invalid(f"{where}.value", 'exists takes the value "true"')


def validate_conditions(conditions: Any, field: str = "conditions") -> None:
    """Check a conditions object against the catalog (400 naming the exact field otherwise)."""
    if not isinstance(conditions, dict):
        raise invalid(field, "conditions must be an object with all/any/not arrays")
    if not conditions:
        raise invalid(field, "conditions needs at least one of all, any, not")
    for key, statements in conditions.items():
        if key not in ("all", "any", "not"):
            raise invalid(f"{field}.{key}", f"unknown combinator {key!r}; use all, any or not")
        if not isinstance(statements, list):
            raise invalid(f"{field}.{key}", f"{key} must be an array of statements")
        for i, stmt in enumerate(statements):
            where = f"{field}.{key}[{i}]"
            if not isinstance(stmt, dict):
                raise invalid(where, "a statement must be an object {fact, operator, value}")
            if "values" in stmt:
                raise invalid(f"{where}.values", "use a single string 'value', not 'values'")
            fact, operator = stmt.get("fact"), stmt.get("operator")
            entry = _lookup(CONDITIONS, fact) if isinstance(fact, str) else None
            if entry is None:
                raise invalid(f"{where}.fact", f"unknown condition fact {fact!r}")
            if operator not in entry["operators"]:
                raise invalid(
                    f"{where}.operator",
                    f"operator {operator!r} is not allowed for "
                    f"{entry['fact']} (allowed: {', '.join(entry['operators'])})",
                )
            _check_value(where, entry, operator, stmt.get("value"))


def validate_actions(actions: Any, field: str = "actions") -> None:
    """Check an ordered action list against the catalog."""
    if not isinstance(actions, list) or not actions:
        raise invalid(field, "actions must be a non-empty array of statements")
    for i, stmt in enumerate(actions):
        where = f"{field}[{i}]"
        if not isinstance(stmt, dict):
            raise invalid(where, "an action must be an object")
        operator = stmt.get("operator")
        if operator == "end":
            if "fact" in stmt or "value" in stmt:
                raise invalid(where, "the end action takes no fact and no value")
            if i != len(actions) - 1:
                raise invalid(where, "the end action must be the last action")
            continue
        if operator != "set":
            raise invalid(f"{where}.operator", f"unknown action operator {operator!r}")
        fact = stmt.get("fact")
        entry = _lookup(ACTIONS, fact) if isinstance(fact, str) else None
        if entry is None:
            raise invalid(f"{where}.fact", f"unknown action fact {fact!r}")
        _check_value(where, entry, "set", stmt.get("value"))
