"""Workspace helpers; the sandbox upstream and the tokened cast come from tests/conftest.py."""

from __future__ import annotations
