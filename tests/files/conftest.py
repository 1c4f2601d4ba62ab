"""Files tests: the seeded sandbox in-process, the cast with their role's token, and a client
straight to the sandbox to put files in place and check what Agiler holds."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from django.urls import reverse

from portal.agiler import AgilerClient

BASE_URL = "http://sandbox.test/v1"


@pytest.fixture
def direct(sandbox: Any) -> AgilerClient:
    return AgilerClient(
        base_url=BASE_URL,
        token="ak_sandbox_owner",
        transport=httpx.WSGITransport(app=sandbox),
        max_retries=0,
    )


@pytest.fixture
def project(sandbox: Any) -> Any:
    """The first seeded project (a small WordPress tree)."""
    return next(iter(sandbox.state.projects.values()))


def stored(direct: AgilerClient, project: Any, path: str) -> bytes:
    result = direct.get_file(project.id, path)
    assert not hasattr(result, "items"), f"{path} is a folder"
    with result as download:  # type: ignore[union-attr]
        return b"".join(download.iter_bytes())


def browse(project: Any, path: str = "", *, folder: bool = True) -> str:
    if not path:
        return reverse("files:browse", kwargs={"project": project.id})
    url = reverse("files:path", kwargs={"project": project.id, "path": path})
    return url + "/" if folder else url
