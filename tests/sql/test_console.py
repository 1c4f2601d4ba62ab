"""The SQL console: run (read-only by default), poll, page, export, cancel, confirm, audit."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent
from tests.helpers import HTMX, client_for


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    return {"sql_seconds": 1}


def a_project(sandbox: Any) -> Any:
    return sandbox.inspect.first_project()


def advance(sandbox: Any, seconds: float) -> None:
    """Move the sandbox's clock: pending statements finish without sleeping."""
    sandbox.inspect.advance_clock(seconds)


def run(client: Any, project: Any, sql: str, *, htmx: bool = True, **fields: Any) -> Any:
    data = {"sql": sql, "timeout": 30, "idempotency_key": fields.pop("key", f"k-{sql}")}
    if fields.pop("read_only", True):
        data["read_only"] = "on"
    data.update(fields)
    return client.post(reverse("sql:run", args=[project.id]), data, **(HTMX if htmx else {}))


def statement_id(response: Any) -> str:
    return response.headers["HX-Push-Url"].rstrip("/").rsplit("/", 1)[-1]


def finished(client: Any, sandbox: Any, project: Any, sid: str, **query: str) -> str:
    advance(sandbox, 5)
    url = reverse("sql:result", args=[project.id, sid])
    return client.get(url, {"poll": "1", **query}, **HTMX).content.decode()


@pytest.fixture
def op(tokened_cast: dict[str, Any]) -> Any:
    return client_for(tokened_cast["operator"])


def test_the_console_opens_read_only_with_the_projects_history(op, sandbox) -> None:
    project = a_project(sandbox)
    page = op.get(reverse("sql:console", args=[project.id])).content.decode()
    assert project.name in page and 'name="sql"' in page
    assert re.search(r'name="read_only"[^>]*checked', page), "read-only is on by default"
    assert 'value="30"' in page and 'max="300"' in page
    assert page.count('data-testid="history-row"') == 3 and "ada@example.com" in page
    assert "js/sql-console.js" in page


def test_a_select_is_pending_then_polled_into_a_paged_result(op, sandbox) -> None:
    project = a_project(sandbox)
    response = run(op, project, "select ID as id, post_title from wp_posts order by ID")
    body = response.content.decode()
    assert response.headers["HX-Retarget"] == "#sql-result"
    assert "sql-history-changed" in response.headers["HX-Trigger"]
    assert 'data-testid="result-pending"' in body and 'hx-trigger="load delay:500ms"' in body
    assert "Cancel statement" in body and "?poll=1" in body
    # The next check waits longer: the delay grows with each poll.
    sid = statement_id(response)
    still = op.get(reverse("sql:result", args=[project.id, sid]), {"poll": "1"}, **HTMX)
    assert 'hx-trigger="load delay:1000ms"' in still.content.decode()
    done = finished(op, sandbox, project, sid)
    assert '<th scope="col" class="text-end">id</th>' in done
    assert '<th scope="col">post_title</th>' in done
    assert done.count('<tr><td class="sql-rownum">') == 100
    assert 'data-testid="row-count">137<' in done and "Hello world!" in done
    next_url = re.search(r'href="([^"]+)"[^>]*rel="next"', done).group(1).replace("&amp;", "&")
    second = op.get(next_url, **HTMX).content.decode()
    assert second.count('<tr><td class="sql-rownum">') == 37
    assert "rows 101–137 of 137" in second and '<td class="num">137</td>' in second


def test_null_is_not_the_text_null_and_long_values_fold(op, sandbox) -> None:
    project = a_project(sandbox)
    sql = "SELECT NULL AS a, 'NULL' AS b, 42 AS n, REPEAT('x', 300) AS long_text"
    sid = statement_id(run(op, project, sql))
    body = finished(op, sandbox, project, sid)
    assert '<td class="sql-null"><span aria-hidden="true">NULL</span>' in body
    assert "<td>NULL</td>" in body
    assert '<td class="num">42</td>' in body
    assert '<td class="sql-long"><details><summary>' + "x" * 80 + "…" in body


