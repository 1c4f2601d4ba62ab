"""Home page tests use the shared fixtures of tests/conftest.py."""
