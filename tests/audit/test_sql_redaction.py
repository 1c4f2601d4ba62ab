"""SQL text in the audit log keeps its shape but never its quoted literals (passwords…)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.agiler import AgilerClient
from portal.audit.models import AuditEvent
from portal.audit.observer import AuditObserver
from portal.audit.sqltext import redact_sql_literals


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "UPDATE wp_users SET user_pass = MD5('hunter2') WHERE ID = 1",
            "UPDATE wp_users SET user_pass = MD5('[redacted]') WHERE ID = 1",
        ),
        (
            "CREATE USER 'bob'@'%' IDENTIFIED BY \"s3cret\"",
            "CREATE USER '[redacted]'@'[redacted]' IDENTIFIED BY \"[redacted]\"",
        ),
        ("SELECT 'it''s', 'a\\'b' FROM t", "SELECT '[redacted]', '[redacted]' FROM t"),
        ("SELECT `it's` FROM `wp_options`", "SELECT `it's` FROM `wp_options`"),
        ("SELECT 1 WHERE x = 'unterminated secret", "SELECT 1 WHERE x = '[redacted]'"),
        (
            "SELECT option_value FROM wp_options LIMIT 5",
            "SELECT option_value FROM wp_options LIMIT 5",
        ),
    ],
)
def test_quoted_literals_are_redacted_and_the_statement_kept(sql: str, expected: str) -> None:
    assert redact_sql_literals(sql) == expected


@given(
    st.text(alphabet=st.characters(blacklist_characters="'\"\\`"), min_size=1),
    st.text(alphabet=" =(),;SELECTWHERE0123456789abc"),
)
def test_no_quoted_secret_survives(secret: str, around: str) -> None:
    for quote in "'\"":
        redacted = redact_sql_literals(f"{around}{quote}{secret}{quote}{around}")
        assert redacted == f"{around}{quote}[redacted]{quote}{around}"


@pytest.mark.django_db
def test_an_executed_statement_is_audited_without_its_literals(
    admin: Any, make_client: Callable[..., AgilerClient]
) -> None:
    setup = make_client()
    project = setup.list_projects().items[0].id
    client = make_client(observer=AuditObserver(actor=admin))
    sql = "UPDATE wp_users SET user_pass = MD5('hunter2-CANARY') WHERE user_login = 'admin'"
    client.create_sql_statement(project, sql=sql, read_only=False, respond_async=True)
    events = list(AuditEvent.objects.filter(action="sql.execute"))
    assert events
    for event in events:
        assert "hunter2-CANARY" not in event.summary_json
        assert event.summary["sql"] == (
            "UPDATE wp_users SET user_pass = MD5('[redacted]') WHERE user_login = '[redacted]'"
        )


@pytest.mark.django_db
def test_a_database_error_quoting_the_statement_back_is_redacted_too(admin: Any) -> None:
    from portal.audit import record

    event = record(
        action="sql.execute",
        actor=admin,
        outcome="failure",
        summary={"sql": "SET PASSWORD = 'pw-CANARY'"},
        error_message="You have an error in your SQL syntax near 'pw-CANARY' at line 1",
    )
    assert "pw-CANARY" not in event.summary_json + event.error_message
    assert event.error_message.endswith("near '[redacted]' at line 1")
