"""Project SQL: run statements against the project database and read their results.

Statement objects are a FreeformObject owned by the edge runtime, so they stay plain dicts
(facts: id, sql, read_only, timeout, status, submitted_at, columns, rows, error, …). A statement
whose ``status`` is ``error`` is a result, not an exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ._base import NOT_GIVEN, BaseClient, NotGiven, given
from .pagination import Page, next_cursor_from
from .types import FreeformObject, StatementListItem, decode_freeform

_STATEMENTS = "/projects/{project}/sql/statements"
#: result rows per page: Agiler's default and its maximum (facts)
ROWS_PAGE_DEFAULT = 100
ROWS_PAGE_MAX = 1000


@dataclass(frozen=True)
class StatementPage:
    """A statement with one page of its result ``rows``; ``next_cursor`` is None on the last."""

    statement: FreeformObject
    next_cursor: str | None = None

    @property
    def rows(self) -> list[list[object]]:
        """This page's rows (each a list of cells); [] when the result has none or is odd."""
        rows = self.statement.get("rows")
        if not isinstance(rows, list):
            return []
        return [row if isinstance(row, list) else [row] for row in rows]


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

    def get_sql_statement(
        self,
        project: str,
        statement: str,
        *,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> FreeformObject:
        """GET /projects/{project}/sql/statements/{statement} — Project SQL.

        The statement with one page of its ``rows`` (100 by default, ``limit`` up to 1000);
        :meth:`get_sql_statement_page` also gives the cursor of the next page of rows.
        """
        return self.get_sql_statement_page(project, statement, cursor=cursor, limit=limit).statement

    def get_sql_statement_page(
        self,
        project: str,
        statement: str,
        *,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> StatementPage:
        """GET …/sql/statements/{statement} with the rows page at ``cursor`` and the next one's."""
        spec_params = {"project": project, "statement": statement}
        response = self._get_raw(
            "get_sql_statement",
            _STATEMENTS + "/{statement}",
            spec_params,
            query={"cursor": cursor, "limit": limit},
        )
        body = decode_freeform(
            self._json(response, "get_sql_statement"),
            operation="get_sql_statement",
            status=response.status_code,
        )
        return StatementPage(body, next_cursor_from(response, operation="get_sql_statement"))

    def iter_sql_rows(
        self, project: str, statement: str, *, limit: int = ROWS_PAGE_MAX
    ) -> Iterator[list[object]]:
        """Every row of a statement's result, one rows page at a time (fetched lazily)."""
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            page = self.get_sql_statement_page(project, statement, cursor=cursor, limit=limit)
            yield from page.rows
            cursor = page.next_cursor
            if cursor is None or cursor in seen:  # a cursor seen before would loop forever
                return
            seen.add(cursor)
