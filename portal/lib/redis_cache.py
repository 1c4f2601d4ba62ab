"""Django's Redis cache backend, without a new client object per cache call.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a ``redis.Redis`` on
every ``get``/``set``: about 130 response callbacks copied into a fresh dictionary each time,
more CPU than the Redis round trip itself (issue 14: page cost). A client over a connection
pool is safe to share between threads, so one per pool is kept and reused. Everything else
(serialisation, pools, options) is Django's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusedClients(RedisCacheClient):
    # Django's own attributes, which its type stubs do not declare.
    _servers: list[str]
    _pools: dict[int, Any]
    _pool_class: Any
    _pool_options: dict[str, Any]
    _client: Any
    _get_connection_pool_index: Callable[[bool], int]

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(DjangoRedisCache):
    """``BACKEND: portal.lib.redis_cache.RedisCache``: Django's, reusing its Redis clients."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusedClients
