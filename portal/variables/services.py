"""Variables as each role may see them, and the ``.env`` bulk edit: plan, then apply.

Values are shown only to roles with ``variables.read_values`` (support and finance see names),
and never for a sensitive variable (Agiler does not send those back). The rows the templates
get are built here, so a template cannot show a value by accident: for a role without the right
``Row.value`` is None whatever Agiler answered.

Bulk edit: ``plan`` compares the pasted entries with what Agiler holds now, line by line
(added / changed / unchanged / replace a hidden value); ``apply`` sends one idempotent call per
line that changes something, in paste order, and reports each line's outcome. Lines that would
change nothing are not sent, so applying the same paste again changes nothing. A sensitive
variable's current value is never sent to us, so it cannot be compared: such a line is
"replace the hidden value" and is sent (it sets the same value again) unless unticked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from portal.agiler import (
    AgilerClient,
    AgilerError,
    AgilerUnavailable,
    BadRequest,
    Conflict,
    NotFound,
    PermissionDenied,
)
from portal.agiler.types import ProjectVariableOutput
from portal.projects.area_pages import find_listed
from portal.variables.dotenv import Entry
from portal.variables.names import looks_secret

LOOKUP_PAGE_SIZE = 200
MASK = "••••••••"


@dataclass(frozen=True)
class Row:
    """One variable as the page shows it; ``value`` None when hidden from this person."""

    id: str
    name: str
    sensitive: bool
    value: str | None

    @property
    def multiline(self) -> bool:
        return self.value is not None and "\n" in self.value


def may_read_values(user: Any) -> bool:
    """Whether ``user``'s role may read (non-sensitive) values."""
    return bool(user.can("variables.read_values"))


def present(var: ProjectVariableOutput, *, values: bool) -> Row:
    """``var`` for the page; its value only for a role that may read values, never sensitive."""
    shown = var.value if values and not var.sensitive else None
    return Row(id=var.id, name=var.name, sensitive=var.sensitive, value=shown)


def all_variables(client: AgilerClient, project: str) -> list[ProjectVariableOutput]:
    """Every variable of the project, in Agiler's order."""
    return list(client.paginate(client.list_variables, project, limit=LOOKUP_PAGE_SIZE))


def find_variable(variables: Iterable[ProjectVariableOutput], ident: str) -> ProjectVariableOutput:
    """The variable ``ident`` (its id); NotFound when Agiler does not list it."""
    return find_listed(variables, ident, resource="variable")


# --- bulk edit ------------------------------------------------------------------------------------

ADD, CHANGE, UNCHANGED, REPLACE = "add", "change", "unchanged", "replace"
KIND_LABELS = {
    ADD: "Added",
    CHANGE: "Changed",
    UNCHANGED: "Unchanged",
    REPLACE: "Replaces a hidden value",
}


@dataclass(frozen=True)
class Change:
    """What one pasted line does to the project."""

    line: int
    name: str
    value: str
    kind: str
    sensitive: bool
    current: ProjectVariableOutput | None

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def sends(self) -> bool:
        return self.kind != UNCHANGED

    @property
    def shown_value(self) -> str:
        """The new value as the preview shows it: masked when it is (or was) sensitive."""
        hidden = self.sensitive or (self.current is not None and self.current.sensitive)
        return MASK if hidden else self.value

    @property
    def shown_old(self) -> str | None:
        """The old value, for a changed non-sensitive variable."""
        if self.kind == CHANGE and self.current is not None and not self.current.sensitive:
            return self.current.value or ""
        return None


def plan(
    entries: list[Entry],
    current: list[ProjectVariableOutput],
    *,
    sensitive: Mapping[str, bool] | None = None,
) -> list[Change]:
    """One Change per entry. ``sensitive`` holds the person's choice per name (the preview's
    switches); without one, an existing variable keeps its flag and a new one is proposed
    sensitive when its name looks like a secret."""
    by_name = {var.name: var for var in current}
    changes = []
    for entry in entries:
        existing = by_name.get(entry.name)
        default = existing.sensitive if existing else looks_secret(entry.name)
        flag = sensitive.get(entry.name, default) if sensitive is not None else default
        if existing is None:
            kind = ADD
        elif existing.sensitive and flag:
            kind = REPLACE  # Agiler never tells us the current value: it cannot be compared
        elif existing.sensitive and not flag:
            kind = CHANGE
        elif (existing.value or "") == entry.value and existing.sensitive == flag:
            kind = UNCHANGED
        else:
            kind = CHANGE
        changes.append(Change(entry.line, entry.name, entry.value, kind, flag, existing))
    return changes


DONE, REFUSED, UNKNOWN, SKIPPED, NOT_SENT = "done", "refused", "unknown", "skipped", "not_sent"


@dataclass(frozen=True)
class Result:
    """The outcome of one line: ``done``, ``refused``, ``unknown``, ``skipped`` (nothing to
    change or unticked) or ``not_sent`` (an earlier failure stopped the apply)."""

    change: Change
    outcome: str
    message: str = ""

    @property
    def landed(self) -> bool:
        return self.outcome == DONE


def line_key(base: str, change: Change) -> str:
    """The idempotency key of one line: a double submit of the same preview replays each line,
    and two lines (or two choices for one line) never share a key."""
    raw = f"{base}|{change.kind}|{change.name}|{change.sensitive}"
    return "bulk-" + hashlib.sha256(raw.encode()).hexdigest()[:48]


def apply(
    client: AgilerClient,
    project: str,
    changes: list[Change],
    *,
    base_key: str,
    skip: frozenset[str],
) -> list[Result]:
    """Send each change in paste order; see the module docstring. ``skip`` holds unticked
    names. A refusal of one line (400/403/404/409) does not stop the others; Agiler being
    unreachable or failing does, and the lines after it are reported as not sent."""
    results: list[Result] = []
    stopped = ""
    for change in changes:
        if not change.sends or change.name in skip:
            results.append(Result(change, SKIPPED))
            continue
        if stopped:
            results.append(Result(change, NOT_SENT, stopped))
            continue
        key = line_key(base_key, change)
        try:
            if change.current is None:
                client.create_variable(
                    project,
                    name=change.name,
                    value=change.value,
                    sensitive=change.sensitive,
                    idempotency_key=key,
                )
            else:
                client.update_variable(
                    project,
                    change.current.id,
                    value=change.value,
                    sensitive=change.sensitive,
                    idempotency_key=key,
                    audit_name=change.name,
                )
        except (BadRequest, Conflict, PermissionDenied, NotFound) as error:
            results.append(Result(change, REFUSED, f"Refused by Agiler: {error.message}"))
        except AgilerUnavailable as error:
            if error.may_have_been_applied:
                lost = "Not sure — may have been applied (the answer was lost)."
                results.append(Result(change, UNKNOWN, lost))
            else:
                results.append(Result(change, REFUSED, "Agiler could not be reached; not applied."))
            stopped = "Not sent: Agiler stopped answering before this line."
        except AgilerError as error:
            failed = f"Not sure — may have been applied: Agiler failed ({error.message})"
            results.append(Result(change, UNKNOWN, failed))
            stopped = "Not sent: Agiler failed on an earlier line."
        else:
            results.append(Result(change, DONE, "Done"))
    return results
