"""Project Rules: request rules built from the catalog (see ``get_rule_catalog``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._base import NOT_GIVEN, BaseClient, NotGiven, given, jsonable
from .pagination import Page
from .types import ProjectRuleOutput, RuleStatement

_RULES = "/projects/{project}/rules"

#: ``conditions``: ``{"all"|"any"|"not": [RuleStatement | {"fact","operator","value"}, …]}``.
Conditions = Mapping[str, Sequence[RuleStatement | Mapping[str, object]]]
Actions = Sequence[RuleStatement | Mapping[str, object]]


class RulesMixin(BaseClient):
    """Operations of the reference section "Project Rules"."""

    def list_rules(
        self, project: str, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[ProjectRuleOutput]:
        """GET /projects/{project}/rules — Project Rules."""
        return self._get_page(
            ProjectRuleOutput,
            "list_rules",
            _RULES,
            {"project": project},
            cursor=cursor,
            limit=limit,
        )

    def create_rule(
        self,
        project: str,
        *,
        name: str,
        conditions: Conditions | Mapping[str, object],
        actions: Actions,
        active: bool | NotGiven = NOT_GIVEN,
        priority: int | float | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> ProjectRuleOutput:
        """POST /projects/{project}/rules — Project Rules."""
        body = given(
            {
                "name": name,
                "conditions": jsonable(conditions),
                "actions": jsonable(actions),
                "active": active,
                "priority": priority,
            }
        )
        response = self._write(
            "create_rule",
            "POST",
            _RULES,
            {"project": project},
            body=body,
            idempotency_key=idempotency_key,
        )
        return self._model(ProjectRuleOutput, response, "create_rule")

    def delete_rule(self, project: str, rule: str, *, idempotency_key: str | None = None) -> None:
        """DELETE /projects/{project}/rules/{rule} — Project Rules."""
        self._write(
            "delete_rule",
            "DELETE",
            _RULES + "/{rule}",
            {"project": project, "rule": rule},
            idempotency_key=idempotency_key,
        )

    def get_rule(self, project: str, rule: str) -> ProjectRuleOutput:
        """GET /projects/{project}/rules/{rule} — Project Rules."""
        return self._get_model(
            ProjectRuleOutput, "get_rule", _RULES + "/{rule}", {"project": project, "rule": rule}
        )

    def update_rule(
        self,
        project: str,
        rule: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        conditions: Conditions | Mapping[str, object] | NotGiven = NOT_GIVEN,
        actions: Actions | NotGiven = NOT_GIVEN,
        active: bool | NotGiven = NOT_GIVEN,
        priority: int | float | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> ProjectRuleOutput:
        """PATCH /projects/{project}/rules/{rule} — Project Rules. Sends only the fields passed."""
        body = given(
            {
                "name": name,
                "conditions": conditions
                if isinstance(conditions, NotGiven)
                else jsonable(conditions),
                "actions": actions if isinstance(actions, NotGiven) else jsonable(actions),
                "active": active,
                "priority": priority,
            }
        )
        response = self._write(
            "update_rule",
            "PATCH",
            _RULES + "/{rule}",
            {"project": project, "rule": rule},
            body=body,
            idempotency_key=idempotency_key,
        )
        return self._model(ProjectRuleOutput, response, "update_rule")
