"""Reading a pasted .env: the dialect shells share, every skipped line reported."""

from __future__ import annotations

from portal.variables.dotenv import MAX_ENTRIES, parse


def test_plain_quoted_exported_and_commented_lines() -> None:
    parsed = parse(
        "\ufeff# a comment\n\n"
        "export WP_ENV=staging\n"
        "smtp_host = smtp.example.com   # inline comment\n"
        'GREETING="Hello\\nWorld \\"quoted\\""\n'
        "LITERAL='no $expansion \\n here'\r\n"
        "EMPTY=\n"
        'PEM="-----BEGIN-----\nabc\n-----END-----"\n'
    )
    assert [(e.name, e.value) for e in parsed.entries] == [
        ("WP_ENV", "staging"),
        ("SMTP_HOST", "smtp.example.com"),
        ("GREETING", 'Hello\nWorld "quoted"'),
        ("LITERAL", "no $expansion \\n here"),
        ("EMPTY", ""),
        ("PEM", "-----BEGIN-----\nabc\n-----END-----"),
    ]
    assert parsed.problems == []


def test_duplicates_are_reported_and_the_last_one_wins() -> None:
    parsed = parse("A=1\nb=2\na=3\n")
    assert [(e.line, e.name, e.value) for e in parsed.entries] == [(2, "B", "2"), (3, "A", "3")]
    (problem,) = parsed.problems
    assert problem.line == 1 and "set again on line 3" in problem.reason


def test_bad_lines_are_reported_without_echoing_their_value() -> None:
    parsed = parse('just-a-secret-line\n9LIVES=x\nNUL=a\x00b\nOPEN="never closed\nNEXT=1\n')
    reasons = {p.line: p.reason for p in parsed.problems}
    assert "Not a NAME=value line." in reasons[1]
    assert "does not start with a digit" in reasons[2]
    assert "NUL" in reasons[3]
    assert "never closed" in reasons[4]  # and the lines after it belong to that value
    assert parsed.entries == []
    assert all("secret" not in p.text and "never closed" not in p.text for p in parsed.problems)


def test_names_with_unicode_look_alikes_are_refused() -> None:
    parsed = parse("DB_НOST=x\n")  # Cyrillic Н
    assert parsed.entries == [] and "letters A–Z" in parsed.problems[0].reason


def test_too_many_entries_stop_with_a_message() -> None:
    parsed = parse("".join(f"V{i}=x\n" for i in range(MAX_ENTRIES + 5)))
    assert len(parsed.entries) == MAX_ENTRIES
    assert "paste fewer" in parsed.problems[-1].reason