def test_a_database_error_is_shown_beside_the_statement(op, sandbox) -> None:
    project = a_project(sandbox)
    sid = statement_id(run(op, project, "SELEC * FROM wp_users"))
    body = finished(op, sandbox, project, sid)
    assert 'data-testid="result-error"' in body and "SELEC * FROM wp_users" in body
    assert "You have an error in your SQL syntax" in body and "near &#x27;SELEC" in body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"sql": "   "}, "Write a statement to run."),
        ({"timeout": "0"}, "Give at least 1 second."),
        ({"timeout": "301"}, "300 seconds at most"),
        ({"timeout": "soon"}, "whole number of seconds"),
        ({"sql": "SELECT 1\x00"}, "Null characters are not allowed"),
    ],
)
def test_bad_input_keeps_the_statement_and_explains(op, sandbox, fields, message) -> None:
    project = a_project(sandbox)
    data = {"sql": "SELECT post_title FROM wp_posts", "timeout": "30", "read_only": "on"}
    data.update({"idempotency_key": "k-bad", **fields})
    url = reverse("sql:run", args=[project.id])
    response = op.post(url, data, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#sql-editor"
    assert message in body
    if fields.get("sql", "").strip() and "\x00" not in fields.get("sql", ""):
        assert fields["sql"] in body
    elif "sql" not in fields:
        assert "SELECT post_title FROM wp_posts" in body
    plain = op.post(url, data)
    assert plain.status_code == 400 and "<html" in plain.content.decode()


def test_a_write_sent_read_only_is_refused_with_the_statement_kept(op, sandbox) -> None:
    project = a_project(sandbox)
    sql = "UPDATE wp_posts SET post_status = 'draft' WHERE ID = 1"
    body = run(op, project, sql).content.decode()
    assert "read-only is on: nothing was run" in body and "WHERE ID = 1" in body


def test_turning_read_only_off_asks_for_confirmation_naming_the_project(op, sandbox) -> None:
    project = a_project(sandbox)
    sql = "UPDATE wp_posts SET post_status = 'draft' WHERE post_type = 'page'"
    ask = run(op, project, sql, read_only=False)
    body = ask.content.decode()
    assert ask.headers["HX-Retarget"] == "#sql-dialog"
    assert f"Change data in {project.name}?" in body and 'data-testid="confirm-code"' in body
    assert 'name="confirmed" value="True"' in body and not sandbox.inspect.statements(project)[0][
        "sql"
    ].startswith("UPDATE")
    response = run(op, project, sql, read_only=False, confirmed="True", key="w-1")
    assert response.headers["HX-Retarget"] == "#sql-result"
    assert '<div id="sql-dialog" hx-swap-oob="true"></div>' in response.content.decode()
    done = finished(op, sandbox, project, statement_id(response))
    assert 'data-testid="rows-affected">2<' in done and "2 rows changed." in done
    event = AuditEvent.objects.get(action="sql.result")
    assert event.summary["rows_affected"] == 2 and event.summary["read_only"] is False
    assert event.summary["sql"].endswith("post_type = '[redacted]'")
    execute = AuditEvent.objects.get(action="sql.execute", outcome="success")
    assert "'[redacted]'" in execute.summary["sql"] and "draft" not in execute.summary_json


def test_a_role_without_sql_write_cannot_turn_read_only_off(
    tokened_cast, sandbox, monkeypatch
) -> None:
    from portal.accounts import roles

    monkeypatch.setitem(roles.MATRIX, "sql.write", frozenset({"admin"}))
    project = a_project(sandbox)
    client = client_for(tokened_cast["operator"])
    page = client.get(reverse("sql:console", args=[project.id])).content.decode()
    assert "Your role runs read-only statements only." in page
    response = run(client, project, "DELETE FROM wp_posts", read_only=False, confirmed="True")
    assert "may only run read-only statements" in response.content.decode()
    assert not any(s["sql"] == "DELETE FROM wp_posts" for s in sandbox.inspect.statements(project))


def test_cancel_stops_a_slow_statement(op, sandbox) -> None:
    project = a_project(sandbox)
    response = run(op, project, "SELECT SLEEP(60)", timeout=120)
    sid = statement_id(response)
    cancel_url = reverse("sql:cancel", args=[project.id, sid])
    cancelled = op.post(cancel_url, {"idempotency_key": "c-1"}, **HTMX).content.decode()
    assert 'data-testid="result-cancelled"' in cancelled
    assert sandbox.inspect.statements(project)[0]["status"] == "cancelled"
    assert AuditEvent.objects.filter(action="sql.cancel", target_id=sid).exists()
    # Cancelling again (a finished statement) keeps it: it is not deleted from the history.
    op.post(cancel_url, {"idempotency_key": "c-2"}, **HTMX)
    assert sandbox.inspect.statements(project)[0]["id"] == sid


def test_csv_export_streams_every_row_page_and_is_audited(op, sandbox) -> None:
    project = a_project(sandbox)
    sid = statement_id(run(op, project, "SELECT ID, post_title FROM wp_posts ORDER BY ID"))
    finished(op, sandbox, project, sid)
    response = op.get(reverse("sql:export", args=[project.id, sid]))
    text = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["ID", "post_title"] and len(rows) == 138 and rows[-1][0] == "137"
    assert AuditEvent.objects.filter(action="sql.export_result", target_id=sid).count() == 1


def test_an_error_statement_has_nothing_to_export(op, sandbox) -> None:
    project = a_project(sandbox)
    sid = statement_id(run(op, project, "SELEC 1"))
    finished(op, sandbox, project, sid)
    response = op.get(reverse("sql:export", args=[project.id, sid]))
    assert response.status_code == 409 and "Nothing to export" in response.content.decode()


def test_opening_a_past_result_is_a_sensitive_read_recorded_once(op, sandbox) -> None:
    project = a_project(sandbox)
    past = next(s for s in sandbox.inspect.statements(project) if s["status"] == "success")
    url = reverse("sql:result", args=[project.id, past["id"]])
    page = op.get(url).content.decode()
    assert 'data-testid="result-table"' in page and past["sql"].split()[0] in page
    op.get(url)
    events = AuditEvent.objects.filter(action="sql.open_result", target_id=past["id"])
    assert events.count() == 1 and "'[redacted]'" in events.get().summary["sql"]
    # One's own statement, just run, is no "past result": its execution is recorded instead.
    sid = statement_id(run(op, project, "SELECT 1"))
    finished(op, sandbox, project, sid)
    assert not AuditEvent.objects.filter(action="sql.open_result", target_id=sid).exists()


def test_edit_again_puts_a_past_statement_back_into_the_editor(op, sandbox) -> None:
    project = a_project(sandbox)
    past = sandbox.inspect.statements(project)[-1]
    page = op.get(reverse("sql:console", args=[project.id]), {"edit": past["id"]})
    body = page.content.decode()
    assert past["sql"].replace("'", "&#x27;") in body
    assert not AuditEvent.objects.filter(action="sql.open_result").exists()


def test_removing_a_statement_from_the_history_is_confirmed(op, sandbox) -> None:
    project = a_project(sandbox)
    past = sandbox.inspect.statements(project)[-1]
    url = reverse("sql:delete", args=[project.id, past["id"]])
    dialog = op.get(url, **HTMX).content.decode()
    assert "Remove this statement from the history?" in dialog and "btn-danger" in dialog
    response = op.post(url, {"idempotency_key": "d-1"}, **HTMX)
    assert response.headers["HX-Redirect"] == reverse("sql:console", args=[project.id])
    assert all(s["id"] != past["id"] for s in sandbox.inspect.statements(project))


def test_a_running_statement_cannot_be_removed_only_cancelled(op, sandbox) -> None:
    project = a_project(sandbox)
    sid = statement_id(run(op, project, "SELECT SLEEP(60)", timeout=120))
    dialog = op.get(reverse("sql:delete", args=[project.id, sid]), **HTMX).content.decode()
    assert "still running: cancel it first" in dialog and "confirm-submit" not in dialog


def test_history_pages_with_a_cursor_and_names_who_ran_each(op, sandbox) -> None:
    project = a_project(sandbox)
    for i in range(21):
        run(op, project, f"SELECT {i}", key=f"h-{i}")
    page = op.get(reverse("sql:history", args=[project.id]), **HTMX).content.decode()
    assert page.count('data-testid="history-row"') == 20 and "<html" not in page
    assert page.count('data-label="Who">otto<') == 20
    older = re.search(r'href="([^"]+)"[^>]*rel="next"', page).group(1).replace("&amp;", "&")
    second = op.get(older, **HTMX).content.decode()
    assert second.count('data-testid="history-row"') == 4 and "ada@example.com" in second


@pytest.mark.parametrize("role", ["support", "finance"])
def test_support_and_finance_have_no_sql_and_see_no_link(tokened_cast, sandbox, role) -> None:
    project = a_project(sandbox)
    client = client_for(tokened_cast[role])
    assert client.get(reverse("sql:console", args=[project.id])).status_code == 403
    home = client.get(reverse("projects:detail", args=[project.id]))
    assert reverse("sql:console", args=[project.id]) not in home.content.decode()
    operator_home = client_for(tokened_cast["operator"]).get(
        reverse("projects:detail", args=[project.id])
    )
    assert reverse("sql:console", args=[project.id]) in operator_home.content.decode()


@pytest.mark.parametrize("bad", ["%00", "x" * 300, "..%2F.."])
def test_odd_edit_and_cursor_values_are_never_a_500(op, sandbox, bad) -> None:
    project = a_project(sandbox)
    console = op.get(reverse("sql:console", args=[project.id]) + f"?edit={bad}")
    assert console.status_code in (200, 400, 404)
    past = sandbox.inspect.statements(project)[-1]
    url = reverse("sql:result", args=[project.id, past["id"]]) + f"?cursor={bad}&poll={bad}"
    assert op.get(url).status_code in (200, 400)


def test_without_javascript_a_write_is_confirmed_on_the_page_then_shown(op, sandbox) -> None:
    project = a_project(sandbox)
    sql = "DELETE FROM wp_comments WHERE comment_approved = 'spam'"
    ask = run(op, project, sql, htmx=False, read_only=False)
    page = ask.content.decode()
    assert ask.status_code == 200 and "<html" in page and 'data-testid="write-dialog"' in page
    assert "DELETE FROM wp_comments" in page  # in the dialog and still in the editor
    done = run(op, project, sql, htmx=False, read_only=False, confirmed="True", key="nojs")
    assert done.status_code == 302
    advance(sandbox, 5)
    result = op.get(done.headers["Location"]).content.decode()
    assert 'data-testid="rows-affected">1<' in result
