"""The live region and runtime catalogs, cached for a while in Django's cache.

Agiler's catalogs change rarely (a region opens, a runtime is deprecated) but a create form needs
them on every render: one upstream read per ``CATALOG_TTL`` seconds is plenty. A deprecated
runtime stays in the catalog (existing projects may still run on it) but is not offered for new
projects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache

if TYPE_CHECKING:
    from portal.agiler import AgilerClient

CATALOG_TTL = 600  # seconds
_REGIONS_KEY = "portal:agiler-catalog:regions:v1"
_RUNTIMES_KEY = "portal:agiler-catalog:runtimes:v1"


@dataclass(frozen=True)
class CatalogEntry:
    """One region or runtime: its id, its description and (runtimes) whether it is deprecated."""

    id: str
    description: str
    deprecated: bool = False

    @property
    def label(self) -> str:
        """What a select shows: "php-8.3 — PHP 8.3", marked when deprecated."""
        text = f"{self.id} — {self.description}" if self.description else self.id
        return f"{text} (deprecated)" if self.deprecated else text


def cached() -> tuple[list[CatalogEntry] | None, list[CatalogEntry] | None]:
    """(regions, runtimes), each as the cache holds it or None: one cache round trip, no
    upstream call."""
    found = cache.get_many([_REGIONS_KEY, _RUNTIMES_KEY])
    regions, runtimes = found.get(_REGIONS_KEY), found.get(_RUNTIMES_KEY)
    return (
        None if regions is None else [CatalogEntry(*row) for row in regions],
        None if runtimes is None else [CatalogEntry(*row) for row in runtimes],
    )


def regions(client: AgilerClient) -> list[CatalogEntry]:
    """Every region Agiler offers, from the cache or ``GET /regions``."""
    cached = cache.get(_REGIONS_KEY)
    if cached is None:
        cached = [
            (r.id, r.description, False) for r in client.paginate(client.list_regions, limit=100)
        ]
        cache.set(_REGIONS_KEY, cached, CATALOG_TTL)
    return [CatalogEntry(*row) for row in cached]


def runtimes(client: AgilerClient) -> list[CatalogEntry]:
    """Every runtime, deprecated ones included (marked), from the cache or ``GET /runtimes``."""
    cached = cache.get(_RUNTIMES_KEY)
    if cached is None:
        cached = [
            (r.id, r.description, r.deprecated_at is not None)
            for r in client.paginate(client.list_runtimes, limit=100)
        ]
        cache.set(_RUNTIMES_KEY, cached, CATALOG_TTL)
    return [CatalogEntry(*row) for row in cached]


def forget() -> None:
    """Drop the cached catalogs (tests; or after Agiler answers that a runtime is unknown)."""
    cache.delete_many([_REGIONS_KEY, _RUNTIMES_KEY])
