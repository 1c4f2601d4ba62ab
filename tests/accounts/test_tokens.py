"""Saving, replacing, removing and using a person's Agiler token; rotation; the 401 banner."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from portal.accounts.models import AgilerToken, User
from portal.audit.models import AuditEvent
from portal.tokens.crypto import generate_key_entry
from portal.tokens.store import token_for, token_seed
from tests.helpers import CANARY, client_for

if TYPE_CHECKING:
    from django.test import RequestFactory
    from django.test.client import _MonkeyPatchedWSGIResponse
    from pytest_django.fixtures import Settings

    from agiler_sandbox import Sandbox

TOKEN_URL = "/accounts/token/"


def save(user: User, token: str) -> _MonkeyPatchedWSGIResponse:
    return client_for(user).post(TOKEN_URL, {"token": token})


def actions(user: User) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor_id=user.pk, action__startswith="tokens.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_valid_token_is_saved_and_shows_identity_and_scopes(
    operator: User, sandbox: Sandbox
) -> None:
    response = save(operator, "ak_sandbox_owner")
    assert response.status_code == 302
    row = AgilerToken.objects.get(user=operator)
    assert row.agiler_email and row.key_id == "test1"
    page = client_for(operator).get(TOKEN_URL).content.decode()
    assert row.agiler_email in page
    assert "projects.backups:write" in page
    assert "Take, restore and delete backups" in page
    assert "ak_sandbox_owner" not in page
    assert row.fingerprint in page and row.fingerprint.startswith("…wner · ")
    assert token_for(operator) == "ak_sandbox_owner"
    assert "tokens.saved" in actions(operator)


def test_an_invalid_token_is_refused_with_a_clear_error_and_nothing_saved(
    operator: User, sandbox: Sandbox
) -> None:
    response = save(operator, "ak_not_a_real_token_123")
    assert response.status_code == 400
    assert "Agiler did not accept this token" in response.content.decode()
    assert b"ak_not_a_real_token_123" not in response.content
    assert not AgilerToken.objects.filter(user=operator).exists()
    event = AuditEvent.objects.get(actor_id=operator.pk, action="tokens.saved")
    assert event.outcome == "failure"


def test_garbage_is_refused_before_asking_agiler(operator: User, sandbox: Sandbox) -> None:
    response = save(operator, "has spaces in it")
    assert response.status_code == 400
    assert "does not look like an Agiler API token" in response.content.decode()


def test_replacing_a_token_switches_identity_and_scopes(operator: User, sandbox: Sandbox) -> None:
    save(operator, "ak_sandbox_owner")
    first = AgilerToken.objects.get(user=operator)
    save(operator, CANARY)
    second = AgilerToken.objects.get(user=operator)
    assert second.pk == first.pk and second.replaced_at is not None
    assert second.fingerprint != first.fingerprint
    assert token_for(operator) == CANARY
    page = client_for(operator).get(TOKEN_URL).content.decode()
    assert "projects.backups:write" in page  # listed, but now under "Not allowed"
    assert actions(operator)[-1] == "tokens.replaced"


def test_removing_a_token_forgets_it(operator: User, sandbox: Sandbox) -> None:
    save(operator, "ak_sandbox_owner")
    response = client_for(operator).post(reverse("accounts:token_remove"))
    assert response.status_code == 302
    assert token_for(operator) is None
    assert not AgilerToken.objects.filter(user=operator).exists()
    assert actions(operator)[-1] == "tokens.removed"


def test_a_ciphertext_moved_to_another_users_row_does_not_decrypt(
    operator: User, finance: User, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    save(operator, "ak_sandbox_owner")
    save(finance, "ak_sandbox_finance")
    stolen = AgilerToken.objects.get(user=operator)
    AgilerToken.objects.filter(user=finance).update(
        ciphertext=stolen.ciphertext, nonce=stolen.nonce, key_id=stolen.key_id
    )
    assert token_for(finance) is None
    assert "cannot be decrypted" in caplog.text
    assert token_for(operator) == "ak_sandbox_owner"


def test_rotation_with_two_keys(cast: dict[str, User], settings: Settings) -> None:
    old, new = generate_key_entry("old"), generate_key_entry("new")
    settings.PORTAL_TOKEN_KEYS = old
    for user in cast.values():
        token_seed(user=user, token=f"ak_sandbox_{user.username}_token")
    assert set(AgilerToken.objects.values_list("key_id", flat=True)) == {"old"}

    settings.PORTAL_TOKEN_KEYS = f"{new},{old}"
    # Before rotation, old ciphertexts still decrypt; new saves use the new key.
    assert token_for(cast["admin"]) == "ak_sandbox_ada_token"
    out = io.StringIO()
    call_command("rotate_token_keys", stdout=out)
    assert "4 re-encrypted, 0 already current, 0 unreadable" in out.getvalue()
    assert set(AgilerToken.objects.values_list("key_id", flat=True)) == {"new"}

    settings.PORTAL_TOKEN_KEYS = new  # the old key can now go
    # Each later request loads the person (and their token row) afresh.
    later = [User.objects.get(pk=u.pk) for u in cast.values()]
    assert {token_for(u) for u in later} == {
        f"ak_sandbox_{u.username}_token" for u in cast.values()
    }
    call_command("check_token_keys", stdout=io.StringIO())


def test_a_token_under_an_unknown_key_is_reported_not_used(
    operator: User, settings: Settings
) -> None:
    settings.PORTAL_TOKEN_KEYS = generate_key_entry("gone")
    token_seed(user=operator, token="ak_sandbox_owner")
    settings.PORTAL_TOKEN_KEYS = generate_key_entry("current")
    assert token_for(operator) is None
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 stored token"):
        call_command("check_token_keys", stdout=out)
    assert "UNREADABLE user=otto" in out.getvalue()
    assert "'gone'" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("rotate_token_keys", stdout=io.StringIO())
    page = client_for(operator).get(TOKEN_URL).content.decode()
    assert "can no longer read your saved token" in page


def test_a_revoked_token_shows_a_banner_and_is_audited(operator: User, sandbox: Sandbox) -> None:
    token_seed(user=operator, token="ak_revoked_long_ago_0001")  # unknown to the sandbox: 401
    client = client_for(operator)
    assert b"token-rejected-banner" not in client.get("/").content
    client.get(TOKEN_URL)  # asks Agiler for the scopes: 401
    home = client.get("/").content.decode()
    assert "Agiler refused your token" in home
    assert actions(operator).count("tokens.rejected") == 1
    save(operator, "ak_sandbox_owner")
    assert b"token-rejected-banner" not in client.get("/").content


def test_the_agiler_error_page_for_401_marks_the_token(
    operator: User, sandbox: Sandbox, rf: RequestFactory
) -> None:
    from portal.agiler.errors import Unauthorized
    from portal.core.agiler_errors import agiler_error_response

    token_seed(user=operator, token="ak_sandbox_owner")
    request = rf.get("/projects/")
    request.user = operator
    request.htmx = False  # type: ignore[attr-defined]  # stands in for django-htmx's middleware
    with override_settings(MIDDLEWARE=[]):
        agiler_error_response(request, Unauthorized())
    assert AgilerToken.objects.get(user=operator).rejected_at is not None


def test_seed_demo_gives_each_role_its_sandbox_token(db: None, settings: Settings) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    tokens = {u.username: token_for(u) for u in User.objects.all()}
    assert tokens == {
        "admin": "ak_sandbox_owner",
        "operator": "ak_sandbox_owner",
        "finance": "ak_sandbox_finance",
        "support": "ak_sandbox_support",
    }


def _age_rejection(user: User, seconds: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    AgilerToken.objects.filter(user=user).update(
        rejected_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_a_token_agiler_accepts_again_loses_the_rejected_flag(
    operator: User, sandbox: Sandbox
) -> None:
    from portal.tokens.scope_cache import SCOPES_TTL
    from portal.tokens.scopes import scope_gate
    from portal.tokens.store import mark_token_rejected

    token_seed(user=operator, token="ak_sandbox_owner")
    mark_token_rejected(operator)  # one 401 from an upstream hiccup
    client = client_for(operator)
    assert "Agiler refused your token" in client.get("/").content.decode()
    # just refused: not asked again at once, the control stays closed
    assert not scope_gate(User.objects.get(pk=operator.pk), "projects:write").allowed

    _age_rejection(operator, SCOPES_TTL + 1)
    assert scope_gate(User.objects.get(pk=operator.pk), "projects:write").allowed
    assert AgilerToken.objects.get(user=operator).rejected_at is None
    assert b"token-rejected-banner" not in client.get("/").content


def test_the_banner_itself_re_asks_agiler_once_the_rejection_is_old(
    operator: User, sandbox: Sandbox
) -> None:
    from portal.tokens.scope_cache import SCOPES_TTL
    from portal.tokens.store import mark_token_rejected

    token_seed(user=operator, token="ak_sandbox_owner")
    mark_token_rejected(operator)
    _age_rejection(operator, SCOPES_TTL + 1)
    assert b"token-rejected-banner" not in client_for(operator).get("/").content
    assert AgilerToken.objects.get(user=operator).rejected_at is None


def test_a_token_still_refused_stays_rejected_and_is_audited_once(
    operator: User, sandbox: Sandbox
) -> None:
    from portal.tokens.scope_cache import SCOPES_TTL
    from portal.tokens.scopes import scope_gate

    token_seed(user=operator, token="ak_revoked_long_ago_0001")
    client = client_for(operator)
    client.get(TOKEN_URL)  # 401: rejected
    _age_rejection(operator, SCOPES_TTL + 1)
    assert not scope_gate(User.objects.get(pk=operator.pk), "projects:read").allowed
    assert "Agiler refused your token" in client.get("/").content.decode()
    assert AgilerToken.objects.get(user=operator).rejected_at is not None
    assert actions(operator).count("tokens.rejected") == 1
