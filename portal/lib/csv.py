"""Streamed CSV exports: one writer for every area, safe to open in a spreadsheet.

- **Formula injection**: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return would be run as a formula by Excel or LibreOffice; such cells get a leading ``'``.
  Numbers, and signed amounts written as text, are left alone (a negative amount stays a number).
- **Excel**: the file starts with a UTF-8 byte-order mark, without which Excel opens UTF-8 as
  the local code page and mangles every accented name.
- **Streams**: rows are written one at a time from any iterable (a generator walking upstream
  pages), so an export of any size uses constant memory.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from portal.lib.downloads import protect

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A signed amount written as text ("-12.50", "+$1,000.00") is a number to a spreadsheet, not a
#: formula: it is left as it is so the column stays numeric.
_SIGNED_NUMBER = re.compile(r"[+-]?[$€£]?\d[\d,]*(\.\d+)?")


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs: None → "", formula-like text quoted."""
    if value is None:
        return ""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_STARTS)
        and not _SIGNED_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text, BOM and header first, one line at a time."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, filename: str
) -> StreamingHttpResponse:
    """A streamed CSV download of ``rows`` under ``header``, with the download headers."""
    return csv_download(csv_lines(header, rows), filename=filename)


def csv_download(lines: Iterable[str], *, filename: str) -> StreamingHttpResponse:
    """A streamed download of CSV ``lines`` (from :func:`csv_lines`), protected like every
    download and named ``filename``."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return protect(response)
