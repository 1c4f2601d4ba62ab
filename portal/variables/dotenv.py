"""Parse a pasted ``.env`` file into ``NAME=value`` entries, reporting every line it skips.

The dialect is the one shells and the common dotenv libraries share:

- blank lines and lines starting with ``#`` are ignored; ``export NAME=value`` is allowed;
- ``NAME = value``: spaces around the name and the ``=`` are dropped;
- unquoted values are trimmed and end at `` #`` (an inline comment);
- ``'single quotes'`` are literal and may span lines;
- ``"double quotes"`` may span lines and understand ``\\n``, ``\\t``, ``\\"`` and ``\\\\``;
- a name given twice: the last one wins (as in a shell), the earlier lines are reported.

Names are upper-cased (Agiler does so too), so ``db_host`` and ``DB_HOST`` are the same name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.variables.names import InvalidVariable, check_value, clean_name

MAX_PASTE_CHARACTERS = 256 * 1024
MAX_ENTRIES = 500

_ASSIGN = re.compile(r"^\s*(?:export\s+)?([^=\s]*)\s*=\s?(.*)$", re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


@dataclass(frozen=True)
class Entry:
    """One assignment: its (first) line number, the name as Agiler stores it, the value."""

    line: int
    name: str
    value: str


@dataclass(frozen=True)
class Problem:
    """A line that sets nothing, and why (in words)."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Parsed:
    entries: list[Entry]
    problems: list[Problem]


def _unescape(body: str) -> str:
    out = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body) and body[index + 1] in _ESCAPES:
            out.append(_ESCAPES[body[index + 1]])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _closing(text: str, quote: str) -> int:
    """Index of the quote closing ``text`` (which starts after the opening one), or -1."""
    index = 0
    while index < len(text):
        if quote == '"' and text[index] == "\\":
            index += 2
            continue
        if text[index] == quote:
            return index
        index += 1
    return -1


def _shorten(text: str) -> str:
    # Problem lines are shown back: never a long (or secret-looking) value, only its start.
    name = text.split("=", 1)[0]
    return name[:60] + ("=…" if "=" in text else "")


def parse(text: str) -> Parsed:
    """The entries and problems of the pasted ``text`` (see the module docstring)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    entries: dict[str, Entry] = {}
    problems: list[Problem] = []
    index = 0
    while index < len(lines):
        number, raw = index + 1, lines[index]
        index += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _ASSIGN.match(raw)
        if not match:
            # Not echoed: a stray line is as likely a secret as anything else.
            problems.append(Problem(number, "", "Not a NAME=value line."))
            continue
        typed_name, rest = match.group(1), match.group(2).lstrip()
        value: str
        if rest[:1] in ("'", '"'):
            quote, body = rest[0], rest[1:]
            end = _closing(body, quote)
            while end < 0 and index < len(lines):  # the value goes on over the next lines
                body += "\n" + lines[index]
                index += 1
                end = _closing(body, quote)
            if end < 0:
                problems.append(
                    Problem(number, _shorten(stripped), f"The {quote} quote is never closed.")
                )
                continue
            trailing = body[end + 1 :].strip()
            if trailing and not trailing.startswith("#"):
                problems.append(
                    Problem(number, _shorten(stripped), "Text after the closing quote.")
                )
                continue
            value = _unescape(body[:end]) if quote == '"' else body[:end]
        else:
            value = re.split(r"\s+#", rest, maxsplit=1)[0].strip()
        try:
            name = clean_name(typed_name)
            check_value(value)
        except InvalidVariable as error:
            problems.append(Problem(number, _shorten(stripped), str(error)))
            continue
        earlier = entries.pop(name, None)
        if earlier is not None:
            problems.append(
                Problem(
                    earlier.line,
                    name,
                    f"{name} is set again on line {number}; the last one wins.",
                )
            )
        entries[name] = Entry(number, name, value)
        if len(entries) > MAX_ENTRIES:
            problems.append(
                Problem(number, "", f"More than {MAX_ENTRIES} variables: paste fewer at a time.")
            )
            entries.pop(name)
            break
    ordered = sorted(entries.values(), key=lambda entry: entry.line)
    return Parsed(ordered, sorted(problems, key=lambda problem: problem.line))
