"""Names for the audit log: what the portal last saw each Agiler object called.

Ids stay the key of every event; the name beside them is what a person reads. The Agiler
client reports every object it decodes to its observer (``AuditObserver.saw``), which remembers
``id → name`` here; when a write is recorded, its target, project and workspace are named from
this memory. Pages always load an object before they change it, so the name is there by
construction; where it is not (a cold cache), the event keeps the id alone.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache

from portal.lib.when import when_text

_KEY = "audit-name:{}"
_BEFORE = "audit-before:{}:{}"
_WORKSPACE_OF = "audit-workspace-of:{}"
#: a day: long enough for any page that loads an object and then changes it
_TIMEOUT = 24 * 3600
#: A name this process wrote less than this long ago is not written again while unchanged: the
#: cache keeps it for ``_TIMEOUT``. Should the cache lose it (a restart, eviction), events name
#: the object again once it is read after this long, and meanwhile keep its id alone.
_REWRITE = 3600
_WRITTEN_MAX = 50_000
#: key -> (value, time.monotonic() when this process wrote it)
_written: dict[str, tuple[str, float]] = {}


def label_of(obj: Any) -> tuple[str, str] | None:
    """(id, name) of an Agiler object a person would recognise, or None."""
    object_id = getattr(obj, "id", None)
    if not isinstance(object_id, str) or not object_id:
        return None
    if hasattr(obj, "automatic") and hasattr(obj, "created_at"):  # a backup
        kind = "automatic" if obj.automatic else "on-demand"
        return object_id, f"the {kind} backup of {when_text(obj.created_at)}"
    for field in ("name", "title", "domain", "path"):
        value = getattr(obj, field, None)
        if isinstance(value, str) and value:
            return object_id, value
    return None


def remember(objects: Iterable[Any]) -> None:
    """Keep the names of ``objects`` (any decoded Agiler models; others are ignored)."""
    names = {}
    for obj in objects:
        pair = label_of(obj)
        if pair:
            names[_KEY.format(pair[0])] = pair[1]
            workspace = getattr(obj, "workspace_id", None)
            if isinstance(workspace, str) and workspace:  # a project: where it lives
                names[_WORKSPACE_OF.format(pair[0])] = workspace
    now = time.monotonic()
    fresh = {key: value for key, value in names.items() if _stale(key, value, now)}
    if fresh:
        cache.set_many(fresh, _TIMEOUT)
        if len(_written) + len(fresh) > _WRITTEN_MAX:
            _written.clear()
        _written.update((key, (value, now)) for key, value in fresh.items())


def _stale(key: str, value: str, now: float) -> bool:
    """Whether ``key`` must be written: this process has not written ``value`` to it within
    ``_REWRITE`` seconds. A list page reads the same fifty names on every request; writing them
    all each time was most of what remembering cost (issue 14: page cost)."""
    written = _written.get(key)
    return written is None or written[0] != value or now - written[1] >= _REWRITE


def forget_written() -> None:
    """Forget what this process wrote (tests that empty the cache between them)."""
    _written.clear()


#: longest id looked up: Agiler's ids are short
_MAX_ID = 200


def _could_be_an_id(value: str) -> bool:
    """Whether ``value`` can be an id Agiler gave. An id from a URL may be anything (control
    characters, spaces, megabytes): such a value was never remembered, and is not made into a
    cache key."""
    return 0 < len(value) <= _MAX_ID and value.isprintable() and " " not in value


def recall(object_id: str) -> str:
    """The remembered name of ``object_id``, or ""."""
    if not _could_be_an_id(object_id):
        return ""
    value = cache.get(_KEY.format(object_id))
    return value if isinstance(value, str) else ""


def workspace_of(project_id: str) -> str:
    """The workspace id of a project the portal has read, or ""."""
    if not _could_be_an_id(project_id):
        return ""
    value = cache.get(_WORKSPACE_OF.format(project_id))
    return value if isinstance(value, str) else ""


def remember_before(actor_id: object, kind: str, values: dict[str, Any]) -> None:
    """Keep the values a singleton (the billing profile) had when ``actor`` last saw it."""
    cache.set(_BEFORE.format(kind, actor_id), values, _TIMEOUT)


def recall_before(actor_id: object, kind: str) -> dict[str, Any]:
    value = cache.get(_BEFORE.format(kind, actor_id))
    return value if isinstance(value, dict) else {}
