"""A tiny fake of a WordPress MySQL database, enough for plausible SQL console sessions.

Understands ``SELECT cols|*|COUNT(*) FROM t [WHERE …] [ORDER BY c [ASC|DESC]] [LIMIT n[,m]]``,
``SELECT <literal or NOW()/VERSION()/DATABASE()>``, ``SHOW TABLES``, ``DESCRIBE t``,
``INSERT INTO t (…) VALUES (…)[, (…)]``, ``UPDATE t SET c = v[, …] [WHERE …]`` and
``DELETE FROM t [WHERE …]``; WHERE supports ``AND``-joined ``= != <> < <= > >= LIKE``.
Anything else is answered the way MySQL would: a statement with status ``error``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

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
MAX_ROWS = 1000

_VALUE = r"'(?:[^'\\]|\\.|'')*'|-?\d+(?:\.\d+)?|NULL|TRUE|FALSE"
_COND = re.compile(rf"^\s*`?(\w+)`?\s*(=|!=|<>|<=|>=|<|>|LIKE)\s*({_VALUE})\s*$", re.I | re.S)
_SELECT = re.compile(
    r"^SELECT\s+(?P<cols>.+?)\s+FROM\s+`?(?P<table>\w+)`?"
    r"(?:\s+WHERE\s+(?P<where>.+?))?"
    r"(?:\s+ORDER\s+BY\s+`?(?P<order>\w+)`?(?:\s+(?P<dir>ASC|DESC))?)?"
    r"(?:\s+LIMIT\s+(?P<a>\d+)(?:\s*,\s*(?P<b>\d+))?)?$",
    re.I | re.S,
)
_UPDATE = re.compile(
    r"^UPDATE\s+`?(?P<table>\w+)`?\s+SET\s+(?P<sets>.+?)(?:\s+WHERE\s+(?P<where>.+))?$", re.I | re.S
)
_DELETE = re.compile(
    r"^DELETE\s+FROM\s+`?(?P<table>\w+)`?(?:\s+WHERE\s+(?P<where>.+))?$", re.I | re.S
)
_INSERT = re.compile(
    r"^INSERT\s+INTO\s+`?(?P<table>\w+)`?\s*\((?P<cols>[^)]*)\)\s*VALUES\s*(?P<rows>.+)$",
    re.I | re.S,
)


class SQLError(Exception):
    """A MySQL-style error message, reported as a statement result (not an HTTP error)."""


def is_write(sql: str) -> bool:
    """Whether the statement would modify data (refused when ``read_only`` is true)."""
    words = sql.strip().lstrip("(").split(None, 1)
    return bool(words) and words[0].upper().rstrip(";") in WRITE_KEYWORDS


def _literal(token: str) -> Any:
    token = token.strip()
    upper = token.upper()
    if upper == "NULL":
        return None
    if upper in ("TRUE", "FALSE"):
        return int(upper == "TRUE")
    if token.startswith("'"):
        return token[1:-1].replace("''", "'").replace("\\'", "'")
    return float(token) if "." in token else int(token)


def _split_values(text: str) -> list[str]:
    parts = re.findall(rf"\s*({_VALUE}|NOW\(\))\s*(?:,|$)", text, re.I)
    if ",".join(p for p in parts).replace(" ", "") == "" and text.strip():
        raise SQLError(_syntax(text))
    return parts


def _syntax(near: str) -> str:
    snippet = near.strip()[:40]
    return (
        "You have an error in your SQL syntax; check the manual that corresponds to your "
        f"MySQL server version for the right syntax to use near '{snippet}' at line 1"
    )


def _table(tables: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    if name not in tables:
        raise SQLError(f"Table 'wordpress.{name}' doesn't exist")
    return tables[name]


def _predicate(table: dict[str, Any], where: str | None) -> Any:
    if not where:
        return lambda row: True
    tests = []
    for part in re.split(r"\s+AND\s+", where.strip(), flags=re.I):
        match = _COND.match(part)
        if not match:
            raise SQLError(_syntax(part))
        col, op, raw = match.group(1), match.group(2).upper(), _literal(match.group(3))
        if col not in table["columns"]:
            raise SQLError(f"Unknown column '{col}' in 'where clause'")
        tests.append((table["columns"].index(col), op, raw))

    def check(row: list[Any]) -> bool:
        for idx, op, want in tests:
            have = row[idx]
            if op == "LIKE":
                pattern = "^" + re.escape(str(want)).replace("%", ".*").replace("_", ".") + "$"
                ok = re.match(pattern, str(have), re.I | re.S) is not None
            elif have is None or want is None:
                ok = op in ("!=", "<>") and (have is None) != (want is None)
            else:
                if isinstance(have, (int, float)) and isinstance(want, str):
                    try:
                        want = float(want)
                    except ValueError:
                        return False
                if isinstance(want, (int, float)) and isinstance(have, str):
                    have = str(have)
                    want = str(want)
                ok = {
                    "=": have == want,
                    "!=": have != want,
                    "<>": have != want,
                    "<": have < want,
                    "<=": have <= want,
                    ">": have > want,
                    ">=": have >= want,
                }[op]
            if not ok:
                return False
        return True

    return check


def _result(columns: list[str], rows: list[list[Any]], affected: int = 0) -> dict[str, Any]:
    return {
        "columns": columns,
        "rows": rows[:MAX_ROWS],
        "row_count": len(rows),
        "rows_affected": affected,
    }


def execute(tables: dict[str, dict[str, Any]], sql: str, now: datetime) -> dict[str, Any]:
    """Run ``sql``; returns columns/rows/row_count/rows_affected or raises :class:`SQLError`."""
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise SQLError("Query was empty")
    upper = text.upper()
    if upper in ("SHOW TABLES", "SHOW FULL TABLES"):
        return _result(["Tables_in_wordpress"], [[name] for name in sorted(tables)])
    match = re.match(r"^(?:DESCRIBE|DESC|SHOW\s+COLUMNS\s+FROM)\s+`?(\w+)`?$", text, re.I)
    if match:
        table = _table(tables, match.group(1))
        return _result(
            ["Field", "Type"], [[c, table["types"][i]] for i, c in enumerate(table["columns"])]
        )
    match = _SELECT.match(text)
    if match:
        return _select(tables, match)
    match = re.match(r"^SELECT\s+(.+)$", text, re.I | re.S)
    if match:
        return _select_expr(match.group(1), now)
    for pattern, func in ((_UPDATE, _update), (_DELETE, _delete), (_INSERT, _insert)):
        match = pattern.match(text)
        if match:
            return func(tables, match, now)
    raise SQLError(_syntax(text))


def _select(tables: dict[str, dict[str, Any]], match: re.Match[str]) -> dict[str, Any]:
    table = _table(tables, match.group("table"))
    rows = [r for r in table["rows"] if _predicate(table, match.group("where"))(r)]
    order = match.group("order")
    if order:
        if order not in table["columns"]:
            raise SQLError(f"Unknown column '{order}' in 'order clause'")
        idx = table["columns"].index(order)
        rows.sort(
            key=lambda r: (r[idx] is None, r[idx]),
            reverse=(match.group("dir") or "").upper() == "DESC",
        )
    if match.group("a"):
        a, b = int(match.group("a")), match.group("b")
        rows = rows[a : a + int(b)] if b is not None else rows[:a]
    cols_text = match.group("cols").strip()
    if re.fullmatch(r"COUNT\(\s*\*\s*\)", cols_text, re.I):
        return _result(["COUNT(*)"], [[len(rows)]])
    if cols_text == "*":
        return _result(list(table["columns"]), [list(r) for r in rows])
    wanted = [c.strip().strip("`") for c in cols_text.split(",")]
    for col in wanted:
        if col not in table["columns"]:
            raise SQLError(f"Unknown column '{col}' in 'field list'")
    idxs = [table["columns"].index(c) for c in wanted]
    return _result(wanted, [[r[i] for i in idxs] for r in rows])


def _select_expr(expr: str, now: datetime) -> dict[str, Any]:
    funcs = {
        "NOW()": now.strftime("%Y-%m-%d %H:%M:%S"),
        "VERSION()": "8.0.36-agiler",
        "DATABASE()": "wordpress",
        "CURRENT_USER()": "wp@%",
    }
    columns, values = [], []
    for part in [p.strip() for p in expr.split(",")]:
        if part.upper() in funcs:
            values.append(funcs[part.upper()])
        elif re.fullmatch(_VALUE, part, re.I):
            values.append(_literal(part))
        else:
            raise SQLError(_syntax(part))
        columns.append(part)
    return _result(columns, [values])


def _update(
    tables: dict[str, dict[str, Any]], match: re.Match[str], now: datetime
) -> dict[str, Any]:
    table = _table(tables, match.group("table"))
    changes = []
    for assignment in re.split(r",(?=(?:[^']*'[^']*')*[^']*$)", match.group("sets")):
        col, sep, raw = assignment.partition("=")
        col = col.strip().strip("`")
        if not sep or not re.fullmatch(_VALUE, raw.strip(), re.I):
            raise SQLError(_syntax(assignment))
        if col not in table["columns"]:
            raise SQLError(f"Unknown column '{col}' in 'field list'")
        changes.append((table["columns"].index(col), _literal(raw)))
    check = _predicate(table, match.group("where"))
    count = 0
    for row in table["rows"]:
        if check(row):
            for idx, value in changes:
                row[idx] = value
            count += 1
    return _result([], [], count)


def _delete(
    tables: dict[str, dict[str, Any]], match: re.Match[str], now: datetime
) -> dict[str, Any]:
    table = _table(tables, match.group("table"))
    check = _predicate(table, match.group("where"))
    before = len(table["rows"])
    table["rows"] = [r for r in table["rows"] if not check(r)]
    return _result([], [], before - len(table["rows"]))


def _insert(
    tables: dict[str, dict[str, Any]], match: re.Match[str], now: datetime
) -> dict[str, Any]:
    table = _table(tables, match.group("table"))
    cols = [c.strip().strip("`") for c in match.group("cols").split(",") if c.strip()]
    for col in cols:
        if col not in table["columns"]:
            raise SQLError(f"Unknown column '{col}' in 'field list'")
    groups = re.findall(r"\(([^()]*(?:\(\))?[^()]*)\)", match.group("rows"))
    if not groups:
        raise SQLError(_syntax(match.group("rows")))
    stamp = now.strftime("%Y-%m-%d %H:%M:%S")
    for group in groups:
        values = _split_values(group)
        if len(values) != len(cols):
            raise SQLError("Column count doesn't match value count at row 1")
        row: list[Any] = [None] * len(table["columns"])
        if table["columns"][0] in ("ID", "option_id", "meta_id"):
            row[0] = max((r[0] for r in table["rows"]), default=0) + 1
        for col, raw in zip(cols, values, strict=True):
            row[table["columns"].index(col)] = stamp if raw.upper() == "NOW()" else _literal(raw)
        table["rows"].append(row)
    return _result([], [], len(groups))
