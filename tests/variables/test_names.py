"""Variable names: the portal's rule gives the sandbox's verdict, upper-cased as Agiler stores."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agiler_sandbox.handlers.project_misc import VAR_RE
from portal.variables.names import InvalidVariable, clean_name


def sandbox_verdict(name: str) -> str | None:
    return name.upper() if VAR_RE.match(name) and len(name) <= 255 else None


def portal_verdict(name: str) -> str | None:
    try:
        return clean_name(name)
    except InvalidVariable:
        return None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abzAZ09_-. ßıé", min_size=1, max_size=12))
def test_portal_and_sandbox_agree_on_names_without_surrounding_spaces(name: str) -> None:
    if name != name.strip():
        return  # the portal trims what was typed; the sandbox is sent the trimmed name
    assert portal_verdict(name) == sandbox_verdict(name)


@pytest.mark.parametrize("typed", ["straße", "ıd", "DB_НOST"])
def test_letters_that_would_change_when_upper_cased_are_refused(typed: str) -> None:
    with pytest.raises(InvalidVariable):
        clean_name(typed)
