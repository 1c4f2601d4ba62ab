"""Files pages that write: upload, new folder, move/rename, copy, delete.

Every write goes through the client with the form's idempotency key, so it is audited by
construction (destination path as the target, ``move_source``/``copy_source`` in the summary).
Uploads stream: from the browser's request body straight into the request to Agiler (a
non-multipart POST per file from static/js/files.js), or, without JavaScript, from Django's
temporary upload files. ``If-None-Match: *`` is sent unless the person asked to replace.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.access import requires
from portal.agiler import (
    AgilerClient,
    AgilerError,
    AgilerUnavailable,
    BadRequest,
    Conflict,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
)
from portal.core.agiler_errors import describe
from portal.core.templatetags.portal_tags import human_bytes
from portal.files.forms import DeleteFileForm, NewFolderForm, PlaceForm
from portal.files.listing import KEEP_FILE, is_placeholder
from portal.files.paths import (
    BadPath,
    action_url,
    browse_url,
    check_name,
    folder_crumbs,
    join,
    name_of,
    parent_of,
)
from portal.files.views import checked_path, refuse_path
from portal.lib.confirm import Confirmation, confirm
from portal.lib.forms import add_refusal
from portal.lib.htmx import done, form_status, is_fragment, render_page
from portal.tokens.service import agiler_for

#: How far the delete confirmation walks a folder to count what is under it.
COUNT_LIMIT = 1000
COUNT_REQUESTS = 25
#: How much of an abandoned upload is read (and dropped) so the browser still gets its answer.
DRAIN_LIMIT = 64 * 1024 * 1024


# --- upload -------------------------------------------------------------------------------------


def _body_reader(request: HttpRequest) -> Callable[[int], bytes]:
    """How to read the request body in big pieces.

    gunicorn's ``wsgi.input`` reads the body 1 KiB at a time whatever size is asked for (its
    ``Body.read`` loops ``reader.read(1024)``), which costs about 3 CPU-seconds per GiB here.
    Its length-limited reader underneath answers a big read in one go. It is used only when
    nothing has been read through the wrapper yet (its own buffer is empty); any other server
    gets Django's ``request.read``.
    """
    stream = request.META.get("wsgi.input")
    reader = getattr(stream, "reader", None)
    buffered = getattr(stream, "buf", None)
    if (
        reader is not None
        and type(reader).__name__ == "LengthReader"
        and type(reader).__module__.startswith("gunicorn.")
        and buffered is not None
        and buffered.tell() == 0
        and not getattr(request, "_read_started", False)
    ):
        read: Callable[[int], bytes] = reader.read
        return read
    return request.read


class RequestBody(io.RawIOBase):
    """The browser's request body as a non-seekable stream of exactly ``length`` bytes, read
    chunk by chunk as the client sends it on to Agiler (never held in memory)."""

    def __init__(self, request: HttpRequest, length: int) -> None:
        self._read = _body_reader(request)
        self.length = length
        self.received = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def read(self, size: int = -1) -> bytes:
        remaining = self.length - self.received
        if remaining <= 0:
            return b""
        want = remaining if size is None or size < 0 else min(size, remaining)
        chunk = self._read(want)
        if not chunk:
            raise ConnectionError("the browser stopped sending the file")
        self.received += len(chunk)
        return chunk

    def drain(self) -> None:
        """Read what is left (up to a limit) so the browser can read our answer."""
        left = min(self.length - self.received, DRAIN_LIMIT)
        while left > 0:
            chunk = self._read(min(left, 1024 * 1024))
            if not chunk:
                return
            left -= len(chunk)
            self.received += len(chunk)


_LIMIT = re.compile(r"(\d{3,})[- ]?bytes?")


def too_large_words(name: str, error: PayloadTooLarge, size: int | None) -> str:
    """Agiler's 413 in words: the limit as a size, if its message names one."""
    match = _LIMIT.search(error.message or "")
    limit = f" Agiler accepts files of up to {human_bytes(int(match.group(1)))}." if match else ""
    what = f" ({human_bytes(size)})" if size is not None else ""
    return f"“{name}”{what} is larger than Agiler accepts.{limit} Nothing was uploaded."


