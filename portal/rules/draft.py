"""A rule being edited: read from Agiler's JSON or from the builder's POST, written back as JSON.

The form keeps every statement exactly as it was read, including facts and operators the catalog
no longer lists (they are shown with a warning, never dropped), so opening a rule and saving it
sends the same JSON back. Form encoding, one builder row per statement:

- ``row`` (repeated, in order) = ``<group>:<key>`` for conditions; ``act`` = ``<key>`` for actions;
- ``<key>-fact`` the catalog fact (``request.header.*``) or a raw fact the catalog does not know,
  ``<key>-sub`` the sub-key of a ``.*`` fact, ``<key>-op``, ``<key>-value``;
- ``<key>-action`` for actions: the catalog key (``set cache.bypass``, ``end``) or
  ``raw:<json>`` for an action the catalog does not list;
- ``empty-group`` names a group kept although it has no statement (``{"all": []}`` = every request).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from portal.rules.catalog import GROUPS, Catalog

RAW_PREFIX = "raw:"
#: Row keys come back from the browser and are written into attributes: keep them plain.
VALID_KEY = re.compile(r"^[A-Za-z0-9_]{1,40}$")


def new_key() -> str:
    """A short id for a builder row, unique within the page."""
    return "r" + uuid.uuid4().hex[:10]


@dataclass
class Row:
    """One statement: ``{fact, operator, value}``; absent parts are None (``end`` has neither)."""

    key: str
    fact: str | None = None
    operator: str | None = None
    value: str | None = None

    def as_json(self) -> dict[str, str]:
        """The statement exactly as Agiler takes it (absent parts left out)."""
        out: dict[str, str] = {}
        if self.fact is not None:
            out["fact"] = self.fact
        if self.operator is not None:
            out["operator"] = self.operator
        if self.value is not None:
            out["value"] = self.value
        return out


@dataclass
class Draft:
    """The whole rule as the builder holds it."""

    name: str = ""
    priority: str = ""
    active: bool = True
    groups: dict[str, list[Row]] = field(default_factory=dict)
    actions: list[Row] = field(default_factory=list)

    def conditions_json(self) -> dict[str, list[dict[str, str]]]:
        """``{"all"|"any"|"not": [...]}`` with the groups present, in the reference's order."""
        ordered = [g for g in GROUPS if g in self.groups]
        ordered += [g for g in self.groups if g not in GROUPS]
        return {g: [row.as_json() for row in self.groups[g]] for g in ordered}

    def actions_json(self) -> list[dict[str, str]]:
        """The ordered actions."""
        # Operator first reads naturally for actions ("set cache.bypass", "end").
        return [
            {k: v for k in ("operator", "fact", "value") if (v := row.as_json().get(k)) is not None}
            for row in self.actions
        ]

    def priority_value(self) -> int | None:
        """The priority as a number, None when blank or not a whole number."""
        text = self.priority.strip()
        # ASCII digits only: int() would also read "٧", "1_0" and " 7 " as numbers.
        if not (text.isascii() and text.isdigit()) or len(text) > 12:
            return None
        return int(text)

    def body(self) -> dict[str, Any]:
        """The exact JSON body sent to Agiler (create or update)."""
        out: dict[str, Any] = {"name": self.name}
        priority = self.priority_value()
        if priority is not None:
            out["priority"] = priority
        out["active"] = self.active
        out["conditions"] = self.conditions_json()
        out["actions"] = self.actions_json()
        return out

    def rows(self) -> list[tuple[str, Row]]:
        """Every condition row with its group, in form order."""
        return [(group, row) for group, rows in self.groups.items() for row in rows]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _row(statement: object) -> Row:
    data = statement if isinstance(statement, Mapping) else {}
    return Row(
        key=new_key(),
        fact=_text(data.get("fact")),
        operator=_text(data.get("operator")),
        value=_text(data.get("value")),
    )


#: The most JSON the builder reads from a form field (a rule is a few kilobytes).
MAX_JSON = 64 * 1024


