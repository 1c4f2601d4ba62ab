"""Fault injection: rules that make matching requests slow, fail, break or vanish.

A rule matches by ``operation`` (operationId), ``path`` (regex searched in the request path)
and/or ``method``; every given criterion must hold. Rules are consulted in insertion order and the
first match wins. ``times`` makes a rule apply to the next N matches only.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass
class FaultRule:
    """One fault. JSON-serialisable (``to_dict`` / ``from_dict``); unknown keys are refused."""

    operation: str | None = None
    path: str | None = None
    method: str | None = None
    latency_ms: int = 0
    status: int | None = None
    retry_after: int | None = None
    message: str | None = None
    drop_connection: bool = False
    malformed_json: bool = False
    slow_stream_bytes_per_s: int | None = None
    truncate_after_bytes: int | None = None
    times: int | None = None
    #: apply to this fraction of matching requests (0–1), drawn from a seeded generator; the
    #: others fall through to later rules. None: every match.
    probability: float | None = None
    after_send: bool = False
    fail_backup: bool = False
    id: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.path is not None:
            re.compile(self.path)  # fail early on a bad regex, not on the first request
        if self.method is not None:
            self.method = self.method.upper()
        if self.times is not None and self.times < 1:
            raise ValueError("times must be >= 1 (or null for forever)")
        if self.probability is not None and not 0 <= self.probability <= 1:
            raise ValueError("probability must be between 0 and 1")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        """Build a rule from JSON, refusing unknown keys so typos do not silently no-op."""
        if not isinstance(data, dict):
            raise ValueError("a fault rule must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown fault rule field(s): {', '.join(unknown)}")
        return cls(**{k: v for k, v in data.items() if k != "id"})

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as a JSON-ready dict."""
        return asdict(self)

    def matches(self, operation: str, method: str, path: str) -> bool:
        """Whether this rule applies to a request."""
        if self.operation is not None and self.operation != operation:
            return False
        if self.method is not None and self.method != method.upper():
            return False
        return self.path is None or re.search(self.path, path) is not None


class FaultSet:
    """Thread-safe, ordered collection of active fault rules."""

    def __init__(self, rules: list[FaultRule] | None = None) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(int(os.environ.get("AGILER_SANDBOX_FAULT_SEED", "1")))
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        for rule in rules or []:
            self.add(rule)

    def add(self, rule: FaultRule) -> FaultRule:
        """Activate a rule (a copy gets an id); returns the stored rule."""
        with self._lock:
            stored = FaultRule(**{**rule.to_dict(), "id": next(self._ids)})
            self._rules.append(stored)
            return stored

    def remove(self, rule_id: int) -> bool:
        """Remove one rule by id; returns whether it existed."""
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def list(self) -> list[FaultRule]:
        """Snapshot of the active rules."""
        with self._lock:
            return list(self._rules)

    def take(self, operation: str, method: str, path: str) -> FaultRule | None:
        """Return the first matching rule, consuming one of its ``times``."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(operation, method, path):
                    if rule.probability is not None and self._random.random() >= rule.probability:
                        continue
                    if rule.times is not None:
                        rule.times -= 1
                        if rule.times <= 0:
                            self._rules.remove(rule)
                    return rule
        return None


def load_faults(text: str) -> list[FaultRule]:
    """Parse a JSON list (or a single object) of fault rules."""
    data = json.loads(text)
    items = data if isinstance(data, list) else [data]
    return [FaultRule.from_dict(item) for item in items]


def faults_from_file(path: str | Path) -> list[FaultRule]:
    """Read fault rules from a JSON file."""
    return load_faults(Path(path).read_text(encoding="utf-8"))


def faults_from_env() -> list[FaultRule]:
    """Fault rules from ``AGILER_SANDBOX_FAULTS``: inline JSON, or a path to a JSON file."""
    value = os.environ.get("AGILER_SANDBOX_FAULTS", "").strip()
    if not value:
        return []
    if value.startswith(("[", "{")):
        return load_faults(value)
    return faults_from_file(value)
