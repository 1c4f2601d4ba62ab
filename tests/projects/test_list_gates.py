"""The projects list's "New project" control follows the person's current role and token at
once: nothing about either is remembered between requests (the layout's remembered fragments
hold only what a role and the page decide)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from portal.accounts.models import User
from portal.tokens.store import token_save
from tests.helpers import CANARY, CANARY_SCOPES, client_for


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    return {"tokens": {CANARY: CANARY_SCOPES}}  # projects:read and billing:read only


def test_replacing_the_token_changes_the_new_project_control_on_the_next_page(
    operator: User, sandbox: Any
) -> None:
    token_save(user=operator, token="ak_sandbox_owner")
    client = client_for(operator)
    body = client.get(reverse("projects:list")).content.decode()
    assert 'data-testid="new-project"' in body
    token_save(user=operator, token=CANARY)
    body = client.get(reverse("projects:list")).content.decode()
    assert 'data-testid="new-project"' not in body
    assert 'disabled aria-describedby="new-project-gate">New project</button>' in body


def test_a_role_without_the_right_loses_the_control_on_the_next_page(
    operator: User, sandbox: Any
) -> None:
    token_save(user=operator, token="ak_sandbox_owner")
    client = client_for(operator)
    assert 'data-testid="new-project"' in client.get(reverse("projects:list")).content.decode()
    User.objects.filter(pk=operator.pk).update(role="support")
    body = client.get(reverse("projects:list")).content.decode()
    assert 'data-testid="new-project"' not in body and "new-project-gate" not in body


def test_a_status_agiler_adds_later_reads_in_its_own_words(operator: User, sandbox: Any) -> None:
    token_save(user=operator, token="ak_sandbox_owner")
    sandbox.inspect.first_project().status = "migrating<b>"
    body = client_for(operator).get(reverse("projects:list")).content.decode()
    assert (
        '<span class="badge bg-secondary-lt" data-testid="status-badge">Migrating&lt;b&gt;</span>'
        in body
    )
