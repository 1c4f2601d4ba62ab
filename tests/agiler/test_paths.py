"""Path parameters are percent-encoded, and unsafe ones are refused before anything is sent."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from portal.agiler import AgilerClient
from portal.agiler.paths import build_path, encode_file_path, encode_id


def test_an_id_is_one_segment_with_slashes_and_spaces_encoded() -> None:
    assert encode_id("a/b c") == "a%2Fb%20c"


def test_file_paths_keep_their_slashes_and_encode_each_segment() -> None:
    assert encode_file_path("wp-content/my uploads/naïve.txt") == (
        "wp-content/my%20uploads/na%C3%AFve.txt"
    )


def test_a_leading_and_trailing_slash_on_a_file_path_are_tolerated() -> None:
    assert encode_file_path("/wp-content/themes/") == "wp-content/themes"


@pytest.mark.parametrize("bad", ["..", "a/../b", "./a", "a//b", "", "/", "a/./b"])
def test_dot_and_empty_file_path_segments_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        encode_file_path(bad)


@pytest.mark.parametrize("bad", ["", ".", ".."])
def test_dot_and_empty_ids_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        encode_id(bad)


def test_build_path_encodes_ids_fully_and_file_paths_per_segment() -> None:
    path = build_path("/projects/{project}/files/{path}", {"project": "p 1", "path": "a b/c"})
    assert path == "/projects/p%201/files/a%20b/c"


def test_a_traversal_path_is_refused_before_any_request_or_audit(
    wire_client: Callable[..., AgilerClient], observer: object
) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    client = wire_client(handler)
    with pytest.raises(ValueError):
        client.delete_file("p", "wp-content/../../etc/passwd")
    assert sent == []
    assert observer.events == []  # type: ignore[attr-defined]


def test_non_ascii_names_reach_the_wire_percent_encoded(
    wire_client: Callable[..., AgilerClient],
) -> None:
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path)
        return httpx.Response(204)

    wire_client(handler).delete_file("p", "uploads/Ünïcode file.txt")
    assert seen == [b"/v1/projects/p/files/uploads/%C3%9Cn%C3%AFcode%20file.txt"]
