"""Reordering rules: a new order becomes priorities, saved one audited PATCH per changed rule.

Lower priority runs first. The priorities already in use are reused in the new order when they
are distinct, so moving one rule one place changes two rules, not the whole list; ties (which
Agiler breaks by creation time, invisible to a person) are renumbered 10, 20, 30… instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from portal.agiler import AgilerClient, AgilerError

STEP = 10


class StaleOrder(ValueError):
    """The submitted order is not a permutation of the rules Agiler has now."""


def plan(current: Sequence[Any], order: Sequence[str]) -> list[tuple[Any, int]]:
    """(rule, new priority) for each rule whose priority must change to follow ``order``."""
    by_id = {rule.id: rule for rule in current}
    if sorted(order) != sorted(by_id) or len(set(order)) != len(order):
        raise StaleOrder("The rules changed since the page was loaded.")
    slots = sorted(rule.priority for rule in current)
    if len(set(slots)) != len(slots):
        slots = [STEP * (i + 1) for i in range(len(slots))]
    return [
        (by_id[rule_id], slot)
        for rule_id, slot in zip(order, slots, strict=True)
        if by_id[rule_id].priority != slot
    ]


def moved(order: Sequence[str], rule_id: str, direction: str) -> list[str]:
    """``order`` with ``rule_id`` one place up or down (unchanged at either end)."""
    items = list(order)
    if rule_id not in items:
        return items
    index = items.index(rule_id)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return items


@dataclass
class Result:
    """What a reorder did: rules saved at their new place, rules left, and why it stopped."""

    moved: list[str] = field(default_factory=list)
    not_moved: list[str] = field(default_factory=list)
    error: AgilerError | None = None


def apply(
    client: AgilerClient, project: str, changes: list[tuple[Any, int]], *, idempotency_key: str
) -> Result:
    """PATCH each change in turn; stop at the first failure and say what did and did not move."""
    result = Result()
    for index, (rule, priority) in enumerate(changes):
        try:
            # One key per rule, derived from the form's: a resubmitted form replays, not repeats.
            client.update_rule(
                project, rule.id, priority=priority, idempotency_key=f"{idempotency_key}:{rule.id}"
            )
        except AgilerError as error:
            result.error = error
            result.not_moved = [r.name for r, _ in changes[index:]]
            return result
        result.moved.append(rule.name)
    return result
