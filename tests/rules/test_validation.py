"""Catalog-driven validation: what the builder refuses before sending, keyed as Agiler keys it,
and the property that a rule the builder accepts is a rule the sandbox accepts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agiler_sandbox.catalog import validate_actions, validate_conditions
from agiler_sandbox.http import ApiError
from portal.rules.draft import from_rule
from portal.rules.validation import by_row, validate
from tests.rules.conftest import the_catalog
from tests.rules.strategies import any_rule, valid_rule

CATALOG = the_catalog()


def _rule(conditions: dict[str, Any], actions: list[dict[str, str]] | None = None) -> Any:
    return from_rule(
        {
            "name": "r",
            "conditions": conditions,
            "actions": actions if actions is not None else [{"operator": "end"}],
        }
    )


def _sandbox_accepts(rule: dict[str, Any]) -> bool:
    try:
        validate_conditions(rule["conditions"])
        validate_actions(rule["actions"])
    except ApiError:
        return False
    return True


def test_a_complete_rule_has_no_problems() -> None:
    draft = _rule(
        {
            "all": [{"fact": "request.method", "operator": "in", "value": "GET, POST"}],
            "not": [{"fact": "request.header.user-agent", "operator": "exists", "value": "true"}],
        },
        [{"operator": "set", "fact": "cache.ttl", "value": "60"}, {"operator": "end"}],
    )
    assert validate(draft, CATALOG) == {}


@pytest.mark.parametrize(
    ("statement", "where", "says"),
    [
        ({"fact": "request.planet", "operator": "eq", "value": "x"}, "fact", "not in Agiler"),
        ({"fact": "request.scheme", "operator": "prefix", "value": "h"}, "operator", "not allowed"),
        ({"fact": "request.scheme", "operator": "eq", "value": "ftp"}, "value", "not allowed"),
        ({"fact": "request.method", "operator": "in", "value": "GET,BREW"}, "value", "BREW"),
        ({"fact": "request.header.*", "operator": "eq", "value": "x"}, "fact", "Enter the name"),
        ({"fact": "request.path", "operator": "matches", "value": "("}, "value", "regular"),
        ({"fact": "request.ip", "operator": "cidr", "value": "10.0.0/33"}, "value", "network"),
        ({"fact": "request.cookie.a", "operator": "exists", "value": "yes"}, "value", '"true"'),
    ],
)
def test_a_statement_outside_the_catalog_is_refused_on_its_part(
    statement: dict[str, str], where: str, says: str
) -> None:
    problems = validate(_rule({"any": [statement]}), CATALOG)
    assert list(problems) == [f"conditions.any[0].{where}"]
    assert says in problems[f"conditions.any[0].{where}"]


def test_empty_groups_are_refused_but_an_empty_all_means_every_request() -> None:
    assert validate(_rule({"all": []}), CATALOG) == {}
    assert "conditions.any" in validate(_rule({"any": []}), CATALOG)
    assert "conditions.not" in validate(_rule({"not": []}), CATALOG)
    assert "conditions" in validate(_rule({}), CATALOG)


def test_end_must_be_last_and_takes_nothing() -> None:
    cache = {"operator": "set", "fact": "cache.bypass", "value": "true"}
    problems = validate(_rule({"all": []}, [{"operator": "end"}, cache]), CATALOG)
    assert "can only be the last" in problems["actions[0]"]
    problems = validate(_rule({"all": []}, [{"operator": "end", "value": "x"}]), CATALOG)
    assert "takes no fact" in problems["actions[0]"]
    assert "actions" in validate(_rule({"all": []}, []), CATALOG)


def test_action_values_come_from_the_catalog() -> None:
    problems = validate(
        _rule({"all": []}, [{"operator": "set", "fact": "cache.ttl", "value": "42"}]), CATALOG
    )
    assert "42" in problems["actions[0].value"]
    problems = validate(
        _rule({"all": []}, [{"operator": "set", "fact": "response.header.*", "value": "x"}]),
        CATALOG,
    )
    assert "Enter the name" in problems["actions[0].fact"]


def test_name_and_priority_are_checked() -> None:
    draft = _rule({"all": []})
    draft.name, draft.priority = "  ", "-3"
    assert set(validate(draft, CATALOG)) == {"name", "priority"}


def test_problems_land_on_the_row_they_name() -> None:
    draft = _rule(
        {"all": [{"fact": "request.path", "operator": "eq", "value": "/"}] * 2},
        [{"operator": "end"}, {"operator": "end"}],
    )
    rows, rest = by_row(
        {"conditions.all[1].value": "bad", "actions[0]": "last", "name": "n"}, draft
    )
    assert rows == {draft.groups["all"][1].key: ["bad"], draft.actions[0].key: ["last"]}
    assert rest == {"name": "n"}


@settings(max_examples=300, deadline=None)
@given(any_rule())
def test_every_rule_the_builder_accepts_the_sandbox_accepts(rule: dict[str, Any]) -> None:
    if not validate(from_rule(rule), CATALOG):
        assert _sandbox_accepts(rule), rule


@settings(max_examples=200, deadline=None)
@given(valid_rule())
def test_every_valid_rule_is_accepted_by_both(rule: dict[str, Any]) -> None:
    assert _sandbox_accepts(rule)
    assert validate(from_rule(rule), CATALOG) == {}


@settings(max_examples=100, deadline=None)
@given(valid_rule())
def test_a_rule_read_as_a_draft_is_sent_back_unchanged(rule: dict[str, Any]) -> None:
    draft = from_rule(rule)
    assert draft.body() == {**rule, "priority": rule["priority"]}


@given(st.sampled_from(CATALOG.conditions))
def test_every_catalog_fact_documents_its_operators(spec: Any) -> None:
    # The tester evaluates only documented operators; the sandbox documents all of them.
    assert all(spec.documents(op) for op in spec.operators)
