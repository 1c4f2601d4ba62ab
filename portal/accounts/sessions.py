"""Ending a person's sessions when their access changes (deactivation, role, password).

A deactivated person's cookie was refused while inactive, but the session row survived and
worked again after reactivation (issue 15, item 6). Sessions live in the database
(``django.contrib.sessions``); this deletes the rows that belong to the person, except the one
the change was made from when it is their own (a password change keeps you signed in here).
Where sessions are cached (``SESSION_ENGINE`` ``cached_db``), their cached copies go too.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone


def end_sessions(user: Any, *, keep: str | None = None) -> int:
    """Delete every live session signed in as ``user`` (but ``keep``); return how many."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        try:
            data = session.get_decoded()
        except Exception:  # an unreadable session is nobody's: leave it to expire
            continue
        if str(data.get(SESSION_KEY, "")) == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    # With cached sessions (``cached_db``, when Redis is configured) the rows' copies in the
    # cache must go too, or a cached session would outlive its row.
    # The copies go now and again once the deletion commits: a request from an ended session
    # that arrives in between still finds its row and caches it afresh, and that copy would
    # outlive the row (after an enrolment, without the second factor).
    prefix = getattr(import_module(settings.SESSION_ENGINE).SessionStore, "cache_key_prefix", None)
    if prefix and ended:
        keys = [prefix + key for key in ended]
        cache = caches[settings.SESSION_CACHE_ALIAS]
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))
    return len(ended)
