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

A workspace Agiler lists no name for although one of the person's projects is in it (a project
shared without its workspace) is kept as known but unnamed (``""``): its rows show the id, and
it does not cost every page a second call.

What is left, each for up to ``NAMES_TTL`` seconds: a workspace renamed or deleted in Agiler's
web app, or one the person lost access to, keeps its old entry here (choosing a deleted one in
the filter gets Agiler's answer about it); an empty workspace created outside this process
reaches the filter late. The workspaces page always asks Agiler, and refreshes the names kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from portal.agiler import AgilerClient, AgilerError, Unauthorized
from portal.lib.process_memo import ProcessMemo
from portal.tokens.scope_cache import stored_token_row

#: seconds a process keeps a person's workspace names
NAMES_TTL = 30
#: Shared by the request threads of a process: each value is read-only (a MappingProxyType).
_here: ProcessMemo[Mapping[str, str]] = ProcessMemo(NAMES_TTL)


def _key(user: Any) -> tuple[Any, ...] | None:
    """The kept names' key: the person and the token row as stored (a new token, even one with
    the same fingerprint, has a new ``replaced_at``), or None without a token."""
    row = stored_token_row(user)
    if row is None:
        return None
    return (user.pk, row.pk, row.fingerprint, row.replaced_at)


def kept_names(user: Any, *, covering: Iterable[str] = ()) -> Mapping[str, str] | None:
    """The names this process kept for ``user``, by workspace id (``""``: known, no name);
    None when there are none, or when they lack one of the ids in ``covering``."""
    key = _key(user)
    names = _here.get(key) if key is not None else None
    if names is None or any(ws and ws not in names for ws in covering):
        return None
    return names


def fetch_names(user: Any, client: AgilerClient, *, known: Iterable[str] = ()) -> Mapping[str, str]:
    """Ask Agiler for all of ``user``'s workspaces and keep their names, with the ids in
    ``known`` (workspaces their projects are in) kept as known even when Agiler lists them not.

    The key is taken before the call: names read with one token are never filed under the
    next one's."""
    key = _key(user)
    names = {ws.id: ws.name for ws in client.paginate(client.list_workspaces, limit=100)}
    for ws in known:
        names.setdefault(ws, "")
    kept = MappingProxyType(names)
    if key is not None:
        _here.set(key, kept)
    return kept


def keep_unnamed(user: Any, names: Mapping[str, str], ids: Iterable[str]) -> Mapping[str, str]:
    """``names`` (just read from Agiler) with ``ids`` added as known but unnamed, kept."""
    merged = MappingProxyType({**dict.fromkeys(ids, ""), **names})
    key = _key(user)
    if key is not None:
        _here.set(key, merged)
    return merged


def covering_page(
    user: Any,
    client: AgilerClient,
    names: Mapping[str, str],
    workspaces: Iterable[str],
    *,
    just_read: bool,
) -> Mapping[str, str]:
    """``names`` made to cover ``workspaces`` (those of the projects on a page).

    Names ``just_read`` from Agiler that lack one keep it as known but unnamed; kept names that
    lack one are read again. Should that read fail for any reason but the token itself, the
    kept names serve the page (those rows show their workspace's id)."""
    missing = set(workspaces) - names.keys()
    if not missing:
        return names
    if just_read:
        return keep_unnamed(user, names, missing)
    try:
        return fetch_names(user, client, known=missing)
    except Unauthorized:
        raise  # the token itself: the page says so, and asks for a new one
    except AgilerError:
        return names


def remember_names(user: Any, workspaces: Iterable[Any]) -> None:
    """Keep the names of ``workspaces`` (a full list just read from Agiler) for ``user``."""
    key = _key(user)
    if key is not None:
        _here.set(key, MappingProxyType({ws.id: ws.name for ws in workspaces}))


def forget_names(user: Any) -> None:
    """Drop ``user``'s kept names in this process (they created a workspace, or may have)."""
    key = _key(user)
    if key is not None:
        _here.forget(key)
