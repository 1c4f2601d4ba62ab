"""What the builder's templates draw for one row: the choices the catalog allows, the current
selection, help text, warnings for anything the catalog no longer lists, and errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.rules.catalog import END, GROUP_LABELS, GROUP_TITLES, GROUPS, Catalog, FactSpec
from portal.rules.draft import Draft, Row, raw_action_key
from portal.rules.summary import OPERATOR_WORDS


@dataclass
class Choice:
    value: str
    label: str
    selected: bool = False
    warning: bool = False


def _fact_label(fact: str) -> str:
    """How a fact or action reads in its select; the terminal action in plain words."""
    return "Stop evaluating further rules" if fact == END else fact


@dataclass
class ValueWidget:
    """``select`` with choices, or ``text`` (with ``suggestions`` for comma lists)."""

    kind: str
    value: str = ""
    choices: list[Choice] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    hint: str = ""


@dataclass
class RowView:
    """One builder row, ready for the template."""

    key: str
    kind: str  # "condition" | "action"
    group: str = ""
    fact_groups: list[tuple[str, list[Choice]]] = field(default_factory=list)
    operators: list[Choice] = field(default_factory=list)
    wildcard: bool = False
    stem: str = ""
    sub: str = ""
    help: str = ""
    value: ValueWidget | None = None
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _value_widget(spec: FactSpec, operator: str, value: str | None) -> ValueWidget:
    current = value or ""
    if operator == "exists":
        return ValueWidget("select", current, [Choice("true", "true", True)])
    if spec.free_text or operator == "in":
        # A comma list stays a text input so "GET, POST" is saved exactly as written.
        hint = "Comma-separated list." if operator == "in" else ""
        suggestions = [] if spec.free_text else list(spec.allowed_values)
        return ValueWidget("text", current, suggestions=suggestions, hint=hint)
    choices = [Choice(v, v, v == current) for v in spec.allowed_values]
    if value is not None and current not in spec.allowed_values:
        choices.insert(0, Choice(current, f"{current} (not allowed)", True, warning=True))
    return ValueWidget("select", current, choices)


def _split_fact(spec: FactSpec | None, fact: str) -> tuple[str, str]:
    """(picker value, sub-key) for a concrete fact."""
    if spec is None:
        return fact, ""
    if spec.wildcard and fact != spec.fact and fact.startswith(spec.stem):
        return spec.fact, fact[len(spec.stem) :]
    return spec.fact, ""


def condition_view(
    row: Row,
    group: str,
    catalog: Catalog,
    *,
    normalize: bool = False,
    errors: list[str] | None = None,
) -> RowView:
    """A condition row. ``normalize`` (after the person picked another fact or operator) moves an
    operator or value the new fact does not allow to its first allowed one."""
    fact = row.fact or (catalog.conditions[0].fact if catalog.conditions else "")
    spec = catalog.condition(fact)
    chosen, sub = _split_fact(spec, fact)
    view = RowView(key=row.key, kind="condition", group=group, errors=list(errors or []))
    for prefix, specs in catalog.fact_groups():
        view.fact_groups.append(
            (prefix, [Choice(s.fact, _fact_label(s.fact), s.fact == chosen) for s in specs])
        )
    if spec is None:
        view.fact_groups.insert(
            0, ("not in the catalog", [Choice(fact, f"{fact} (unknown)", True, warning=True)])
        )
        view.warnings.append(
            f"{fact} is not in Agiler's catalog any more: kept as it was, but it will be refused "
            "when saved until you choose another fact."
        )
        spec = FactSpec(fact, (), ("*",))
    operator = row.operator or ""
    if normalize and spec.operators and operator not in spec.operators:
        operator = spec.operators[0]
    if not operator and spec.operators:
        operator = spec.operators[0]
    view.operators = [
        Choice(op, OPERATOR_WORDS.get(op, op), op == operator) for op in spec.operators
    ]
    if operator not in spec.operators:
        view.operators.insert(0, Choice(operator, f"{operator} (unknown)", True, warning=True))
        if spec.operators:
            view.warnings.append(
                f"The operator “{operator}” is not allowed for {spec.fact} any more."
            )
    value = row.value
    fixed = normalize and not spec.free_text and operator not in ("in", "exists")
    if fixed and value not in spec.allowed_values and spec.allowed_values:
        value = spec.allowed_values[0]
    if normalize and operator == "exists":
        value = "true"
    view.value = _value_widget(spec, operator, value)
    view.wildcard, view.stem, view.sub = spec.wildcard, spec.stem, sub
    view.help = spec.description
    return view


def action_view(
    row: Row, catalog: Catalog, *, normalize: bool = False, errors: list[str] | None = None
) -> RowView:
    """An action row: one picker for operator + fact, then its value."""
    view = RowView(key=row.key, kind="action", errors=list(errors or []))
    operator = row.operator or (catalog.actions[0].operator if catalog.actions else "")
    fact = row.fact
    if row.operator is None and catalog.actions:
        fact = catalog.actions[0].fact
    spec = catalog.action(operator, fact) if (fact or operator == END) else None
    if spec is not None and spec.fact is None and fact is not None:
        spec = None
    choices = [
        Choice(s.key, s.key if s.fact else "Stop evaluating further rules") for s in catalog.actions
    ]
    if spec is None:
        choices.insert(
            0,
            Choice(
                raw_action_key(operator, fact), f"{operator} {fact or ''} (unknown)", True, True
            ),
        )
        view.warnings.append(
            f"“{operator} {fact or ''}”".replace(" ”", "”")
            + " is not in Agiler's catalog any more: kept as it was until you change it."
        )
    else:
        for choice in choices:
            choice.selected = choice.value == spec.key
    view.fact_groups = [("actions", choices)]
    if spec is not None and spec.terminal:
        view.help = spec.description
        return view
    if spec is None:
        if row.value is not None:
            view.value = ValueWidget("text", row.value)
        return view
    as_fact = spec.as_fact
    chosen, sub = _split_fact(as_fact, fact or "")
    view.wildcard, view.stem, view.sub = as_fact.wildcard, as_fact.stem, sub
    value = row.value
    if normalize and not as_fact.free_text and value not in as_fact.allowed_values:
        value = as_fact.allowed_values[0] if as_fact.allowed_values else value
    view.value = _value_widget(as_fact, spec.operator, value)
    view.help = spec.description
    return view


def builder_rows(
    draft: Draft, catalog: Catalog, row_errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """Context for the whole builder: groups with their rows, and the actions."""
    errors = row_errors or {}
    groups = []
    for group in GROUPS:
        rows = draft.groups.get(group, [])
        groups.append(
            {
                "name": group,
                "label": GROUP_LABELS[group],
                "title": GROUP_TITLES[group],
                "present": group in draft.groups,
                "rows": [condition_view(r, group, catalog, errors=errors.get(r.key)) for r in rows],
            }
        )
    return {
        "groups": groups,
        "match_all": "all" in draft.groups and not draft.groups["all"],
        "kept_empty": [g for g, rows in draft.groups.items() if not rows and g != "all"],
        "actions": [action_view(r, catalog, errors=errors.get(r.key)) for r in draft.actions],
    }
