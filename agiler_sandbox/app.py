"""The sandbox WSGI application: routing, auth, scopes, rate limit, idempotency and faults."""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from . import binaries, control
from .faults import FaultRule, FaultSet
from .guards import IdempotencyStore, RateLimiter, WriteJournal, fingerprint
from .http import HTTP_REASONS, ApiError, ConnectionDropped, Request, Response, json_response
from .inspect import Inspector
from .routes import Route, resolve
from .scopes import OWNER, TokenInfo, default_tokens
from .seed import populate
from .state import Settings, State

log = logging.getLogger("agiler_sandbox")

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MAX_JSON_BODY = 1024 * 1024
StartResponse = Callable[..., Any]


class Sandbox:
    """A stateful simulator of the Agiler v1 API, callable as a WSGI application."""

    def __init__(
        self,
        settings: Settings,
        *,
        faults_enabled: bool = False,
        faults: list[FaultRule] | None = None,
        tokens: dict[str, list[str]] | None = None,
        rate_limit: float | None = None,
    ) -> None:
        self.settings = settings
        self.faults_enabled = faults_enabled
        self.faults = FaultSet(faults)
        self.tokens: dict[str, TokenInfo] = default_tokens()
        for name, scopes in (tokens or {}).items():
            self.tokens[name] = TokenInfo(name, OWNER, tuple(scopes))
        self.rate_limiter = RateLimiter(rate_limit) if rate_limit else None
        self.idempotency = IdempotencyStore()
        #: every write applied (not replayed), for fault runs to compare with the portal's claims
        self.journal = WriteJournal()
        self.state = self._fresh_state()
        #: what the portal's tests may read and set up (agiler_sandbox/inspect.py)
        self.inspect = Inspector(self)

    def _fresh_state(self) -> State:
        state = State(self.settings)
        populate(state)
        return state

    def reset(self) -> None:
        """Rebuild the demo data from the seed and forget idempotency keys and rate buckets."""
        self.state = self._fresh_state()
        self.idempotency.clear()
        self.journal = WriteJournal()
        if self.rate_limiter:
            self.rate_limiter.clear()

    # -- WSGI ---------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """WSGI entry point."""
        response = self.handle(environ)
        status = f"{response.status} {HTTP_REASONS.get(response.status, 'Status')}"
        headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(response.content_length())))
        start_response(status, headers)
        if environ.get("REQUEST_METHOD") == "HEAD":
            return []
        if isinstance(response.body, bytes):
            # A one-item list tells the server the whole body is known, so it can send it in the
            # same write as the headers (see server._Handler._run).
            return [response.body]
        return response.chunks()

    def handle(self, environ: dict[str, Any]) -> Response:
        """Turn one WSGI environ into a Response (raises ConnectionDropped for that fault)."""
        method = environ.get("REQUEST_METHOD", "GET").upper()
        raw_path = _raw_path(environ)
        segments = [_decode_segment(s) for s in raw_path.split("/")[1:]]
        if raw_path in ("/status", "/status/"):
            return json_response({"status": "green"})
        if segments and segments[0] == "_sandbox":
            if not self.faults_enabled:
                return ApiError(404, "not found", resource="path", id=raw_path).to_response()
            return control.handle(self, method, segments[1:], environ)
        if not segments or segments[0] != "v1":
            return ApiError(
                404, "unknown path; the API lives under /v1", resource="path", id=raw_path
            ).to_response()
        route, params, known = resolve(method, segments[1:])
        operation = route.operation if route else ""
        fault = self.faults.take(operation, method, raw_path)
        if fault is not None and fault.latency_ms:
            time.sleep(fault.latency_ms / 1000)
        if fault is not None and not fault.after_send:
            early = _fault_response(fault)
            if early is not None:
                return early
        if route is None:
            if known:
                response = ApiError(405, f"method {method} not allowed here").to_response()
            else:
                response = ApiError(
                    404, "unknown API path", resource="path", id=raw_path
                ).to_response()
        else:
            request = Request(
                method,
                raw_path,
                segments,
                Request.query_from(environ.get("QUERY_STRING", "")),
                _headers(environ),
                environ,
                operation=operation,
                params=params,
            )
            response = self._process(route, request, fault)
        if fault is not None:
            if fault.after_send:
                late = _fault_response(fault)
                if late is not None:
                    return late
            response = _stream_faults(fault, response)
        return response

    def _process(self, route: Route, request: Request, fault: FaultRule | None) -> Response:
        try:
            self._authenticate(request)
            if self.rate_limiter is not None:
                self.rate_limiter.acquire(request.token)
            if route.scope is not None and route.scope not in request.scopes:
                raise ApiError(
                    403, f"token lacks the {route.scope} scope required by {route.operation}"
                )
            limit = (
                self.settings.max_upload_bytes if route.operation == "put_file" else MAX_JSON_BODY
            )
            request.body = _read_body(request.environ, limit)
            # An empty key means "no idempotency", like an absent one (see check_key).
            key = request.header("Idempotency-Key") or None
            fp = ""
            if key is not None and request.method in WRITE_METHODS:
                self.idempotency.check_key(key)
                fp = fingerprint(request.method, request.path, request.body)
            request.fault = fault
            # Look-up, apply and record under one lock: two concurrent requests with one key
            # (a double click) apply once, as Agiler's own idempotency guarantees.
            with self.state.lock:
                if fp:
                    replay = self.idempotency.lookup(request.token, key or "", fp)
                    if replay is not None:
                        self.journal.replayed(route.operation, key)
                        return replay
                response = route.handler(self, request)
                if key is not None and fp and isinstance(response.body, bytes):
                    self.idempotency.record(request.token, key, fp, response)
                if request.method in WRITE_METHODS and 200 <= response.status < 300:
                    self.journal.applied(route.operation, request.path, key)
            return response
        except ApiError as exc:
            return exc.to_response()
        except ConnectionDropped:
            raise
        except Exception:  # a sandbox bug must look like an upstream 500, not kill the server
            log.exception("sandbox handler %s crashed", route.operation)
            return ApiError(500, "internal error in the sandbox", code="internal").to_response()

    def _authenticate(self, request: Request) -> None:
        header = request.header("Authorization") or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "missing bearer token: send Authorization: Bearer <token>")
        info = self.tokens.get(token.strip())
        if info is None:
            raise ApiError(401, "invalid or revoked API token")
        request.token = info.token
        request.user_id = info.user_key
        request.scopes = info.effective


