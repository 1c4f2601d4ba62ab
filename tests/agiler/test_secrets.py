"""The API token never appears in a log line, repr, error message or traceback locals."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

import httpx
import pytest

from portal.agiler import AgilerClient, AgilerError, Secret
from tests.helpers import error_json

CANARY = "ak_canary_3f9d7c1e5b"


def test_the_token_is_sent_as_bearer_but_never_logged_or_shown(
    wire_client: Callable[..., AgilerClient], caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        if request.method == "DELETE":
            raise httpx.ReadTimeout("lost")
        return httpx.Response(401, json=error_json("unauthorized", "bad token"))

    client = wire_client(handler, token=CANARY, max_retries=1)
    caplog.set_level(logging.DEBUG, logger="portal.agiler")
    captured: list[str] = []
    for call in (lambda: client.get_me(), lambda: client.delete_project("p")):
        try:
            call()
        except AgilerError as exc:
            captured += [str(exc), repr(exc)]
            captured.append(_client_frames_with_locals(exc))
    assert seen and all(value == f"Bearer {CANARY}" for value in seen)
    assert caplog.records, "the client should log its calls"
    everything = "\n".join([caplog.text, repr(client), str(client), *captured])
    assert CANARY not in everything


def _client_frames_with_locals(exc: BaseException) -> str:
    """The traceback frames inside portal/agiler, with their local variables rendered."""
    summary = traceback.TracebackException.from_exception(exc, capture_locals=True).stack
    frames = [frame for frame in summary if "portal/agiler" in frame.filename]
    assert frames, "the traceback should reach into the client"
    return "\n".join(f"{f.name}: {f.locals}" for f in frames)


def test_secret_masks_its_value_everywhere_but_reveal() -> None:
    secret = Secret(CANARY)
    assert CANARY not in f"{secret} {secret!r} {secret!s} {secret:>40}"
    assert secret.reveal() == CANARY
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(secret)


def test_a_cookie_set_on_one_users_call_never_rides_on_anothers() -> None:
    """All users share one pooled httpx client: it must keep no cookie jar between calls."""
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.headers["Authorization"], request.headers.get("Cookie")))
        return httpx.Response(
            200,
            json={
                "id": "01935d3d-9d8c-7a30-9b1f-3b3a8e1c5a2f",
                "name": "n",
                "email": "e@x.test",
                "created_at": "2026-01-01T00:00:00Z",
                "effective_scopes": [],
            },
            headers={"Set-Cookie": "agiler_session=SESSION-OF-CALLER; Path=/"},
        )

    transport = httpx.MockTransport(handler)
    alice = AgilerClient(base_url="https://api.test/v1", token="ak_alice", transport=transport)
    bob = AgilerClient(base_url="https://api.test/v1", token="ak_bobby", transport=transport)
    alice.get_me()
    bob.get_me()
    alice.get_me()
    assert [cookie for _auth, cookie in seen] == [None, None, None]
