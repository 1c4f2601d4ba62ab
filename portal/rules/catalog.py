"""The rule catalog (``GET /rules``) as the builder uses it: facts, operators, allowed values.

Everything the builder offers comes from here, so a fact or operator Agiler adds appears without
a code change. The catalog is cached for a while (it changes with Agiler releases, not with the
user's clicks), as plain JSON so any cache backend can hold it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache

if TYPE_CHECKING:
    from portal.agiler import AgilerClient

CATALOG_TTL = 600  # seconds
_CACHE_KEY = "portal:agiler-catalog:rules:v1"

#: The condition groups of the reference, in the order the builder shows them.
GROUPS: tuple[str, ...] = ("all", "any", "not")
#: what each group is called on screen (the JSON keys stay in the preview)
GROUP_TITLES = {"all": "All of these", "any": "Any of these", "not": "Not all of these together"}
GROUP_LABELS = {
    "all": "The rule applies when every statement here holds",
    "any": "The rule applies when at least one statement here holds",
    # The reference defines "not" as a negated AND: the rule is skipped only when ALL hold.
    "not": "The rule is skipped when all of these hold together",
}
#: The terminal action: no fact, no value, only last.
END = "end"


@dataclass(frozen=True)
class FactSpec:
    """One catalog entry: a condition fact (with operators) or an action (one operator)."""

    fact: str
    operators: tuple[str, ...]
    allowed_values: tuple[str, ...]
    description: str = ""

    @property
    def wildcard(self) -> bool:
        """A fact ending in ``.*`` takes a sub-key (``request.header.user-agent``)."""
        return self.fact.endswith(".*")

    @property
    def stem(self) -> str:
        """``request.header.`` for ``request.header.*``; the fact itself otherwise."""
        return self.fact[:-1] if self.wildcard else self.fact

    @property
    def free_text(self) -> bool:
        """Any string is accepted (``["*"]``) rather than a list of values."""
        return list(self.allowed_values) == ["*"]

    @property
    def prefix(self) -> str:
        """The group a fact is listed under in the picker: ``request`` for ``request.path``."""
        return self.fact.split(".", 1)[0]

    def documents(self, operator: str) -> bool:
        """Whether the description says what ``operator`` means (``"eq: …"``)."""
        return f"{operator}:" in self.description

    def matches(self, fact: str) -> bool:
        """Whether a concrete fact key belongs to this entry."""
        if self.wildcard:
            return fact.startswith(self.stem) and len(fact) > len(self.stem)
        return fact == self.fact


@dataclass(frozen=True)
class ActionSpec:
    """One catalog action: an operator with a fact and allowed values, or ``end``."""

    operator: str
    fact: str | None
    allowed_values: tuple[str, ...]
    description: str = ""

    @property
    def terminal(self) -> bool:
        """``end`` (and any action without a fact) takes nothing."""
        return self.fact is None

    @property
    def key(self) -> str:
        """What the action picker submits: ``set cache.bypass`` or ``end``."""
        return f"{self.operator} {self.fact}" if self.fact else self.operator

    @property
    def as_fact(self) -> FactSpec:
        """The action viewed as a fact (for sub-keys and value widgets)."""
        return FactSpec(self.fact or "", (self.operator,), self.allowed_values, self.description)


@dataclass(frozen=True)
class Catalog:
    """The parsed catalog with lookups by concrete fact key."""

    conditions: tuple[FactSpec, ...]
    actions: tuple[ActionSpec, ...]
    templates: tuple[dict[str, Any], ...] = ()
    notes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Catalog:
        """Build from the ``RuleOptionsOutput`` body."""
        conditions = tuple(
            FactSpec(
                fact=str(entry["fact"]),
                operators=tuple(entry.get("operators") or ()),
                allowed_values=tuple(entry.get("allowed_values") or ()),
                description=str(entry.get("description") or ""),
            )
            for entry in data.get("conditions", [])
        )
        actions = tuple(
            ActionSpec(
                operator=str(entry["operator"]),
                fact=entry.get("fact") or None,
                allowed_values=tuple(entry.get("allowed_values") or ()),
                description=str(entry.get("description") or ""),
            )
            for entry in data.get("actions", [])
        )
        return cls(
            conditions=conditions,
            actions=actions,
            templates=tuple(data.get("templates", [])),
            notes=dict(data.get("notes") or {}),
        )

    def condition(self, fact: str) -> FactSpec | None:
        """The condition entry a concrete fact key belongs to (exact entries win)."""
        exact = [spec for spec in self.conditions if spec.fact == fact]
        if exact:
            return exact[0]
        return next((spec for spec in self.conditions if spec.matches(fact)), None)

    def condition_by_pattern(self, pattern: str) -> FactSpec | None:
        """The entry whose catalog key is exactly ``pattern`` (``request.header.*``)."""
        return next((spec for spec in self.conditions if spec.fact == pattern), None)

    def action(self, operator: str, fact: str | None) -> ActionSpec | None:
        """The action entry for ``operator`` on a concrete fact key (None when unknown)."""
        for spec in self.actions:
            if spec.operator != operator:
                continue
            if spec.fact is None and fact is None:
                return spec
            if spec.fact is not None and fact is not None and spec.as_fact.matches(fact):
                return spec
        return None

    def action_by_key(self, key: str) -> ActionSpec | None:
        """The action entry the picker value ``key`` names."""
        return next((spec for spec in self.actions if spec.key == key), None)

    def fact_groups(self) -> list[tuple[str, list[FactSpec]]]:
        """Condition facts grouped by prefix for ``<optgroup>``, in catalog order."""
        groups: dict[str, list[FactSpec]] = {}
        for spec in self.conditions:
            groups.setdefault(spec.prefix, []).append(spec)
        return list(groups.items())


def plain(value: Any) -> Any:
    """A response dataclass (with its unknown fields in ``extra``) as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = dict(getattr(value, "extra", {}) or {})
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.name != "extra" and item is not None:
                out[f.name] = plain(item)
        return out
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def load_catalog(client: AgilerClient) -> Catalog:
    """The catalog, from the cache or ``GET /rules``."""
    data = cache.get(_CACHE_KEY)
    if data is None:
        data = plain(client.get_rule_catalog())
        cache.set(_CACHE_KEY, data, CATALOG_TTL)
    return Catalog.from_json(data)


def forget() -> None:
    """Drop the cached catalog (tests; or when Agiler refuses a fact the cache still lists)."""
    cache.delete(_CACHE_KEY)
