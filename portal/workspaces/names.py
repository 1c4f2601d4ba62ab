"""Each person's workspace names, kept a few seconds per process.

The projects list names every row's workspace and offers all of them as a filter, so before
this it asked Agiler for the whole workspace list on every request: a second upstream call per
page, and a thread hand-off to make it at the same time as the first (issue 14: page cost).
Workspaces change rarely: the API can create one but not rename or delete it. So each process
keeps a person's names for ``NAMES_TTL`` seconds, keyed by their stored token (a replaced or
removed token never reuses them), and asks again at once whenever the kept names cannot be
right:

- a project on the page belongs to a workspace the names do not hold (the person joined it,
  or it was created elsewhere, since the names were read);
- the filter asks for a workspace the names do not hold;
- the person created a workspace through the portal (``forget_names``, in this process; the
  pages of another process still see every new workspace that has a project, by the rule above).

What is left: a workspace renamed in Agiler's web app keeps its old name here for up to
``NAMES_TTL`` seconds, and an empty workspace created outside this process reaches the filter
as late. The workspaces page always asks Agiler, and refreshes the names it kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from portal.agiler import AgilerClient
from portal.lib.process_memo import ProcessMemo
from portal.tokens.scope_cache import stored_token_row

#: seconds a process keeps a person's workspace names
NAMES_TTL = 30
_here: ProcessMemo[dict[str, str]] = ProcessMemo(NAMES_TTL)


def _key(user: Any) -> tuple[Any, ...] | None:
    """The kept names' key: the person and the token row as stored (a new token, even one with
    the same fingerprint, has a new ``replaced_at``), or None without a token."""
    row = stored_token_row(user)
    if row is None:
        return None
    return (user.pk, row.pk, row.fingerprint, row.replaced_at)


def kept_names(user: Any, *, covering: Iterable[str] = ()) -> dict[str, str] | None:
    """The names this process kept for ``user``, by workspace id; None when there are none, or
    when they lack one of the ids in ``covering`` (the caller then asks Agiler)."""
    key = _key(user)
    names = _here.get(key) if key is not None else None
    if names is None or any(ws and ws not in names for ws in covering):
        return None
    return names


def remember_names(user: Any, workspaces: Iterable[Any]) -> dict[str, str]:
    """Keep the names of ``workspaces`` (a full list just read from Agiler) for ``user``."""
    names = {ws.id: ws.name for ws in workspaces}
    key = _key(user)
    if key is not None:
        _here.set(key, names)
    return names


def fetch_names(user: Any, client: AgilerClient) -> dict[str, str]:
    """Ask Agiler for all of ``user``'s workspaces and keep their names."""
    return remember_names(user, client.paginate(client.list_workspaces, limit=100))


def workspace_names(
    user: Any, client: AgilerClient, *, covering: Iterable[str] = ()
) -> dict[str, str]:
    """``user``'s workspace names: kept ones that cover ``covering``, else Agiler's."""
    names = kept_names(user, covering=covering)
    return names if names is not None else fetch_names(user, client)


def forget_names(user: Any) -> None:
    """Drop ``user``'s kept names (they created a workspace, or may have)."""
    key = _key(user)
    if key is not None:
        _here.forget(key)
