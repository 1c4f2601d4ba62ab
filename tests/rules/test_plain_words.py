"""The rule builder explains itself in words, and a new rule starts empty."""

from __future__ import annotations

from django.urls import reverse

from tests.helpers import client_for


def test_a_new_rule_from_scratch_starts_empty_and_speaks_plain_words(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = sandbox.inspect.first_project()
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("rules:new", args=[project.id]))
        .content.decode()
    )
    # Nobody chose a statement or an action yet: none is there.
    assert 'data-testid="fact"' not in body and 'data-testid="action"' not in body
    assert "&quot;actions&quot;: []" in body or '"actions": []' in body
    for words in ("All of these", "Any of these", "Stop evaluating further rules"):
        assert words in body
    assert "A JSON object" not in body and '{"operator": "end"}' not in body


def test_operator_choices_read_as_words_without_codes(tokened_cast, sandbox) -> None:  # type: ignore[no-untyped-def]
    project = sandbox.inspect.first_project()
    body = (
        client_for(tokened_cast["operator"])
        .get(reverse("rules:new", args=[project.id]) + "?template=0")
        .content.decode()
    )
    assert 'data-testid="operator"' in body
    assert "(eq)" not in body and "(contains)" not in body
