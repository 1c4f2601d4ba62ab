"""Audited exports are services: the view streams what a keyword-only-actor service recorded."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from portal.audit.export import audit_export
from portal.billing.services import transactions_export
from portal.logs.exports import logs_export
from portal.sql.exports import result_export
from portal.usage.exports import usage_export
from portal.workspaces.exports import members_export

EXPORTS = [
    audit_export,
    transactions_export,
    logs_export,
    result_export,
    usage_export,
    members_export,
]


@pytest.mark.parametrize("service", EXPORTS, ids=lambda f: f.__name__)
def test_every_export_service_takes_only_keyword_arguments_and_an_actor(
    service: Callable[..., Any],
) -> None:
    parameters = inspect.signature(service).parameters
    assert "actor" in parameters and "request" in parameters
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())


def test_no_view_records_an_export_by_hand() -> None:
    portal = Path(__file__).resolve().parents[2] / "portal"
    hand_made = [
        str(path.relative_to(portal))
        for path in portal.rglob("views*.py")
        if re.search(r"Action\.\w*EXPORT", path.read_text(encoding="utf-8"))
    ]
    assert hand_made == []
