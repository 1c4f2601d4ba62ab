"""The project's WordPress database: in-memory SQLite that answers like MySQL would.

Each project gets its own :class:`Database`, loaded from the plain seed tables
(``wordpress.seed_tables``). Statements run on SQLite after a small translation of the MySQL
forms people actually type:

- ``SHOW TABLES [LIKE …]``, ``SHOW DATABASES``, ``DESCRIBE t`` / ``SHOW COLUMNS FROM t``;
- ``NOW()``, ``CURDATE()``, ``VERSION()``, ``DATABASE()``, ``CURRENT_USER()``, ``CONCAT()``,
  ``MD5()``, ``IF()``, ``REPEAT()``, ``UNIX_TIMESTAMP()``, ``SLEEP(n)`` (no real sleep: see
  ``sleep_seconds``);
- double-quoted strings, backslash escapes and ``#`` comments; backquoted names work as is.

Result columns are named as MySQL names them: the alias, else the expression as typed, with a
string literal's quotes dropped (``SELECT 'a'`` → ``a``). Failures raise :class:`SQLError` with
MySQL's wording (``Table 'wordpress.x' doesn't exist``, ``You have an error in your SQL syntax; …
near '…' at line 1``); the handler turns them into a statement whose status is ``error``.

Read-only statements run with ``PRAGMA query_only``; ``ATTACH``, ``PRAGMA`` and ``VACUUM`` are
refused whatever the mode (they would reach the sandbox's file system), and a statement is
interrupted when it runs past its timeout (or ``MAX_SECONDS``, whichever is shorter).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from datetime import datetime
from typing import Any

VERSION = "8.0.36-agiler"
#: the most rows a result keeps (MySQL would send them all; the sandbox stays small)
MAX_ROWS = 10_000
#: real seconds a statement may compute before it is interrupted
MAX_SECONDS = 2.0

WRITE_KEYWORDS = {
    "INSERT",
    "UPDATE",
    "DELETE",
    "REPLACE",
    "CREATE",
    "DROP",
    "ALTER",
    "TRUNCATE",
    "RENAME",
    "GRANT",
    "REVOKE",
    "LOCK",
    "SET",
}
_SLEEP = re.compile(r"\bSLEEP\s*\(\s*(\d+(?:\.\d+)?)\s*\)", re.I)
_SHOW_TABLES = re.compile(r"^SHOW\s+(?:FULL\s+)?TABLES(?:\s+LIKE\s+('(?:[^'\\]|\\.|'')*'))?$", re.I)
_DESCRIBE = re.compile(r"^(?:DESCRIBE|DESC|SHOW\s+(?:FULL\s+)?COLUMNS\s+FROM)\s+`?(\w+)`?$", re.I)
_FORBIDDEN = re.compile(r"^\s*(?:ATTACH|DETACH|PRAGMA|VACUUM)\b", re.I)


class SQLError(Exception):
    """A MySQL-style error message, reported as a statement result (not an HTTP error)."""


def is_write(sql: str) -> bool:
    """Whether the statement plainly modifies data (its first keyword), for the 400 on a write
    sent with ``read_only: true``. Writes hidden deeper are refused by ``PRAGMA query_only``."""
    words = _strip_comments(sql).strip().lstrip("(").split(None, 1)
    return bool(words) and words[0].upper().rstrip(";") in WRITE_KEYWORDS


def sleep_seconds(sql: str) -> float:
    """The longest ``SLEEP(n)`` in the statement: how long the sandbox pretends it runs."""
    return max((float(m.group(1)) for m in _SLEEP.finditer(sql)), default=0.0)


def syntax_error(near: str) -> str:
    """MySQL's syntax error message, quoting the statement from where it went wrong."""
    return (
        "You have an error in your SQL syntax; check the manual that corresponds to your "
        f"MySQL server version for the right syntax to use near '{near.strip()[:80]}' at line 1"
    )


# --- translation ---------------------------------------------------------------------------------


def _strip_comments(sql: str) -> str:
    return re.sub(r"^\s*(?:(?:#|--)[^\n]*\n?|/\*.*?\*/)", "", sql, flags=re.S)


