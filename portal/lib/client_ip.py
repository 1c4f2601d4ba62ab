"""The address a request came from (one rule for sign-in throttling and the audit log), and
whether it came through our proxy."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str:
    """The address a request came from, for sign-in throttling and the audit log alike.

    ``X-Forwarded-For`` is believed only behind a proxy we were told about
    (``PORTAL_TRUSTED_PROXY``); otherwise anyone could dodge the lockout, or choose the address
    the audit log records, by inventing a header. Proxies append the address they saw to whatever
    the client sent, so only the right-most entries are ours: with
    ``PORTAL_TRUSTED_PROXY_HOPS`` proxies in front (e.g. 2 for a CDN plus a load balancer), the
    client is the that-many-th entry from the right. Anything left of it is client-controlled.
    Returns a normalised IP address, or "" when there is no valid one.
    """
    if request is None:
        return ""
    candidate = str(request.META.get("REMOTE_ADDR", "") or "")
    if getattr(settings, "PORTAL_TRUSTED_PROXY", False):
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "") or "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            trusted = max(1, int(getattr(settings, "PORTAL_TRUSTED_PROXY_HOPS", 1) or 1))
            # Fewer entries than proxies: the left-most was still appended by one of ours.
            candidate = hops[-min(trusted, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return ""


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether ``request`` reached us through our proxy, not straight from a client.

    True only with ``PORTAL_TRUSTED_PROXY`` on and the connection's own address (``REMOTE_ADDR``,
    never a header a client can write) in ``PORTAL_TRUSTED_PROXY_ADDRESSES``. A response that is
    an instruction for the proxy (a download handed to nginx, with the credential it needs) is
    given only to such a request: a client that reached the portal directly would read it.
    """
    if not getattr(settings, "PORTAL_TRUSTED_PROXY", False):
        return False
    try:
        peer = ipaddress.ip_address(str(request.META.get("REMOTE_ADDR", "") or ""))
    except ValueError:
        return False
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped  # a dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d
    networks = getattr(settings, "PORTAL_TRUSTED_PROXY_ADDRESSES", ())
    return any(peer in network for network in networks)
