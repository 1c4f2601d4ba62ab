"""The toolkit's cursor pager and CSV writer, as the lists and exports use them."""

from __future__ import annotations

import csv
import io

from django.test import RequestFactory

from portal.lib.csv import csv_lines
from portal.lib.pager import MAX_TRAIL, CursorTrail, with_query


def _trail(query: str) -> CursorTrail:
    return CursorTrail.from_request(RequestFactory().get("/list/?" + query))


def test_the_first_page_has_only_a_next_link() -> None:
    pager = _trail("").pager("c2", url=lambda q: with_query("/list/", q))
    assert pager.number == 1 and not pager.prev_url and not pager.first_url
    assert pager.next_url == "/list/?cursor=c2&prev="


def test_following_next_then_previous_comes_back_to_the_same_page() -> None:
    second = _trail("cursor=c2&prev=").pager("c3", url=lambda q: with_query("/list/", q))
    assert second.number == 2 and second.prev_url == "/list/"
    third_query = second.next_url.split("?", 1)[1]
    third = _trail(third_query).pager(None, url=lambda q: with_query("/list/", q))
    assert third.number == 3 and not third.next_url
    assert third.prev_url == "/list/?cursor=c2&prev="
    assert third.first_url == "/list/"


def test_a_hostile_cursor_is_treated_as_the_first_page() -> None:
    assert _trail("cursor=" + "x" * 5000).cursor is None
    assert _trail("cursor=a%00b").cursor is None


def test_the_trail_is_capped() -> None:
    query = "cursor=z&" + "&".join(f"prev=c{i}" for i in range(MAX_TRAIL + 20))
    assert len(_trail(query).trail) == MAX_TRAIL


def test_csv_opens_in_excel_and_never_runs_a_formula() -> None:
    text = "".join(csv_lines(["name", "amount"], [["=HYPERLINK(1)", "-12.50"], ["Zoë", -3]]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [["name", "amount"], ["'=HYPERLINK(1)", "-12.50"], ["Zoë", "-3"]]
