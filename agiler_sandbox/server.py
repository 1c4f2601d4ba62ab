"""A small threaded HTTP/1.1 server for the sandbox (keep-alive, chunked uploads, streaming).

``wsgiref`` speaks HTTP/1.0 and closes after each request; the portal's pooled client and the
fault kinds (abrupt close mid-body) want real keep-alive connections we can cut, so this is a thin
WSGI server over :mod:`http.server`.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from .http import ConnectionDropped

log = logging.getLogger("agiler_sandbox.server")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_DRAIN_LIMIT = 1024 * 1024
POLL_INTERVAL = 0.02  # seconds; bounds how long RunningServer.stop() waits


class _LimitedReader:
    """``wsgi.input`` for a Content-Length body: never reads past the body."""

    def __init__(self, raw: IO[bytes], length: int) -> None:
        self.raw, self.remaining = raw, length

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size is None or size < 0 else min(size, self.remaining)
        data = self.raw.read(size)
        self.remaining -= len(data)
        if not data:
            self.remaining = 0
        return data


class _ChunkedReader:
    """``wsgi.input`` for a ``Transfer-Encoding: chunked`` body (what httpx sends for streams)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.left, self.done = raw, 0, False
        self.remaining = 1  # unknown; "not finished" for the drain check

    def _next_chunk(self) -> None:
        line = self.raw.readline(65537)
        size = int(line.split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while self.raw.readline(65537) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            self.done, self.remaining = True, 0
        self.left = size

    def read(self, size: int = -1) -> bytes:
        out = bytearray()
        while not self.done and (size < 0 or len(out) < size):
            if self.left == 0:
                self._next_chunk()
                if self.done:
                    break
            want = self.left if size < 0 else min(self.left, size - len(out))
            data = self.raw.read(want)
            if not data:
                raise ConnectionError("client closed the connection mid-body")
            out += data
            self.left -= len(data)
            if self.left == 0:
                self.raw.readline(3)  # CRLF after the chunk
        return bytes(out)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AgilerSandbox/1"
    timeout = 60  # idle keep-alive connections give their thread back eventually
    # TCP_NODELAY: with Nagle on, a body written after the headers waits for the client's
    # delayed ACK, ~40 ms per request on a kept-alive connection.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.track(self.connection, False)

    def _environ(self, body: Any) -> dict[str, Any]:
        split = urlsplit(self.path)
        host, port = self.server.server_address[:2]
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": body,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(split.path, encoding="latin-1"),
            "QUERY_STRING": split.query,
            "RAW_URI": self.path,
            "SERVER_NAME": str(host),
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
        }
        for key, value in self.headers.items():
            name = key.upper().replace("-", "_")
            if name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[name] = value
            else:
                environ[f"HTTP_{name}"] = value
        return environ

    def _run(self) -> None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            body: Any = _ChunkedReader(self.rfile)
        else:
            length = self.headers.get("Content-Length") or "0"
            body = _LimitedReader(self.rfile, int(length) if length.isdigit() else 0)
        sent: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            sent["status"], sent["headers"] = status, headers
            return self.wfile.write

        result: Iterable[bytes] = []
        try:
            result = self.server.app(self._environ(body), start_response)
            code, _, reason = sent["status"].partition(" ")
            self.send_response(int(code), reason)
            has_length = False
            for key, value in sent["headers"]:
                has_length |= key.lower() == "content-length"
                self.send_header(key, value)
            if not has_length:
                self.close_connection = True
                self.send_header("Connection", "close")
            if isinstance(result, list) and len(result) == 1 and isinstance(result[0], bytes):
                # A whole body known up front (every JSON answer): headers and body in one write.
                self._headers_buffer.append(b"\r\n" + result[0])
                self.flush_headers()
            else:
                # Streams: headers first, so a slow or truncating body still starts promptly.
                self.end_headers()
                for chunk in result:
                    if chunk:
                        self.wfile.write(chunk)
        except ConnectionDropped:
            self._abort()
            return
        except (BrokenPipeError, ConnectionResetError, ConnectionError, TimeoutError):
            self.close_connection = True  # the client went away; nothing to report
            return
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if body.remaining > _DRAIN_LIMIT:
            self.close_connection = True
        elif body.remaining:
            with contextlib.suppress(OSError, ValueError):
                body.read()

    def _abort(self) -> None:
        """Close the socket without finishing the response (fault injection)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _run


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: WSGIApp, verbose: bool) -> None:
        self.app, self.verbose = app, verbose
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, conn: socket.socket, alive: bool) -> None:
        with self._conns_lock:
            (self._conns.add if alive else self._conns.discard)(conn)

    def close_connections(self) -> None:
        with self._conns_lock:
            for conn in list(self._conns):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError | ConnectionDropped):
            return  # disconnects are normal for a test double; no stack-trace spam
        log.exception("sandbox server error for %s", client_address)


@dataclass
class RunningServer:
    """A sandbox served from a background thread (see :func:`start_in_thread`)."""

    server: _Server
    thread: threading.Thread
    host: str
    port: int

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/v1``."""
        return f"http://{self.host}:{self.port}/v1"

    @property
    def root_url(self) -> str:
        """``http://HOST:PORT`` (for /status and /_sandbox)."""
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        """Stop serving and close open connections (within about one poll interval)."""
        self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_in_thread(
    app: WSGIApp, host: str = "127.0.0.1", port: int = 0, *, verbose: bool = False
) -> RunningServer:
    """Serve ``app`` from a daemon thread; ``port=0`` picks a free port."""
    server = _Server((host, port), app, verbose)
    # shutdown() waits for the serve_forever loop to notice, up to one poll interval (0.5 s by
    # default): a short interval keeps each test's teardown fast at a negligible idle cost.
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": POLL_INTERVAL},
        name="agiler-sandbox",
        daemon=True,
    )
    thread.start()
    return RunningServer(server, thread, host, server.server_address[1])


def serve(
    app: WSGIApp, host: str = "127.0.0.1", port: int = 8765, *, verbose: bool = False
) -> None:
    """Serve ``app`` until interrupted (blocking, one thread per connection)."""
    server = _Server((host, port), app, verbose)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close_connections()
        server.server_close()
