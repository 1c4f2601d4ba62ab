"""Moved to :mod:`portal.core.parallel` (other areas use it too); kept so old imports work."""

from __future__ import annotations

from portal.core.parallel import run_concurrently

__all__ = ["run_concurrently"]
