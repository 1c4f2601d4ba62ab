"""Ending a person's sessions when their access changes (deactivation, role, password).

A deactivated person's cookie was refused while inactive, but the session row survived and
worked again after reactivation (issue 15, item 6). Sessions live in the database
(``django.contrib.sessions``); this deletes the rows that belong to the person, except the one
the change was made from when it is their own (a password change keeps you signed in here).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
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
    return len(ended)
