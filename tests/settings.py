"""Test settings: the production module with test-only speed-ups.

The database comes from DATABASE_URL like in production, so `make test` runs on SQLite and CI
runs the same suite on PostgreSQL.
"""

from __future__ import annotations

import os

os.environ.setdefault("PORTAL_DEBUG", "true")
# A fixed key for tests only, so encrypted fixtures are reproducible; never a real key.
os.environ.setdefault(
    "PORTAL_TOKEN_KEYS", "test1:" + "dGVzdC1rZXktZm9yLXRoZS1wb3J0YWwtdGVzdHMhISE="
)

from portal.settings import *  # noqa: E402,F403

# Hashing passwords slowly is the point in production and a waste in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SECURE_SSL_REDIRECT = False
# Tests sign admins in with force_login and no authenticator; the default policy (admins must
# use two-factor sign-in) is exercised by tests/hardening/test_admin_mfa.py, which turns it on.
PORTAL_REQUIRE_MFA_FOR_ADMINS = False
# Every reuse of a {% memo %} fragment is checked against a fresh render: a fragment that varies
# on something outside its key (one person's data shown to another) fails the page's tests.
PORTAL_CHECK_MEMO = True
