"""System checks that keep the deny-by-default access rule honest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.checks import Error, Tags, register
from django.urls import URLPattern, URLResolver, get_resolver

from portal.accounts.access import declared_access


def iter_patterns(
    patterns: list[Any] | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str | None, URLPattern]]:
    """Yield (route, "namespace:name", pattern) for every URL pattern, depth first."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield prefix + str(entry.pattern), name, entry


@register(Tags.security, Tags.urls)
def check_every_view_declares_access(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for route, _name, pattern in iter_patterns():
        if declared_access(pattern.callback) is None:
            errors.append(
                Error(
                    f"URL {route!r} ({pattern.name}) has no @public/@requires declaration.",
                    hint="Decorate the view with portal.accounts.access.requires(action).",
                    id="portal.E001",
                )
            )
    return errors
