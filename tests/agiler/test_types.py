"""Responses decode into frozen dataclasses; a body of the wrong shape is a clear error."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from portal.agiler import (
    AgilerClient,
    AgilerResponseError,
    ProjectDetail,
    RuleOptionsOutput,
    WorkspaceMemberOutput,
)
from portal.agiler.types import decode
from tests.helpers import project_json


def test_datetimes_become_aware_datetimes() -> None:
    project = decode(
        ProjectDetail, project_json(updated_at="2025-01-02T03:04:05+02:00"), operation="get_project"
    )
    assert project.created_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert project.updated_at.utcoffset() == timedelta(hours=2)


def test_unknown_fields_are_kept_in_extra_not_rejected() -> None:
    project = decode(
        ProjectDetail, project_json(site_url="https://shop.example"), operation="get_project"
    )
    assert project.extra == {"site_url": "https://shop.example"}


def test_missing_optional_fields_are_none() -> None:
    member = decode(
        WorkspaceMemberOutput,
        {
            "email": "a@example.com",
            "role": "viewer",
            "status": "pending",
            "is_billing_user": False,
            "created_at": "2025-01-01T00:00:00Z",
            "updated_at": "2025-01-01T00:00:00Z",
        },
        operation="list_workspace_members",
    )
    assert member.user_id is None and member.expires_at is None and member.name is None


def test_responses_are_frozen() -> None:
    project = decode(ProjectDetail, project_json(), operation="get_project")
    with pytest.raises(dataclasses.FrozenInstanceError):
        project.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in project_json().items() if k != "name"}, "ProjectDetail.name"),
        (project_json(active="yes"), "ProjectDetail.active"),
        (project_json(created_at="yesterday"), "ProjectDetail.created_at"),
        (project_json(name=None), "ProjectDetail.name"),
        ([project_json()], "ProjectDetail"),
    ],
)
def test_a_body_of_the_wrong_shape_raises_a_response_error_naming_the_field(
    body: object, field: str
) -> None:
    with pytest.raises(AgilerResponseError) as caught:
        decode(ProjectDetail, body, operation="get_project")
    assert caught.value.field == field
    assert "get_project" in caught.value.message


def test_nested_schemas_decode_recursively() -> None:
    catalog = decode(
        RuleOptionsOutput,
        {
            "conditions": [
                {"fact": "request.method", "operators": ["eq"], "allowed_values": ["GET", "POST"]}
            ],
            "actions": [{"operator": "end"}],
            "notes": {"conditions_shape": "c", "statement_shape": "s", "terminal_action_end": "e"},
            "templates": [
                {
                    "name": "t",
                    "conditions": {"all": []},
                    "actions": [{"operator": "end"}],
                    "requires_configuration": True,
                }
            ],
        },
        operation="get_rule_catalog",
    )
    assert catalog.actions[0].fact is None
    assert catalog.templates[0].actions[0].operator == "end"
    assert catalog.templates[0].requires_configuration is True


def test_a_list_item_of_the_wrong_type_is_a_response_error_from_the_client(
    wire_client: Callable[..., AgilerClient],
) -> None:
    client = wire_client(lambda request: httpx.Response(200, json=[{"id": 7}]))
    with pytest.raises(AgilerResponseError) as caught:
        client.list_projects()
    assert caught.value.field == "ProjectSummary[0].id"


def test_an_object_where_a_list_is_expected_is_a_response_error(
    wire_client: Callable[..., AgilerClient],
) -> None:
    client = wire_client(lambda request: httpx.Response(200, json={"items": []}))
    with pytest.raises(AgilerResponseError):
        client.list_backups("p")


def _catalog(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "conditions": [{"fact": "request.method", "operators": ["eq"], "allowed_values": []}],
        "actions": [{"operator": "end"}],
        "notes": {"conditions_shape": "c", "statement_shape": "s", "terminal_action_end": "e"},
        "templates": [],
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        (
            _catalog(
                conditions=[{"fact": "a", "operators": [], "allowed_values": []}, {"fact": 3}]
            ),
            "RuleOptionsOutput.conditions[1].fact",
            "expected string, got number",
        ),
        (
            _catalog(conditions=[{"fact": "a", "operators": ["eq", None], "allowed_values": []}]),
            "RuleOptionsOutput.conditions[0].operators[1]",
            "must not be null",
        ),
        (_catalog(notes=None), "RuleOptionsOutput.notes", "must not be null"),
        (
            _catalog(notes=[]),
            "RuleOptionsOutput.notes",
            "expected object (RuleCatalogNotes), got array",
        ),
        (_catalog(actions={}), "RuleOptionsOutput.actions", "expected array, got object"),
    ],
)
def test_a_wrong_value_deep_inside_is_named_by_its_whole_path(
    body: object, field: str, problem: str
) -> None:
    with pytest.raises(AgilerResponseError) as caught:
        decode(RuleOptionsOutput, body, operation="get_rule_catalog")
    assert caught.value.field == field
    assert problem in caught.value.message