def translate(sql: str) -> str:
    """MySQL's string and comment syntax in SQLite's: ``"…"`` and ``\\'`` become ``'…'`` and
    ``''``; ``#`` comments become ``--``. Backquoted names and everything else are kept."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if char in "'\"":
            j, text = i + 1, []
            while j < n:
                c = sql[j]
                if c == "\\" and j + 1 < n:
                    nxt = sql[j + 1]
                    text.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(nxt, nxt))
                    j += 2
                    continue
                if c == char:
                    if j + 1 < n and sql[j + 1] == char:
                        text.append(char)
                        j += 2
                        continue
                    break
                text.append(c)
                j += 1
            if j >= n:
                raise SQLError(syntax_error(sql[i:]))
            out.append("'" + "".join(text).replace("'", "''") + "'")
            i = j + 1
        elif char == "`":
            end = sql.find("`", i + 1)
            end = n if end < 0 else end + 1
            out.append(sql[i:end])
            i = end
        elif char == "#":
            out.append("--")
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def column_name(name: str) -> str:
    """A result column named as MySQL names it: a string literal loses its quotes."""
    match = re.fullmatch(r"'((?:[^']|'')*)'", name.strip())
    if match:
        return match.group(1).replace("''", "'")
    return re.sub(r"\s*--[^']*$", "", name) or name


# --- errors --------------------------------------------------------------------------------------


def mysql_message(error: Exception, sql: str) -> str:
    """SQLite's error in MySQL's words."""
    text = str(error)
    if match := re.match(r"no such table: (?:main\.)?(.+)", text):
        return f"Table 'wordpress.{match.group(1)}' doesn't exist"
    if match := re.match(r"no such column: (.+)", text):
        return f"Unknown column '{match.group(1)}' in 'field list'"
    if match := re.match(r"no such function: (.+)", text):
        return f"FUNCTION wordpress.{match.group(1)} does not exist"
    if match := re.match(r'near "(.*)": syntax error', text, re.S):
        token = match.group(1)
        at = sql.find(token) if token else -1
        return syntax_error(sql[at:] if at >= 0 else token)
    if "incomplete input" in text or "unrecognized token" in text:
        return syntax_error("")
    if "readonly" in text or "query_only" in text:
        return "Cannot execute statement in a READ ONLY transaction."
    if match := re.match(r"UNIQUE constraint failed: (.+)", text):
        return f"Duplicate entry for key '{match.group(1)}'"
    if match := re.match(r"table (\w+) already exists", text):
        return f"Table '{match.group(1)}' already exists"
    if "interrupted" in text:
        return "Query execution was interrupted, maximum statement execution time exceeded"
    if "one statement at a time" in text:
        return syntax_error(sql.split(";", 1)[1] if ";" in sql else sql)
    if "not authorized" in text:
        return "Access denied for user 'wp'@'%' to this statement"
    return f"Error: {text}"


# --- the database --------------------------------------------------------------------------------


def _if(condition: Any, then: Any, otherwise: Any) -> Any:
    return then if condition else otherwise


def _concat(*parts: Any) -> str | None:
    if any(p is None for p in parts):
        return None
    return "".join(str(p) for p in parts)


def _repeat(text: Any, count: Any) -> str | None:
    if text is None or count is None:
        return None
    return str(text) * max(0, min(int(count), 100_000))


def _md5(value: Any) -> str | None:
    return None if value is None else hashlib.md5(str(value).encode()).hexdigest()  # noqa: S324


def _cell(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


class Database:
    """One project's WordPress database (in-memory SQLite), built from the plain seed tables.

    ``source`` is the tables dict it was loaded from: when the project's tables are replaced
    (a restore, a fresh project) the owner builds a new database.
    """

    def __init__(self, tables: dict[str, dict[str, Any]]) -> None:
        self.source = tables
        self.now = datetime.now()
        self.types: dict[str, dict[str, str]] = {}
        self._deadline = 0.0
        self._running_user_sql = False
        self.conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self.conn.create_function("NOW", 0, self._now_text)
        self.conn.create_function("CURRENT_TIMESTAMP", 0, self._now_text)
        self.conn.create_function("SYSDATE", 0, self._now_text)
        self.conn.create_function("CURDATE", 0, lambda: self.now.strftime("%Y-%m-%d"))
        self.conn.create_function("UNIX_TIMESTAMP", 0, lambda: int(self.now.timestamp()))
        self.conn.create_function("VERSION", 0, lambda: VERSION)
        self.conn.create_function("DATABASE", 0, lambda: "wordpress")
        self.conn.create_function("CURRENT_USER", 0, lambda: "wp@%")
        self.conn.create_function("USER", 0, lambda: "wp@localhost")
        self.conn.create_function("CONCAT", -1, _concat)
        self.conn.create_function("MD5", 1, _md5)
        self.conn.create_function("IF", 3, _if)
        self.conn.create_function("CHAR_LENGTH", 1, lambda v: None if v is None else len(str(v)))
        self.conn.create_function("SLEEP", 1, lambda seconds: 0)
        self.conn.create_function("REPEAT", 2, _repeat)
        for name, table in tables.items():
            self._load(name, table)
        self.conn.set_progress_handler(self._check_deadline, 10_000)
        self.conn.set_authorizer(self._authorize)

    def _now_text(self) -> str:
        return self.now.strftime("%Y-%m-%d %H:%M:%S")

    def _check_deadline(self) -> int:
        return 1 if time.monotonic() > self._deadline else 0

    def _authorize(self, action: int, *args: Any) -> int:
        if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_PRAGMA and self._running_user_sql:
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    def _load(self, name: str, table: dict[str, Any]) -> None:
        columns, types = table["columns"], table["types"]
        self.types[name] = dict(zip(columns, types, strict=True))
        defs = ", ".join(
            f'"{c}" {_affinity(t)}'
            + (" PRIMARY KEY" if i == 0 and t.startswith("bigint unsigned") else "")
            for i, (c, t) in enumerate(zip(columns, types, strict=True))
        )
        self.conn.execute(f'CREATE TABLE "{name}" ({defs})')
        marks = ", ".join("?" for _ in columns)
        self.conn.executemany(f'INSERT INTO "{name}" VALUES ({marks})', table["rows"])

    # --- running statements ---

    def execute(
        self, sql: str, *, read_only: bool, now: datetime, timeout: float = MAX_SECONDS
    ) -> dict[str, Any]:
        """Run one statement; its columns, rows, row_count and rows_affected, or SQLError."""
        text = sql.strip()
        while text.endswith(";"):
            text = text[:-1].rstrip()
        if not _strip_comments(text).strip():
            raise SQLError("Query was empty")
        if _FORBIDDEN.match(_strip_comments(text)):
            raise SQLError("Access denied for user 'wp'@'%' to this statement")
        self.now = now
        special = self._special(_strip_comments(text).strip())
        if special is not None:
            return special
        self._deadline = time.monotonic() + min(timeout, MAX_SECONDS)
        self.conn.execute(f"PRAGMA query_only = {'ON' if read_only else 'OFF'}")
        try:
            self._running_user_sql = True
            cursor = self.conn.execute(translate(text))
            if cursor.description is None:
                return _result([], [], max(cursor.rowcount, 0))
            columns = [column_name(d[0]) for d in cursor.description]
            rows = [[_cell(v) for v in row] for row in cursor.fetchmany(MAX_ROWS)]
            return _result(columns, rows)
        except SQLError:
            raise
        except (sqlite3.Error, sqlite3.Warning, ValueError, OverflowError) as exc:
            raise SQLError(mysql_message(exc, text)) from None
        finally:
            self._running_user_sql = False
            self.conn.execute("PRAGMA query_only = OFF")

    def _special(self, text: str) -> dict[str, Any] | None:
        """The MySQL statements SQLite has no form for."""
        if match := _SHOW_TABLES.match(text):
            names = self.table_names()
            if match.group(1):
                pattern = translate(match.group(1))[1:-1].replace("''", "'")
                regex = re.escape(pattern).replace("%", ".*").replace("_", ".")
                names = [n for n in names if re.fullmatch(regex, n, re.I)]
            return _result(["Tables_in_wordpress"], [[n] for n in names])
        if re.fullmatch(r"SHOW\s+DATABASES", text, re.I):
            return _result(["Database"], [["information_schema"], ["wordpress"]])
        if match := _DESCRIBE.match(text):
            name = match.group(1)
            if name not in self.table_names():
                raise SQLError(f"Table 'wordpress.{name}' doesn't exist")
            info = self.conn.execute(f'PRAGMA table_info("{name}")').fetchall()
            types = self.types.get(name, {})
            rows = [
                [c[1], types.get(c[1], (c[2] or "text").lower()), "NO" if c[5] else "YES",
                 "PRI" if c[5] else "", c[4], ""]
                for c in info
            ]  # fmt: skip
            return _result(["Field", "Type", "Null", "Key", "Default", "Extra"], rows)
        if re.match(r"^SHOW\b", text, re.I):
            raise SQLError(syntax_error(text[5:]))
        return None

    # --- reading it back (backup dumps) ---

    def table_names(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        ).fetchall()
        return [r[0] for r in rows]

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """Every table as plain data again (``{"columns", "types", "rows"}``)."""
        out: dict[str, dict[str, Any]] = {}
        for name in self.table_names():
            info = self.conn.execute(f'PRAGMA table_info("{name}")').fetchall()
            columns = [c[1] for c in info]
            types = self.types.get(name, {})
            rows = self.conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            out[name] = {
                "columns": columns,
                "types": [types.get(c[1], (c[2] or "text").lower()) for c in info],
                "rows": [[_cell(v) for v in row] for row in rows],
            }
        self.source = out
        return out


def _affinity(mysql_type: str) -> str:
    lowered = mysql_type.lower()
    if "int" in lowered:
        return "INTEGER"
    if lowered.startswith(("dec", "float", "double", "real", "numeric")):
        return "REAL"
    return "TEXT"


def _result(columns: list[str], rows: list[list[Any]], affected: int = 0) -> dict[str, Any]:
    return {"columns": columns, "rows": rows, "row_count": len(rows), "rows_affected": affected}


def database_for(data: Any) -> Database:
    """The project's database, (re)built when its seed tables were replaced."""
    db: Database | None = getattr(data, "database", None)
    if db is None or db.source is not data.tables:
        db = Database(data.tables)
        data.database = db
    return db
