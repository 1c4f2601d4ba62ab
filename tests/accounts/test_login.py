"""Signing in and out, and the commands that create portal users."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from portal.accounts.models import User
from tests.conftest import PASSWORD, client_for

ROOT = Path(__file__).resolve().parents[2]


def test_correct_password_signs_in_and_lands_on_home(operator: User) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "otto", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert b"Operator" in home.content


def test_wrong_password_is_refused_with_a_message(operator: User) -> None:
    response = Client().post("/accounts/login/", {"username": "otto", "password": "nope"})
    assert response.status_code == 200
    assert b"do not match an active portal account" in response.content


def test_deactivated_user_cannot_sign_in(outsider: User) -> None:
    response = Client().post("/accounts/login/", {"username": "olga", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in Client().session


def test_sign_out_requires_post_and_ends_the_session(finance: User) -> None:
    client = client_for(finance)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_the_login_page_shows_demo_hints_only_in_demo_mode(db: None) -> None:
    with override_settings(DEBUG=True):
        assert b"agiler-demo" in Client().get("/accounts/login/").content
    with override_settings(DEBUG=False):
        assert b"agiler-demo" not in Client().get("/accounts/login/").content


def test_sessions_expire_after_inactivity() -> None:
    from django.conf import settings

    # Activity pushes the expiry forward (SessionRefreshMiddleware), at most once a minute.
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert 0 < settings.PORTAL_SESSION_REFRESH_SECONDS <= settings.SESSION_COOKIE_AGE // 10


def test_create_portal_user_reads_the_password_from_stdin(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-enough-passphrase\n"))
    call_command("create_portal_user", "fin2", "--role", "finance", "--password-stdin")
    user = User.objects.get(username="fin2")
    assert user.role == "finance"
    assert user.check_password("a-long-enough-passphrase")


def test_create_portal_user_refuses_a_weak_password_and_an_unknown_role(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_portal_user", "weak", "--role", "support", "--password-stdin")
    assert not User.objects.filter(username="weak").exists()
    with pytest.raises(CommandError):
        call_command("create_portal_user", "x", "--role", "wizard", "--password-stdin")


def test_seed_demo_creates_one_user_per_role(db: None) -> None:
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {
        "admin": "admin",
        "operator": "operator",
        "finance": "finance",
        "support": "support",
    }
    assert User.objects.get(username="finance").check_password("agiler-demo")


def test_seed_demo_refuses_to_run_with_debug_off(db: None) -> None:
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="refuses"):
        call_command("seed_demo")
    assert not User.objects.exists()


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "PORTAL_DEBUG": "false",
    "PORTAL_SECRET_KEY": "k" * 20 + "9f8e7d6c5b4a3928171605f4e3d2c1b0a9f8e7d6c5b4a39",
    "PORTAL_TOKEN_KEYS": "prod1:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "PORTAL_ALLOWED_HOSTS": "portal.example.com",
    "PORTAL_AUDIT_HMAC_KEY": "audit-hmac-key-for-the-deploy-check-0123456789",
}


def test_with_debug_off_the_app_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "PORTAL_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "PORTAL_SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_plain_http_agiler_url() -> None:
    result = _manage("check", env={**PRODUCTION_ENV, "AGILER_API_URL": "http://api.agiler.io/v1"})
    assert result.returncode != 0
    assert "AGILER_API_URL must use https://" in result.stderr


def test_a_non_finite_timeout_is_refused_at_start() -> None:
    result = _manage("check", env={"PORTAL_DEBUG": "true", "AGILER_TIMEOUT_READ": "nan"})
    assert result.returncode != 0
    assert "AGILER_TIMEOUT_READ must be a finite number" in result.stderr


def test_changing_the_password_signs_other_sessions_out_as_the_page_says(operator: User) -> None:
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post("/accounts/login/", {"username": "otto", "password": PASSWORD})
    page = here.get("/accounts/password/").content.decode()
    assert "signs you out everywhere else" in page
    assert "stay signed in until they expire" not in page
    new = "a-brand-new-passphrase-77"
    response = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302  # back to the sign-in page


@pytest.mark.parametrize("username", ["ops/bot", "ops bot", "ops?x"])
def test_create_portal_user_refuses_a_username_the_web_form_refuses(
    db: None, monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-enough-passphrase\n"))
    with pytest.raises(CommandError, match="username"):
        call_command("create_portal_user", username, "--role", "support", "--password-stdin")
    assert not User.objects.exists()


def test_create_portal_user_refuses_a_username_differing_only_in_case(
    operator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-enough-passphrase\n"))
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_portal_user", "OTTO", "--role", "admin", "--password-stdin")
    assert list(User.objects.values_list("username", flat=True)) == ["otto"]


def test_create_portal_user_is_audited_without_an_actor(
    admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.audit.models import AuditEvent

    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-enough-passphrase\n"))
    call_command("create_portal_user", "ops.bot", "--role", "support", "--password-stdin")
    event = AuditEvent.objects.get(action="users.created")
    assert (event.actor_id, event.actor_username, event.target_label) == (None, "", "ops.bot")
    assert event.summary["role"] == "support"
    assert "a-long-enough-passphrase" not in event.summary_json
    # the People page lists the new person (a bad username used to make it a 500)
    assert "ops.bot" in client_for(admin).get("/accounts/people/").content.decode()
    assert not User.objects.get(username="ops.bot").must_change_password
