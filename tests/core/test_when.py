"""The one date format: ``{% when %}`` (and the views that call it for a list's rows) gives the
same markup for the same moment every time, and each zone keeps its own ISO text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from portal.core.templatetags.portal_tags import when


def test_a_moment_reads_the_same_every_time() -> None:
    moment = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    expected = (
        '<time datetime="2026-12-05T03:00:00+00:00" data-local title="5 Dec 2026, 03:00 UTC">'
        "5 Dec 2026, 03:00 UTC</time>"
    )
    assert when(moment) == expected
    assert when(moment) == expected


def test_the_same_moment_in_another_zone_keeps_its_own_iso_text() -> None:
    utc = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    berlin = utc.astimezone(timezone(timedelta(hours=1)))
    assert utc == berlin
    assert 'datetime="2026-12-05T03:00:00+00:00"' in when(utc)
    assert 'datetime="2026-12-05T04:00:00+01:00"' in when(berlin)
    assert "5 Dec 2026, 03:00 UTC</time>" in when(berlin)


def test_nothing_and_non_dates_read_as_before() -> None:
    assert when(None) == '<span class="text-secondary">—</span>'
    assert when("soon<b>") == "soon&lt;b&gt;"
    assert ' data-relative tabindex="0"' in when(datetime(2026, 1, 1, tzinfo=UTC), relative=True)
