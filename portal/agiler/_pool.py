"""One pooled ``httpx.Client`` per process for each (base URL, transport), closed at exit.

The per-user ``AgilerClient`` is a cheap wrapper over the shared pool: it adds its own token to
each request, so connections (and TLS sessions) are reused across users and threads. httpx's
connection pool is thread-safe; creating the pool is guarded by a lock.
"""

from __future__ import annotations

import atexit
import http.cookiejar
import platform
import threading
import urllib.request
from importlib import metadata

import httpx

__all__ = ["DEFAULT_TIMEOUT", "USER_AGENT", "close_all", "shared_http_client"]

#: Connect fast-fail so an unreachable Agiler becomes an error page quickly; reads get longer
#: because some operations (SQL, backups) legitimately take a while to answer.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
DEFAULT_LIMITS = httpx.Limits(
    max_connections=100, max_keepalive_connections=20, keepalive_expiry=30
)


def _portal_version() -> str:
    try:
        return metadata.version("agiler-team-portal")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0.0.0"


USER_AGENT = (
    f"agiler-team-portal/{_portal_version()} httpx/{httpx.__version__} "
    f"python/{platform.python_version()}"
)

_lock = threading.Lock()
# The transport object is kept in the value so its id() cannot be reused while cached.
_clients: dict[tuple[str, int], tuple[httpx.Client, httpx.BaseTransport | None]] = {}


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Refuse every cookie: the pooled client is shared by all users, and a cookie Agiler (or a
    proxy in front of it) set on one person's call must never ride along on another's."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        return False


def _cookieless_jar() -> http.cookiejar.CookieJar:
    # A bare CookieJar, not httpx.Cookies: httpx copies the cookies of a Cookies object into a
    # fresh jar with the default policy, but keeps a CookieJar (and its policy) as it is.
    return http.cookiejar.CookieJar(policy=_NoCookies())


def shared_http_client(base_url: str, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """Return the process-wide pooled client for ``base_url`` and ``transport``."""
    key = (base_url, id(transport))
    entry = _clients.get(key)
    if entry is not None and not entry[0].is_closed:
        return entry[0]
    with _lock:
        entry = _clients.get(key)
        if entry is not None and not entry[0].is_closed:
            return entry[0]
        client = httpx.Client(
            transport=transport,
            timeout=DEFAULT_TIMEOUT,
            limits=DEFAULT_LIMITS,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
            cookies=_cookieless_jar(),
            # Proxies and CA bundles may come from the environment (httpx 0.28 no longer reads
            # ~/.netrc implicitly); the only credential ever sent is the user's own token.
            trust_env=True,
        )
        _clients[key] = (client, transport)
        return client


def close_all() -> None:
    """Close every pooled client (registered with atexit; also handy in tests)."""
    with _lock:
        entries = list(_clients.values())
        _clients.clear()
    for client, _transport in entries:
        client.close()


atexit.register(close_all)
