"""The engine under every Agiler call: auth, retries, idempotency, errors, logging, audit hook.

Area modules (projects.py, backups.py, …) only describe operations; everything about *how* a
call travels lives here, once:

* Bearer auth added per request by an ``httpx.Auth`` (the token never sits in a local variable
  of these frames, so it cannot leak through traceback locals).
* Every write carries an ``Idempotency-Key`` (a fresh uuid4 unless the caller passes one) and
  reuses it on every retry, so a retried write is replayed by Agiler, never applied twice.
* Retries: bounded in count (``max_retries``) and total time (``max_retry_time``), exponential
  backoff with full jitter, ``Retry-After`` honoured. 429 and 500/502/503/504 and connection
  failures are retried for GETs and for keyed writes whose body can be replayed. Never a 409 (key
  reused with another body) nor any other 4xx.
* Writes call ``observer.before_write`` before anything is sent and ``after_write`` once after
  the last attempt; downloads call ``observer.sensitive_read``.
"""

from __future__ import annotations

import dataclasses
import json
import random
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TypeVar

import httpx

from ._budget import PROCESS_BUDGET, RetryBudget
from ._pool import shared_http_client
from ._request import (
    NOT_GIVEN,
    NOT_SENT,
    RETRYABLE_STATUSES,
    TRANSPORT_ERRORS,
    BearerAuth,
    NotGiven,
    Spec,
    State,
    Upload,
    as_timeout,
    given,
    jsonable,
    log_attempt,
    log_final,
    logger,
    outcome_of,
    query_value,
)
from ._secret import Secret
from .downloads import HAND_OFF, ON_END, FileDownload, HandOffSource
from .errors import (
    AgilerError,
    AgilerResponseError,
    AgilerUnavailable,
    RateLimited,
    ServerError,
    error_from_response,
    parse_retry_after,
    request_id_from,
)
from .observer import CallInfo, CallObserver, CallOutcome, NullObserver, redact
from .pagination import Page, next_cursor_from
from .paths import build_path
from .types import Model, decode, decode_list

__all__ = ["NOT_GIVEN", "BaseClient", "NotGiven", "Upload", "given", "jsonable"]

M = TypeVar("M", bound=Model)
T = TypeVar("T")


