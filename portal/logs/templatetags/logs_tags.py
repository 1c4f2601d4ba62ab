"""``{{ message|highlight:q }}``: the message, escaped, with each match of ``q`` marked;
``{{ moment|ago }}``: "just now" or "3 hours, 2 minutes ago"."""

from __future__ import annotations

import re
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def highlight(text: object, needle: object) -> SafeString:
    """``text`` escaped, every case-insensitive occurrence of ``needle`` in ``<mark>``."""
    value = "" if text is None else str(text)
    word = "" if needle is None else str(needle).strip()
    if not word:
        return escape(value)
    parts = re.split(f"({re.escape(word)})", value, flags=re.IGNORECASE)
    out = []
    for index, part in enumerate(parts):
        # re.split with one group: odd indexes are the matches.
        out.append(f"<mark>{escape(part)}</mark>" if index % 2 else str(escape(part)))
    return mark_safe("".join(out))  # noqa: S308 - every part escaped above


@register.filter
def ago(moment: datetime | None) -> str:
    """How long ago ``moment`` was, in words ("just now" under a minute)."""
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"
