"""``matches`` runs in linear time everywhere (issue 15, item 1): "Try it" with a catastrophic
pattern answers at once, and the builder, "Try it" and the sandbox agree on what is a pattern."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse

from agiler_sandbox.catalog import regex_problem
from portal.rules import regex
from tests.helpers import HTMX, client_for, the_catalog

EVIL = "^/(a+)+$"


def _rule(pattern: str, fact: str = "request.path") -> str:
    return json.dumps(
        {
            "name": "evil",
            "conditions": {"all": [{"fact": fact, "operator": "matches", "value": pattern}]},
            "actions": [{"operator": "set", "fact": "response.status", "value": "403"}],
        }
    )


def test_a_catastrophic_pattern_in_try_it_answers_at_once(tokened_cast, project_id) -> None:  # type: ignore[no-untyped-def]
    """The attack: as support, ``^/(a+)+$`` against ``/aaa…a!`` froze a worker for seconds."""
    client = client_for(tokened_cast["support"])
    started = time.monotonic()
    response = client.post(
        reverse("rules:try", args=[project_id]),
        {"rule-json": _rule(EVIL), "try-path": "/" + "a" * 5000 + "!"},
        **HTMX,
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert "The rule does not match this request." in response.content.decode()
    # A backtracking engine needs about 2**5000 steps here; RE2 needs microseconds. The bound is
    # generous for a loaded CI machine and still many orders of magnitude below the attack.
    assert elapsed < 5


def test_the_same_pattern_still_matches_what_it_should(tokened_cast, project_id) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["support"])
    response = client.post(
        reverse("rules:try", args=[project_id]),
        {"rule-json": _rule(EVIL), "try-path": "/aaaa"},
        **HTMX,
    )
    assert "The rule matches this request." in response.content.decode()


def test_a_subject_beyond_the_cap_is_not_evaluated_rather_than_searched(  # type: ignore[no-untyped-def]
    tokened_cast, project_id
) -> None:
    client = client_for(tokened_cast["support"])
    response = client.post(
        reverse("rules:try", args=[project_id]),
        {"rule-json": _rule("a"), "try-path": "/" + "a" * (regex.MAX_SUBJECT + 1)},
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200 and "longer than" in page


@pytest.mark.parametrize(
    "pattern, refused",
    [
        (EVIL, False),
        ("^/wp-(admin|login)", False),
        ("(?<=a)b", True),  # look-around: backtracking only
        (r"(a)\1", True),  # back-reference: backtracking only
        ("[", True),
        ("a" * (regex.MAX_PATTERN + 1), True),
    ],
)
def test_builder_validation_and_the_sandbox_agree_on_what_is_a_pattern(pattern, refused) -> None:  # type: ignore[no-untyped-def]
    assert (regex.problem(pattern) is not None) is refused
    assert (regex_problem(pattern) is not None) is refused


def test_the_builder_refuses_look_around_with_a_reason() -> None:
    from portal.rules.draft import from_rule
    from portal.rules.validation import validate

    draft = from_rule(json.loads(_rule("(?<=a)b")))
    problems = validate(draft, the_catalog())
    assert "look-around" in problems["conditions.all[0].value"]


def test_a_nul_inside_a_condition_value_is_refused_before_anything_is_sent() -> None:
    from portal.rules.draft import from_rule
    from portal.rules.validation import validate

    rule = json.loads(_rule("x"))
    rule["conditions"]["all"][0] = {"fact": "request.path", "operator": "eq", "value": "/a\x00b"}
    problems = validate(from_rule(rule), the_catalog())
    assert "NUL" in problems["conditions.all[0].value"]
