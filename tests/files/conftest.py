"""Files tests use the shared fixtures of tests/conftest.py: the seeded sandbox, the cast with
their role's token, ``project`` (a small WordPress tree) and ``direct`` to put files in place and
check what Agiler holds."""
