"""Every action the portal records is one ``Action``: in the filter, in words, and nothing else."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from portal.audit.actions import OPERATIONS, PORTAL_ACTIONS, Action, action_groups
from portal.audit.sentences import ACTION_LABELS, SENTENCES
from portal.audit.services import record_event

PORTAL = Path(__file__).resolve().parents[2] / "portal"


def test_every_action_can_be_found_with_the_audit_pages_action_filter() -> None:
    offered = {action for _group, actions in action_groups() for action in actions}
    assert sorted(set(Action.values) - offered) == []


def test_every_action_has_a_sentence_and_every_sentence_an_action() -> None:
    assert sorted(set(Action) - set(SENTENCES)) == []
    assert all(isinstance(key, Action) for key in SENTENCES)
    assert all(isinstance(key, Action) for key in ACTION_LABELS)


@pytest.mark.django_db
def test_an_action_that_is_not_in_the_enum_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        record_event(action="projects.explode", actor=None)


def _audited_operations() -> set[str]:
    """The operationIds the client reports to the audit observer (its writes and downloads)."""
    found: set[str] = set()
    for path in (PORTAL / "agiler").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"_write", "_download", "_open"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def test_every_write_and_download_of_the_client_has_its_action() -> None:
    audited = _audited_operations()
    assert audited, "the scan found no client writes at all"
    assert sorted(audited - set(OPERATIONS)) == []


def test_the_audit_docs_name_every_portal_action_as_recorded() -> None:
    docs = (PORTAL.parent / "docs" / "audit.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", docs))
    assert sorted(set(PORTAL_ACTIONS) - named) == []
    # names the code never records (e.g. the old ``auth.mfa_enrolled``) must not be documented
    auth_like = {name for name in named if name.startswith(("auth.", "mfa.", "users.", "tokens."))}
    assert sorted(auth_like - set(PORTAL_ACTIONS)) == []
