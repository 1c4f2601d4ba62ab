"""“Try it”: statements evaluated with the semantics the catalog documents, combined as the
reference defines the groups, and honest about what it cannot evaluate."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agiler_sandbox.catalog import catalog as sandbox_catalog
from portal.rules.catalog import Catalog
from portal.rules.draft import from_rule
from portal.rules.evaluate import Sample, evaluate, parse_pairs
from tests.rules.conftest import the_catalog

CATALOG = the_catalog()
SAMPLE = Sample(
    method="POST",
    host="www.example.com",
    path="/wp-admin/edit.php",
    query="a=1",
    country="US",
    ip="203.0.113.9",
    headers={"user-agent": "EvilBot/2.0", "x-env": "prod"},
    cookies={"wordpress_logged_in": "1"},
)


def _outcome(
    conditions: dict[str, Any], sample: Sample = SAMPLE, catalog: Catalog = CATALOG
) -> Any:
    rule = {"name": "t", "conditions": conditions, "actions": [{"operator": "end"}]}
    return evaluate(from_rule(rule), sample, catalog)


def _one(fact: str, operator: str, value: str) -> Any:
    return _outcome({"all": [{"fact": fact, "operator": operator, "value": value}]}).matched


@pytest.mark.parametrize(
    ("fact", "operator", "value", "expected"),
    [
        ("request.method", "eq", "post", True),  # documented as case-insensitive
        ("request.path", "eq", "/WP-ADMIN/edit.php", False),  # case-sensitive
        ("request.method", "in", "GET, POST", True),
        ("request.method", "ne", "POST", False),
        ("request.path", "prefix", "/wp-admin", True),
        ("request.path", "suffix", ".php", True),
        ("request.query", "contains", "a=", True),
        ("request.path", "matches", r"^/wp-(admin|login)", True),
        ("request.ip", "cidr", "203.0.113.0/24", True),
        ("request.ip", "cidr", "10.0.0.0/8", False),
        ("request.header.User-Agent", "contains", "EvilBot", True),  # header names any case
        ("request.header.x-missing", "eq", "x", False),
        ("request.header.x-missing", "ne", "x", True),  # absent fails all but ne
        ("request.cookie.wordpress_logged_in", "exists", "true", True),
        ("request.cookie.other", "exists", "true", False),
        ("request.user_agent", "prefix", "EvilBot", True),
        ("request.country", "eq", "DE", False),
    ],
)
def test_each_documented_operator(fact: str, operator: str, value: str, expected: bool) -> None:
    assert _one(fact, operator, value) is expected


def test_groups_combine_as_all_and_any_and_negated_and() -> None:
    yes = {"fact": "request.method", "operator": "eq", "value": "POST"}
    no = {"fact": "request.method", "operator": "eq", "value": "GET"}
    assert _outcome({"all": []}).matched is True
    assert _outcome({"any": [no, yes]}).matched is True
    assert _outcome({"any": [no]}).matched is False
    # "not" is a negated AND: one failing statement is enough for the rule to apply.
    assert _outcome({"not": [yes, no]}).matched is True
    assert _outcome({"not": [yes, yes]}).matched is False
    assert _outcome({"all": [yes], "any": [no], "not": [no]}).matched is False


def test_an_undocumented_operator_is_not_guessed() -> None:
    data = sandbox_catalog()
    data["conditions"] = [dict(c) for c in data["conditions"]]
    path = next(c for c in data["conditions"] if c["fact"] == "request.path")
    path["operators"] = [*path["operators"], "glob"]
    catalog = Catalog.from_json(data)
    statement = {"fact": "request.path", "operator": "glob", "value": "/wp-*"}
    outcome = _outcome({"all": [statement]}, catalog=catalog)
    assert outcome.matched is None
    verdict = next(iter(outcome.verdicts.values()))
    assert "does not document" in verdict.reason and "glob" in verdict.reason
    # An unknown that cannot change the result does not hide it.
    no = {"fact": "request.method", "operator": "eq", "value": "GET"}
    assert _outcome({"all": [statement, no]}, catalog=catalog).matched is False


def test_a_fact_the_catalog_dropped_is_reported_not_evaluated() -> None:
    outcome = _outcome({"all": [{"fact": "request.planet", "operator": "eq", "value": "x"}]})
    assert outcome.matched is None and outcome.actions  # might apply


def test_actions_apply_only_when_the_rule_matches() -> None:
    rule = {
        "name": "r",
        "conditions": {"all": [{"fact": "request.scheme", "operator": "eq", "value": "http"}]},
        "actions": [
            {"operator": "set", "fact": "redirect.location", "value": "https://{host}{path}"},
            {"operator": "end"},
        ],
    }
    http = Sample(scheme="http", host="a.test", path="/x")
    outcome = evaluate(from_rule(rule), http, CATALOG)
    assert outcome.actions[0] == (
        "set redirect.location = https://{host}{path} (here: https://a.test/x)"
    )
    assert outcome.actions[1].startswith("end")
    assert evaluate(from_rule(rule), Sample(scheme="https"), CATALOG).actions == []


def test_headers_and_cookies_are_parsed_from_the_form() -> None:
    assert parse_pairs("User-Agent: a: b\nbad line\n X-Y : z ", ":") == {
        "User-Agent": "a: b",
        "X-Y": "z",
    }
    assert parse_pairs("a=1; b = 2;c", "=") == {"a": "1", "b": "2"}


@given(st.text(max_size=30), st.text(max_size=10))
def test_the_tester_never_crashes_on_a_sample(path: str, value: str) -> None:
    for operator in ("eq", "prefix", "matches", "in"):
        statement = {"fact": "request.path", "operator": operator, "value": value}
        _outcome({"all": [statement]}, Sample(path=path))
