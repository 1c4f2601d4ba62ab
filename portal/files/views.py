"""Files pages that read: browse a folder, preview a file, download it, show an image.

The URL is the path (see ``paths.py``). One upstream call answers both a folder (a JSON page)
and a file (the bytes), so the same URL is the folder's listing or the file's preview page.
Downloads go out under our own headers through ``portal.lib.downloads.relay``: relayed read by
read (the client's hook records the sensitive read when the stream ends, and ``files.download_sent``
how many bytes reached the person and whether the download completed), or handed to nginx in front
(the client's row then says so; nginx's access log has the rest).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.accounts.access import requires
from portal.agiler import NotFound
from portal.agiler.downloads import FileDownload
from portal.audit import record
from portal.audit.actions import Action
from portal.files.listing import SORTS, Sort, rows
from portal.files.paths import (
    BadPath,
    action_url,
    browse_url,
    clean_path,
    folder_crumbs,
    name_of,
    parent_of,
)
from portal.lib.downloads import OPAQUE, relay
from portal.lib.htmx import is_fragment, render_page
from portal.lib.pager import CursorTrail, with_query
from portal.lib.parallel import run_concurrently
from portal.tokens.service import agiler_for

R = TypeVar("R", bound=HttpResponseBase)

#: Agiler's page size for listings (its default; 200 is its maximum).
PAGE_SIZE = 100
#: Text larger than this is offered for download instead of shown.
TEXT_PREVIEW_CAP = 256 * 1024
#: Raster images a browser shows safely in <img> (no SVG: it is a document that can script).
IMAGE_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
TEXT_EXTENSIONS = frozenset(
    {
        *("txt", "md", "markdown", "csv", "tsv", "log", "ini", "conf", "cfg", "env", "json"),
        *("xml", "yml", "yaml", "toml", "php", "phtml", "html", "htm", "css", "scss", "less"),
        *("js", "mjs", "ts", "sql", "sh", "py", "rb", "pl", "htaccess", "htpasswd", "po", "pot"),
        *("svg", "twig", "lock", "gitignore"),
    }
)
DOWNLOAD_SENT = Action.FILES_DOWNLOAD_SENT


def extension(name: str) -> str:
    base = name.lower()
    if base.startswith(".") and base.count(".") == 1:
        return base[1:]  # .htaccess
    return base.rsplit(".", 1)[-1] if "." in base else ""


def _is_text(name: str, content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return (
        extension(name) in TEXT_EXTENSIONS
        or kind.startswith("text/")
        or kind
        in {
            "application/json",
            "application/xml",
            "application/javascript",
        }
    )


def refuse_path(request: HttpRequest, error: BadPath, *, status: int = 400) -> HttpResponse:
    """The page (or fragment) that explains why a path was refused locally."""
    return render(
        request,
        "errors/fragment.html" if is_fragment(request) else "errors/page.html",
        {
            "status": status,
            "title": "This path cannot be opened",
            "message": str(error),
            "page_title": "Path refused",
        },
        status=status,
    )


def checked_path(view: Callable[..., R]) -> Callable[..., R | HttpResponse]:
    """For a view of a path (the URL is the path): the view's third argument is the URL's
    ``path`` checked by ``paths.clean_path`` (named for what it is: ``folder``, ``target``);
    a path refused locally is explained on a page of its own and never reaches Agiler."""

    @wraps(view)
    def wrapped(request: HttpRequest, project: str, path: str = "") -> R | HttpResponse:
        try:
            checked = clean_path(path)
        except BadPath as error:
            return refuse_path(request, error)
        return view(request, project, checked)

    return wrapped


def _missing(request: HttpRequest, path: str) -> HttpResponse:
    return refuse_path(
        request,
        BadPath(
            f"There is no file or folder “/{path}” in this project. It may have been moved or "
            "deleted; open its folder to see what is there now."
        ),
        status=404,
    )


# --- browse -------------------------------------------------------------------------------------


def _listing_context(
    request: HttpRequest, project: str, path: str, page: Any, trail: CursorTrail, sort: Sort
) -> dict[str, Any]:
    base = browse_url(project, path)

    def url(query: Any) -> str:
        merged = sort.query()
        merged.update(query)
        return with_query(base, merged)

    columns = []
    for key, label in SORTS.items():
        toggled = sort.toggled(key)
        columns.append(
            {
                "key": key,
                "label": label,
                "url": with_query(base, toggled.query()),
                "aria": sort.aria(key),
                "arrow": ("↓" if sort.descending else "↑") if key == sort.key else "",
            }
        )
    entries = rows(project, page.items, sort)
    return {
        "project_id": project,
        "path": path,
        "rows": entries,
        "folder_count": sum(1 for r in entries if r.is_dir),
        "file_count": sum(1 for r in entries if not r.is_dir),
        "columns": columns,
        "sort": sort,
        "pager": trail.pager(page.next_cursor, url=url),
        "here_url": with_query(base, sort.query()),
        "upload_url": action_url("upload", project, path),
        "new_folder_url": action_url("new_folder", project, path),
    }


@require_GET
@requires("files.read")
@checked_path
def browse(request: HttpRequest, project: str, path: str = "") -> HttpResponse:
    """A folder's listing, or a file's preview page: the URL is the path."""
    client = agiler_for(request.user, request=request)
    trail = CursorTrail.from_request(request)
    sort = Sort.from_query(request.GET)

    def fetch() -> Any:
        if not path:
            return client.list_files(project, cursor=trail.cursor, limit=PAGE_SIZE)
        return client.get_file(project, path, cursor=trail.cursor, limit=PAGE_SIZE)

    try:
        if is_fragment(request) and request.headers.get("HX-Target") == "file-list":
            listing = fetch()
            detail = None
        elif path:
            # Not side by side: a file's answer is a sensitive read, recorded in the audit log,
            # and that write belongs to the request's own thread and transaction.
            detail = client.get_project(project)
            listing = fetch()
        else:
            found = run_concurrently(
                {"project": lambda: client.get_project(project), "listing": fetch}
            )
            detail, listing = found["project"], found["listing"]
    except NotFound as error:
        if error.resource == "project" or not path:
            raise
        return _missing(request, path)
    if isinstance(listing, FileDownload):
        if detail is None:
            listing.close()
            detail = client.get_project(project)
            listing = client.get_file(project, path)
            if not isinstance(listing, FileDownload):  # it became a folder meanwhile
                return browse(request, project, path)
        return _preview(request, detail, path, listing)
    context = _listing_context(request, project, path, listing, trail, sort)
    if detail is not None:
        context.update(
            {
                "project": detail,
                "page_title": f"/{path}" if path else f"Files of {detail.name}",
                "crumbs": folder_crumbs(detail, path),
                "parent_url": browse_url(detail.id, parent_of(path)) if path else "",
            }
        )
    return render_page(request, "files/browse.html", context, fragment="file-list")


# --- preview ------------------------------------------------------------------------------------


def _read_capped(download: FileDownload, cap: int) -> bytes:
    """At most ``cap`` + 1 bytes of the download; the connection is released either way."""
    data = bytearray()
    try:
        for chunk in download.iter_bytes(64 * 1024):
            data += chunk
            if len(data) > cap:
                break
    finally:
        download.close()
    return bytes(data)


def _preview(request: HttpRequest, detail: Any, path: str, download: FileDownload) -> HttpResponse:
    name = name_of(path)
    headers = download.headers
    kind = "other"
    lines: list[str] = []
    too_large = False
    if extension(name) in IMAGE_TYPES:
        kind = "image"
        download.close()
    elif _is_text(name, headers.content_type):
        if headers.content_length is not None and headers.content_length > TEXT_PREVIEW_CAP:
            download.close()
            too_large = True
        else:
            data = _read_capped(download, TEXT_PREVIEW_CAP)
            too_large = len(data) > TEXT_PREVIEW_CAP
            if not too_large:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    text = ""
                    kind = "other"
                else:
                    kind = "other" if "\x00" in text else "text"
                    lines = text.splitlines() if kind == "text" else []
    else:
        download.close()
    context = {
        "project": detail,
        "project_id": detail.id,
        "path": path,
        "name": name,
        "kind": kind,
        "lines": lines,
        "too_large": too_large,
        "cap": TEXT_PREVIEW_CAP,
        "size": headers.content_length,
        "modified_at": headers.last_modified,
        "download_url": action_url("download", detail.id, path),
        "raw_url": action_url("raw", detail.id, path),
        "folder_url": browse_url(detail.id, parent_of(path)),
        "move_url": action_url("move", detail.id, path),
        "copy_url": action_url("copy", detail.id, path),
        "delete_url": action_url("delete", detail.id, path),
        "page_title": name,
        "crumbs": folder_crumbs(detail, path, last_is_file=True),
    }
    return render_page(request, "files/preview.html", context)


# --- downloads ----------------------------------------------------------------------------------


def attachment(name: str, *, inline: bool = False) -> str:
    """``Content-Disposition`` naming ``name`` exactly (``filename*``, RFC 6266/5987) with a
    plain-ASCII ``filename`` for old clients."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\%' else "_" for c in name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback or 'download'}\"; filename*=UTF-8''{quote(name, safe='')}"


