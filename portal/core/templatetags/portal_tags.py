"""Template helpers shared by every page (registered as builtins in settings).

Besides the filters and tags below, this library installs ``{% memo %}``, an ``{% extends %}``
that finds the root layout's blocks once, and a ``{% url %}`` that remembers argument-less URLs
(``portal.lib.fragments``): as a builtin listed after Django's own, its ``extends`` and ``url``
take the place of Django's in every template, with the same syntax and output.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from portal.accounts.roles import role_allows
from portal.lib.fragments import do_extends, do_memo, do_url
from portal.lib.when import iso, when_text

register = template.Library()
register.tag("memo", do_memo)
register.tag("url", do_url)
register.tag("extends", do_extends)


@register.filter
def can(user: Any, action: str) -> bool:
    """``{% if request.user|can:"backups.restore" %}`` — the role matrix, as views use it."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return role_allows(getattr(user, "role", None), action)


@register.simple_tag
def options(choices: Iterable[tuple[Any, Any, bool]]) -> str:
    """A ``<select>``'s ``<option>``s from (value, label, selected) triples the view worked out:
    ``<select …><option value="">Any</option>{% options regions %}</select>``.

    The same markup a ``{% for %}`` over the triples gives (each value and label escaped as
    ``{{ }}`` would), in one step: the loop's per-option lookups and context pushes cost the
    projects list's five filter menus 4 % of the page's instructions (issue 14: page cost)."""
    return mark_safe(  # noqa: S308 - every value and label is escaped here
        "".join(
            f'<option value="{_text(value)}"{" selected" if selected else ""}>{_text(label)}'
            "</option>"
            for value, label, selected in choices
        )
    )


def _text(value: Any) -> str:
    """A choice's value or label as ``{{ value }}`` puts it in markup, for what choices hold:
    strings, safe strings, numbers, None (Django's ``conditional_escape`` without its wrappers
    for lazy text; unlike ``{{ }}`` it does not localise dates or format floats)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


@register.filter
def human_bytes(value: Any) -> str:
    """Format a byte count with binary units: 1536 → "1.5 KiB"."""
    try:
        size = float(value)
    except (TypeError, ValueError):
        return "—"
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    index = 0
    while abs(size) >= 1024 and index < len(units) - 1:
        size /= 1024
        index += 1
    if index == 0:
        return f"{int(size)} B"
    return f"{size:.1f} {units[index]}"


def _relative_markup(relative: bool, in_link: bool) -> str:
    if not relative:
        return ""
    if in_link:
        return mark_safe(" data-relative")  # noqa: S308 - constant markup
    return mark_safe(' data-relative tabindex="0"')  # noqa: S308 - constant markup


@register.simple_tag
def when(value: Any, seconds: bool = False, relative: bool = False, in_link: bool = False) -> str:
    """The one date format (docs/ui.md): ``{% when backup.created_at relative=True %}``.

    Renders ``<time datetime="ISO 8601" data-local>5 Dec 2026, 03:00 UTC</time>``;
    static/js/local-time.js shows it in the viewer's time zone with the zone's label, or as
    "3 min ago" with ``relative`` (the full time stays in the title, on hover and focus).
    ``in_link``: the time sits inside a link, which already takes the focus, so the time is not
    made focusable itself (a focusable element inside a link is nested interactive content).
    A view may call it to format a list's moments once in Python (issue 14: page cost).
    """
    if type(value) is datetime:
        return _when_datetime(value, value.tzinfo, seconds, relative, in_link)
    return _when(value, seconds, relative, in_link)


@lru_cache(maxsize=4096)
def _when_datetime(value: datetime, zone: Any, seconds: bool, relative: bool, in_link: bool) -> str:
    """``_when`` of a moment, remembered: the markup depends on nothing but the arguments (the
    zone is part of the key because equal moments in two zones compare equal, yet their ISO
    text differs), and a list shows the same moments on every request."""
    return _when(value, seconds, relative, in_link)


def _when(value: Any, seconds: bool, relative: bool, in_link: bool) -> str:
    if value is None or value == "":
        return mark_safe('<span class="text-secondary">—</span>')  # noqa: S308 - constant markup
    try:
        text, stamp = when_text(value, seconds=seconds), iso(value)
    except (AttributeError, TypeError, ValueError, OverflowError):
        return format_html("{}", value)
    return format_html(
        '<time datetime="{}" data-local{}{} title="{}">{}</time>',
        stamp,
        mark_safe(" data-seconds") if seconds else "",  # noqa: S308 - constant markup
        _relative_markup(relative, in_link),
        text,
        text,
    )
