"""Public catalogs: regions, runtimes and the rule condition/action catalog."""

from __future__ import annotations

from ._base import BaseClient
from .pagination import Page
from .types import RegionOutput, RuleOptionsOutput, RuntimeOutput


class CatalogMixin(BaseClient):
    """Operations of the reference sections "Regions", "Rules" and "Runtimes"."""

    def list_regions(
        self, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[RegionOutput]:
        """GET /regions — Regions."""
        return self._get_page(RegionOutput, "list_regions", "/regions", cursor=cursor, limit=limit)

    def get_region(self, region: str) -> RegionOutput:
        """GET /regions/{region} — Regions."""
        return self._get_model(RegionOutput, "get_region", "/regions/{region}", {"region": region})

    def get_rule_catalog(self) -> RuleOptionsOutput:
        """GET /rules — Rules (the condition / action catalog)."""
        return self._get_model(RuleOptionsOutput, "get_rule_catalog", "/rules")

    def list_runtimes(
        self, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[RuntimeOutput]:
        """GET /runtimes — Runtimes."""
        return self._get_page(
            RuntimeOutput, "list_runtimes", "/runtimes", cursor=cursor, limit=limit
        )

    def get_runtime(self, runtimeid: str) -> RuntimeOutput:
        """GET /runtimes/{runtimeid} — Runtimes."""
        return self._get_model(
            RuntimeOutput, "get_runtime", "/runtimes/{runtimeid}", {"runtimeid": runtimeid}
        )
