"""Agiler's 413 said in words: the file's size and Agiler's limit, nothing uploaded."""

from __future__ import annotations

from typing import Any

import pytest

from tests.files.test_upload import _send
from tests.helpers import client_for


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    return {"max_upload_bytes": 1024 * 1024}


def test_agilers_size_limit_is_said_in_words(tokened_cast, project) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tokened_cast["operator"])
    response = _send(client, project, "", "video.mp4", b"v" * (2 * 1024 * 1024))
    assert response.status_code == 413
    message = response.json()["message"]
    assert message == (
        "“video.mp4” (2.0 MiB) is larger than Agiler accepts. Agiler accepts files of up to "
        "1.0 MiB. Nothing was uploaded."
    )
