"""SQL statements against the sandbox: results stay FreeformObject dicts."""

from __future__ import annotations

from portal.agiler import AgilerClient, StatementListItem
from tests.helpers import RecordingTransport, sent_json


def test_run_a_read_only_select_and_read_it_back(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    statement = client.create_sql_statement(
        project_id, sql="SELECT ID, post_title FROM wp_posts", timeout=10
    )
    assert isinstance(statement, dict)
    assert statement["status"] == "success" and statement["rows"]
    assert sent_json(wire.last) == {
        "sql": "SELECT ID, post_title FROM wp_posts",
        "read_only": True,
        "timeout": 10,
    }
    assert wire.last.headers["Idempotency-Key"]
    again = client.get_sql_statement(project_id, str(statement["id"]))
    assert again["id"] == statement["id"]
    history = client.list_sql_statements(project_id, limit=5)
    assert all(isinstance(item, StatementListItem) for item in history)


def test_an_async_statement_is_pending_and_can_be_cancelled(
    client: AgilerClient, project_id: str, wire: RecordingTransport
) -> None:
    statement = client.create_sql_statement(
        project_id, sql="SELECT * FROM wp_options", respond_async=True
    )
    assert wire.last.headers["Prefer"] == "respond-async"
    assert statement["status"] in {"pending", "success"}
    client.delete_sql_statement(project_id, str(statement["id"]))
    assert (wire.last.method, wire.last.url.path) == (
        "DELETE",
        f"/v1/projects/{project_id}/sql/statements/{statement['id']}",
    )


def test_a_syntax_error_is_a_result_not_an_exception(client: AgilerClient, project_id: str) -> None:
    statement = client.create_sql_statement(project_id, sql="SELEC nonsense")
    assert statement["status"] == "error" and statement["error"]


def test_result_rows_page_through_the_link_cursor(client: AgilerClient, project_id: str) -> None:
    statement = client.create_sql_statement(project_id, sql="SELECT ID FROM wp_posts ORDER BY ID")
    first = client.get_sql_statement_page(project_id, str(statement["id"]))
    assert len(first.rows) == 100 and first.next_cursor
    second = client.get_sql_statement_page(
        project_id, str(statement["id"]), cursor=first.next_cursor
    )
    assert second.next_cursor is None and second.rows[-1] == [137]
    every = list(client.iter_sql_rows(project_id, str(statement["id"]), limit=40))
    assert [row[0] for row in every] == list(range(1, 138))
