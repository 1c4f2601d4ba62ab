"""The Redis cache backend keeps one client per connection pool (Django's builds one per call);
what it stores and how stays Django's."""

from __future__ import annotations

from portal.lib.redis_cache import RedisCache


def test_every_call_gets_the_same_client_over_the_same_pool() -> None:
    cache = RedisCache("redis://127.0.0.1:6379/15", {})  # building clients does not connect
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first
    assert first.connection_pool is cache._cache._get_connection_pool(write=True)
