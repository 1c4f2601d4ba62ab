"""Editing round-trips losslessly: any rule Agiler holds, opened in the builder and saved as the
browser would submit it, is stored again as the identical JSON."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from tests.helpers import client_for
from tests.rules.formparse import form_fields
from tests.rules.strategies import valid_rule


def _stored(direct: Any, project: str, rule_id: str) -> dict[str, Any]:
    rule = direct.get_rule(project, rule_id)
    return {
        "name": rule.name,
        "priority": rule.priority,
        "active": rule.active,
        "conditions": rule.conditions,
        "actions": [
            {k: v for k in ("operator", "fact", "value") if (v := getattr(a, k)) is not None}
            for a in rule.actions
        ],
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rule=valid_rule())
def test_every_rule_read_from_the_sandbox_re_renders_and_re_saves_identically(  # type: ignore[no-untyped-def]
    tokened_cast, direct, project_id, rule: dict[str, Any]
) -> None:
    created = direct.create_rule(project_id, **rule)
    before = _stored(direct, project_id, created.id)
    client = client_for(tokened_cast["operator"])
    page = client.get(reverse("rules:edit", args=[project_id, created.id])).content.decode()
    fields = form_fields(page, "rule-form")
    response = client.post(reverse("rules:save", args=[project_id, created.id]), _encode(fields))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _stored(direct, project_id, created.id) == before == rule
    direct.delete_rule(project_id, created.id)


def _encode(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data
