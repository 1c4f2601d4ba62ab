"""“Try it”: evaluate a draft rule against a sample request, locally, as the catalog documents.

Each operator is applied only when the catalog's description of that fact says what it means
(``"eq: equals value exactly"``); otherwise the statement is reported as *not evaluated* instead
of guessed. Results are three-valued (True, False, None = unknown) and combine as the reference
says: ``all`` (AND) ∧ ``any`` (OR, false when empty) ∧ ¬(``not`` as an AND), Kleene-style so an
unknown statement makes the outcome unknown only when it could change it.
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from portal.rules import regex
from portal.rules.catalog import END, Catalog, FactSpec
from portal.rules.draft import Draft, Row

Truth = bool | None

#: "Try it" evaluates at most this many statements, and stops evaluating after this many seconds:
#: a request never runs unbounded work in a worker (the rest are reported as not evaluated).
MAX_STATEMENTS = 200
TIME_BUDGET_S = 1.0


@dataclass
class Sample:
    """A request to test against; header names are lower-cased, cookie names kept exact."""

    method: str = "GET"
    scheme: str = "https"
    host: str = ""
    path: str = "/"
    query: str = ""
    country: str = ""
    ip: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def read(self, fact: str) -> tuple[bool, str | None]:
        """(known, value) of a fact: known False when the tester cannot read it from a sample;
        value None when a header or cookie is absent."""
        simple = {
            "request.method": self.method,
            "request.scheme": self.scheme,
            "request.host": self.host,
            "request.path": self.path,
            "request.query": self.query,
            "request.country": self.country,
            "request.ip": self.ip,
            "request.user_agent": self.headers.get("user-agent", ""),
        }
        if fact in simple:
            return True, simple[fact]
        if fact.startswith("request.header."):
            return True, self.headers.get(fact[len("request.header.") :].lower())
        if fact.startswith("request.cookie."):
            return True, self.cookies.get(fact[len("request.cookie.") :])
        return False, None


def parse_pairs(text: str, separator: str) -> dict[str, str]:
    """``Name: value`` lines (headers), or ``name=value`` pairs split by ``;`` or lines."""
    out: dict[str, str] = {}
    chunks = text.splitlines() if separator == ":" else re.split(r"[;\n]", text)
    for chunk in chunks:
        name, sep, value = chunk.partition(separator)
        if sep and name.strip():
            out[name.strip()] = value.strip()
    return out


@dataclass
class Verdict:
    """One statement's outcome and why."""

    row: Row
    result: Truth
    reason: str


def _ci(spec: FactSpec) -> bool:
    return "compared case-insensitively" in spec.description


def _cidr(actual: str, value: str) -> bool:
    try:
        return ipaddress.ip_address(actual) in ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False


def _matches(actual: str, value: str) -> bool:
    return regex.search(value, actual)


def _ops(fold: Callable[[str], str]) -> dict[str, Callable[[str, str], bool]]:
    return {
        "eq": lambda a, v: fold(a) == fold(v),
        "ne": lambda a, v: fold(a) != fold(v),
        "in": lambda a, v: fold(a) in {fold(i.strip()) for i in v.split(",")},
        "prefix": lambda a, v: a.startswith(v),
        "suffix": lambda a, v: a.endswith(v),
        "contains": lambda a, v: v in a,
        "matches": _matches,
        "cidr": _cidr,
        "exists": lambda a, v: True,
    }


def check(row: Row, sample: Sample, catalog: Catalog) -> Verdict:
    """Whether one condition statement holds for the sample."""
    spec = catalog.condition(row.fact or "")
    if spec is None:
        return Verdict(row, None, f"{row.fact} is not in the catalog: not evaluated.")
    operator = row.operator or ""
    if not spec.documents(operator):
        return Verdict(
            row,
            None,
            f"The catalog does not document what “{operator}” means for {spec.fact}: "
            "not evaluated.",
        )
    known, actual = sample.read(row.fact or "")
    if not known:
        return Verdict(row, None, f"The tester cannot read {row.fact} from a sample request.")
    implementations = _ops(str.lower if _ci(spec) else str)
    if operator not in implementations:
        return Verdict(row, None, f"The tester does not implement “{operator}”: not evaluated.")
    value = row.value or ""
    if actual is None:
        # Documented: an absent header or cookie fails every operator but ne.
        return Verdict(row, operator == "ne", f"{row.fact} is absent from the sample.")
    try:
        result = implementations[operator](actual, value)
    except regex.PatternError as exc:
        return Verdict(row, None, f"Not evaluated: {exc}.")
    shown = actual if len(actual) <= 80 else actual[:77] + "…"
    return Verdict(row, result, f"{row.fact} is “{shown}”.")


def _and(values: Iterable[Truth]) -> Truth:
    seen = list(values)
    if any(v is False for v in seen):
        return False
    return None if any(v is None for v in seen) else True


def _or(values: Iterable[Truth]) -> Truth:
    seen = list(values)
    if any(v is True for v in seen):
        return True
    return None if any(v is None for v in seen) else False


def _not(value: Truth) -> Truth:
    return None if value is None else not value


@dataclass
class Outcome:
    """The draft's result for the sample: per statement, per group, overall, and actions."""

    verdicts: dict[str, Verdict]
    groups: dict[str, Truth]
    matched: Truth
    actions: list[str]


def describe_action(row: Row, sample: Sample, catalog: Catalog) -> str:
    """``set cache.bypass = true``; placeholders the catalog documents are filled in."""
    if row.operator == END:
        return "end — no further rules are evaluated for this request"
    value = row.value or ""
    spec = catalog.action(row.operator or "", row.fact)
    if spec is not None and "{host}" in spec.description:
        filled = value.replace("{host}", sample.host).replace("{path}", sample.path)
        filled = filled.replace("{query}", sample.query)
        if filled != value:
            value = f"{value} (here: {filled})"
    return f"{row.operator} {row.fact} = {value}"


def evaluate(draft: Draft, sample: Sample, catalog: Catalog) -> Outcome:
    """Evaluate every statement of ``draft`` and combine them as the reference defines."""
    verdicts: dict[str, Verdict] = {}
    groups: dict[str, Truth] = {}
    deadline, evaluated = time.monotonic() + TIME_BUDGET_S, 0
    for group, rows in draft.groups.items():
        results = []
        for row in rows:
            evaluated += 1
            if evaluated > MAX_STATEMENTS or time.monotonic() > deadline:
                verdict = Verdict(row, None, "Not evaluated: the rule is too large to try here.")
            else:
                verdict = check(row, sample, catalog)
            verdicts[row.key] = verdict
            results.append(verdict.result)
        if group == "all":
            groups[group] = _and(results)
        elif group == "any":
            groups[group] = _or(results)
        elif group == "not":
            groups[group] = _not(_and(results))
        else:
            groups[group] = None
    matched = _and(groups.values()) if groups else False
    actions = [describe_action(row, sample, catalog) for row in draft.actions]
    return Outcome(verdicts, groups, matched, actions if matched is not False else [])