def parse_json_object(text: str) -> dict[str, Any] | None:
    """A JSON object from a form field, or None when it is not one (too long, too deeply nested,
    not JSON, or not an object) — never an exception."""
    if len(text) > MAX_JSON:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def from_rule(rule: Mapping[str, Any]) -> Draft:
    """A draft from a rule's (or a template's) JSON."""
    conditions = rule.get("conditions") or {}
    groups = {
        str(group): [_row(s) for s in (statements or [])]
        for group, statements in dict(conditions).items()
    }
    priority = rule.get("priority")
    return Draft(
        name=str(rule.get("name") or ""),
        priority="" if priority is None else str(priority),
        active=bool(rule.get("active", True)),
        groups=groups,
        actions=[_row(s) for s in rule.get("actions") or []],
    )


def condition_fact(catalog: Catalog, chosen: str, sub: str) -> str:
    """The concrete fact for the picker's choice and sub-key (``request.header.`` + name)."""
    spec = catalog.condition_by_pattern(chosen)
    if spec is not None and spec.wildcard and sub:
        return spec.stem + sub
    return chosen


def action_parts(catalog: Catalog, chosen: str, sub: str) -> tuple[str | None, str | None]:
    """(operator, concrete fact) for the action picker's choice."""
    if chosen.startswith(RAW_PREFIX):
        raw = parse_json_object(chosen[len(RAW_PREFIX) :])
        if raw is None:
            return None, None
        return _text(raw.get("operator")), _text(raw.get("fact"))
    spec = catalog.action_by_key(chosen)
    if spec is None:
        return (chosen or None), None
    if spec.fact is None:
        return spec.operator, None
    fact = spec.as_fact
    return spec.operator, (fact.stem + sub if fact.wildcard and sub else spec.fact)


def raw_action_key(operator: str | None, fact: str | None) -> str:
    """The picker value that carries an action the catalog does not list, unchanged."""
    return RAW_PREFIX + json.dumps({"operator": operator, "fact": fact}, sort_keys=True)


def condition_row_from_post(data: QueryDict | Mapping[str, Any], key: str, catalog: Catalog) -> Row:
    """One condition row from the submitted fields."""
    chosen = data.get(f"{key}-fact", "") or ""
    return Row(
        key=key,
        fact=condition_fact(catalog, chosen, (data.get(f"{key}-sub", "") or "").strip()) or None,
        operator=data.get(f"{key}-op") or None,
        value=data.get(f"{key}-value"),
    )


def action_row_from_post(data: QueryDict | Mapping[str, Any], key: str, catalog: Catalog) -> Row:
    """One action row from the submitted fields (no value field: no value, as for ``end``)."""
    chosen = data.get(f"{key}-action", "") or ""
    operator, fact = action_parts(catalog, chosen, (data.get(f"{key}-sub", "") or "").strip())
    spec = catalog.action_by_key(chosen)
    # A catalog action that takes no value (``end``) has no value field in its row: a value still
    # in the form is the previous choice's, left over until the row is redrawn. Dropping it keeps
    # the preview and the saved rule equal to what the row shows.
    value = None if spec is not None and spec.terminal else data.get(f"{key}-value")
    return Row(key=key, fact=fact, operator=operator, value=value)


def from_post(data: QueryDict, catalog: Catalog) -> Draft:
    """The draft the builder form describes."""
    groups: dict[str, list[Row]] = {}
    for group in data.getlist("empty-group"):
        groups.setdefault(group, [])
    for item in data.getlist("row"):
        group, _, key = item.partition(":")
        if group and VALID_KEY.match(key):
            groups.setdefault(group, []).append(condition_row_from_post(data, key, catalog))
    actions = [
        action_row_from_post(data, key, catalog)
        for key in data.getlist("act")
        if VALID_KEY.match(key)
    ]
    return Draft(
        name=data.get("name") or "",
        priority=(data.get("priority") or "").strip(),
        active=data.get("active") in ("on", "true", "1"),
        groups=groups,
        actions=actions,
    )
