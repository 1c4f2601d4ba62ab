"""Deactivation, a role change and a password change end the person's other sessions
(issue 15, item 6): the old cookie must not work again after reactivation. Each holds with
sessions in the database and with sessions cached (``cached_db``, production with Redis), where
a session's cached copy must end with its row."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

from portal.audit.models import AuditEvent
from tests.helpers import PASSWORD, client_for


@pytest.fixture(autouse=True, params=["db", "cached_db"])
def session_engine(request, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{request.param}"


def test_a_deactivated_persons_cookie_does_not_work_after_reactivation(admin, operator) -> None:  # type: ignore[no-untyped-def]
    victim = client_for(operator)
    assert victim.get("/").status_code == 200
    client_for(admin).post("/accounts/people/user/otto/active/", {"active": "0"})
    client_for(admin).post("/accounts/people/user/otto/active/", {"active": "1"})
    operator.refresh_from_db()
    assert operator.is_active
    # Reactivated, but the old session is gone: sign in again.
    assert victim.get("/").status_code == 302
    event = AuditEvent.objects.filter(action="users.deactivated").get()
    assert '"sessions_ended":1' in event.summary_json


def test_a_role_change_ends_the_persons_sessions(admin, operator) -> None:  # type: ignore[no-untyped-def]
    victim = client_for(operator)
    assert victim.get("/").status_code == 200
    client_for(admin).post("/accounts/people/user/otto/role/", {"role": "support"})
    assert victim.get("/").status_code == 302


def test_an_admin_changing_their_own_role_stays_signed_in_here(admin, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("grace", "admin")
    here, elsewhere = client_for(admin), client_for(admin)
    here.post("/accounts/people/user/ada/role/", {"role": "operator"})
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(operator) -> None:  # type: ignore[no-untyped-def]
    here, elsewhere = client_for(operator), client_for(operator)
    assert Session.objects.count() == 2
    response = here.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-new-pass-77",
            "new_password2": "a-much-longer-new-pass-77",
        },
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert Session.objects.count() == 1
    event = AuditEvent.objects.filter(action="auth.password_changed").get()
    assert event.actor_username == "otto" and event.outcome == "success"


def test_a_session_cached_again_before_the_ending_commits_does_not_outlive_it(  # type: ignore[no-untyped-def]
    operator, settings, django_capture_on_commit_callbacks
) -> None:
    """A request from the session that arrives between the deletion and its commit still reads
    its row and caches it afresh; that copy must go too once the deletion commits."""
    from importlib import import_module

    from django.core.cache import caches

    from portal.accounts.sessions import end_sessions

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    store = import_module(settings.SESSION_ENGINE).SessionStore
    victim = client_for(operator)
    assert victim.get("/").status_code == 200
    key = victim.session.session_key
    data = store(session_key=key).load()
    cache = caches[settings.SESSION_CACHE_ALIAS]
    with django_capture_on_commit_callbacks(execute=True):
        assert end_sessions(operator) == 1
        cache.set(store.cache_key_prefix + key, data, 300)  # the racing request's copy
    assert victim.get("/").status_code == 302
