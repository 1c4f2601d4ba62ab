"""Every error answer becomes the right AgilerError subclass, built in one place."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from portal.agiler import (
    AgilerClient,
    AgilerError,
    AgilerResponseError,
    BadRequest,
    Conflict,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    PreconditionFailed,
    RateLimited,
    ServerError,
    Unauthorized,
)
from portal.agiler.errors import error_from_response, parse_retry_after
from tests.helpers import error_json


def response(status: int, body: bytes | None = None, **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        content=body or b"",
        headers=headers,
        request=httpx.Request("GET", "https://agiler.test/v1/x"),
    )


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequest),
        (401, Unauthorized),
        (403, PermissionDenied),
        (404, NotFound),
        (409, Conflict),
        (412, PreconditionFailed),
        (413, PayloadTooLarge),
        (429, RateLimited),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
    ],
)
def test_each_status_maps_to_its_error_class(status: int, cls: type[AgilerError]) -> None:
    import json

    body = json.dumps(error_json("some_code", "Something specific")).encode()
    error = error_from_response(response(status, body, **{"X-Request-Id": "req-1"}))
    assert type(error) is cls
    assert (error.status, error.code, error.message, error.request_id) == (
        status,
        "some_code",
        "Something specific",
        "req-1",
    )


def test_a_404_keeps_resource_and_id_from_the_error_payload() -> None:
    import json

    body = json.dumps(
        error_json("not_found", "no such backup", resource="backup", id="b-1")
    ).encode()
    error = error_from_response(response(404, body))
    assert (error.resource, error.id) == ("backup", "b-1")


@pytest.mark.parametrize(
    "body", [b"<html>Bad Gateway</html>", b"{not json", b"[]", b'{"error": "flat string"}', b""]
)
def test_a_non_json_or_malformed_error_body_still_gives_a_clear_error(body: bytes) -> None:
    error = error_from_response(response(502, body))
    assert isinstance(error, ServerError)
    assert error.status == 502
    assert error.code is None
    assert "502" in error.message


def test_an_unmapped_4xx_is_a_plain_agiler_error_with_its_status() -> None:
    error = error_from_response(response(418, b""))
    assert type(error) is AgilerError and error.status == 418  # (422 is Unprocessable)


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_error_str_names_status_code_field_and_request_id() -> None:
    error = BadRequest(
        "name must not be empty",
        status=400,
        code="invalid_argument",
        field="name",
        request_id="r-9",
    )
    assert (
        str(error) == "[400 invalid_argument] name must not be empty (field name) [request id r-9]"
    )


def test_a_success_body_that_is_not_json_is_a_response_error(
    wire_client: Callable[..., AgilerClient],
) -> None:
    client = wire_client(lambda request: httpx.Response(200, content=b'{"id": "p", "na'))
    with pytest.raises(AgilerResponseError) as caught:
        client.get_project("p")
    assert caught.value.status == 200
    assert "not valid JSON" in caught.value.message


def test_a_redirect_is_not_followed_but_reported(
    wire_client: Callable[..., AgilerClient],
) -> None:
    client = wire_client(lambda request: httpx.Response(302, headers={"Location": "/login"}))
    with pytest.raises(AgilerResponseError) as caught:
        client.get_me()
    assert caught.value.status == 302