def _raw_path(environ: dict[str, Any]) -> str:
    """The percent-encoded request path (our server passes RAW_URI; else re-derive it)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return urlsplit(raw).path or "/"
    path = environ.get("PATH_INFO", "/") or "/"
    # PEP 3333 hands us latin-1-decoded bytes; httpx's WSGITransport passes real text.
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        path = path.encode("latin-1").decode("utf-8")
    return quote(path, safe="/")


def _decode_segment(segment: str) -> str:
    return unquote(segment, encoding="utf-8", errors="surrogateescape")


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = value
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    return headers


def _read_body(environ: dict[str, Any], limit: int) -> bytes:
    """Read the request body, answering 413 beyond ``limit`` bytes."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length_text = environ.get("CONTENT_LENGTH") or ""
    if length_text.isdigit():
        length = int(length_text)
        if length > limit:
            raise ApiError(413, f"request body exceeds the {limit}-byte limit")
        return stream.read(length) if length else b""
    if environ.get("HTTP_TRANSFER_ENCODING", "").lower() != "chunked":
        return b""
    chunks, total = [], 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise ApiError(413, f"request body exceeds the {limit}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _fault_response(fault: FaultRule) -> Response | None:
    if fault.drop_connection:
        raise ConnectionDropped(f"sandbox fault #{fault.id}: connection dropped")
    if fault.status is not None:
        headers = [("Retry-After", str(fault.retry_after))] if fault.retry_after is not None else []
        message = fault.message or f"injected fault #{fault.id}: HTTP {fault.status}"
        return ApiError(fault.status, message, headers=headers).to_response()
    if fault.malformed_json:
        return Response(200, [("Content-Type", "application/json")], b'{"id": "01935d3d-9d8c", "na')
    return None


def _stream_faults(fault: FaultRule, response: Response) -> Response:
    if fault.slow_stream_bytes_per_s is None and fault.truncate_after_bytes is None:
        return response
    length = response.content_length()
    body = _shaped(response.chunks(), fault.slow_stream_bytes_per_s, fault.truncate_after_bytes)
    return Response(response.status, response.headers, body, length)


def _shaped(chunks: Iterator[bytes], rate: int | None, cut: int | None) -> Iterator[bytes]:
    """Re-chunk a body: throttle to ``rate`` bytes/s and/or stop abruptly after ``cut`` bytes."""
    sent = 0
    step = 1024 if rate else 0
    for chunk in chunks:
        pieces = [chunk[i : i + step] for i in range(0, len(chunk), step)] if step else [chunk]
        for piece in pieces:
            if cut is not None and sent + len(piece) > cut:
                if cut > sent:
                    yield piece[: cut - sent]
                raise ConnectionDropped(f"sandbox fault: body truncated after {cut} bytes")
            if rate:
                time.sleep(len(piece) / rate)
            sent += len(piece)
            yield piece


def create_app(
    seed: int = 1,
    scale: str = "demo",
    faults_enabled: bool = False,
    faults: list[FaultRule] | None = None,
    tokens: dict[str, list[str]] | None = None,
    rate_limit: float | None = None,
    backup_seconds: float = 3.0,
    restore_seconds: float = 5.0,
    dump_size: int | None = None,
    *,
    sql_seconds: float = 1.0,
    max_upload_bytes: int = 64 * 1024 * 1024,
) -> Sandbox:
    """Build a sandbox. See docs/sandbox.md for every knob."""
    if scale not in ("demo", "large"):
        raise ValueError("scale must be 'demo' or 'large'")
    settings = Settings(
        seed=seed,
        scale=scale,
        backup_seconds=backup_seconds,
        restore_seconds=restore_seconds,
        sql_seconds=sql_seconds,
        dump_size=dump_size,
        max_upload_bytes=max_upload_bytes,
    )
    if dump_size is not None:
        binaries.filler_block()  # once per process; otherwise the first download pays for it
    return Sandbox(
        settings, faults_enabled=faults_enabled, faults=faults, tokens=tokens, rate_limit=rate_limit
    )


def fault_rules_json(rules: list[FaultRule]) -> str:
    """Serialise rules (used by the control endpoint and the CLI banner)."""
    return json.dumps([r.to_dict() for r in rules])
