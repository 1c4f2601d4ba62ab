"""Project Variables: environment variables; their values are never audited."""

from __future__ import annotations

from ._base import NOT_GIVEN, BaseClient, NotGiven, given
from .pagination import Page
from .types import ProjectVariableOutput

_VARIABLES = "/projects/{project}/variables"


#: A variable's value never enters the audit summary, sensitive or not: a "non-sensitive" value
#: is often a secret someone forgot to flag, and the audit log is readable by support, who may
#: not read values at all (issue 16). The name and the sensitive flag are recorded.
_VALUE_REDACTION = frozenset({"value"})


def _audit_name(name: str | None) -> dict[str, object] | None:
    # The variable's name for the audit label of a write whose body does not carry it.
    return {"name": name} if name else None


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
            redact_keys=_VALUE_REDACTION,
            idempotency_key=idempotency_key,
        )
        return self._model(ProjectVariableOutput, response, "create_variable")

    def delete_variable(
        self,
        project: str,
        variable: str,
        *,
        idempotency_key: str | None = None,
        audit_name: str | None = None,
    ) -> None:
        """DELETE /projects/{project}/variables/{variable} — Project Variables.

        ``audit_name`` (the variable's name) only labels the audit event; it is not sent."""
        self._write(
            "delete_variable",
            "DELETE",
            _VARIABLES + "/{variable}",
            {"project": project, "variable": variable},
            idempotency_key=idempotency_key,
            summary_extra=_audit_name(audit_name),
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
        audit_name: str | None = None,
    ) -> ProjectVariableOutput:
        """PATCH /projects/{project}/variables/{variable} — Project Variables.

        ``audit_name`` (the current name) labels the audit event when the body renames nothing;
        on a rename it is recorded as ``previous_name``. It is not sent."""
        extra = _audit_name(audit_name)
        if extra and not isinstance(name, NotGiven):
            extra = {"previous_name": audit_name}
        response = self._write(
            "update_variable",
            "PATCH",
            _VARIABLES + "/{variable}",
            {"project": project, "variable": variable},
            body=given({"name": name, "value": value, "sensitive": sensitive}),
            redact_keys=_VALUE_REDACTION,
            idempotency_key=idempotency_key,
            summary_extra=extra,
        )
        return self._model(ProjectVariableOutput, response, "update_variable")
