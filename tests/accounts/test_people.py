"""Admins manage portal users; the last active admin is protected; every change is audited."""

from __future__ import annotations

from django.test import Client

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from tests.helpers import client_for


def last_action() -> str:
    return AuditEvent.objects.exclude(action__startswith="auth.").latest("id").action


def test_an_admin_creates_a_person_who_must_change_the_one_time_password(admin: User) -> None:
    response = client_for(admin).post(
        "/accounts/people/new/", {"username": "newbie", "role": "support", "email": "n@x.test"}
    )
    assert response.status_code == 200
    user = User.objects.get(username="newbie")
    assert user.role == "support" and user.must_change_password
    password = response.context["password"]
    assert password in response.content.decode()
    assert last_action() == "users.created"
    assert password not in str(AuditEvent.objects.latest("id").summary)

    client = Client()
    client.post("/accounts/login/", {"username": "newbie", "password": password})
    assert client.get("/").headers["Location"] == "/accounts/password/"
    client.post(
        "/accounts/password/",
        {
            "old_password": password,
            "new_password1": "a-much-better-passphrase",
            "new_password2": "a-much-better-passphrase",
        },
    )
    assert client.get("/").status_code == 200


def test_an_admin_changes_a_role(admin: User, operator: User) -> None:
    client_for(admin).post("/accounts/people/user/otto/role/", {"role": "finance"})
    operator.refresh_from_db()
    assert operator.role == "finance"
    event = AuditEvent.objects.filter(action="users.role_changed").get()
    assert event.summary["from"] == "operator" and event.summary["to"] == "finance"


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(admin: User) -> None:
    client = client_for(admin)
    response = client.post("/accounts/people/user/ada/role/", {"role": "support"}, follow=True)
    assert "last active admin" in response.content.decode()
    response = client.post("/accounts/people/user/ada/active/", {"active": "0"}, follow=True)
    assert "last active admin" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == "admin" and admin.is_active


def test_with_a_second_admin_one_may_step_down(admin: User, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("grace", "admin")
    client_for(admin).post("/accounts/people/user/ada/role/", {"role": "operator"})
    admin.refresh_from_db()
    assert admin.role == "operator"


def test_deactivating_ends_access_and_reactivating_restores_it(admin: User, operator: User) -> None:
    victim = client_for(operator)
    assert victim.get("/").status_code == 200
    client_for(admin).post("/accounts/people/user/otto/active/", {"active": "0"})
    assert victim.get("/").status_code == 302
    assert last_action() == "users.deactivated"
    client_for(admin).post("/accounts/people/user/otto/active/", {"active": "1"})
    operator.refresh_from_db()
    assert operator.is_active
    assert last_action() == "users.reactivated"


def test_people_page_lists_everyone_for_admins_only(admin: User, operator: User) -> None:
    page = client_for(admin).get("/accounts/people/").content.decode()
    assert "otto" in page and "ada" in page
    assert client_for(operator).get("/accounts/people/").status_code == 403


def test_the_mfa_requirement_is_an_audited_admin_setting(admin: User, operator: User) -> None:
    client_for(admin).post("/accounts/people/policy/", {"require_mfa": "on"})
    assert last_action() == "mfa.policy_changed"
    response = client_for(operator).get("/")
    assert response.headers["Location"] == "/accounts/two-factor/"


def test_saving_the_mfa_policy_unchanged_says_nothing_changed(admin: User) -> None:
    client = client_for(admin)
    response = client.post("/accounts/people/policy/", {}, follow=True)  # already optional
    page = response.content.decode()
    assert "Nothing changed: two-factor sign-in was already optional." in page
    assert "is now optional" not in page
    assert not AuditEvent.objects.filter(action="mfa.policy_changed").exists()
    page = client.post("/accounts/people/policy/", {"require_mfa": "on"}, follow=True)
    assert "now required for everyone" in page.content.decode()


def test_only_the_last_admins_page_says_they_cannot_be_demoted(
    admin: User, operator: User, make_user
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(admin)
    assert (
        'data-testid="last-admin"'
        in client.get(f"/accounts/people/user/{admin.username}/").content.decode()
    )
    assert (
        'data-testid="last-admin"'
        not in client.get(f"/accounts/people/user/{operator.username}/").content.decode()
    )
    make_user("second", "admin")
    assert (
        'data-testid="last-admin"'
        not in client.get(f"/accounts/people/user/{admin.username}/").content.decode()
    )


def test_people_pages_use_the_same_breadcrumbs_as_every_page(admin: User, operator: User) -> None:
    client = client_for(admin)
    for url in ("/accounts/people/new/", f"/accounts/people/user/{operator.username}/"):
        body = client.get(url).content.decode()
        assert '<nav aria-label="Breadcrumb">' in body and "breadcrumb-arrows" in body, url
        assert 'href="/accounts/people/">People</a>' in body, url
