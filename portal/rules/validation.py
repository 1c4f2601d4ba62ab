"""Checking a draft against the catalog before anything is sent to Agiler.

Problems are keyed by the same dotted paths Agiler names in a 400 (``conditions.all[0].value``,
``actions[1]``, ``name``), so local and upstream errors land on the same builder row. The checks
are at least as strict as Agiler's: a rule the builder accepts is a rule Agiler accepts.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from portal.rules import regex
from portal.rules.catalog import END, GROUPS, Catalog, FactSpec
from portal.rules.draft import Draft, Row

MAX_NAME = 200
MAX_PRIORITY = 1_000_000

#: location → message, in the order found
Problems = dict[str, str]


def _values(operator: str, value: str) -> list[str]:
    # ``in`` carries a comma-separated list; every item must be allowed on its own.
    return [v.strip() for v in value.split(",")] if operator == "in" else [value]


def check_value(where: str, spec: FactSpec, operator: str, value: str | None) -> str | None:
    """The problem with ``value`` for ``operator`` on ``spec``, or None when it is fine."""
    if value is None:
        return "Enter a value."
    if "\x00" in value:
        return "The value cannot contain a NUL character."
    if operator == "exists":
        return None if value == "true" else 'exists takes the value "true".'
    if not spec.free_text:
        bad = [v for v in _values(operator, value) if v not in spec.allowed_values]
        if bad:
            return f"“{bad[0]}” is not allowed here; choose from {', '.join(spec.allowed_values)}."
    if operator == "matches":
        reason = regex.problem(value)
        if reason is not None:
            return f"Not a regular expression Agiler accepts: {reason}."
    if operator == "cidr":
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            return "Enter an IP network such as 10.0.0.0/8, or a single address."
    return None


def _sub_key_problem(spec: FactSpec, fact: str) -> str | None:
    if not spec.wildcard:
        return None
    sub = fact[len(spec.stem) :] if fact.startswith(spec.stem) else ""
    if not sub or fact == spec.fact:
        return f"Enter the name after {spec.stem} (for example {spec.stem}user-agent)."
    if any(ch.isspace() or ch == "\x00" for ch in sub):
        return "The name cannot contain spaces or NUL characters."
    return None


def check_condition(where: str, row: Row, catalog: Catalog) -> Problems:
    """Problems of one condition statement."""
    if not row.fact:
        return {f"{where}.fact": "Choose a fact."}
    spec = catalog.condition(row.fact)
    if spec is None:
        return {f"{where}.fact": f"{row.fact} is not in Agiler's catalog any more."}
    sub = _sub_key_problem(spec, row.fact)
    if sub:
        return {f"{where}.fact": sub}
    if not row.operator:
        return {f"{where}.operator": "Choose an operator."}
    if row.operator not in spec.operators:
        allowed = ", ".join(spec.operators)
        return {f"{where}.operator": f"{row.operator} is not allowed for {spec.fact} ({allowed})."}
    problem = check_value(where, spec, row.operator, row.value)
    return {f"{where}.value": problem} if problem else {}


def check_action(where: str, row: Row, catalog: Catalog, last: bool) -> Problems:
    """Problems of one action."""
    if row.operator == END:
        if row.fact is not None or row.value is not None:
            return {where: "end takes no fact and no value."}
        return {} if last else {where: "end stops evaluation: it can only be the last action."}
    if not row.operator:
        return {f"{where}.operator": "Choose an action."}
    if row.operator not in {spec.operator for spec in catalog.actions}:
        return {f"{where}.operator": f"{row.operator} is not an action in Agiler's catalog."}
    spec = catalog.action(row.operator, row.fact) if row.fact else None
    if spec is None:
        return {f"{where}.fact": f"{row.operator} {row.fact or '(no fact)'} is not in the catalog."}
    fact = spec.as_fact
    sub = _sub_key_problem(fact, row.fact or "")
    if sub:
        return {f"{where}.fact": sub}
    problem = check_value(where, fact, row.operator, row.value)
    return {f"{where}.value": problem} if problem else {}


def _groups(draft: Draft, catalog: Catalog) -> Iterable[tuple[str, str]]:
    if not draft.groups:
        yield "conditions", "Add at least one statement, or tick “Match every request”."
        return
    for group, rows in draft.groups.items():
        if group not in GROUPS:
            yield f"conditions.{group}", f"Unknown group {group!r}: use all, any or not."
            continue
        if not rows and group != "all":
            what = "never matches" if group == "any" else "excludes every request"
            yield f"conditions.{group}", f"This group is empty: an empty “{group}” {what}."
        for i, row in enumerate(rows):
            yield from check_condition(f"conditions.{group}[{i}]", row, catalog).items()


def validate(draft: Draft, catalog: Catalog) -> Problems:
    """Every problem of the draft, keyed by the path Agiler would name."""
    problems: Problems = {}
    if not draft.name.strip():
        problems["name"] = "Give the rule a name."
    elif len(draft.name) > MAX_NAME:
        problems["name"] = f"At most {MAX_NAME} characters."
    elif "\x00" in draft.name:
        problems["name"] = "The name cannot contain a NUL character."
    if draft.priority.strip():
        number = draft.priority_value()
        if number is None or not 0 <= number <= MAX_PRIORITY:
            problems["priority"] = f"A whole number from 0 to {MAX_PRIORITY:,}; lower runs first."
    problems.update(_groups(draft, catalog))
    if not draft.actions:
        problems["actions"] = "Add at least one action."
    for i, row in enumerate(draft.actions):
        problems.update(check_action(f"actions[{i}]", row, catalog, i == len(draft.actions) - 1))
    return problems


def row_for(location: str, draft: Draft) -> str | None:
    """The builder row key a problem path points at (``conditions.any[1].value`` → its row)."""
    match = re.match(r"conditions\.(\w+)\[(\d+)\]", location)
    if match:
        rows = draft.groups.get(match.group(1), [])
        index = int(match.group(2))
        return rows[index].key if index < len(rows) else None
    match = re.match(r"actions\[(\d+)\]", location)
    if match:
        index = int(match.group(1))
        return draft.actions[index].key if index < len(draft.actions) else None
    return None


def by_row(problems: Problems, draft: Draft) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Split problems into per-row messages and the rest (name, priority, groups, actions)."""
    rows: dict[str, list[str]] = {}
    rest: dict[str, str] = {}
    for location, message in problems.items():
        key = row_for(location, draft)
        if key:
            rows.setdefault(key, []).append(message)
        else:
            rest[location] = message
    return rows, rest