def _put(
    client: AgilerClient, project: str, target: str, content: Any, **kwargs: Any
) -> tuple[str, str]:
    """Upload one file; (outcome, message) in words."""
    name = name_of(target)
    try:
        entry = client.put_file(project, target, content, **kwargs)
    except PreconditionFailed:
        return "exists", f"“{name}” already exists in this folder. Replace it?"
    except PayloadTooLarge as error:
        return "too_large", too_large_words(name, error, kwargs.get("content_length"))
    except AgilerUnavailable as error:
        status, title, message = describe(error)
        return ("unknown" if error.may_have_been_applied else "failed"), f"“{name}”: {message}"
    except AgilerError as error:
        _, title, message = describe(error)
        return "failed", f"“{name}” was not uploaded. {title}: {message}"
    return "done", f"“{name}” uploaded ({human_bytes(entry.size)})."


_STATUS = {"done": 200, "exists": 412, "too_large": 413, "failed": 400, "unknown": 504}


@requires("files.write")
@require_POST
@checked_path
def upload(request: HttpRequest, project: str, folder: str = "") -> HttpResponse:
    """Upload into a folder: one raw file per request (the page's script, with progress), or a
    multipart form of several files (the same form without JavaScript)."""
    if request.content_type == "multipart/form-data":
        return _upload_form(request, project, folder)
    try:
        name = check_name(request.GET.get("name", ""), what="The file name")
    except BadPath as error:
        return JsonResponse({"outcome": "failed", "message": str(error)}, status=400)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return JsonResponse(
            {"outcome": "failed", "message": "The browser did not say how big the file is."},
            status=411,
        )
    body = RequestBody(request, max(length, 0))
    replace = request.GET.get("replace") == "1"
    client = agiler_for(request.user, request=request)
    outcome, message = _put(
        client,
        project,
        join(folder, name),
        body,
        content_length=body.length,
        if_none_match=None if replace else "*",
    )
    if outcome != "done":
        body.drain()
    return JsonResponse({"outcome": outcome, "message": message}, status=_STATUS[outcome])


def _upload_form(request: HttpRequest, project: str, folder: str) -> HttpResponse:
    files = request.FILES.getlist("files")
    replace = request.POST.get("replace") == "on"
    client = agiler_for(request.user, request=request)
    if not files:
        messages.error(request, "Choose one or more files to upload.")
    for upload_file in files:
        try:
            name = check_name(upload_file.name or "", what="The file name")
        except BadPath as error:
            messages.error(request, str(error))
            continue
        outcome, message = _put(
            client,
            project,
            join(folder, name),
            upload_file,
            content_length=upload_file.size,  # for the 413 message; the file's own length is sent
            if_none_match=None if replace else "*",
        )
        if outcome == "exists":
            message = f"“{name}” already exists in this folder; tick “Replace” to overwrite it."
        (messages.success if outcome == "done" else messages.error)(request, message)
    return done(request, browse_url(project, folder))


# --- dialogs: new folder, move, copy ------------------------------------------------------------


def _dialog(
    request: HttpRequest,
    detail: Any,
    path: str,
    *,
    form: Any,
    title: str,
    intro: str,
    submit: str,
    action: str,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "project": detail,
        "project_id": detail.id,
        "form": form,
        "title": title,
        "intro": intro,
        "submit": submit,
        "action": action,
        "cancel_url": browse_url(detail.id, path),
        "modal": is_fragment(request),
        "page_title": title,
        "crumbs": folder_crumbs(detail, path) + [{"label": title, "url": ""}],
        **(extra or {}),
    }
    return render_page(request, "files/dialog.html", context, fragment="file-dialog", status=status)


