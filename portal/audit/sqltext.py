"""Redact quoted string literals from SQL text before it enters the audit log.

The audit log keeps what a person ran (``sql.execute``), and admins and support can read it.
Statements such as ``UPDATE wp_users SET user_pass = MD5('hunter2')`` or
``CREATE USER … IDENTIFIED BY 'pw'`` carry secrets in their literals, so the statement is kept but
every quoted literal becomes ``'[redacted]'``. The projects run MySQL (WordPress), where both
``'…'`` and ``"…"`` are strings and a backslash escapes; doubled quotes escape too. Back-quoted
identifiers are kept. An unterminated literal is redacted to the end: over-redacting is the safe
side. Numbers and keywords stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping

from portal.agiler.observer import REDACTED

__all__ = ["SQL_KEYS", "redact_sql_fields", "redact_sql_literals"]

#: summary keys whose (string) values are SQL text
SQL_KEYS = frozenset({"sql"})

_QUOTES = "'\""


def _literal_end(sql: str, start: int) -> int:
    """Index just past the literal opening at ``start`` (``len(sql)`` when unterminated)."""
    quote = sql[start]
    i = start + 1
    while i < len(sql):
        char = sql[i]
        if char == "\\":
            i += 2
            continue
        if char == quote:
            if i + 1 < len(sql) and sql[i + 1] == quote:
                i += 2  # a doubled quote is an escaped quote inside the literal
                continue
            return i + 1
        i += 1
    return len(sql)


def redact_sql_literals(sql: str) -> str:
    """``sql`` with every quoted string literal replaced by ``'[redacted]'``."""
    out: list[str] = []
    i = 0
    while i < len(sql):
        char = sql[i]
        if char in _QUOTES:
            out.append(f"{char}{REDACTED}{char}")
            i = _literal_end(sql, i)
        elif char == "`":
            # An identifier: copied as is, so a quote inside it does not open a literal.
            end = sql.find("`", i + 1)
            end = len(sql) if end < 0 else end + 1
            out.append(sql[i:end])
            i = end
        else:
            out.append(char)
            i += 1
    return "".join(out)


def redact_sql_fields(summary: Mapping[str, object]) -> dict[str, object]:
    """Copy ``summary`` with the literals of its SQL text fields (at any depth) redacted."""
    out: dict[str, object] = {}
    for key, value in summary.items():
        if key in SQL_KEYS and isinstance(value, str):
            out[key] = redact_sql_literals(value)
        elif isinstance(value, Mapping):
            out[key] = redact_sql_fields(value)
        else:
            out[key] = value
    return out
