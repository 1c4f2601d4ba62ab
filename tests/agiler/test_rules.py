"""Project rules and the rule catalog against the sandbox."""

from __future__ import annotations

import pytest

from portal.agiler import (
    AgilerClient,
    BadRequest,
    ProjectRuleOutput,
    RuleOptionsOutput,
    RuleStatement,
)
from tests.helpers import RecordingTransport, sent_json


def test_the_catalog_is_typed(client: AgilerClient, wire: RecordingTransport) -> None:
    catalog = client.get_rule_catalog()
    assert isinstance(catalog, RuleOptionsOutput)
    assert wire.last.url.path == "/v1/rules"
    assert any(c.fact == "request.method" for c in catalog.conditions)
    assert any(a.operator == "end" and a.fact is None for a in catalog.actions)
    assert catalog.notes.statement_shape and catalog.templates


def test_create_get_update_delete_a_rule_from_typed_statements(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    rule = client.create_rule(
        project_id,
        name="No cache for admin",
        conditions={"all": [RuleStatement(fact="request.method", operator="eq", value="POST")]},
        actions=[
            RuleStatement(fact="cache.bypass", operator="set", value="true"),
            {"operator": "end"},
        ],
        active=False,
        priority=5,
    )
    assert isinstance(rule, ProjectRuleOutput)
    assert sent_json(wire.last) == {
        "name": "No cache for admin",
        "conditions": {"all": [{"fact": "request.method", "operator": "eq", "value": "POST"}]},
        "actions": [
            {"fact": "cache.bypass", "operator": "set", "value": "true"},
            {"operator": "end"},
        ],
        "active": False,
        "priority": 5,
    }
    assert client.get_rule(project_id, rule.id).name == "No cache for admin"
    assert wire.last.url.path == f"/v1/projects/{project_id}/rules/{rule.id}"

    updated = client.update_rule(project_id, rule.id, active=True)
    assert sent_json(wire.last) == {"active": True} and updated.active is True

    assert rule.id in {r.id for r in client.paginate(client.list_rules, project_id)}
    client.delete_rule(project_id, rule.id)
    assert wire.last.method == "DELETE"
    assert rule.id not in {r.id for r in client.paginate(client.list_rules, project_id)}


def test_a_statement_outside_the_catalog_is_refused(client: AgilerClient, project_id: str) -> None:
    with pytest.raises(BadRequest):
        client.create_rule(
            project_id,
            name="bad",
            conditions={"all": []},
            actions=[{"fact": "no.such.fact", "operator": "set", "value": "x"}],
        )
