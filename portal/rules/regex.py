"""The ``matches`` operator in linear time: RE2 (``google-re2``), never backtracking ``re``.

A pattern such as ``^/(a+)+$`` takes exponential time in a backtracking engine; RE2 guarantees
time linear in the subject, bounded memory, and refuses the constructs that need backtracking
(back-references, look-around). The builder's validation, "Try it" and the sandbox all use the
same engine and the same caps, so a rule one accepts, the others accept and evaluate alike.
"""

from __future__ import annotations

from functools import lru_cache

import re2

#: Longest pattern accepted (characters). Agiler's rules are request matchers, not programs.
MAX_PATTERN = 1000
#: Longest subject searched (characters); a longer sample value is refused, not truncated.
MAX_SUBJECT = 8192
#: RE2's memory budget for one compiled pattern (bytes); a larger automaton is refused.
MAX_MEMORY = 8 << 20


class PatternError(ValueError):
    """The pattern is not one the portal (or Agiler) evaluates; ``str()`` says why, in words."""


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # the reason goes back to the user, not to stderr
    options.max_mem = MAX_MEMORY
    return options


def _reason(exc: Exception) -> str:
    raw = exc.args[0] if exc.args else ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if "invalid perl operator" in text or "invalid escape sequence: \\" in text:
        text += " (look-around and back-references are not supported)"
    return text or "not a regular expression"


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re2._Regexp:
    """The compiled pattern, or :class:`PatternError` saying why it is refused."""
    if len(pattern) > MAX_PATTERN:
        raise PatternError(f"the pattern is longer than {MAX_PATTERN} characters")
    if "\x00" in pattern:
        raise PatternError("the pattern contains a NUL character")
    try:
        return re2.compile(pattern, _options())
    except re2.error as exc:
        raise PatternError(_reason(exc)) from None


def search(pattern: str, subject: str) -> bool:
    """Whether ``pattern`` is found anywhere in ``subject`` (``^…$`` to anchor), in linear time."""
    if len(subject) > MAX_SUBJECT:
        raise PatternError(f"the value tested is longer than {MAX_SUBJECT} characters")
    return compile_pattern(pattern).search(subject) is not None


def problem(pattern: str) -> str | None:
    """Why ``pattern`` is refused, or None when it is fine."""
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        return str(exc)
    return None
