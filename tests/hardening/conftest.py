"""Fixtures of the hardening tests."""

from tests.core.test_access_matrix import sample_ids  # noqa: F401 (real ids for url_matrix)
