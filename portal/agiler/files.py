"""Project Files: list, download, upload (streamed), move/copy, delete.

``GET …/files/{path}`` answers a JSON array for a directory and raw bytes for a file, so
:meth:`FilesMixin.get_file` returns ``FileDownload | Page[ProjectFileEntry]``; use
:meth:`FilesMixin.list_directory` when a directory is expected.
"""

from __future__ import annotations

from typing import IO

import httpx

from ._base import BaseClient, Upload
from .downloads import FileDownload
from .errors import AgilerResponseError
from .pagination import Page
from .paths import encode_file_path
from .types import ProjectFileEntry

_FILE = "/projects/{project}/files/{path}"


def _is_listing(response: httpx.Response) -> bool:
    """Tell a directory listing from a file download on the shared route.

    A listing is JSON; but a stored ``*.json`` file is JSON too. Agiler sends ``Last-Modified``
    (and the sandbox an ETag) with file bytes only, and a file may come as an attachment, so a
    JSON answer carrying any of those is a file.
    """
    headers = response.headers
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return False
    disposition = headers.get("content-disposition", "").lower()
    return "last-modified" not in headers and not disposition.startswith("attachment")


class FilesMixin(BaseClient):
    """Operations of the reference section "Project Files"."""

    def list_files(
        self, project: str, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[ProjectFileEntry]:
        """GET /projects/{project}/files — Project Files (the root of the tree)."""
        return self._get_page(
            ProjectFileEntry,
            "list_files",
            "/projects/{project}/files",
            {"project": project},
            cursor=cursor,
            limit=limit,
        )

    def delete_file(self, project: str, path: str, *, idempotency_key: str | None = None) -> None:
        """DELETE /projects/{project}/files/{path} — Project Files (directories recursively)."""
        self._write(
            "delete_file",
            "DELETE",
            _FILE,
            {"project": project, "path": path},
            idempotency_key=idempotency_key,
        )

    def get_file(
        self, project: str, path: str, *, cursor: str | None = None, limit: int | None = None
    ) -> FileDownload | Page[ProjectFileEntry]:
        """GET /projects/{project}/files/{path} — Project Files.

        A directory gives ``Page[ProjectFileEntry]``; a file gives an open ``FileDownload``
        (use it as a context manager). Only file downloads are reported as sensitive reads.
        """
        response = self._open(
            "get_file",
            _FILE,
            {"project": project, "path": path},
            sensitive=lambda r: not _is_listing(r),
            query={"cursor": cursor, "limit": limit},
        )
        if not _is_listing(response):
            return FileDownload(response, operation="get_file")
        self._read_rest(response, "get_file")
        return self._page_from(ProjectFileEntry, response, "get_file")

    def list_directory(
        self, project: str, path: str, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[ProjectFileEntry]:
        """GET /projects/{project}/files/{path} expecting a directory — Project Files."""
        result = self.get_file(project, path, cursor=cursor, limit=limit)
        if isinstance(result, FileDownload):
            result.close()
            raise AgilerResponseError(
                f"{path!r} is a file, not a directory.",
                status=result.status,
                code="not_a_directory",
                operation="get_file",
            )
        return result

    def put_file(
        self,
        project: str,
        path: str,
        content: bytes | IO[bytes] | None = None,
        *,
        move_source: str | None = None,
        copy_source: str | None = None,
        if_none_match: str | None = None,
        idempotency_key: str | None = None,
        content_length: int | None = None,
    ) -> ProjectFileEntry:
        """PUT /projects/{project}/files/{path} — Project Files.

        Uploads ``content`` (bytes, or a binary file streamed in chunks), or, with exactly one of
        ``move_source``/``copy_source`` and no content, moves/copies that path here.
        ``if_none_match="*"`` refuses to overwrite an existing file (PreconditionFailed).
        A non-seekable stream is sent once and never retried (it cannot be replayed);
        ``content_length`` announces its size (it is then sent with a Content-Length, not
        chunked, and must deliver exactly that many bytes).
        """
        sources = [s for s in (move_source, copy_source) if s is not None]
        if len(sources) > 1 or (sources and content is not None):
            raise ValueError("pass exactly one of content, move_source or copy_source")
        if not sources and content is None:
            raise ValueError("content is required unless move_source or copy_source is given")
        headers: dict[str, str] = {}
        summary: dict[str, object] = {}
        if move_source is not None:
            headers["X-Move-Source"] = encode_file_path(move_source, what="move_source")
            summary["move_source"] = move_source
        if copy_source is not None:
            headers["X-Copy-Source"] = encode_file_path(copy_source, what="copy_source")
            summary["copy_source"] = copy_source
        if if_none_match is not None:
            headers["If-None-Match"] = if_none_match
            summary["if_none_match"] = if_none_match
        # Body-less move/copy still sends an empty, replayable body.
        upload = Upload(content if content is not None else b"", length=content_length)
        if content is not None:
            summary["content_length"] = upload.length
        response = self._write(
            "put_file",
            "PUT",
            _FILE,
            {"project": project, "path": path},
            headers=headers,
            upload=upload,
            summary_extra=summary,
            idempotency_key=idempotency_key,
        )
        return self._model(ProjectFileEntry, response, "put_file")
