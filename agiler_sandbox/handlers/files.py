"""Project files: directory listings, downloads, uploads, move/copy and delete."""

from __future__ import annotations

import hashlib
import mimetypes
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from agiler_sandbox import binaries
from agiler_sandbox.http import (
    ApiError,
    Request,
    Response,
    empty_response,
    invalid,
    json_response,
    not_found,
    rfc3339,
)
from agiler_sandbox.pagination import paginate
from agiler_sandbox.state import FileNode

from .common import project_of

if TYPE_CHECKING:
    from agiler_sandbox.app import Sandbox


def clean_path(raw: str, field: str = "path") -> str:
    """Normalise a relative file path; ``..``/``.``/empty segments are refused with 400."""
    parts = raw.strip("/").split("/") if raw.strip("/") else []
    for part in parts:
        if part in ("", ".", ".."):
            raise invalid(field, f"{field} must not contain empty, '.' or '..' segments")
        if "\0" in part:
            raise invalid(field, f"{field} must not contain NUL bytes")
    if not parts:
        raise invalid(field, f"{field} must name a file or directory")
    return "/".join(parts)


def etag(node: FileNode) -> str:
    """A strong ETag of a file's content."""
    return '"' + hashlib.md5(node.data, usedforsecurity=False).hexdigest() + '"'


def entry(path: str, node: FileNode) -> dict[str, Any]:
    """ProjectFileEntry."""
    out: dict[str, Any] = {
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "is_dir": node.is_dir,
        "size": 0 if node.is_dir else len(node.data),
        "modified_at": rfc3339(node.modified_at),
    }
    if not node.is_dir:
        out["etag"] = etag(node)
    return out


def _children(files: dict[str, FileNode], parent: str) -> list[tuple[str, FileNode]]:
    prefix = f"{parent}/" if parent else ""
    kids = [
        (p, n) for p, n in files.items() if p.startswith(prefix) and "/" not in p[len(prefix) :]
    ]
    kids.sort(key=lambda item: (not item[1].is_dir, item[0].lower()))
    return kids


def list_files(app: Sandbox, request: Request) -> Response:
    """GET /projects/{project}/files: the root listing."""
    _, _, data = project_of(app, request)
    return paginate(request, _children(data.files, ""), 100, lambda item: entry(*item))


def get_file(app: Sandbox, request: Request) -> Response:
    """GET …/files/{path}: a JSON listing for a directory, the raw bytes for a file."""
    _, _, data = project_of(app, request)
    path = clean_path(request.params["path"])
    node = data.files.get(path)
    if node is None:
        raise not_found("file", path)
    if node.is_dir:
        return paginate(request, _children(data.files, path), 100, lambda item: entry(*item))
    ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if path.endswith(".php"):
        ctype = "text/x-php"
    if ctype.startswith("text/"):
        ctype += "; charset=utf-8"
    headers = [
        ("Content-Type", ctype),
        ("ETag", etag(node)),
        ("Last-Modified", format_datetime(node.modified_at, usegmt=True)),
    ]
    return Response(200, headers, binaries.chunked(node.data), length=len(node.data))


def _ensure_parents(files: dict[str, FileNode], path: str, now: Any) -> None:
    parts = path.split("/")
    for i in range(1, len(parts)):
        parent = "/".join(parts[:i])
        node = files.get(parent)
        if node is None:
            files[parent] = FileNode(True, now)
        elif not node.is_dir:
            raise ApiError(
                409, f"{parent} is a file, not a directory", code="conflict", field="path"
            )


def _subtree(files: dict[str, FileNode], path: str) -> list[str]:
    return [p for p in files if p == path or p.startswith(path + "/")]


def put_file(app: Sandbox, request: Request) -> Response:
    """PUT …/files/{path}: upload (201 new / 200 overwrite) or move/copy via X-*-Source."""
    state, _, data = project_of(app, request)
    files = data.files
    path = clean_path(request.params["path"])
    move, copy = request.header("X-Move-Source"), request.header("X-Copy-Source")
    existing = files.get(path)
    if existing is not None and existing.is_dir and not (move or copy):
        raise ApiError(409, f"{path} is a directory", code="conflict", field="path")
    if request.header("If-None-Match") == "*" and existing is not None:
        raise ApiError(412, f"{path} already exists (If-None-Match: *)")
    now = state.now()
    if move and copy:
        raise invalid("X-Move-Source", "send either X-Move-Source or X-Copy-Source, not both")
    if move or copy:
        header = "X-Move-Source" if move else "X-Copy-Source"
        if request.body:
            raise invalid("body", "move and copy requests must not carry a body")
        source = clean_path(unquote(move or copy or ""), header)
        if source not in files:
            raise not_found("file", source)
        if path == source or path.startswith(source + "/"):
            raise invalid(header, "cannot move or copy a path onto or into itself")
        _ensure_parents(files, path, now)
        for old in _subtree(files, path):
            del files[old]
        for old in sorted(_subtree(files, source)):
            node = files[old]
            files[path + old[len(source) :]] = FileNode(node.is_dir, now, node.data)
            if move:
                del files[old]
    else:
        _ensure_parents(files, path, now)
        files[path] = FileNode(False, now, request.body)
    return json_response(entry(path, files[path]), status=200 if existing is not None else 201)


def delete_file(app: Sandbox, request: Request) -> Response:
    """DELETE …/files/{path}: a file, or a directory with everything under it."""
    _, _, data = project_of(app, request)
    path = clean_path(request.params["path"])
    if path not in data.files:
        raise not_found("file", path)
    for old in _subtree(data.files, path):
        del data.files[old]
    return empty_response()
