"""Domains tests use the shared fixtures of tests/conftest.py: the seeded sandbox, the cast with
their role's token, and ``project`` (domains www.<name>.example, primary, <name>.example and
*.<name>.example)."""
