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

from portal.lib.process_memo import ProcessMemo

if TYPE_CHECKING:
    from portal.agiler import AgilerClient

CATALOG_TTL = 600  # seconds
_REGIONS_KEY = "portal:agiler-catalog:regions:v1"
_RUNTIMES_KEY = "portal:agiler-catalog:runtimes:v1"
#: Every list page reads both: each process keeps them a minute (seconds) in front of the cache,
#: which keeps them ``CATALOG_TTL``; a process that finds a catalog stale forgets both at once.
CATALOG_LOCAL = 60
_BOTH = "regions+runtimes"
_here: ProcessMemo[tuple[tuple[CatalogEntry, ...], tuple[CatalogEntry, ...]]] = ProcessMemo(
    CATALOG_LOCAL
)


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
    """(regions, runtimes), each as the cache holds it or None: at most one cache round trip
    (none while this process remembers both), no upstream call."""
    both = _here.get(_BOTH)
    if both is not None:  # shared by every thread of the process: each caller gets its own lists
        return list(both[0]), list(both[1])
    found = cache.get_many([_REGIONS_KEY, _RUNTIMES_KEY])
    rows, other_rows = found.get(_REGIONS_KEY), found.get(_RUNTIMES_KEY)
    regions = None if rows is None else [CatalogEntry(*row) for row in rows]
    runtimes = None if other_rows is None else [CatalogEntry(*row) for row in other_rows]
    if regions is not None and runtimes is not None:
        _here.set(_BOTH, (tuple(regions), tuple(runtimes)))
    return regions, runtimes


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
    _here.forget()