def _open_file(
    request: HttpRequest, project: str, path: str, *, folder: str
) -> FileDownload | HttpResponse:
    """The file's bytes, still to be read, or the page that says why there are none: the file
    is not there (404), or ``path`` is a folder (``folder`` says so in the view's words)."""
    client = agiler_for(request.user, request=request)
    try:
        result = client.get_file(project, path)
    except NotFound as error:
        if error.resource == "project":
            raise
        return _missing(request, path)
    if not isinstance(result, FileDownload):
        return refuse_path(request, BadPath(folder))
    return result


def _download_response(
    request: HttpRequest, project: str, path: str, download: FileDownload
) -> HttpResponse | StreamingHttpResponse:
    expected = download.headers.content_length

    def on_sent(sent: int, completed: bool) -> None:
        record(
            action=DOWNLOAD_SENT,
            actor=request.user,
            request=request,
            outcome="success" if completed else "failure",
            target_type="file",
            target_id=path,
            target_label="/" + path,
            project_id=project,
            summary={"bytes_sent": sent, "expected_bytes": expected, "completed": completed},
            error_message="" if completed else "The download ended before the whole file was sent.",
        )

    # Relayed read by read (``on_sent`` then records what reached the person), or handed to
    # nginx in front, whose access log has it; the client's own row says which.
    return relay(
        download,
        request=request,
        content_type=OPAQUE,
        filename=name_of(path),
        disposition=attachment(name_of(path)),
        on_sent=on_sent,
    )


@require_GET
@requires("files.download")
@checked_path
def download(request: HttpRequest, project: str, path: str) -> HttpResponse | StreamingHttpResponse:
    """The file's bytes as an attachment, relayed chunk by chunk, never held in memory."""
    result = _open_file(
        request,
        project,
        path,
        folder=f"“/{path}” is a folder: open it and download its files one by one.",
    )
    if not isinstance(result, FileDownload):
        return result
    return _download_response(request, project, path, result)


@require_GET
@requires("files.read")
@checked_path
def raw(request: HttpRequest, project: str, path: str) -> HttpResponse | StreamingHttpResponse:
    """An image shown on its preview page, under the image type we name for its extension."""
    kind = IMAGE_TYPES.get(extension(name_of(path)))
    if kind is None:
        return refuse_path(
            request, BadPath("Only PNG, JPEG, GIF and WebP images are shown in the portal.")
        )
    result = _open_file(request, project, path, folder=f"“/{path}” is a folder, not an image.")
    if not isinstance(result, FileDownload):
        return result
    return relay(
        result,
        request=request,
        content_type=kind,
        filename=name_of(path),
        inline=True,
        disposition=attachment(name_of(path), inline=True),
    )