@require_http_methods(["GET", "POST"])
@requires("files.write")
@checked_path
def new_folder(request: HttpRequest, project: str, folder: str = "") -> HttpResponse:
    """Create a folder in this one (Agiler keeps it through an empty .keep file inside)."""
    client = agiler_for(request.user, request=request)
    detail = client.get_project(project)
    status = 200
    if request.method == "POST":
        form = NewFolderForm(request.POST)
        if form.is_valid():
            name = form.cleaned_data["name"]
            try:
                client.put_file(
                    detail.id,
                    join(join(folder, name), KEEP_FILE),
                    b"",
                    if_none_match="*",
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except PreconditionFailed:
                form.add_error("name", f"There is already a folder “{name}” here.")
                form.rekey()
            except (Conflict, BadRequest) as error:
                message = (
                    f"There is already a file “{name}” here; a folder needs another name."
                    if isinstance(error, Conflict)
                    else error.message
                )
                form.add_error("name", message)
                form.rekey()
            else:
                messages.success(request, f"Folder “{name}” created.")
                return done(request, browse_url(detail.id, folder))
        status = form_status(request)
    else:
        form = NewFolderForm.fresh()
    return _dialog(
        request,
        detail,
        folder,
        form=form,
        title="New folder",
        intro=f"In /{folder}" if folder else "In the top folder",
        submit="Create folder",
        action=action_url("new_folder", detail.id, folder),
        status=status,
    )


def find_entry(client: AgilerClient, project: str, path: str) -> Any:
    """The listing entry of ``path`` (found in its parent folder: no download, no audit)."""
    parent = parent_of(path)
    if parent:
        pages = client.paginate(client.list_directory, project, parent, limit=200)
    else:
        pages = client.paginate(client.list_files, project, limit=200)
    for entry in pages:
        if entry.path.strip("/") == path:
            return entry
    raise NotFound(
        f"There is no “/{path}”.", status=404, code="not_found", resource="file", id=path
    )


def subfolders(client: AgilerClient, project: str, path: str, limit: int = 500) -> list[Any]:
    """The folders directly in ``path``, by name (at most ``limit``)."""
    if path:
        pages = client.paginate(client.list_directory, project, path, limit=200)
    else:
        pages = client.paginate(client.list_files, project, limit=200)
    found = []
    for entry in pages:
        if entry.is_dir:
            found.append(entry)
            if len(found) >= limit:
                break
    return sorted(found, key=lambda e: e.name.casefold())


def _acted_on(
    request: HttpRequest, project: str, path: str, *, top: str, gone: str
) -> tuple[AgilerClient, Any, Any] | HttpResponse:
    """The client, the project and the listing entry of ``path`` for an action on it, or the
    page that says why there is none: it is the top folder (``top`` says what it cannot be), or
    it is not there any more (``gone``: what may have happened to it)."""
    if not path:
        return refuse_path(request, BadPath(f"The top folder cannot be {top}."))
    client = agiler_for(request.user, request=request)
    detail = client.get_project(project)
    try:
        entry = find_entry(client, detail.id, path)
    except NotFound:
        return refuse_path(
            request,
            BadPath(f"There is no “/{path}” any more; it may have been {gone}."),
            status=404,
        )
    return client, detail, entry


def _place(request: HttpRequest, project: str, source: str, *, copy: bool) -> HttpResponse:
    found = _acted_on(request, project, source, top="moved or copied", gone="moved")
    if isinstance(found, HttpResponse):
        return found
    client, detail, entry = found
    kind = "folder" if entry.is_dir else "file"
    verb = "Copy" if copy else "Move or rename"
    origin = parent_of(source)
    status = 200
    if request.method == "POST":
        form = PlaceForm(request.POST)
        if form.is_valid():
            target = join(form.cleaned_data["folder"], form.cleaned_data["name"])
            if target == source:
                form.add_error("name", "That is where it already is: change the name or folder.")
            elif target.startswith(source + "/"):
                form.add_error("folder", "A folder cannot go inside itself.")
            else:
                response = _perform_place(request, client, detail, form, source, target, copy, kind)
                if response is not None:
                    return response
            form.rekey()
        status = form_status(request)
    else:
        name = name_of(source)
        form = PlaceForm.fresh(
            initial={"name": name, "folder": "/" + origin, "origin": "/" + origin}
        )
    return _dialog(
        request,
        detail,
        origin,
        form=form,
        title=f"{verb} this {kind}",
        intro=f"/{source}",
        submit="Copy" if copy else "Move",
        action=action_url("copy" if copy else "move", detail.id, source),
        status=status,
        extra={
            "tree": subfolders(client, detail.id, ""),
            "tree_url_name": "folders",
            "picked": origin,
            "place": True,
        },
    )


def _perform_place(
    request: HttpRequest,
    client: AgilerClient,
    detail: Any,
    form: PlaceForm,
    source: str,
    target: str,
    copy: bool,
    kind: str,
) -> HttpResponse | None:
    try:
        client.put_file(
            detail.id,
            target,
            None,
            if_none_match=None if form.cleaned_data["replace"] else "*",
            idempotency_key=form.cleaned_data["idempotency_key"],
            copy_source=source if copy else None,
            move_source=None if copy else source,
        )
    except PreconditionFailed:
        form.add_error(
            "name",
            f"There is already “{name_of(target)}” in /{parent_of(target)}. Choose another name, "
            "or tick “Replace”.",
        )
        return None
    except NotFound as error:
        if error.resource == "project":
            raise
        form.add_error(None, f"“/{source}” is no longer there; it may have been moved or deleted.")
        return None
    except (BadRequest, Conflict) as error:
        add_refusal(form, error) if isinstance(error, BadRequest) else form.add_error(
            None, f"Agiler refused: {error.message}"
        )
        return None
    done_words = "Copied" if copy else "Moved"
    messages.success(request, f"{done_words} the {kind} /{source} to /{target}.")
    return done(request, browse_url(detail.id, parent_of(target)))


@require_http_methods(["GET", "POST"])
@requires("files.write")
@checked_path
def move(request: HttpRequest, project: str, path: str) -> HttpResponse:
    """Rename a file or folder, or move it to another folder (picked or typed)."""
    return _place(request, project, path, copy=False)


@require_http_methods(["GET", "POST"])
@requires("files.write")
@checked_path
def copy(request: HttpRequest, project: str, path: str) -> HttpResponse:
    """Copy a file or folder (with everything under it) to another name or folder."""
    return _place(request, project, path, copy=True)


@require_GET
@requires("files.write")
@checked_path
def folders(request: HttpRequest, project: str, folder: str = "") -> HttpResponse:
    """The folders inside one folder, for the move/copy dialog's tree (opened lazily)."""
    client = agiler_for(request.user, request=request)
    # One id per subtree (several are open at once in the dialog); a hash keeps it a valid id.
    digest = hashlib.sha1(folder.encode(), usedforsecurity=False).hexdigest()[:12]
    context = {
        "tree": subfolders(client, project, folder),
        "project_id": project,
        "tree_id": f"folder-tree-{digest}",
    }
    context["page_title"] = f"Folders in /{folder}"
    return render_page(request, "files/folders.html", context, fragment="folder-tree")


# --- delete -------------------------------------------------------------------------------------


def count_under(client: AgilerClient, project: str, path: str) -> tuple[int, bool]:
    """How many files and folders are under ``path``: (count, exact). The walk stops at
    COUNT_LIMIT entries or COUNT_REQUESTS listings, and then says "at least"."""
    count, requests, queue = 0, 0, [path]
    while queue:
        folder = queue.pop()
        cursor = None
        while True:
            if requests >= COUNT_REQUESTS or count >= COUNT_LIMIT:
                return count, False
            page = client.list_directory(project, folder, cursor=cursor, limit=200)
            requests += 1
            for entry in page.items:
                count += 0 if is_placeholder(entry) else 1
                if entry.is_dir:
                    queue.append(entry.path.strip("/"))
            cursor = page.next_cursor
            if cursor is None:
                break
    return count, True


def _entries_words(count: int, exact: bool) -> str:
    if count == 0:
        return "It is empty."
    noun = "entry" if count == 1 else "entries"
    return f"{'' if exact else 'At least '}{count} {noun} (files and folders) under it go too."


@require_http_methods(["GET", "POST"])
@requires("files.write")
@checked_path
def delete(request: HttpRequest, project: str, target: str) -> HttpResponse:
    """Confirm, then delete a file, or a folder with everything under it."""
    found = _acted_on(request, project, target, top="deleted", gone="deleted")
    if isinstance(found, HttpResponse):
        return found
    client, detail, entry = found
    folder = parent_of(target)
    if entry.is_dir:
        count, exact = count_under(client, detail.id, target)
        consequence = (
            f"The folder and everything in it are deleted from the site's storage for good. "
            f"{_entries_words(count, exact)} This cannot be undone."
        )
    else:
        consequence = (
            f"The file ({human_bytes(entry.size)}) is deleted from the site's storage for good; "
            "the site can no longer use it. This cannot be undone."
        )
    kind = "folder" if entry.is_dir else "file"

    def perform(data: dict[str, Any]) -> HttpResponse:
        client.delete_file(detail.id, target, idempotency_key=data["idempotency_key"])
        messages.success(request, f"Deleted the {kind} /{target}.")
        return done(request, browse_url(detail.id, folder))

    refusals: dict[type[Exception], str | Callable[[Any], str]] = {
        Conflict: lambda error: f"Agiler refused: {error.message} Nothing was deleted.",
        NotFound: f"/{target} is no longer there: someone else may have deleted it.",
    }
    return confirm(
        request,
        Confirmation(
            title=f"Delete this {kind}?",
            object=f"/{target}",
            consequence=consequence,
            submit=f"Delete {kind}",
            action=action_url("delete", detail.id, target),
            cancel_url=browse_url(detail.id, folder),
            testid="delete-dialog",
        ),
        form_class=DeleteFileForm,
        perform=perform,
        refusals=refusals,
        template="components/confirm_page.html",
        fragment="confirm-dialog",
        context={
            "project": detail,
            "page_title": f"Delete {kind}",
            "crumbs": folder_crumbs(detail, folder)
            + [{"label": f"Delete {name_of(target)}", "url": ""}],
        },
    )
