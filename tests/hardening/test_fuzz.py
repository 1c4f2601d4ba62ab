"""Bad input anywhere is a 400 with a message, never a 500: a fuzz test over every URL in
tests/url_matrix.py, its path arguments, query strings and form fields (issue 15, item 5).

CI runs the whole suite on PostgreSQL too, where NUL bytes and out-of-range values fail
differently from SQLite; this test is what keeps both at "never a 500". It is bounded to a few
seconds (a fixed number of examples); a failure prints the reproducing example.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from django import forms as django_forms
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.test_access_matrix import _resolve
from tests.helpers import HTMX, client_for
from tests.url_matrix import URL_RULES

MARK = "zzfuzzzz"

#: values found by the attack, plus the classic troublemakers
NASTY = [
    "\x00",
    "x\x00y",
    "²",
    "١٢٣",
    "٧",
    "1e2",
    "1e309",
    "-1",
    "99999999999999999999999999",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "[" * 5000,
    "{" * 500,
    "%",
    "..",
    "a" * 300,
    "k" * 129,
    "\ud7ff\ue000",
    "' OR 1=1 --",
    "<script>",
    "NaN",
]


def _field_names() -> list[str]:
    """Every field of every form class in the portal, plus the query names views read."""
    import importlib
    import pkgutil

    import portal

    names = {
        "cursor", "skip", "template", "q", "page", "sort", "order", "from", "copy",
        "rule-json", "try-path", "try-headers", "try-cookies", "try-ip", "row", "kind",
        "group", "add", "changed", "next", "idempotency_key", "format",
    }  # fmt: skip
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if ".sandbox" in module.name or ".migrations" in module.name:
            continue
        if not module.name.endswith(("forms", "views")):
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, django_forms.BaseForm):
                names.update(getattr(value, "base_fields", {}).keys())
    return sorted(names)


FIELDS = _field_names()
form_data = st.dictionaries(
    st.sampled_from(FIELDS), st.one_of(st.sampled_from(NASTY), st.text(max_size=30)), max_size=6
)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    arg=st.one_of(st.sampled_from(NASTY), st.text(max_size=30)),
    query=form_data,
    post=st.booleans(),
    htmx=st.booleans(),
)
def test_no_url_answers_500_to_any_input(  # type: ignore[no-untyped-def]
    tokened_cast,
    sample_ids,
    arg,
    query,
    post,
    htmx,  # noqa: F811
) -> None:
    """Each example sends the same drawn input to every URL: as each path argument, and as
    query string (GET) or form (POST)."""
    client = client_for(tokened_cast["admin"])
    extra: dict[str, Any] = HTMX if htmx else {}
    for rule in URL_RULES:
        kwargs = _resolve(rule.kwargs, sample_ids)
        for fuzzed in [None, *sorted(kwargs)]:
            url = _url(rule.name, kwargs, fuzzed, arg)
            if url is None:
                continue
            send = client.post if post else client.get
            response = send(url, query, **extra)
            assert response.status_code < 500, (url, query, response.status_code)


def _url(name: str, kwargs: dict[str, str], fuzzed: str | None, arg: str) -> str | None:
    """The URL with ``arg`` as the path argument ``fuzzed`` (None: the real arguments)."""
    if fuzzed is not None:
        kwargs = {**kwargs, fuzzed: MARK}
    try:
        url = reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # an int converter: text cannot even be routed
        return None
    return url.replace(MARK, urllib.parse.quote(arg, safe="") or "x")
