"""The second gate: controls the token's scopes do not cover are disabled, naming the scope."""

from __future__ import annotations

from django.template import engines

from portal.accounts.models import User
from portal.tokens.scopes import effective_scopes
from portal.tokens.store import token_save
from tests.helpers import CANARY, render_as

BUTTON = engines["django"].from_string(
    '{% scope_gate "projects.backups:write" as gate %}'
    "<button{% if not gate.allowed %} disabled{% endif %}>Restore</button>"
    "{% if not gate.allowed %}<p>{{ gate.reason }}</p>{% endif %}"
)


def render_for(user: User) -> str:
    return render_as(BUTTON, user)


def test_a_control_the_token_lacks_the_scope_for_is_disabled_and_names_it(
    operator: User, sandbox
) -> None:  # type: ignore[no-untyped-def]
    token_save(user=operator, token=CANARY)  # projects:read and billing:read only
    html = render_for(operator)
    assert "<button disabled>" in html
    assert (
        "Your Agiler token can&#x27;t take backups. "
        "Ask the account owner for a token with backup access." in html
    )


def test_a_control_the_token_covers_is_enabled(operator: User, sandbox) -> None:  # type: ignore[no-untyped-def]
    token_save(user=operator, token="ak_sandbox_owner")
    html = render_for(operator)
    assert "<button>" in html and "can&#x27;t" not in html


def test_without_a_token_the_control_asks_for_one(operator: User, sandbox) -> None:  # type: ignore[no-untyped-def]
    assert "Save your Agiler token first" in render_for(operator)


def test_scopes_are_cached_and_forgotten_when_the_token_changes(operator: User, sandbox) -> None:  # type: ignore[no-untyped-def]
    token_save(user=operator, token=CANARY)
    fresh = User.objects.get(pk=operator.pk)
    assert effective_scopes(fresh) is not None
    assert "projects.backups:write" not in effective_scopes(fresh)  # type: ignore[operator]
    token_save(user=operator, token="ak_sandbox_owner")
    assert "projects.backups:write" in effective_scopes(User.objects.get(pk=operator.pk))  # type: ignore[operator]
