"""Percent-encoding of path parameters, refusing unsafe values before anything is sent.

Ids become exactly one path segment (a ``/`` inside an id is encoded, never a separator). File
paths keep the slashes between their segments and encode each segment on its own, as Agiler
expects. ``.``/``..`` segments would be collapsed by URL normalisation and change which resource
is addressed, and empty segments are ambiguous, so both are refused with
``InvalidIdentifier`` (a ``NotFound`` and a ``ValueError``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from .errors import InvalidIdentifier

__all__ = ["build_path", "encode_file_path", "encode_id"]

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Placeholders whose value is a slash-separated file path rather than a single id.
_FILE_PATH_PARAMS = frozenset({"path"})


def _check_segment(segment: str, *, what: str) -> None:
    if segment == "":
        raise InvalidIdentifier(f"{what} must not contain an empty path segment")
    if segment in {".", ".."}:
        raise InvalidIdentifier(f"{what} must not contain a {segment!r} segment")


def encode_id(value: str, *, what: str = "path parameter") -> str:
    """Encode one identifier as a single path segment (``/`` and everything unsafe escaped)."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, got {type(value).__name__}")
    _check_segment(value, what=what)
    return quote(value, safe="")


def encode_file_path(path: str, *, what: str = "file path") -> str:
    """Encode a project file path segment by segment, keeping the slashes between segments.

    One leading and one trailing slash are tolerated (``/wp-content/`` means ``wp-content``);
    empty inner segments and ``.``/``..`` segments raise ``ValueError``.
    """
    if not isinstance(path, str):
        raise TypeError(f"{what} must be a string, got {type(path).__name__}")
    trimmed = path.removeprefix("/").removesuffix("/")
    if trimmed == "":
        raise InvalidIdentifier(f"{what} must name a file or directory, got {path!r}")
    segments = trimmed.split("/")
    for segment in segments:
        _check_segment(segment, what=what)
    return "/".join(quote(segment, safe="") for segment in segments)


def build_path(template: str, params: Mapping[str, str]) -> str:
    """Fill ``template`` (e.g. ``/projects/{project}/files/{path}``) with encoded ``params``."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        value = params[name]
        if name in _FILE_PATH_PARAMS:
            return encode_file_path(value, what=name)
        return encode_id(value, what=name)

    return _PLACEHOLDER.sub(substitute, template)
