"""Project SQL: run statements against the project database and read their results.

Statement objects are a FreeformObject owned by the edge runtime, so they stay plain dicts
(facts: id, sql, read_only, timeout, status, submitted_at, columns, rows, error, …). A statement
whose ``status`` is ``error`` is a result, not an exception.
"""

from __future__ import annotations

from ._base import NOT_GIVEN, BaseClient, NotGiven, given
from .pagination import Page
from .types import FreeformObject, StatementListItem, decode_freeform

_STATEMENTS = "/projects/{project}/sql/statements"


class SqlMixin(BaseClient):
    """Operations of the reference section "Project SQL"."""

    def list_sql_statements(
        self, project: str, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[StatementListItem]:
        """GET /projects/{project}/sql/statements — Project SQL."""
        return self._get_page(
            StatementListItem,
            "list_sql_statements",
            _STATEMENTS,
            {"project": project},
            cursor=cursor,
            limit=limit,
        )

    def create_sql_statement(
        self,
        project: str,
        *,
        sql: str,
        read_only: bool = True,
        timeout: int | NotGiven = NOT_GIVEN,
        respond_async: bool = False,
        idempotency_key: str | None = None,
    ) -> FreeformObject:
        """POST /projects/{project}/sql/statements — Project SQL.

        ``read_only`` defaults to True so a write needs an explicit opt-in. With
        ``respond_async=True`` Agiler may answer 202 with a pending statement to poll.
        """
        headers = {"Prefer": "respond-async"} if respond_async else {}
        response = self._write(
            "create_sql_statement",
            "POST",
            _STATEMENTS,
            {"project": project},
            body=given({"sql": sql, "read_only": read_only, "timeout": timeout}),
            headers=headers,
            idempotency_key=idempotency_key,
        )
        return decode_freeform(
            self._json(response, "create_sql_statement"),
            operation="create_sql_statement",
            status=response.status_code,
        )

    def delete_sql_statement(
        self, project: str, statement: str, *, idempotency_key: str | None = None
    ) -> None:
        """DELETE /projects/{project}/sql/statements/{statement} — Project SQL (cancels)."""
        self._write(
            "delete_sql_statement",
            "DELETE",
            _STATEMENTS + "/{statement}",
            {"project": project, "statement": statement},
            idempotency_key=idempotency_key,
        )

    def get_sql_statement(self, project: str, statement: str) -> FreeformObject:
        """GET /projects/{project}/sql/statements/{statement} — Project SQL."""
        spec_params = {"project": project, "statement": statement}
        response = self._get_raw("get_sql_statement", _STATEMENTS + "/{statement}", spec_params)
        return decode_freeform(
            self._json(response, "get_sql_statement"),
            operation="get_sql_statement",
            status=response.status_code,
        )