class BaseClient:
    """Transport-level behaviour shared by every area mixin of :class:`AgilerClient`."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str | Secret,
        timeout: float | httpx.Timeout | Mapping[str, float] | None = None,
        max_retries: int = 2,
        observer: CallObserver | None = None,
        transport: httpx.BaseTransport | None = None,
        retry_after_ceiling: float = 10.0,
        max_retry_time: float = 30.0,
        initial_backoff: float = 0.5,
        max_backoff: float = 8.0,
        sleep: Callable[[float], None] | None = None,
        jitter: Callable[[float], float] | None = None,
        clock: Callable[[], float] | None = None,
        retry_budget: RetryBudget | None = None,
        request_id: str | None = None,
    ) -> None:
        if not base_url:
            raise ValueError("base_url is required")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self._token = token if isinstance(token, Secret) else Secret(token)
        if not self._token:
            raise ValueError("token must not be empty")
        self._base_url = base_url.rstrip("/")
        self._timeout = as_timeout(timeout)
        self._max_retries = max_retries
        self._observer: CallObserver = observer if observer is not None else NullObserver()
        self._transport = transport
        self._http = shared_http_client(self._base_url, transport)
        self._auth = BearerAuth(self._token)
        self._retry_after_ceiling = retry_after_ceiling
        self._max_retry_time = max_retry_time
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._sleep = sleep if sleep is not None else time.sleep
        # Full jitter: a uniformly random delay in [0, cap] spreads retry storms best.
        self._jitter = jitter if jitter is not None else (lambda cap: random.uniform(0.0, cap))
        self._clock = clock if clock is not None else time.monotonic
        self._budget = retry_budget if retry_budget is not None else PROCESS_BUDGET
        # The portal's id of the page request this client serves: sent upstream as X-Request-ID
        # so Agiler's logs and the audit log name the same request.
        self._request_id = request_id

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._base_url!r}, token={self._token!r})"

    @property
    def base_url(self) -> str:
        """The API base URL, e.g. ``https://api.agiler.io/v1``."""
        return self._base_url

    # ----------------------------------------------------------------- helpers for area mixins

    def _get_raw(
        self,
        operation: str,
        template: str,
        path_params: Mapping[str, str] | None = None,
        *,
        query: Mapping[str, object] | None = None,
    ) -> httpx.Response:
        return self._call(Spec(operation, "GET", template, path_params or {}, query=query or {}))

    def _get_model(
        self,
        model: type[M],
        operation: str,
        template: str,
        path_params: Mapping[str, str] | None = None,
        *,
        query: Mapping[str, object] | None = None,
    ) -> M:
        spec = Spec(operation, "GET", template, path_params or {}, query=query or {})
        response = self._call(spec)
        result = decode(
            model, self._json(response, operation), operation=operation, status=response.status_code
        )
        self._saw([result])
        return result

    def _get_page(
        self,
        model: type[M],
        operation: str,
        template: str,
        path_params: Mapping[str, str] | None = None,
        *,
        cursor: str | None = None,
        limit: int | None = None,
        query: Mapping[str, object] | None = None,
    ) -> Page[M]:
        full_query = dict(query or {})
        full_query.update(cursor=cursor, limit=limit)
        spec = Spec(operation, "GET", template, path_params or {}, query=full_query)
        return self._page_from(model, self._call(spec), operation)

    def _page_from(self, model: type[M], response: httpx.Response, operation: str) -> Page[M]:
        items = decode_list(
            model, self._json(response, operation), operation=operation, status=response.status_code
        )
        self._saw(items)
        return Page(
            items=items,
            next_cursor=next_cursor_from(response, operation=operation),
            request_id=request_id_from(response.headers),
        )

    def _write(
        self,
        operation: str,
        method: str,
        template: str,
        path_params: Mapping[str, str] | None = None,
        *,
        body: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        idempotency_key: str | None = None,
        redact_keys: frozenset[str] = frozenset(),
        headers: Mapping[str, str] | None = None,
        upload: Upload | None = None,
        summary_extra: Mapping[str, object] | None = None,
    ) -> httpx.Response:
        """Send a write. The key is minted here once, so every retry reuses it."""
        key = idempotency_key if idempotency_key is not None else str(uuid.uuid4())
        if not key or len(key) > 128:
            raise ValueError("idempotency_key must be 1 to 128 characters")
        fields: dict[str, object] = {k: v for k, v in (query or {}).items() if v is not None}
        fields.update(body or {})
        fields.update(summary_extra or {})
        spec = Spec(
            operation,
            method,
            template,
            path_params or {},
            query=query or {},
            json_body=body,
            upload=upload,
            headers=headers or {},
            idempotency_key=key,
            summary=redact(fields, also=redact_keys),
        )
        return self._call(spec)

    def _saw(self, objects: Sequence[object]) -> None:
        """Tell the observer which objects were read (the audit log keeps their names).

        Optional for observers; a failure here never fails the read."""
        saw = getattr(self._observer, "saw", None)
        if saw is None:
            return
        try:
            saw(objects)
        except Exception:
            logger.exception("audit observer failed to note the objects read")

    def _model(self, model: type[M], response: httpx.Response, operation: str) -> M:
        result = decode(
            model, self._json(response, operation), operation=operation, status=response.status_code
        )
        self._saw([result])
        return result

    def _download(
        self,
        operation: str,
        template: str,
        path_params: Mapping[str, str],
    ) -> FileDownload:
        response = self._open(operation, template, path_params, sensitive=lambda _r: True)
        return FileDownload(response, operation=operation)

    def _open(
        self,
        operation: str,
        template: str,
        path_params: Mapping[str, str],
        *,
        sensitive: Callable[[httpx.Response], bool],
        query: Mapping[str, object] | None = None,
    ) -> httpx.Response:
        """GET with the body left unread (streaming); the caller must close the response."""
        # identity: relay the bytes exactly as stored, with an exact Content-Length.
        spec = Spec(
            operation,
            "GET",
            template,
            path_params,
            query=query or {},
            stream=True,
            headers={"Accept": "*/*", "Accept-Encoding": "identity"},
            sensitive=sensitive,
        )
        return self._call(spec)

    @staticmethod
    def _read_rest(response: httpx.Response, operation: str) -> None:
        """Read a streamed response's (small) body fully, mapping transport failures."""
        try:
            response.read()
        except TRANSPORT_ERRORS as exc:
            raise AgilerUnavailable.lost(
                f"The answer from Agiler ({operation}) broke off: {type(exc).__name__}.",
                may_have_been_applied=False,
                operation=operation,
            ) from None
        finally:
            response.close()

    @staticmethod
    def _json(response: httpx.Response, operation: str) -> object:
        try:
            return json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise AgilerResponseError(
                f"Agiler's answer to {operation} is not valid JSON.",
                status=response.status_code,
                code="invalid_response",
                request_id=request_id_from(response.headers),
                operation=operation,
            ) from None

    def paginate(
        self, method: Callable[..., Page[T]], *args: object, **kwargs: object
    ) -> Iterator[T]:
        """Lazily yield every item of a list operation across all its pages.

        ``client.paginate(client.list_backups, project, limit=100)`` fetches the next page only
        when the previous one has been consumed.
        """
        cursor = kwargs.pop("cursor", None)
        seen: set[object] = set()
        while True:
            page = method(*args, cursor=cursor, **kwargs)
            yield from page.items
            if page.next_cursor is None:
                return
            if page.next_cursor in seen:
                raise AgilerResponseError(
                    "Agiler returned the same pagination cursor twice; stopping to avoid a loop.",
                    code="invalid_response",
                )
            seen.add(page.next_cursor)
            cursor = page.next_cursor

    # ------------------------------------------------------------------------ the call itself

    def _call(self, spec: Spec) -> httpx.Response:
        # Encode the path first: a bad segment is a ValueError before any audit or network.
        path = build_path(spec.template, spec.path_params)
        info = CallInfo(
            operation=spec.operation,
            method=spec.method,
            path=path,
            path_params=dict(spec.path_params),
            summary=dict(spec.summary),
            idempotency_key=spec.idempotency_key,
        )
        handle: object = None
        if spec.is_write:
            # May raise: then nothing is sent ("no record, no request").
            handle = self._observer.before_write(info)
        state = State()
        started = self._clock()
        try:
            response = self._attempts(spec, path, state, started)
        except AgilerError as exc:
            if spec.is_write and state.maybe_applied:
                # An earlier attempt may have been applied: the page must not say "nothing was
                # changed" whatever the last attempt answered.
                exc.may_have_been_applied = True  # type: ignore[attr-defined]
            outcome = outcome_of(state, self._ms(started), error=exc, is_write=spec.is_write)
            log_final(spec, path, outcome)
            self._report(spec, info, handle, outcome, response=None)
            raise
        except BaseException as exc:
            # A bug or an interrupt mid-call: for a write the effect is unknown.
            outcome = CallOutcome(
                "unknown",
                state.status,
                None,
                type(exc).__name__,
                state.request_id,
                self._ms(started),
                state.attempts,
            )
            self._report(spec, info, handle, outcome, response=None)
            raise
        outcome = outcome_of(state, self._ms(started), error=None, is_write=spec.is_write)
        log_final(spec, path, outcome)
        if spec.stream and spec.sensitive is not None and spec.sensitive(response):
            # A download is recorded when its stream ends (FileDownload calls this back), with
            # the bytes relayed and whether it completed: its headers prove nothing.
            response.extensions[ON_END] = self._download_reporter(info, outcome, started)
            # What a hand-off to the web server needs (FileDownload.hand_off): the address as
            # sent, below the base URL, and the token. A query would need its own encoding
            # rules; no download sends one, so such a download stays with the portal.
            queried = any(value is not None for value in spec.query.values())
            response.extensions[HAND_OFF] = HandOffSource(
                path=None if queried else path, token=self._token
            )
            return response
        self._report(spec, info, handle, outcome, response=response)
        return response

    def _download_reporter(
        self, info: CallInfo, outcome: CallOutcome, started: float
    ) -> Callable[[int, str | None, bool], None]:
        def on_end(received: int, problem: str | None, handed_off: bool) -> None:
            final = dataclasses.replace(
                outcome,
                outcome="failure" if problem else "success",
                error_code="incomplete" if problem else None,
                error_message=problem,
                duration_ms=self._ms(started),
            )
            summary: dict[str, object]
            if handed_off:
                # Agiler said yes and the web server in front fetches and sends the bytes: the
                # portal knows no more than that (completion is in the web server's log).
                summary = {**info.summary, "handed_off": True}
            else:
                summary = {**info.summary, "bytes_sent": received, "completed": problem is None}
            try:
                self._observer.sensitive_read(dataclasses.replace(info, summary=summary), final)
            except Exception:
                # The bytes are already with the browser; losing the row must not break the
                # stream's end. Log loudly (the operator sees it in the process log).
                logger.exception("audit observer failed to record download %s", info.operation)

        return on_end

    def _report(
        self,
        spec: Spec,
        info: CallInfo,
        handle: object,
        outcome: CallOutcome,
        response: httpx.Response | None,
    ) -> None:
        if spec.is_write:
            if response is not None and spec.method == "POST":
                outcome = dataclasses.replace(outcome, created_id=_created_id(response))
            try:
                self._observer.after_write(handle, outcome)
            except Exception:
                # The write already happened (or not) upstream; hiding its result from the user
                # would invite a second attempt. The intent row exists; log loudly instead.
                logger.exception(
                    "audit observer failed to record the outcome of %s", spec.operation
                )
            return
        if spec.sensitive is None or (response is not None and not spec.sensitive(response)):
            upstream_failed = (
                outcome.status is None or outcome.status in (429,) or (outcome.status >= 500)
            )
            failed_read = getattr(self._observer, "failed_read", None)
            if outcome.outcome != "success" and upstream_failed and failed_read is not None:
                # A read that failed or timed out upstream is recorded too (issue 15).
                try:
                    failed_read(info, outcome)
                except Exception:
                    logger.exception("audit observer failed to record %s", spec.operation)
            return
        self._observer.sensitive_read(info, outcome)

    def _attempts(self, spec: Spec, path: str, state: State, started: float) -> httpx.Response:
        url = self._base_url + path
        params = {k: query_value(v) for k, v in spec.query.items() if v is not None}
        headers = dict(spec.headers)
        if self._request_id:
            headers["X-Request-ID"] = self._request_id
        if spec.idempotency_key is not None:
            headers["Idempotency-Key"] = spec.idempotency_key
        if spec.upload is not None:
            headers.setdefault("Content-Type", "application/octet-stream")
            if spec.upload.length is not None:
                headers["Content-Length"] = str(spec.upload.length)
        may_retry = spec.replayable and (not spec.is_write or spec.idempotency_key is not None)
        self._budget.record_call()
        while True:
            state.attempts += 1
            attempt_started = self._clock()
            request = self._http.build_request(
                spec.method,
                url,
                params=params,
                headers=headers,
                timeout=self._timeout,
                json=spec.json_body if spec.json_body is not None else None,
                content=spec.upload.body() if spec.upload is not None else None,
            )
            try:
                response = self._http.send(request, auth=self._auth, stream=True)
            except TRANSPORT_ERRORS as exc:
                error = self._lost(spec, state, exc)
                log_attempt(spec, path, state, self._ms(attempt_started), exc=exc)
                # A pool timeout means this process is saturated: waiting again only queues
                # another request behind the same busy connections. Fail now.
                pool_full = isinstance(exc, httpx.PoolTimeout)
                delay = (
                    None if pool_full else self._retry_delay(may_retry, state, started, None, None)
                )
                if delay is None:
                    raise error from None
                self._sleep(delay)
                continue

            state.status = response.status_code
            state.request_id = request_id_from(response.headers)
            if not 200 <= response.status_code < 300:
                err = self._error_of(response, spec.operation)
                if isinstance(err, ServerError) and spec.is_write:
                    # Agiler received this attempt and failed: it may have applied it first.
                    # Whatever a later attempt answers (a 429, say), the write may exist.
                    state.maybe_applied = True
                log_attempt(spec, path, state, self._ms(attempt_started))
                retry_after = (
                    err.retry_after
                    if isinstance(err, RateLimited)
                    else (parse_retry_after(response.headers.get("retry-after")))
                )
                delay = self._retry_delay(
                    may_retry, state, started, response.status_code, retry_after
                )
                if delay is None:
                    raise err
                self._sleep(delay)
                continue

            if not spec.stream:
                try:
                    response.read()
                except TRANSPORT_ERRORS as exc:
                    # Status arrived, body lost: a write was applied; a keyed retry is replayed.
                    error = self._lost(spec, state, exc)
                    log_attempt(spec, path, state, self._ms(attempt_started), exc=exc)
                    delay = self._retry_delay(may_retry, state, started, None, None)
                    if delay is None:
                        raise error from None
                    self._sleep(delay)
                    continue
                finally:
                    response.close()
            log_attempt(spec, path, state, self._ms(attempt_started))
            return response

    def _error_of(self, response: httpx.Response, operation: str) -> AgilerError:
        try:
            response.read()
        except TRANSPORT_ERRORS:
            # The status line arrived but the error body did not: keep the status.
            response = httpx.Response(
                response.status_code, headers=response.headers, request=response.request
            )
        finally:
            response.close()
        if 300 <= response.status_code < 400 or response.status_code < 200:
            return AgilerResponseError(
                f"Agiler answered {operation} with an unexpected HTTP {response.status_code}.",
                status=response.status_code,
                request_id=request_id_from(response.headers),
                operation=operation,
            )
        return error_from_response(response, operation=operation)

    def _lost(self, spec: Spec, state: State, exc: BaseException) -> AgilerUnavailable:
        sent = not isinstance(exc, NOT_SENT)
        if spec.is_write and sent:
            state.maybe_applied = True
        what = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
        return AgilerUnavailable.lost(
            f"The request to Agiler ({spec.operation}) {what}: {type(exc).__name__}.",
            may_have_been_applied=state.maybe_applied,
            operation=spec.operation,
        )

    def _retry_delay(
        self,
        may_retry: bool,
        state: State,
        started: float,
        status: int | None,
        retry_after: float | None,
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to give up now."""
        if not may_retry or state.attempts > self._max_retries:
            return None
        if status is not None and status not in RETRYABLE_STATUSES:
            return None  # 409 means a key reused with another body; other 4xx will not change
        if retry_after is not None:
            if retry_after > self._retry_after_ceiling:
                return None  # let the page say "try again in N s" instead of hanging
            delay = retry_after
        else:
            cap = min(self._max_backoff, self._initial_backoff * 2 ** (state.attempts - 1))
            delay = max(0.0, self._jitter(cap))
        if self._clock() - started + delay > self._max_retry_time:
            return None
        if not self._budget.try_retry():
            return None  # the process's retries already add 20 % to its traffic: give up
        return delay

    # --------------------------------------------------------------------- outcome and logging
    def _ms(self, started: float) -> int:
        return max(0, int((self._clock() - started) * 1000))


def _created_id(response: httpx.Response) -> str | None:
    """The ``id`` of the object a create answered with, if its JSON body names one."""
    if "json" not in response.headers.get("content-type", ""):
        return None
    try:
        body = json.loads(response.content)
    except (ValueError, httpx.ResponseNotRead):
        return None
    ident = body.get("id") if isinstance(body, dict) else None
    return ident if isinstance(ident, str) and ident else None
