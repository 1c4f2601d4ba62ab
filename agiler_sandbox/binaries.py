"""Binary bodies: gzip'd SQL dumps, tar.gz storage archives and PDF statements.

Large dumps are never built in memory: one gzip member of ~1 MiB of SQL is compressed once and
streamed repeatedly (concatenated gzip members form a valid gzip stream), and the final member
is padded through the gzip header's FCOMMENT field so the byte count hits ``dump_size`` exactly.
"""

from __future__ import annotations

import functools
import gzip
import io
import struct
import tarfile
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from .state import FileNode

CHUNK = 64 * 1024


def _member(data: bytes, comment: bytes = b"") -> bytes:
    """One gzip member; ``comment`` (no NUL bytes) pads the header to a chosen size."""
    flags = 0x10 if comment else 0
    header = b"\x1f\x8b\x08" + bytes([flags]) + b"\0\0\0\0\x00\xff"
    if comment:
        header += comment + b"\0"
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = compressor.compress(data) + compressor.flush()
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return header + body + trailer


def sql_dump_text(tables: dict[str, dict[str, Any]], header: str) -> bytes:
    """A mysqldump-looking SQL script for the fake WordPress tables."""
    lines = [f"-- {header}", "-- Server version\t8.0.36-agiler", "SET NAMES utf8mb4;", ""]
    for name, table in sorted(tables.items()):
        cols = ",\n".join(
            f"  `{c}` {t}" for c, t in zip(table["columns"], table["types"], strict=True)
        )
        lines += [f"DROP TABLE IF EXISTS `{name}`;", f"CREATE TABLE `{name}` (\n{cols}\n);"]
        for row in table["rows"]:
            values = ", ".join(_sql_literal(v) for v in row)
            lines.append(f"INSERT INTO `{name}` VALUES ({values});")
        lines.append("")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _sql_literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def small_dump(tables: dict[str, dict[str, Any]], header: str) -> bytes:
    """The default (small, realistic) dump: one gzip member."""
    return gzip.compress(sql_dump_text(tables, header), mtime=0)


@functools.lru_cache(maxsize=1)
def filler_block() -> tuple[bytes, tuple[bytes, ...], int]:
    """A block of gzip members (~1 MiB compressed) holding bulk ``wp_postmeta`` inserts.

    Returns the block, the same block cut into ``CHUNK``-sized pieces (what a socket would
    deliver; 1 MiB chunks make in-process consumers such as httpx's re-chunker shuffle large
    fresh buffers), and the length of one member. Built once per process (~30 ms);
    :func:`agiler_sandbox.create_app` builds it up front when ``dump_size`` is set so the first
    download does not pay for it.
    """
    rows: list[str] = []
    total = 0
    while total < 1_048_576:
        i = len(rows) + 1
        row = (
            f"INSERT INTO `wp_postmeta` VALUES ({i},{i % 97},'_edit_lock','"
            f"{(i * 2654435761) % 4294967296:010d}:{i % 7}');\n"
        )
        rows.append(row)
        total += len(row)
    member = _member("".join(rows).encode())
    block = member * max(1, 1_048_576 // len(member))
    return block, tuple(chunked(block)), len(member)


def sized_dump(tables: dict[str, dict[str, Any]], header: str, size: int) -> Iterator[bytes]:
    """Yield a valid gzip stream of exactly ``size`` bytes (falls back to a small dump if tiny)."""
    head = _member(
        sql_dump_text(tables, header) + b"CREATE TABLE IF NOT EXISTS `wp_postmeta` "
        b"(`meta_id` bigint, `post_id` bigint, `meta_key` varchar(255), "
        b"`meta_value` longtext);\n"
    )
    tail_min = len(_member(b"-- end of dump\n", b"x"))
    if size < len(head) + tail_min:
        yield small_dump(tables, header)
        return
    block, pieces, member_len = filler_block()
    yield head
    remaining = size - len(head)
    while remaining - len(block) >= tail_min:
        yield from pieces
        remaining -= len(block)
    while remaining - member_len >= tail_min:
        yield from chunked(block[:member_len])
        remaining -= member_len
    base = _member(b"-- end of dump\n", b"x")
    yield from chunked(_member(b"-- end of dump\n", b"x" * (1 + remaining - len(base))))


def storage_archive(files: dict[str, FileNode], root: str = "storage") -> bytes:
    """A tar.gz of the project's file tree (small in the sandbox, so built in memory)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(files):
            node = files[path]
            info = tarfile.TarInfo(f"{root}/{path}")
            info.mtime = int(node.modified_at.timestamp())
            if node.is_dir:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                info.size = len(node.data)
                info.mode = 0o644
                tar.addfile(info, io.BytesIO(node.data))
    return buf.getvalue()


def chunked(data: bytes) -> Iterator[bytes]:
    """Yield ``data`` in CHUNK-sized pieces (so large files stream)."""
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


def _pdf_text(text: str) -> str:
    # Type1 Helvetica with WinAnsi covers Latin-1; escape PDF string delimiters.
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def statement_pdf(title: str, lines: list[str], generated: datetime) -> bytes:
    """A minimal valid one-page PDF (text extractable with pdftotext)."""
    ops = ["BT", "/F1 16 Tf", "50 790 Td", f"({_pdf_text(title)}) Tj", "/F1 10 Tf", "0 -28 Td"]
    for line in lines[:60]:
        ops += [f"({_pdf_text(line)}) Tj", "0 -14 Td"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Producer (Agiler sandbox) /CreationDate (D:%s) >>"
        % generated.strftime("%Y%m%d%H%M%SZ").encode(),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
