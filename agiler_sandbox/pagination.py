"""Opaque cursor pagination with ``Link: <…>; rel="next"`` headers.

Cursors are base64url of ``<offset>.<signature>``; the signature (an HMAC over the operation and
offset) makes hand-edited or foreign cursors fail loudly with a 400 instead of silently paging
from somewhere odd.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from typing import Any, TypeVar

from .http import Request, Response, invalid, json_response

T = TypeVar("T")

MAX_LIMIT = 200
_SECRET = b"agiler-sandbox-cursor"


def encode_cursor(operation: str, offset: int) -> str:
    """Make an opaque cursor for ``offset`` within ``operation``'s listing."""
    sig = encode_cursor_sig(operation, offset)
    return base64.urlsafe_b64encode(f"{offset}.{sig}".encode()).decode().rstrip("=")


def decode_cursor(operation: str, cursor: str) -> int:
    """Return the offset in ``cursor``, or answer 400 (field ``cursor``) when it is not ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        offset_text, _, sig = raw.partition(".")
        offset = int(offset_text)
    except (ValueError, UnicodeError):
        raise invalid("cursor", "cursor is malformed; use the Link rel=next URL") from None
    if offset < 0 or not hmac.compare_digest(sig, encode_cursor_sig(operation, offset)):
        raise invalid("cursor", "cursor is not valid for this listing")
    return offset


def encode_cursor_sig(operation: str, offset: int) -> str:
    """The signature part of a cursor (shared by encode and decode)."""
    return hmac.new(_SECRET, f"{operation}:{offset}".encode(), hashlib.sha256).hexdigest()[:12]


def parse_limit(request: Request, default: int, maximum: int = MAX_LIMIT) -> int:
    """Read ``limit``: default when absent, 400 (field ``limit``) outside 1..maximum."""
    raw = request.arg("limit")
    if raw is None or raw == "":
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise invalid("limit", "limit must be an integer") from None
    if limit < 1 or limit > maximum:
        raise invalid("limit", f"limit must be between 1 and {maximum}")
    return limit


def page_window(request: Request, default: int, maximum: int = MAX_LIMIT) -> tuple[int, int]:
    """Return ``(offset, limit)`` for the current request."""
    limit = parse_limit(request, default, maximum)
    cursor = request.arg("cursor")
    offset = decode_cursor(request.operation, cursor) if cursor else 0
    return offset, limit


def next_link(request: Request, next_offset: int, limit: int) -> str:
    """The Link header value pointing at the page starting at ``next_offset``."""
    url = request.url_with(cursor=encode_cursor(request.operation, next_offset), limit=str(limit))
    return f'<{url}>; rel="next"'


def paginate(request: Request, items: Sequence[T], default: int, render: Any = None) -> Response:
    """Answer one page of ``items`` as a bare JSON array, with a Link header when more remain.

    ``render`` (optional) turns each item into its JSON shape, applied to the page only so large
    listings stay cheap.
    """
    offset, limit = page_window(request, default)
    page = items[offset : offset + limit]
    body = [render(item) for item in page] if render else list(page)
    resp = json_response(body)
    if offset + limit < len(items):
        resp.headers.append(("Link", next_link(request, offset + limit, limit)))
    return resp
