"""File paths as the portal's URLs carry them: checked locally, joined, turned back into URLs.

The URL is the path (``/projects/<p>/files/docs/Q1 report ñ.txt``): Django hands the view the
decoded path, and every link is built by ``reverse`` which encodes it again segment by segment
(``%``, ``#``, ``?``, spaces and Unicode round-trip; a ``+`` stays a ``+``). A folder's URL ends
in ``/``. ``.``/``..`` and empty segments would address another file after URL normalisation,
so they are refused here, with a message, before anything reaches Agiler.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

#: Agiler's own limits are unknown; these keep a path inside what any file system accepts.
MAX_SEGMENT = 255
MAX_PATH = 4096


class BadPath(ValueError):
    """A path (or name) the portal refuses to send; ``str()`` is the message for the person."""


def check_name(name: str, *, what: str = "A name") -> str:
    """One path segment (a file or folder name), stripped of surrounding spaces."""
    name = name.strip()
    if not name:
        raise BadPath(f"{what} cannot be empty.")
    if name in {".", ".."}:
        raise BadPath(f"{what} cannot be “.” or “..”.")
    if "/" in name or "\\" in name:
        raise BadPath(f"{what} cannot contain “/” or “\\”; choose the folder separately.")
    if "\x00" in name or any(ord(c) < 32 for c in name):
        raise BadPath(f"{what} cannot contain control characters.")
    if len(name.encode()) > MAX_SEGMENT:
        raise BadPath(f"{what} is too long (at most {MAX_SEGMENT} bytes).")
    return name


def clean_path(raw: str, *, folder: bool = False) -> str:
    """The path of a URL or a form, checked segment by segment ("" is the root folder).

    One trailing ``/`` (a folder's URL) and, for typed paths, one leading ``/`` are tolerated;
    empty, ``.`` and ``..`` segments are refused: the link would point somewhere else.
    """
    if len(raw) > MAX_PATH:
        raise BadPath("This path is too long.")
    path = raw.removesuffix("/")
    if folder:
        path = path.removeprefix("/")
    if path == "":
        return ""
    for segment in path.split("/"):
        if segment == "":
            raise BadPath(
                "This path has an empty part (two “/” in a row, or one at the start); "
                "links to files never do."
            )
        if segment in {".", ".."}:
            raise BadPath(f"A path cannot contain a “{segment}” part; use the breadcrumbs instead.")
        if "\x00" in segment:
            raise BadPath("A path cannot contain a NUL character.")
        if len(segment.encode()) > MAX_SEGMENT:
            raise BadPath(f"A file or folder name is too long (at most {MAX_SEGMENT} bytes).")
    return path


def join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def parent_of(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def name_of(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def browse_url(project: str, path: str = "", *, is_dir: bool = True) -> str:
    """The page of a folder (ending in ``/``) or of a file (its preview)."""
    if not path:
        return reverse("files:browse", kwargs={"project": project})
    url = reverse("files:path", kwargs={"project": project, "path": path})
    return url + "/" if is_dir else url


def action_url(name: str, project: str, path: str) -> str:
    return reverse(f"files:{name}", kwargs={"project": project, "path": path})


def folder_crumbs(project: Any, path: str, *, last_is_file: bool = False) -> list[dict[str, str]]:
    """Projects › <project> › Files › each folder of ``path`` (the last one unlinked)."""
    crumbs = [
        {"label": "Projects", "url": reverse("projects:list")},
        {"label": project.name, "url": reverse("projects:detail", args=[project.id])},
        {"label": "Files", "url": browse_url(project.id)},
    ]
    walked = ""
    parts = path.split("/") if path else []
    for index, part in enumerate(parts):
        walked = join(walked, part)
        is_dir = not (last_is_file and index == len(parts) - 1)
        crumbs.append({"label": part, "url": browse_url(project.id, walked, is_dir=is_dir)})
    return crumbs
