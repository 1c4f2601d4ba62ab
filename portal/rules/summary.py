"""One line a person can read: “When method is POST and path starts with /wp-admin → set
cache.bypass = true, end”."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

OPERATOR_WORDS = {
    "eq": "is",
    "ne": "is not",
    "in": "is one of",
    "prefix": "starts with",
    "suffix": "ends with",
    "contains": "contains",
    "matches": "matches",
    "cidr": "is in",
    "exists": "exists",
}


def fact_words(fact: str) -> str:
    """``request.header.user-agent`` → ``header user-agent``; ``request.path`` → ``path``."""
    short = fact.removeprefix("request.")
    for kind in ("header.", "cookie."):
        if short.startswith(kind):
            return f"{kind[:-1]} {short[len(kind) :]}"
    return short.replace("_", " ")


def statement_words(statement: Mapping[str, Any]) -> str:
    """One condition in words; unknown operators are shown as their code."""
    fact = fact_words(str(statement.get("fact") or "?"))
    operator = str(statement.get("operator") or "?")
    if operator == "exists":
        return f"{fact} exists"
    words = OPERATOR_WORDS.get(operator, operator)
    return f"{fact} {words} {statement.get('value', '')}".rstrip()


def conditions_words(conditions: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """The conditions object in words (``{"all": []}`` is every request)."""
    parts: list[str] = []
    for group, statements in conditions.items():
        said = [statement_words(s) for s in statements]
        if not said:
            continue
        if group == "all":
            parts.append(" and ".join(said))
        elif group == "any":
            parts.append(said[0] if len(said) == 1 else "(" + " or ".join(said) + ")")
        elif group == "not":
            parts.append("not " + (said[0] if len(said) == 1 else "(" + " and ".join(said) + ")"))
        else:
            parts.append(f"{group}({', '.join(said)})")
    return "When " + " and ".join(parts) if parts else "Every request"


def action_words(action: Mapping[str, Any]) -> str:
    """``set cache.bypass = true`` or ``end``."""
    operator = str(action.get("operator") or "?")
    if "fact" not in action:
        return operator
    return f"{operator} {action.get('fact')} = {action.get('value', '')}".rstrip(" =")


def summarize(conditions: Mapping[str, Any], actions: Sequence[Mapping[str, Any]]) -> str:
    """The rule in one line."""
    said = ", ".join(action_words(a) for a in actions) or "nothing"
    return f"{conditions_words(conditions)} → {said}"
