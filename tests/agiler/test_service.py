"""agiler_for(user): the user's own token, settings, and the audit observer, wired together."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.test import override_settings

from portal.agiler import AgilerClient, NoAgilerToken
from portal.tokens.service import agiler_for


@pytest.fixture
def sandbox_settings(sandbox: Any) -> Iterator[None]:
    transport = httpx.WSGITransport(app=sandbox)
    with override_settings(
        AGILER_API_URL="http://sandbox.test/v1", AGILER_TRANSPORT=transport, AGILER_MAX_RETRIES=1
    ):
        yield


def test_a_user_without_a_token_gets_no_agiler_token(make_user: Callable[..., Any]) -> None:
    user = make_user("nora", "viewer")
    with pytest.raises(NoAgilerToken):
        agiler_for(user)


def test_a_user_with_a_token_gets_a_client_acting_as_them_with_auditing(
    make_user: Callable[..., Any], sandbox_settings: None, sandbox: Any
) -> None:
    from portal.audit.models import AuditEvent
    from portal.tokens.store import token_save

    user = make_user("olga", "admin")
    token_save(user=user, token="ak_sandbox_owner")
    client = agiler_for(user)
    assert isinstance(client, AgilerClient)
    assert "ak_sandbox_owner" not in repr(client)
    assert client.get_me().effective_scopes
    events_before = AuditEvent.objects.count()
    project = client.list_projects().items[0].id
    client.create_backup(project)
    assert AuditEvent.objects.count() > events_before
