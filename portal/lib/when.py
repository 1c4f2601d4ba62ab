"""The one textual form of a moment for people: ``5 Dec 2026, 03:00 UTC``.

Pages render it inside ``<time datetime="…" data-local>`` (the ``when`` template tag in
portal_tags), which static/js/local-time.js rewrites into the viewer's own time zone, with the
zone's label; exports use ISO 8601 (``iso``). Text that is stored (an audit label) keeps UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["iso", "when_text"]


def when_text(value: datetime | None, *, seconds: bool = False) -> str:
    """``5 Dec 2026, 03:00 UTC`` (UTC: the server does not know the viewer's zone)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    clock = value.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{value.day} {value.strftime('%b %Y')}, {clock} UTC"


def iso(value: datetime | None) -> str:
    """ISO 8601 with the offset, for exports and ``datetime`` attributes."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()
