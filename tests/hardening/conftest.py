"""Fixtures of the hardening tests (the sandbox, cast and ``direct`` client are shared, in
tests/conftest.py)."""

from __future__ import annotations

from tests.core.test_access_matrix import sample_ids  # noqa: F401 (real ids for url_matrix)
