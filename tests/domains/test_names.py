"""Domain names: the portal checks them with exactly the sandbox's rules; IDNs go out as ASCII."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agiler_sandbox.handlers import project_misc as sandbox_rules
from agiler_sandbox.http import ApiError
from portal.domains.names import FQDN_RE, InvalidDomain, to_ascii, to_unicode


def sandbox_verdict(name: str) -> str | None:
    """The sandbox's normalised name, or None when it answers 400."""
    try:
        return sandbox_rules.normalise_domain(name)
    except ApiError:
        return None


def portal_verdict(name: str) -> str | None:
    try:
        return to_ascii(name)
    except InvalidDomain:
        return None


def test_the_portal_uses_the_sandboxs_pattern_character_for_character() -> None:
    assert FQDN_RE.pattern == sandbox_rules.FQDN_RE.pattern


CORPUS = [
    "example.com",
    "WWW.Example.COM",
    " www.example.com ",
    "www.example.com.",
    "*.example.com",
    "*.*.example.com",
    "*example.com",
    "example",
    "-bad.example.com",
    "bad-.example.com",
    "a..b.com",
    "exa_mple.com",
    "example.c",
    "example.123",
    "example.c0m",
    "xn--bcher-kva.example",
    "a" * 63 + ".com",
    "a" * 64 + ".com",
    ".".join(["a" * 60] * 4) + ".com",
    "",
    "*.",
    "..",
    ".",
]


@pytest.mark.parametrize("name", CORPUS)
def test_portal_and_sandbox_agree_on_known_cases(name: str) -> None:
    assert portal_verdict(name) == sandbox_verdict(name)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abcxyzAZ019-._* ", min_size=0, max_size=40))
def test_portal_and_sandbox_agree_on_any_ascii_name(name: str) -> None:
    assert portal_verdict(name) == sandbox_verdict(name)


def test_an_internationalised_name_is_sent_as_ascii_and_shown_in_unicode() -> None:
    assert to_ascii("Bücher.Example") == "xn--bcher-kva.example"
    assert to_unicode("xn--bcher-kva.example") == "bücher.example"
    assert to_ascii("*.münchen.de") == "*.xn--mnchen-3ya.de"
    assert to_unicode("*.xn--mnchen-3ya.de") == "*.münchen.de"
    # and the ASCII form passes the sandbox's own check
    assert sandbox_verdict(to_ascii("例え.テスト")) == to_ascii("例え.テスト")


def test_full_width_letters_fold_to_the_plain_name() -> None:
    assert to_ascii("ｅｘａｍｐｌｅ．ｃｏｍ") == "example.com"


@pytest.mark.parametrize(
    "name",
    [
        "exаmple.com",  # Cyrillic а
        "gοogle.com",  # Greek ο
        "x\u200bample.com",  # zero-width space
        "exa mple.com",
        "a\x00.com",
        "ex\u202eample.com",  # right-to-left override
        "☃.com\udcff",
        "x" * 5000 + ".com",
    ],
)
def test_look_alikes_and_invisible_characters_are_refused_with_a_sentence(name: str) -> None:
    with pytest.raises(InvalidDomain) as refused:
        to_ascii(name)
    assert str(refused.value).endswith(".")


def test_a_label_that_does_not_decode_is_shown_as_it_is() -> None:
    assert to_unicode("xn--zz.example") == "xn--zz.example"
