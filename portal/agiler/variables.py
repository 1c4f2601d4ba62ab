"""Project Variables: environment variables; values of sensitive ones are never audited."""

from __future__ import annotations

from ._base import NOT_GIVEN, BaseClient, NotGiven, given
from .pagination import Page
from .types import ProjectVariableOutput

_VARIABLES = "/projects/{project}/variables"


def _value_redaction(sensitive: bool | NotGiven) -> frozenset[str]:
    # Only an explicitly non-sensitive variable may have its value in the audit summary.
    return frozenset() if sensitive is False else frozenset({"value"})


class VariablesMixin(BaseClient):
    """Operations of the reference section "Project Variables"."""

    def list_variables(
        self, project: str, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[ProjectVariableOutput]:
        """GET /projects/{project}/variables — Project Variables."""
        return self._get_page(
            ProjectVariableOutput,
            "list_variables",
            _VARIABLES,
            {"project": project},
            cursor=cursor,
            limit=limit,
        )

    def create_variable(
        self,
        project: str,
        *,
        name: str,
        value: str,
        sensitive: bool | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> ProjectVariableOutput:
        """POST /projects/{project}/variables — Project Variables."""
        response = self._write(
            "create_variable",
            "POST",
            _VARIABLES,
            {"project": project},
            body=given({"name": name, "value": value, "sensitive": sensitive}),
            redact_keys=_value_redaction(sensitive),
            idempotency_key=idempotency_key,
        )
        return self._model(ProjectVariableOutput, response, "create_variable")

    def delete_variable(
        self, project: str, variable: str, *, idempotency_key: str | None = None
    ) -> None:
        """DELETE /projects/{project}/variables/{variable} — Project Variables."""
        self._write(
            "delete_variable",
            "DELETE",
            _VARIABLES + "/{variable}",
            {"project": project, "variable": variable},
            idempotency_key=idempotency_key,
        )

    def update_variable(
        self,
        project: str,
        variable: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        value: str | NotGiven = NOT_GIVEN,
        sensitive: bool | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> ProjectVariableOutput:
        """PATCH /projects/{project}/variables/{variable} — Project Variables."""
        response = self._write(
            "update_variable",
            "PATCH",
            _VARIABLES + "/{variable}",
            {"project": project, "variable": variable},
            body=given({"name": name, "value": value, "sensitive": sensitive}),
            redact_keys=_value_redaction(sensitive),
            idempotency_key=idempotency_key,
        )
        return self._model(ProjectVariableOutput, response, "update_variable")
